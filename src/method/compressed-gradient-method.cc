#include "method/compressed-gradient-method.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace airgrad {

KSchedule::KSchedule(Policy policy, Eigen::Index dim, Eigen::Index kMean, Eigen::Index kStart,
                     double decay, double errorTarget, int rounds)
    : m_policy(policy),
      m_dim(dim),
      m_kMean(kMean),
      m_kStart(kStart),
      m_decay(decay),
      m_errorTarget(errorTarget),
      m_rounds(std::max(rounds, 1)),
      m_k(static_cast<double>(kMean)),
      m_budget(static_cast<long long>(kMean) * std::max(rounds, 1))
{
}

Eigen::Index
KSchedule::Next(double lastError)
{
    ++m_round;
    const double t = m_round - 1;
    double k = static_cast<double>(m_kMean);
    switch (m_policy)
    {
    case Policy::kConstant:
        break;
    case Policy::kLinear:
    {
        const double start = static_cast<double>(m_kStart);
        const double end = 2.0 * static_cast<double>(m_kMean) - start;
        k = m_rounds == 1 ? start : start + (end - start) * t / (m_rounds - 1);
        break;
    }
    case Policy::kExponential:
    {
        const double total = static_cast<double>(m_kMean) * m_rounds;
        const double first =
            m_decay == 1.0 ? m_kMean : total * (1.0 - m_decay) / (1.0 - std::pow(m_decay, m_rounds));
        k = first * std::pow(m_decay, t);
        break;
    }
    case Policy::kErrorDriven:
        if (m_round > 1)
        {
            if (lastError > m_errorTarget)
            {
                m_k *= 1.25;
            }
            else if (lastError < 0.5 * m_errorTarget)
            {
                m_k *= 0.8;
            }
        }
        m_k = std::clamp(m_k, 1.0, static_cast<double>(m_dim));
        k = m_k;
        break;
    }
    const auto kk = std::clamp<long long>(std::llround(k), 1, m_dim);
    const long long granted = std::min<long long>(kk, m_budget);
    m_budget -= granted;
    return static_cast<Eigen::Index>(granted);
}

CompressedGradientWorkerCodec::CompressedGradientWorkerCodec(const VectorCompressor::Options& options,
                                                             bool errorFeedback,
                                                             std::unique_ptr<KSchedule> schedule,
                                                             IndexCoding coding,
                                                             Eigen::Index dim,
                                                             uint64_t seed)
    : m_compressor(options, dim, seed),
      m_errorFeedback(errorFeedback),
      m_schedule(std::move(schedule)),
      m_coding(coding),
      // Only error feedback and a K schedule (its residual) use it: 8 d bytes per worker otherwise wasted.
      m_memory(errorFeedback || m_schedule ? Eigen::VectorXd::Zero(dim) : Eigen::VectorXd()),
      // Top-K and unscaled Rand-K send each kept u_j rounded to its format, so e = u - c is exact
      // (Sterbenz) and e + c restores u bit for bit; a scaled or sign value is no rounding of u_j.
      m_corrected(errorFeedback && !(options.kind == VectorCompressor::Kind::kTopK ||
                                     (options.kind == VectorCompressor::Kind::kRandK && !options.unbiased))
                      ? dim
                      : 0)
{
}

void
CompressedGradientWorkerCodec::Encode(const Eigen::Ref<const Eigen::VectorXd>& /*model*/,
                                      const Eigen::Ref<const Eigen::VectorXd>& gradient,
                                      const MessageHeader& header,
                                      std::vector<uint8_t>& out)
{
    if (m_staged)
    {
        Resolve(false); // an update never confirmed was not applied
    }
    if (m_errorFeedback)
    {
        m_memory += gradient; // u, in place
        if (m_corrected.size() > 0)
        {
            m_corrected = m_memory;
        }
    }
    const Eigen::Ref<const Eigen::VectorXd> u = m_errorFeedback ? Eigen::Ref<const Eigen::VectorXd>(m_memory)
                                                                : gradient;
    if (m_schedule)
    {
        const Eigen::Index k = m_schedule->Next(m_lastError);
        if (k == 0)
        {
            VectorCompressor::Empty(u.size(), m_compressor.GetOptions().format, m_compressed);
        }
        else
        {
            m_compressor.Apply(u, m_compressed, k);
        }
    }
    else
    {
        m_compressor.Apply(u, m_compressed);
    }
    // Only error feedback and the error-driven K need the residual u - C(u) (as decoded).
    if (m_errorFeedback || m_schedule)
    {
        const double norm = u.squaredNorm();
        if (!m_errorFeedback)
        {
            m_memory = gradient;
        }
        m_compressed.AddTo(m_memory, -1.0);
        m_lastError = norm > 0.0 ? m_memory.squaredNorm() / norm : 0.0;
        if (!m_errorFeedback)
        {
            m_memory.setZero();
        }
    }
    EncodeCompressed(header, m_compressed, out, m_coding);
    m_staged = true;
}

void
CompressedGradientWorkerCodec::Resolve(bool applied)
{
    if (!m_staged)
    {
        return;
    }
    if (!applied && m_errorFeedback)
    {
        if (m_corrected.size() > 0)
        {
            m_memory = m_corrected;
        }
        else
        {
            m_compressed.AddTo(m_memory, 1.0); // e + c = u exactly (see the constructor)
        }
    }
    m_staged = false;
}

CompressedGradientServerCodec::CompressedGradientServerCodec(Eigen::Index dim, double step, int workers,
                                                             bool divideByWorkers)
    : DirectionServerCodec(dim, step),
      m_participants(workers),
      m_divideByWorkers(divideByWorkers),
      m_sum(Eigen::VectorXd::Zero(dim))
{
}

void
CompressedGradientServerCodec::BeginRound(int participants)
{
    m_participants = participants;
    m_sum.setZero();
    m_accepted = 0;
}

void
CompressedGradientServerCodec::Accept(uint32_t /*worker*/, const CheckedMessage& message, double weight)
{
    DecodeCompressed(message, m_sum.size(), m_decoded);
    m_decoded.AddTo(m_sum, weight);
    ++m_accepted;
}

void
CompressedGradientServerCodec::Direction(Eigen::Ref<Eigen::VectorXd> out)
{
    const int divisor = m_divideByWorkers ? m_participants : m_accepted;
    if (divisor == 0)
    {
        out.setZero();
        return;
    }
    out = m_sum / static_cast<double>(divisor);
}

} // namespace airgrad
