#ifndef AIRGRAD_ROUND_SELECTION_H
#define AIRGRAD_ROUND_SELECTION_H

#include "core/rng.h"
#include "data/loaders.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace airgrad {

/// What the server knows of one worker when it selects a round's participants.
struct WorkerStanding
{
    bool eligible = true;      ///< alive (battery not depleted) and available now
    uint32_t lastApplied = 0;  ///< round of its last applied update (0 = none): the age of update
    double channelDb = 0.0;    ///< the uplink SNR the server last saw from it, dB; NaN = not yet seen
    double batteryJ = 0.0;     ///< energy left, J; +inf without a battery
};

/**
 * \brief A client-selection rule: which `count` of the eligible workers take part in a round.
 * Add one by deriving from this class and registering a factory (RegisterSelectionPolicy) under
 * the name selection.policy takes; docs/selection.md shows a whole policy in one file.
 */
class SelectionPolicy
{
  public:
    virtual ~SelectionPolicy() = default;
    /**
     * \brief Writes into `chosen` (cleared first) `count` distinct workers of `candidates` (the
     * eligible ones, increasing; count <= candidates.size()). `workers` is every worker's standing;
     * `rng` is the selection's own seeded stream.
     */
    virtual void Choose(uint32_t round,
                        const std::vector<WorkerStanding>& workers,
                        const std::vector<uint32_t>& candidates,
                        size_t count,
                        Rng& rng,
                        std::vector<uint32_t>& chosen) = 0;
};

using SelectionPolicyFactory = std::function<std::unique_ptr<SelectionPolicy>()>;
/// Adds a policy under `name` (replacing one of that name); what selection.policy then accepts.
void RegisterSelectionPolicy(const std::string& name, const std::string& meaning, SelectionPolicyFactory factory);
/// The registered policies' names and meanings, built-ins first.
std::vector<std::pair<std::string, std::string>> SelectionPolicies();
/// Throws std::invalid_argument naming selection.policy, the value and the registered names.
std::unique_ptr<SelectionPolicy> CreateSelectionPolicy(const std::string& name);

/**
 * \brief The server's selection: each round it asks the policy for the participants among the
 * eligible workers and keeps what the policy may rank by. Drivers report what the network shows
 * (SetChannelDb, SetBatteryJ, SetAlive, SetAvailable).
 */
class Selection
{
  public:
    /// `perRound`: participants per round (more than the eligible: all eligible).
    Selection(std::unique_ptr<SelectionPolicy> policy, bool selectsAll, int workers, int perRound, uint64_t seed);

    /// A depleted worker is not alive; one outside its availability windows not available.
    void SetAlive(uint32_t worker, bool alive)
    {
        m_alive[worker] = alive;
        m_workers[worker].eligible = alive && m_available[worker];
    }
    void SetAvailable(uint32_t worker, bool available)
    {
        m_available[worker] = available;
        m_workers[worker].eligible = m_alive[worker] && available;
    }
    void SetChannelDb(uint32_t worker, double db) { m_workers[worker].channelDb = db; }
    void SetBatteryJ(uint32_t worker, double joules) { m_workers[worker].batteryJ = joules; }
    const WorkerStanding& Standing(uint32_t worker) const { return m_workers[worker]; }
    int Workers() const { return static_cast<int>(m_workers.size()); }

    /**
     * \brief The participants of `round` as one flag per worker in `selected`; left empty when
     * the policy takes every worker and every worker is eligible (the model message then carries
     * no selection, as without one).
     */
    void Select(uint32_t round, const std::vector<uint32_t>& lastApplied, std::vector<uint8_t>& selected);

  private:
    std::unique_ptr<SelectionPolicy> m_policy;
    bool m_selectsAll;
    size_t m_perRound;
    Rng m_rng;
    std::vector<WorkerStanding> m_workers;
    std::vector<uint8_t> m_alive;
    std::vector<uint8_t> m_available;
    std::vector<uint32_t> m_candidates;
    std::vector<uint32_t> m_chosen;
};

/// When each worker may be chosen (energy.availability): a worker with no interval always may.
class Availability
{
  public:
    Availability(const std::vector<AvailabilityWindow>& windows, int workers);
    /// Whether `worker` may be chosen `seconds` after round 1 began.
    bool Available(uint32_t worker, double seconds) const;

  private:
    std::vector<std::vector<std::pair<double, double>>> m_windows; ///< per worker: [start, end)
};

/// Jain's fairness index of `counts`: (sum x)^2 / (n sum x^2), 1 when all are equal; 1 for all zero.
double JainIndex(const std::vector<long long>& counts);

} // namespace airgrad

#endif
