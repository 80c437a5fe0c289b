#include "method/diana-method.h"

#include <stdexcept>

namespace airgrad {

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
DianaServerCodec::BeginRound(int)
{
    m_roundSum.setZero();
}

void
DianaServerCodec::Accept(uint32_t worker, const CheckedMessage& message, double)
{
    DecodeCompressed(message, m_roundSum.size(), m_decoded);
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
