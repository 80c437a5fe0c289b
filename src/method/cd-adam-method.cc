#include "method/cd-adam-method.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace airgrad {

AmsGrad::AmsGrad(const Options& options, Eigen::Index dim)
    : m_options(options),
      m_d(dim),
      m_m(Eigen::VectorXd::Zero(dim)),
      m_v(Eigen::VectorXd::Zero(dim)),
      m_vHat(Eigen::VectorXd::Zero(dim))
{
}

void
AmsGrad::Step(Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& direction)
{
    ++m_t;
    const Options& o = m_options;
    m_d = direction + o.weightDecay * x;
    m_m = o.beta1 * m_m + (1.0 - o.beta1) * m_d;
    m_v = o.beta2 * m_v + (1.0 - o.beta2) * m_d.cwiseProduct(m_d);
    m_vHat = m_vHat.cwiseMax(m_v);
    double lr = o.lr;
    if (o.lrDecayRounds > 0)
    {
        lr *= std::pow(o.lrDecay, static_cast<double>((m_t - 1) / o.lrDecayRounds));
    }
    const double t = static_cast<double>(m_t);
    const double correction1 = 1.0 - std::pow(o.beta1, t);
    const double correction2 = std::sqrt(1.0 - std::pow(o.beta2, t));
    x.array() -= (lr / correction1) * m_m.array() / (m_vHat.array().sqrt() / correction2 + o.epsilon);
}

CdAdamWorkerCodec::CdAdamWorkerCodec(const CdAdamOptions& options, Eigen::Index dim, uint32_t worker,
                                     uint64_t seed)
    : m_options(options),
      m_worker(worker),
      m_compressor(options.compressor, dim, seed),
      m_adam(options.adam, dim),
      m_x(Eigen::VectorXd::Zero(dim)),
      m_tracker(Eigen::VectorXd::Zero(dim)),
      m_staged(dim),
      m_input(dim),
      m_serverTracker(Eigen::VectorXd::Zero(dim)),
      m_direction(dim)
{
}

MessageHeader
CdAdamWorkerCodec::DecodeDownlink(const uint8_t* data,
                                  size_t size,
                                  Roster& roster,
                                  Eigen::Ref<Eigen::VectorXd> model)
{
    if (!m_options.compressedDownlink)
    {
        return DecodeModel(data, size, roster, model);
    }
    if (PeekType(data, size) == MessageType::kModel)
    {
        // Round 1 carries the starting model (float64, exact): every copy starts where the server does.
        const MessageHeader h = DecodeModel(data, size, roster, m_x);
        if (h.round != 1 || m_lastRound != 0)
        {
            throw std::runtime_error("cd-adam worker " + std::to_string(m_worker) +
                                     ": a full model is expected only in round 1");
        }
        m_lastRound = 1;
        model = m_x;
        return h;
    }
    const uint8_t* inner = nullptr;
    size_t innerSize = 0;
    const MessageHeader h = DecodeModelDelta(data, size, roster, inner, innerSize);
    if (h.round != m_lastRound + 1)
    {
        throw std::runtime_error(
            "cd-adam worker " + std::to_string(m_worker) + " missed the downlink of round " +
            std::to_string(m_lastRound + 1) +
            "; the compressed downlink cannot resynchronise a worker (method.downlink = model can)");
    }
    m_lastRound = h.round;
    if (innerSize > 0)
    {
        DecodeCompressed(inner, innerSize, m_x.size(), m_compressed);
        if (m_options.strategy == CdAdamOptions::Strategy::kMarkov)
        {
            m_compressed.AddTo(m_serverTracker);
            m_adam.Step(m_x, m_serverTracker);
        }
        else
        {
            m_compressed.Decoded(m_direction);
            m_adam.Step(m_x, m_direction);
        }
    }
    else
    {
        throw std::runtime_error("cd-adam downlink of round " + std::to_string(h.round) +
                                 " carries no update");
    }
    if (model.size() != m_x.size())
    {
        throw std::runtime_error("cd-adam model of the wrong dimension");
    }
    model = m_x;
    return h;
}

void
CdAdamWorkerCodec::Encode(const Eigen::Ref<const Eigen::VectorXd>& /*model*/,
                          const Eigen::Ref<const Eigen::VectorXd>& gradient,
                          const MessageHeader& header,
                          std::vector<uint8_t>& out)
{
    switch (m_options.strategy)
    {
    case CdAdamOptions::Strategy::kMarkov:
        m_input = gradient - m_tracker;
        m_compressor.Apply(m_input, m_compressed);
        m_staged = m_tracker;
        m_compressed.AddTo(m_staged);
        break;
    case CdAdamOptions::Strategy::kErrorFeedback:
        m_input = gradient + m_tracker;
        m_compressor.Apply(m_input, m_compressed);
        m_staged = m_input;
        m_compressed.AddTo(m_staged, -1.0);
        break;
    case CdAdamOptions::Strategy::kNaive:
        m_compressor.Apply(gradient, m_compressed);
        break;
    }
    EncodeCompressed(header, m_compressed, out, m_options.coding);
    m_pending = true;
}

