#ifndef AIRGRAD_ROUND_WORKER_H
#define AIRGRAD_ROUND_WORKER_H

#include "core/rng.h"
#include "method/method.h"
#include "problem/problem.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace airgrad {

/// How a worker computes its update.
struct WorkerOptions
{
    Eigen::Index batchSize = 0; ///< samples per gradient, without replacement; 0 = the whole shard
    int localSteps = 1;         ///< SGD steps per round (FedAvg); the method gets (x - x_H) / localStep
    double localStep = 0.0;     ///< step of the local SGD
    uint64_t seed = 1;          ///< minibatch sampling
};

/**
 * \brief A worker: decodes the downlink message, computes its gradient (full batch, a minibatch,
 * or the pseudo-gradient of local SGD steps) and encodes the update. Passive: a driver calls it;
 * it never loops or blocks. Different workers may be called from different threads.
 */
class Worker
{
  public:
    Worker(uint32_t id, const Problem& shard, std::unique_ptr<WorkerCodec> codec,
           const WorkerOptions& options = WorkerOptions());
    /**
     * \brief Handles the model message of a round: settles the staged update with the
     * last-applied rounds it carries, then, when the message selects this worker, writes this
     * round's encoded update into `update` (left empty when the method sends nothing this round,
     * and when the worker is not selected: it then computes nothing).
     * Throws std::runtime_error when the message is corrupt or not a model of this dimension.
     */
    void OnModel(const uint8_t* data, size_t size, std::vector<uint8_t>& update);
    uint32_t Id() const { return m_id; }
    /// Whether the last model message selected this worker (it then computed an update).
    bool Selected() const { return m_roster.Selects(m_id); }
    Eigen::Index Dimension() const { return m_shard.Dimension(); }
    long long Samples() const { return static_cast<long long>(m_shard.Samples()); }
    /// Samples the last update's gradients visited (what the compute time is charged for).
    long long LastSamples() const { return m_lastSamples; }
    /// Cumulative samples and floating-point operations of every update so far.
    long long ComputedSamples() const { return m_computedSamples; }
    double ComputedFlops() const { return static_cast<double>(m_computedSamples) * m_shard.FlopsPerSample(); }
    double FlopsPerSample() const { return m_shard.FlopsPerSample(); }
    const WorkerCodec& Codec() const { return *m_codec; }
    /**
     * \brief The round whose model the last update's full-shard gradient was computed at, bit for
     * bit (a float64 model message, full batch, one local step); 0 when it was not. LastLoss() and
     * LastGradient() are then f_m and grad f_m at that model, which a metrics row may reuse.
     */
    uint32_t ExactGradientRound() const { return m_exactRound; }
    double LastLoss() const { return m_lastLoss; }
    const Eigen::VectorXd& LastGradient() const { return m_gradient; }

  private:
    /// The gradient at `x` on a fresh minibatch (or the whole shard) into `out`.
    void StochasticGradient(const Eigen::VectorXd& x, Eigen::VectorXd& out);

    uint32_t m_id;
    const Problem& m_shard;
    std::unique_ptr<WorkerCodec> m_codec;
    WorkerOptions m_options;
    Rng m_rng;
    Eigen::VectorXd m_gradient; ///< kept only for an exact gradient (a metrics row reuses it)
    std::vector<Eigen::Index> m_permutation; ///< partially shuffled per batch (no O(n) reset)
    std::vector<Eigen::Index> m_batch;
    Roster m_roster; ///< of the last model message
    uint32_t m_stagedRound = 0; ///< round of the unsettled update; 0 = none
    long long m_lastSamples = 0;
    long long m_computedSamples = 0;
    uint32_t m_exactRound = 0;
    double m_lastLoss = 0.0;
};

} // namespace airgrad

#endif
