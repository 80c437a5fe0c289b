#include "method/tpc-method.h"

#include <cmath>
#include <stdexcept>

namespace airgrad {

PredictorHistory::PredictorHistory(Eigen::Index dim, int order)
    : m_order(order),
      m_ring(static_cast<size_t>(order), Eigen::VectorXd::Zero(dim))
{
}

const Eigen::VectorXd&
PredictorHistory::At(int i) const
{
    return m_ring[static_cast<size_t>((m_newest - i + m_order) % m_order)];
}

void
PredictorHistory::Push(const Eigen::Ref<const Eigen::VectorXd>& estimate)
{
    m_newest = (m_newest + 1) % m_order;
    m_ring[static_cast<size_t>(m_newest)] = estimate;
    m_count = std::min(m_count + 1, m_order);
}

void
PredictorHistory::Predict(const Eigen::Ref<const Eigen::VectorXd>& coefficients,
                          Eigen::Ref<Eigen::VectorXd> out) const
{
    out.setZero();
    for (int i = 0; i < m_count; ++i)
    {
        out += coefficients(i) * At(i);
    }
}

namespace {

/// Decodes the residual (if any) of a predicted message and forms g_hat = p + r.
void
Reconstruct(const PredictorHistory& history, const CheckedMessage& message,
            Eigen::VectorXd& coefficients, CompressedVector& residual, Eigen::VectorXd& estimate)
{
    CheckedMessage inner;
    DecodePredicted(message, coefficients, inner);
    const MessageHeader& h = message.header;
    const bool warmUp = coefficients.size() == 0;
    if (warmUp == history.Full() || (!warmUp && coefficients.size() != history.Order()) ||
        h.dimension != static_cast<uint32_t>(estimate.size()))
    {
        throw std::runtime_error("tpc message does not fit the predictor state");
    }
    if (warmUp)
    {
        estimate.setZero();
    }
    else
    {
        history.Predict(coefficients, estimate);
    }
    if (inner.size > 0)
    {
        DecodeCompressed(inner, estimate.size(), residual);
        residual.AddTo(estimate);
    }
}

} // namespace

TpcWorkerCodec::TpcWorkerCodec(const Options& options, Eigen::Index dim, uint64_t seed)
    : m_options(options),
      m_residualCompressor(options.residual, dim, seed),
      m_history(dim, options.order),
      m_estimate(dim),
      m_residual(dim),
      m_changes(dim, options.history),
      m_gram(options.order, options.order),
      m_rhs(options.order),
      m_solver(options.order)
{
}

void
TpcWorkerCodec::Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                       const Eigen::Ref<const Eigen::VectorXd>& gradient,
                       const MessageHeader& header,
                       std::vector<uint8_t>& out)
{
    m_changes.Observe(model);
    const ValueFormat f = m_options.residual.format;
    bool sendResidual = true;
    if (!m_history.Full())
    {
        m_coefficients.resize(0);
        m_estimate.setZero();
        m_residual = gradient;
    }
    else
    {
        const int p = m_history.Order();
        for (int i = 0; i < p; ++i)
        {
            m_rhs(i) = m_history.At(i).dot(gradient);
            for (int j = 0; j <= i; ++j)
            {
                m_gram(i, j) = m_gram(j, i) = m_history.At(i).dot(m_history.At(j));
            }
        }
        const double ridge = m_options.ridge * std::max(m_gram.trace() / p, 1e-300);
        m_gram.diagonal().array() += ridge;
        m_coefficients = m_solver.compute(m_gram).solve(m_rhs);
        for (int i = 0; i < p; ++i)
        {
            const double a = std::isfinite(m_coefficients(i)) ? m_coefficients(i) : 0.0;
            m_coefficients(i) = RoundToFormat(a, f); // the server predicts with these
        }
        m_history.Predict(m_coefficients, m_estimate);
        m_residual = gradient - m_estimate;
        const double r2 = m_residual.squaredNorm();
        switch (m_options.threshold)
        {
        case Threshold::kAbsolute:
            sendResidual = r2 > m_options.tau * m_options.tau;
            break;
        case Threshold::kRelative:
            sendResidual = r2 > m_options.tau * m_options.tau * gradient.squaredNorm();
            break;
        case Threshold::kLag:
        {
            const double scale = m_options.xi / (m_options.step * m_options.step * m_options.workers *
                                                 m_options.workers);
            sendResidual = r2 > scale * m_changes.Sum();
            break;
        }
        }
    }
    m_inner.clear();
    if (sendResidual)
    {
        if (m_history.Full())
        {
            m_residualCompressor.Apply(m_residual, m_compressed);
        }
        else
        {
            CompressDense(m_residual, f, m_compressed); // warm-up: the full gradient
        }
        m_compressed.AddTo(m_estimate);
        MessageHeader inner = header;
        EncodeCompressed(inner, m_compressed, m_inner, m_options.coding);
    }
    MessageHeader h = header;
    h.format = f;
    h.dimension = static_cast<uint32_t>(gradient.size());
    EncodePredicted(h, m_coefficients, m_inner, out);
    m_pending = true;
}

void
TpcWorkerCodec::Resolve(bool applied)
{
    if (m_pending && applied)
    {
        m_history.Push(m_estimate);
    }
    m_pending = false;
}

std::vector<const Eigen::VectorXd*>
TpcWorkerCodec::Mirrored() const
{
    std::vector<const Eigen::VectorXd*> out;
    for (int i = 0; i < m_history.Order(); ++i)
    {
        out.push_back(&m_history.At(i));
    }
    return out;
}

TpcServerCodec::TpcServerCodec(Eigen::Index dim, double step, int workers, int order)
    : DirectionServerCodec(dim, step),
      m_histories(static_cast<size_t>(workers), PredictorHistory(dim, order)),
      m_latest(static_cast<size_t>(workers), Eigen::VectorXd::Zero(dim)),
      m_sum(Eigen::VectorXd::Zero(dim)),
      m_estimate(dim)
{
}

void
TpcServerCodec::Accept(uint32_t worker, const CheckedMessage& message, double)
{
    Reconstruct(m_histories[worker], message, m_coefficients, m_decoded, m_estimate);
    m_histories[worker].Push(m_estimate);
    m_sum += m_estimate - m_latest[worker];
    m_latest[worker] = m_estimate;
}

void
TpcServerCodec::Direction(Eigen::Ref<Eigen::VectorXd> out)
{
    out = m_sum / static_cast<double>(m_latest.size());
}

std::vector<const Eigen::VectorXd*>
TpcServerCodec::Mirrored(uint32_t worker) const
{
    std::vector<const Eigen::VectorXd*> out;
    for (int i = 0; i < m_histories[worker].Order(); ++i)
    {
        out.push_back(&m_histories[worker].At(i));
    }
    return out;
}

} // namespace airgrad
