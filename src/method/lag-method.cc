#include "method/lag-method.h"

#include <stdexcept>

namespace airgrad {

LagWorkerCodec::LagWorkerCodec(Eigen::Index dim, double xi, int history, double step, int workers,
                               ValueFormat format, bool skipSilently)
    : m_scale(xi / (step * step * workers * workers)),
      m_skipSilently(skipSilently),
      m_format(format),
      m_lastSent(Eigen::VectorXd::Zero(dim)),
      m_staged(dim),
      m_changes(dim, history)
{
}

void
LagWorkerCodec::Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                       const Eigen::Ref<const Eigen::VectorXd>& gradient,
                       const MessageHeader& header,
                       std::vector<uint8_t>& out)
{
    m_pending = false;
    m_changes.Observe(model);
    if (m_hasSent)
    {
        const double budget = m_scale * m_changes.Sum();
        if ((gradient - m_lastSent).squaredNorm() <= budget)
        {
            // Lazy round: the server reuses the last gradient. A header-only message lets it close
            // the round without waiting for the deadline.
            if (m_skipSilently)
            {
                out.clear();
            }
            else
            {
                MessageHeader h = header;
                h.dimension = static_cast<uint32_t>(gradient.size());
                EncodeSparse(h, {}, Eigen::VectorXd(), out);
            }
            return;
        }
    }
    for (Eigen::Index j = 0; j < gradient.size(); ++j)
    {
        m_staged(j) = RoundToFormat(gradient(j), m_format);
    }
    MessageHeader h = header;
    h.format = m_format;
    EncodeDense(h, m_staged, out);
    m_pending = true;
}

void
LagWorkerCodec::Resolve(bool applied)
{
    if (m_pending && applied)
    {
        m_lastSent = m_staged;
        m_hasSent = true;
    }
    m_pending = false;
}

LagServerCodec::LagServerCodec(Eigen::Index dim, double step, int workers)
    : DirectionServerCodec(dim, step),
      m_last(static_cast<size_t>(workers), Eigen::VectorXd::Zero(dim)),
      m_sum(Eigen::VectorXd::Zero(dim))
{
}

void
LagServerCodec::Accept(uint32_t worker, const CheckedMessage& message, double)
{
    DecodeCompressed(message, m_sum.size(), m_decoded);
    if (m_decoded.kind != CompressedVector::Kind::kDense)
    {
        return; // a lazy round's header-only message: the server reuses the last gradient
    }
    const auto g = m_decoded.values.head(m_decoded.dimension);
    m_sum += g - m_last[worker];
    m_last[worker] = g;
}

void
LagServerCodec::Direction(Eigen::Ref<Eigen::VectorXd> out)
{
    out = m_sum / static_cast<double>(m_last.size());
}

} // namespace airgrad
