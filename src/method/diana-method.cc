#include "method/diana-method.h"

#include <stdexcept>

namespace airgrad {

DianaWorkerCodec::DianaWorkerCodec(const VectorCompressor::Options& quantizer, double alpha,
                                   IndexCoding coding, Eigen::Index dim, uint64_t seed)
    : m_quantizer(quantizer, dim, seed),
      m_alpha(alpha),
      m_coding(coding),
      m_shift(Eigen::VectorXd::Zero(dim)),
      m_staged(dim),
      m_difference(dim)
{
}

void
DianaWorkerCodec::Encode(const Eigen::Ref<const Eigen::VectorXd>& /*model*/,
                         const Eigen::Ref<const Eigen::VectorXd>& gradient,
                         const MessageHeader& header,
                         std::vector<uint8_t>& out)
{
    m_difference = gradient - m_shift;
    m_quantizer.Apply(m_difference, m_compressed);
    m_staged = m_shift;
    m_compressed.AddTo(m_staged, m_alpha);
    EncodeCompressed(header, m_compressed, out, m_coding);
    m_pending = true;
}

void
DianaWorkerCodec::Resolve(bool applied)
{
    if (m_pending && applied)
    {
        m_shift.swap(m_staged);
    }
    m_pending = false;
}

DianaServerCodec::DianaServerCodec(Eigen::Index dim, double step, int workers, double alpha,
                                   double momentum)
    : m_step(step),
      m_alpha(alpha),
      m_momentum(momentum),
      m_shifts(static_cast<size_t>(workers), Eigen::VectorXd::Zero(dim)),
      m_shiftSum(Eigen::VectorXd::Zero(dim)),
      m_roundSum(Eigen::VectorXd::Zero(dim)),
      m_velocity(Eigen::VectorXd::Zero(dim))
{
}

void
DianaServerCodec::BeginRound()
{
    m_roundSum.setZero();
}

void
DianaServerCodec::Accept(uint32_t worker, const uint8_t* data, size_t size)
{
    DecodeCompressed(data, size, m_decoded);
    if (m_decoded.dimension != m_roundSum.size())
    {
        throw std::runtime_error("diana update of the wrong dimension");
    }
    m_decoded.AddTo(m_roundSum);
    m_decoded.AddTo(m_shifts[worker], m_alpha);
}

void
DianaServerCodec::Step(Eigen::Ref<Eigen::VectorXd> x)
{
    const double workers = static_cast<double>(m_shifts.size());
    m_velocity = m_momentum * m_velocity + (m_shiftSum + m_roundSum) / workers;
    x -= m_step * m_velocity;
    m_shiftSum += m_alpha * m_roundSum;
}

} // namespace airgrad
