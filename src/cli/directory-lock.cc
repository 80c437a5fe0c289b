#include "cli/directory-lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace airgrad {

bool
DirectoryLock::Acquire(const std::string& path, std::string& holder)
{
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0)
    {
        holder = "cannot open " + path + ": " + std::strerror(errno);
        return false;
    }
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0)
    {
        const int error = errno;
        char pid[32] = {};
        const ssize_t n = ::pread(m_fd, pid, sizeof pid - 1, 0);
        holder = error == EWOULDBLOCK ? "held by pid " + std::string(pid, n > 0 ? static_cast<size_t>(n) : 0)
                                      : std::string(std::strerror(error));
        ::close(m_fd);
        m_fd = -1;
        return false;
    }
    const std::string self = std::to_string(::getpid());
    if (::ftruncate(m_fd, 0) != 0 || ::pwrite(m_fd, self.data(), self.size(), 0) != static_cast<ssize_t>(self.size()))
    {
        holder = "cannot write " + path + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

DirectoryLock::~DirectoryLock()
{
    if (m_fd >= 0)
    {
        ::close(m_fd);
    }
}

} // namespace airgrad
