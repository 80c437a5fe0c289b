#include "method/top-k-ef-method.h"

#include <stdexcept>

namespace airgrad {

TopKEfWorkerCodec::TopKEfWorkerCodec(Eigen::Index dim, Eigen::Index k, ValueFormat format)
    : m_k(k),
      m_format(format),
      m_memory(Eigen::VectorXd::Zero(dim)),
      m_corrected(dim),
      m_values(k)
{
    if (k < 1 || k > dim)
    {
        throw std::invalid_argument("topk-ef: K must be in [1, d]");
    }
    m_indices.reserve(static_cast<size_t>(k));
}

void
TopKEfWorkerCodec::Encode(const Eigen::Ref<const Eigen::VectorXd>& gradient,
                          const MessageHeader& header,
                          std::vector<uint8_t>& out)
{
    if (m_staged)
    {
        Resolve(false); // an update never confirmed was not applied
    }
    m_corrected = gradient + m_memory;
    m_topK.Select(m_corrected, m_k, m_indices);
    // Staged memory: u minus exactly what the server will decode.
    m_memory = m_corrected;
    for (size_t i = 0; i < m_indices.size(); ++i)
    {
        const double sent = RoundToFormat(m_corrected(m_indices[i]), m_format);
        m_values(static_cast<Eigen::Index>(i)) = sent;
        m_memory(m_indices[i]) -= sent;
    }
    MessageHeader h = header;
    h.format = m_format;
    h.dimension = static_cast<uint32_t>(m_memory.size());
    EncodeSparse(h, m_indices, m_values, out);
    m_staged = true;
}

void
TopKEfWorkerCodec::Resolve(bool applied)
{
    if (!m_staged)
    {
        return;
    }
    if (!applied)
    {
        m_memory = m_corrected;
    }
    m_staged = false;
}

TopKEfServerCodec::TopKEfServerCodec(Eigen::Index dim, int workers)
    : m_workers(workers),
      m_sum(Eigen::VectorXd::Zero(dim))
{
}

void
TopKEfServerCodec::BeginRound()
{
    m_sum.setZero();
}

void
TopKEfServerCodec::Accept(uint32_t /*worker*/, const uint8_t* data, size_t size)
{
    DecodeSparse(data, size, m_indices, m_values);
    for (size_t i = 0; i < m_indices.size(); ++i)
    {
        m_sum(m_indices[i]) += m_values(static_cast<Eigen::Index>(i));
    }
}

void
TopKEfServerCodec::Direction(Eigen::Ref<Eigen::VectorXd> out)
{
    out = m_sum / static_cast<double>(m_workers);
}

} // namespace airgrad
