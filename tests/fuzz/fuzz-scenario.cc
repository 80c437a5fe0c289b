// A scenario file of these bytes, read and resolved as `airgrad run` does, and as a sweep file.
#include "fuzz-util.h"
#include "scenario/scenario-config.h"

using namespace airgrad;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const fuzz::MemoryFile file(data, size);
    try
    {
        LoadScenario(file.Path(), {});
    }
    catch (const std::invalid_argument&)
    {
    }
    try
    {
        LoadSweep(file.Path(), 100);
    }
    catch (const std::invalid_argument&)
    {
    }
    return 0;
}
