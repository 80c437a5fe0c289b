#ifndef AIRGRAD_CLI_DIRECTORY_LOCK_H
#define AIRGRAD_CLI_DIRECTORY_LOCK_H

#include <string>

namespace airgrad {

/**
 * \brief An exclusive advisory lock (flock) on a file in an output directory, held for the
 * process's life: one `airgrad run` per point directory, one `airgrad sweep` per sweep directory.
 * The kernel drops it when the process ends, however it ends (SIGKILL included), so a stale lock
 * never blocks a rerun. The file holds the holder's pid, for the message of whoever is refused.
 */
class DirectoryLock
{
  public:
    /// Locks `path` (created if absent). Returns false, with `holder` set to the message naming
    /// the pid that holds it (or the error), when it cannot.
    bool Acquire(const std::string& path, std::string& holder);
    ~DirectoryLock();

  private:
    int m_fd = -1;
};

} // namespace airgrad

#endif
