#include "method/lag-method.h"

#include <numeric>

namespace airgrad {

LagWorkerCodec::LagWorkerCodec(Eigen::Index dim, double xi, int history, double step, int workers,
                               ValueFormat format, bool skipSilently)
    : m_scale(xi / (step * step * workers * workers)),
      m_skipSilently(skipSilently),
      m_history(static_cast<size_t>(history)),
      m_format(format),
      m_lastSent(Eigen::VectorXd::Zero(dim)),
      m_staged(dim),
      m_previousModel(dim)
{
}

void
LagWorkerCodec::Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                       const Eigen::Ref<const Eigen::VectorXd>& gradient,
                       const MessageHeader& header,
                       std::vector<uint8_t>& out)
{
    m_pending = false;
    if (m_hasPrevious)
    {
        m_changes.push_front((model - m_previousModel).squaredNorm());
        if (m_changes.size() > m_history)
        {
            m_changes.pop_back();
        }
    }
    m_previousModel = model;
    m_hasPrevious = true;
    if (m_hasSent)
    {
        const double budget = m_scale * std::accumulate(m_changes.begin(), m_changes.end(), 0.0);
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
      m_sum(Eigen::VectorXd::Zero(dim)),
      m_decoded(dim)
{
}

void
LagServerCodec::Accept(uint32_t worker, const uint8_t* data, size_t size)
{
    if (ReadHeader(data, size).type == MessageType::kSparse)
    {
        return; // a lazy round's header-only message
    }
    DecodeDense(data, size, m_decoded);
    m_sum += m_decoded - m_last[worker];
    m_last[worker] = m_decoded;
}

void
LagServerCodec::Direction(Eigen::Ref<Eigen::VectorXd> out)
{
    out = m_sum / static_cast<double>(m_last.size());
}

} // namespace airgrad
