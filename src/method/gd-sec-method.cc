#include "method/gd-sec-method.h"

#include <cmath>
#include <stdexcept>

namespace airgrad {

GdSecWorkerCodec::GdSecWorkerCodec(Eigen::Index dim, double beta, double xi, Threshold threshold,
                                   bool skipEmpty, double step, int workers, ValueFormat format,
                                   IndexCoding coding)
    : m_beta(beta),
      m_xi(xi),
      m_threshold(threshold),
      m_skipEmpty(skipEmpty),
      m_scale(xi / (step * workers)),
      m_format(format),
      m_coding(coding),
      m_reference(Eigen::VectorXd::Zero(dim)),
      m_error(Eigen::VectorXd::Zero(dim)),
      m_v(dim),
      m_stagedReference(dim),
      m_stagedError(dim),
      m_previousModel(dim)
{
    if (skipEmpty && beta != 1.0)
    {
        throw std::invalid_argument("method.skip_empty = true requires method.beta = 1");
    }
}

void
GdSecWorkerCodec::Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                         const Eigen::Ref<const Eigen::VectorXd>& gradient,
                         const MessageHeader& header,
                         std::vector<uint8_t>& out)
{
    if (m_staged)
    {
        Resolve(false);
    }
    m_v = gradient - m_beta * m_reference + m_error;
    if (!m_hasPrevious)
    {
        CompressMasked(m_v, m_format, [&](Eigen::Index j) { return m_v(j) != 0.0; }, m_compressed);
    }
    else if (m_threshold == Threshold::kIterateChange)
    {
        CompressMasked(
            m_v, m_format,
            [&](Eigen::Index j) { return std::abs(m_v(j)) > m_scale * std::abs(model(j) - m_previousModel(j)); },
            m_compressed);
    }
    else
    {
        const double tau = m_threshold == Threshold::kConstant
                               ? m_xi
                               : m_scale * (model - m_previousModel).norm() /
                                     std::sqrt(static_cast<double>(model.size()));
        CompressMasked(m_v, m_format, [&](Eigen::Index j) { return std::abs(m_v(j)) > tau; }, m_compressed);
    }
    m_previousModel = model;
    m_hasPrevious = true;
    m_stagedReference = m_beta * m_reference;
    m_compressed.AddTo(m_stagedReference);
    m_stagedError = m_v;
    m_compressed.AddTo(m_stagedError, -1.0);
    m_staged = true;
    m_skipped = m_skipEmpty && m_compressed.Count() == 0;
    if (m_skipped)
    {
        out.clear();
        return;
    }
    EncodeCompressed(header, m_compressed, out, m_coding);
}

void
GdSecWorkerCodec::Resolve(bool applied)
{
    if (!m_staged)
    {
        return;
    }
    if (m_skipped)
    {
        m_error = m_stagedError; // nothing was sent, so nothing was lost: h stays as it is
    }
    else if (applied)
    {
        m_reference.swap(m_stagedReference);
        m_error.swap(m_stagedError);
    }
    m_staged = false;
}

GdSecServerCodec::GdSecServerCodec(Eigen::Index dim, double step, int workers, double beta)
    : DirectionServerCodec(dim, step),
      m_beta(beta),
      m_references(static_cast<size_t>(workers), Eigen::VectorXd::Zero(dim)),
      m_sum(Eigen::VectorXd::Zero(dim))
{
}

void
GdSecServerCodec::Accept(uint32_t worker, const CheckedMessage& message, double)
{
    DecodeCompressed(message, m_sum.size(), m_decoded);
    Eigen::VectorXd& h = m_references[worker];
    if (m_beta != 1.0)
    {
        m_sum += (m_beta - 1.0) * h;
        h *= m_beta; // the worker computes beta * h the same way
    }
    m_decoded.AddTo(h);
    m_decoded.AddTo(m_sum);
}

void
GdSecServerCodec::Direction(Eigen::Ref<Eigen::VectorXd> out)
{
    out = m_sum / static_cast<double>(m_references.size());
}

} // namespace airgrad
