// The data loaders on a file of these bytes. Byte 0 chooses LIBSVM, CSV, IDX images (with valid
// labels), IDX labels (with valid images) or an energy.availability file (8 workers).
#include "data/loaders.h"
#include "fuzz-util.h"

using namespace airgrad;

namespace {

/// A valid IDX pair of 2 images of 2 x 2 pixels.
const std::vector<uint8_t> kImages = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8};
const std::vector<uint8_t> kLabels = {0, 0, 8, 1, 0, 0, 0, 2, 3, 7};

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
    {
        return 0;
    }
    const uint8_t which = data[0] % 5;
    const fuzz::MemoryFile file(data + 1, size - 1);
    try
    {
        if (which == 0)
        {
            LoadLibsvm(file.Path(), 1000);
        }
        else if (which == 1)
        {
            LoadCsv(file.Path(), "label", 1000);
        }
        else if (which == 4)
        {
            LoadAvailability(file.Path(), 8);
        }
        else
        {
            const fuzz::MemoryFile images(kImages.data(), kImages.size());
            const fuzz::MemoryFile labels(kLabels.data(), kLabels.size());
            if (which == 2)
            {
                LoadIdx(file.Path(), labels.Path(), 1000);
            }
            else
            {
                LoadIdx(images.Path(), file.Path(), 1000);
            }
        }
    }
    catch (const std::runtime_error&)
    {
    }
    catch (const std::invalid_argument&)
    {
    }
    return 0;
}
