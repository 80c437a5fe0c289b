#include "method/gd-method.h"

namespace airgrad {

GdWorkerCodec::GdWorkerCodec(ValueFormat format)
    : m_format(format)
{
}

void
GdWorkerCodec::Encode(const Eigen::Ref<const Eigen::VectorXd>& gradient,
                      const MessageHeader& header,
                      std::vector<uint8_t>& out)
{
    MessageHeader h = header;
    h.format = m_format;
    EncodeDense(h, gradient, out);
}

void
GdWorkerCodec::Resolve(bool /*applied*/)
{
}

GdServerCodec::GdServerCodec(Eigen::Index dim)
    : m_sum(Eigen::VectorXd::Zero(dim)),
      m_decoded(dim)
{
}

void
GdServerCodec::BeginRound()
{
    m_sum.setZero();
    m_accepted = 0;
}

void
GdServerCodec::Accept(uint32_t /*worker*/, const uint8_t* data, size_t size)
{
    DecodeDense(data, size, m_decoded);
    m_sum += m_decoded;
    ++m_accepted;
}

void
GdServerCodec::Direction(Eigen::Ref<Eigen::VectorXd> out)
{
    if (m_accepted == 0)
    {
        out.setZero();
        return;
    }
    out = m_sum / static_cast<double>(m_accepted);
}

} // namespace airgrad
