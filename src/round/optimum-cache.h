#ifndef AIRGRAD_ROUND_OPTIMUM_CACHE_H
#define AIRGRAD_ROUND_OPTIMUM_CACHE_H

#include "round/experiment-config.h"

#include <optional>
#include <string>

namespace airgrad {

/// What the set-up computes once per problem: L and f*, with how f* was reached.
struct CachedOptimum
{
    double smoothnessL = 0.0;
    double fStar = 0.0;
    double gradNorm = 0.0;
    long long solverSteps = 0;
    long long operatorProducts = 0;
};

/**
 * \brief The key of everything that determines L and f*: the data (synthetic keys and seed, or
 * each data file's size and CRC-32/Adler-32 of its bytes), the problem keys, the partition keys
 * and the number of workers (f is the mean of the shards' means), and the solver's version.
 * Network, method, codec and compute keys are not in it, so a sweep over them shares one entry.
 */
std::string OptimumCacheKey(const ExperimentConfig& config);

/**
 * \brief A directory of entries, one small text file per key, each with the full key and a
 * CRC-32 over its contents: an entry whose checksum, format or key does not match is treated as
 * absent (and replaced), never trusted. Entries are written atomically; a lock file serialises
 * processes that compute the same key, so parallel sweep points compute it once.
 */
class OptimumCache
{
  public:
    /// `directory` "none" or empty disables the cache (every lookup misses, nothing is written).
    explicit OptimumCache(std::string directory);
    ~OptimumCache();
    OptimumCache(const OptimumCache&) = delete;
    OptimumCache& operator=(const OptimumCache&) = delete;

    bool Enabled() const { return !m_directory.empty(); }
    /// Takes the key's lock (blocking while another process holds it) and reads its entry.
    std::optional<CachedOptimum> Lookup(const std::string& key);
    /// Writes the entry of the last looked-up key atomically and releases its lock.
    void Store(const std::string& key, const CachedOptimum& value);
    /// Why the last Lookup missed: "absent", "corrupt" (checksum, format or key mismatch), "disabled".
    const std::string& MissReason() const { return m_missReason; }
    /// The entry file of a key.
    std::string EntryPath(const std::string& key) const;

  private:
    void Unlock();

    std::string m_directory;
    int m_lockFd = -1;
    std::string m_missReason;
};

} // namespace airgrad

#endif
