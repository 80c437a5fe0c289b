#include "method/ef21-method.h"

#include <stdexcept>

namespace airgrad {

Ef21WorkerCodec::Ef21WorkerCodec(const VectorCompressor::Options& options, IndexCoding coding,
                                 Eigen::Index dim, uint64_t seed, double alpha)
    : m_compressor(options, dim, seed),
      m_coding(coding),
      m_alpha(alpha),
      m_estimate(Eigen::VectorXd::Zero(dim)),
      m_staged(dim),
      m_difference(dim)
{
}

void
Ef21WorkerCodec::Encode(const Eigen::Ref<const Eigen::VectorXd>& /*model*/,
                        const Eigen::Ref<const Eigen::VectorXd>& gradient,
                        const MessageHeader& header,
                        std::vector<uint8_t>& out)
{
    m_difference = gradient - m_estimate;
    m_compressor.Apply(m_difference, m_compressed);
    m_staged = m_estimate;
    m_compressed.AddTo(m_staged, m_alpha);
    EncodeCompressed(header, m_compressed, out, m_coding);
    m_pending = true;
}

void
Ef21WorkerCodec::Resolve(bool applied)
{
    if (m_pending && applied)
    {
        m_estimate.swap(m_staged);
    }
    m_pending = false;
}

Ef21ServerCodec::Ef21ServerCodec(Eigen::Index dim, double step, int workers)
    : DirectionServerCodec(dim, step),
      m_estimates(static_cast<size_t>(workers), Eigen::VectorXd::Zero(dim)),
      m_sum(Eigen::VectorXd::Zero(dim))
{
}

void
Ef21ServerCodec::Accept(uint32_t worker, const CheckedMessage& message, double)
{
    DecodeCompressed(message, m_sum.size(), m_decoded);
    m_decoded.AddTo(m_estimates[worker]);
    m_decoded.AddTo(m_sum);
}

void
Ef21ServerCodec::Direction(Eigen::Ref<Eigen::VectorXd> out)
{
    out = m_sum / static_cast<double>(m_estimates.size());
}

} // namespace airgrad