void
CdAdamWorkerCodec::Resolve(bool applied)
{
    if (!m_pending)
    {
        return;
    }
    if (m_options.strategy == CdAdamOptions::Strategy::kMarkov && applied)
    {
        m_tracker.swap(m_staged);
    }
    else if (m_options.strategy == CdAdamOptions::Strategy::kErrorFeedback)
    {
        m_tracker = applied ? m_staged : m_input; // undelivered: the whole u waits in the memory
    }
    m_pending = false;
}

std::vector<const Eigen::VectorXd*>
CdAdamWorkerCodec::Mirrored() const
{
    std::vector<const Eigen::VectorXd*> out;
    if (m_options.strategy == CdAdamOptions::Strategy::kMarkov)
    {
        out.push_back(&m_tracker);
    }
    if (m_options.strategy == CdAdamOptions::Strategy::kMarkov && m_options.compressedDownlink)
    {
        out.push_back(&m_serverTracker);
    }
    return out;
}

CdAdamServerCodec::CdAdamServerCodec(const CdAdamOptions& options, Eigen::Index dim, int workers)
    : m_options(options),
      m_compressor(options.compressor, dim, 0),
      m_adam(options.adam, dim),
      m_workers(workers),
      m_trackers(options.strategy == CdAdamOptions::Strategy::kMarkov ? static_cast<size_t>(workers) : 0,
                 Eigen::VectorXd::Zero(dim)),
      m_aggregate(Eigen::VectorXd::Zero(dim)),
      m_roundSum(Eigen::VectorXd::Zero(dim)),
      m_tracker(Eigen::VectorXd::Zero(dim)),
      m_input(dim),
      m_direction(dim)
{
    if (options.compressor.kind == VectorCompressor::Kind::kRandK ||
        options.compressor.kind == VectorCompressor::Kind::kQuantize)
    {
        throw std::invalid_argument("cd-adam: the downlink compressor must be deterministic");
    }
}

void
CdAdamServerCodec::BeginRound(int participants)
{
    m_participants = participants;
    m_roundSum.setZero();
    m_accepted = 0;
}

void
CdAdamServerCodec::Accept(uint32_t worker, const CheckedMessage& message, double)
{
    DecodeCompressed(message, m_roundSum.size(), m_decoded);
    m_decoded.AddTo(m_roundSum);
    if (m_options.strategy == CdAdamOptions::Strategy::kMarkov)
    {
        m_decoded.AddTo(m_trackers[worker]);
    }
    ++m_accepted;
}

void
CdAdamServerCodec::Step(Eigen::Ref<Eigen::VectorXd> x)
{
    const double workers = static_cast<double>(m_workers);
    switch (m_options.strategy)
    {
    case CdAdamOptions::Strategy::kMarkov:
        m_aggregate += m_roundSum / workers;
        m_input = m_aggregate - m_tracker;
        m_compressor.Apply(m_input, m_delta);
        m_delta.AddTo(m_tracker);
        m_direction = m_tracker;
        break;
    case CdAdamOptions::Strategy::kErrorFeedback:
        // e_s + the mean over the round's participants (undelivered updates wait in the workers'
        // memories): all M without client selection
        m_input = m_tracker + m_roundSum / static_cast<double>(std::max(1, m_participants));
        m_compressor.Apply(m_input, m_delta);
        m_tracker = m_input;
        m_delta.AddTo(m_tracker, -1.0);
        m_delta.Decoded(m_direction);
        break;
    case CdAdamOptions::Strategy::kNaive:
        if (m_accepted > 0)
        {
            m_input = m_roundSum / static_cast<double>(m_accepted);
        }
        else
        {
            m_input.setZero();
        }
        m_compressor.Apply(m_input, m_delta);
        m_delta.Decoded(m_direction);
        break;
    }
    m_adam.Step(x, m_direction);
    m_hasDelta = true;
}

void
CdAdamServerCodec::EncodeDownlink(const MessageHeader& header,
                                  const Roster& roster,
                                  const Eigen::Ref<const Eigen::VectorXd>& x,
                                  std::vector<uint8_t>& out)
{
    if (!m_options.compressedDownlink)
    {
        EncodeModel(header, roster, x, out);
        return;
    }
    if (!m_hasDelta)
    {
        MessageHeader h = header;
        h.format = ValueFormat::kFloat64; // exact, so the workers' copies start bit-identical
        EncodeModel(h, roster, x, out);
        return;
    }
    m_inner.clear();
    EncodeCompressed(header, m_delta, m_inner, m_options.coding);
    MessageHeader h = header;
    h.dimension = static_cast<uint32_t>(x.size());
    EncodeModelDelta(h, roster, m_inner, out);
}

std::vector<const Eigen::VectorXd*>
CdAdamServerCodec::Mirrored(uint32_t worker) const
{
    std::vector<const Eigen::VectorXd*> out;
    if (m_options.strategy == CdAdamOptions::Strategy::kMarkov)
    {
        out.push_back(&m_trackers[worker]);
    }
    if (m_options.strategy == CdAdamOptions::Strategy::kMarkov && m_options.compressedDownlink)
    {
        out.push_back(&m_tracker);
    }
    return out;
}

} // namespace airgrad
