#ifndef AIRGRAD_ROUND_WORKER_H
#define AIRGRAD_ROUND_WORKER_H

#include "method/method.h"
#include "problem/problem.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace airgrad {

/**
 * \brief A worker: decodes the model message, computes its full-batch gradient and encodes the
 * update. Passive: a driver calls it; it never loops or blocks.
 */
class Worker
{
  public:
    Worker(uint32_t id, const Problem& shard, std::unique_ptr<WorkerCodec> codec);

    /**
     * \brief Handles the model message of a round: settles the staged update with the
     * last-applied rounds it carries, then writes this round's encoded update into `update`
     * (left empty when the method sends nothing this round).
     * Throws std::runtime_error when the message is corrupt or not a model of this dimension.
     */
    void OnModel(const uint8_t* data, size_t size, std::vector<uint8_t>& update);

    uint32_t Id() const { return m_id; }
    long long Samples() const { return static_cast<long long>(m_shard.Samples()); }
    const WorkerCodec& Codec() const { return *m_codec; }
    /// The model of the last downlink message.
    const Eigen::VectorXd& Model() const { return m_model; }

  private:
    uint32_t m_id;
    const Problem& m_shard;
    std::unique_ptr<WorkerCodec> m_codec;
    Eigen::VectorXd m_model;
    Eigen::VectorXd m_gradient;
    std::vector<uint32_t> m_lastApplied;
    uint32_t m_stagedRound = 0; ///< round of the unsettled update; 0 = none
};

} // namespace airgrad

#endif
