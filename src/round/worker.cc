#include "round/worker.h"

#include <stdexcept>
#include <utility>

namespace airgrad {

Worker::Worker(uint32_t id, const Problem& shard, std::unique_ptr<WorkerCodec> codec)
    : m_id(id),
      m_shard(shard),
      m_codec(std::move(codec)),
      m_model(shard.Dimension()),
      m_gradient(shard.Dimension())
{
}

void
Worker::OnModel(const uint8_t* data, size_t size, std::vector<uint8_t>& update)
{
    const MessageHeader h = m_codec->DecodeDownlink(data, size, m_lastApplied, m_model); // validates once
    if (h.count <= m_id)
    {
        throw std::runtime_error("worker " + std::to_string(m_id) + ": model message for only " +
                                 std::to_string(h.count) + " workers");
    }
    if (m_stagedRound != 0)
    {
        // Exact even after missed model messages: updates are applied only in their own round.
        m_codec->Resolve(m_lastApplied[m_id] == m_stagedRound);
    }
    m_shard.Gradient(m_model, m_gradient);
    MessageHeader up;
    up.round = h.round;
    up.sender = m_id;
    up.dimension = static_cast<uint32_t>(m_gradient.size());
    m_codec->Encode(m_model, m_gradient, up, update);
    m_stagedRound = h.round;
}

} // namespace airgrad
