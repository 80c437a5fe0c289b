// Helpers shared by the fuzz targets (tests/fuzz): each target defines LLVMFuzzerTestOneInput,
// linked with libFuzzer by scripts/fuzz and with replay-main.cc into the regular test suite.
#ifndef AIRGRAD_FUZZ_UTIL_H
#define AIRGRAD_FUZZ_UTIL_H

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace airgrad {
namespace fuzz {

/// An in-memory file holding `data`, for the loaders that read paths; its path is Path().
class MemoryFile
{
  public:
    MemoryFile(const uint8_t* data, size_t size)
        : m_fd(memfd_create("airgrad-fuzz", MFD_CLOEXEC))
    {
        if (m_fd < 0 || (size > 0 && write(m_fd, data, size) != static_cast<ssize_t>(size)))
        {
            throw std::logic_error("memfd_create or write failed"); // a harness fault, not a finding
        }
    }
    ~MemoryFile() { close(m_fd); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;
    std::string Path() const { return "/proc/self/fd/" + std::to_string(m_fd); }

  private:
    int m_fd;
};

} // namespace fuzz
} // namespace airgrad

#endif
