#include "round/worker.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace airgrad {

Worker::Worker(uint32_t id, const Problem& shard, std::unique_ptr<WorkerCodec> codec,
               const WorkerOptions& options)
    : m_id(id),
      m_shard(shard),
      m_codec(std::move(codec)),
      m_options(options),
      m_rng(options.seed)
{
    if (options.localSteps < 1 || (options.localSteps > 1 && !(options.localStep > 0.0)))
    {
        throw std::invalid_argument("worker: local steps need a positive local step");
    }
    if (options.batchSize > 0 && options.batchSize < shard.Samples())
    {
        m_permutation.resize(static_cast<size_t>(shard.Samples()));
        for (size_t i = 0; i < m_permutation.size(); ++i)
        {
            m_permutation[i] = static_cast<Eigen::Index>(i);
        }
        m_batch.resize(static_cast<size_t>(options.batchSize));
    }
}

namespace {

/// The vectors of one update. A thread runs one worker at a time, so the M workers share one set
/// per thread instead of holding M models and gradients.
struct UpdateScratch
{
    Eigen::VectorXd model;
    Eigen::VectorXd gradient;
    Eigen::VectorXd local; ///< local SGD iterate
};

UpdateScratch&
Scratch(Eigen::Index d)
{
    thread_local UpdateScratch s;
    if (s.model.size() != d) // sized once per thread (and dimension), never per round
    {
        s.model.resize(d);
        s.gradient.resize(d);
    }
    return s;
}

} // namespace

void
Worker::StochasticGradient(const Eigen::VectorXd& x, Eigen::VectorXd& out)
{
    if (m_batch.empty())
    {
        m_shard.Gradient(x, out);
        m_lastSamples += m_shard.Samples();
        return;
    }
    // A uniform batch without replacement: the first b entries of a partially shuffled permutation.
    const size_t n = m_permutation.size();
    for (size_t i = 0; i < m_batch.size(); ++i)
    {
        std::swap(m_permutation[i], m_permutation[i + static_cast<size_t>(m_rng.UniformInt(n - i))]);
        m_batch[i] = m_permutation[i];
    }
    m_shard.GradientRows(x, m_batch, out);
    m_lastSamples += static_cast<long long>(m_batch.size());
}

void
Worker::OnModel(const uint8_t* data, size_t size, std::vector<uint8_t>& update)
{
    UpdateScratch& s = Scratch(m_shard.Dimension());
    const MessageHeader h = m_codec->DecodeDownlink(data, size, m_roster, s.model); // validates once
    if (h.count <= m_id)
    {
        throw std::runtime_error("worker " + std::to_string(m_id) + ": model message for only " +
                                 std::to_string(h.count) + " workers");
    }
    if (m_stagedRound != 0)
    {
        // Exact even after missed model messages: updates are applied only in their own round.
        m_codec->Resolve(m_roster.lastApplied[m_id] == m_stagedRound);
        m_stagedRound = 0;
    }
    m_lastSamples = 0;
    if (!Selected())
    {
        m_exactRound = 0;
        update.clear();
        return;
    }
    // A float64 model message carries the server's model bit for bit.
    const bool exact = h.type == MessageType::kModel && h.format == ValueFormat::kFloat64 && m_batch.empty() &&
                       m_options.localSteps == 1;
    m_exactRound = exact ? h.round : 0;
    Eigen::VectorXd& gradient = exact ? m_gradient : s.gradient;
    if (exact)
    {
        m_gradient.resize(m_shard.Dimension()); // allocates only the first time
        m_lastLoss = m_shard.LossGradient(s.model, m_gradient); // the same gradient as Gradient()
        m_lastSamples += m_shard.Samples();
    }
    else if (m_options.localSteps == 1)
    {
        StochasticGradient(s.model, gradient);
    }
    else
    {
        s.local = s.model;
        for (int step = 0; step < m_options.localSteps; ++step)
        {
            StochasticGradient(s.local, gradient);
            s.local -= m_options.localStep * gradient;
        }
        // The pseudo-gradient: a server step of the same size applies the model delta.
        gradient = (s.model - s.local) / m_options.localStep;
    }
    m_computedSamples += m_lastSamples;
    MessageHeader up;
    up.round = h.round;
    up.sender = m_id;
    up.dimension = static_cast<uint32_t>(gradient.size());
    m_codec->Encode(s.model, gradient, up, update);
    m_stagedRound = h.round;
}

} // namespace airgrad
