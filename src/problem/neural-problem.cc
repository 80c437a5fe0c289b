#include "problem/neural-problem.h"

#include "core/rng.h"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace airgrad {

namespace {

using MatrixMap = Eigen::Map<const Eigen::MatrixXd>;

} // namespace

NeuralProblem::NeuralProblem(Dataset data, int classes, std::vector<int> hidden, double l2)
    : m_data(std::move(data)),
      m_classes(classes),
      m_hidden(std::move(hidden)),
      m_l2(l2)
{
    if (m_data.isSparse)
    {
        throw std::invalid_argument("softmax/mlp: the features must be dense (Densify them first)");
    }
    if (m_data.Samples() < 1 || classes < 2 || !(l2 >= 0.0))
    {
        throw std::invalid_argument("softmax/mlp: need samples, at least 2 classes and l2 >= 0");
    }
    if (!((m_data.labels.array() >= 0.0) && (m_data.labels.array() < classes) &&
          (m_data.labels.array() == m_data.labels.array().floor()))
             .all())
    {
        throw std::invalid_argument("softmax/mlp: labels must be class numbers 0..C-1");
    }
    m_widths.push_back(static_cast<int>(m_data.Features()));
    m_widths.insert(m_widths.end(), m_hidden.begin(), m_hidden.end());
    m_widths.push_back(classes);
    m_dimension = 0;
    const Eigen::Index n = m_data.Samples();
    for (size_t l = 1; l < m_widths.size(); ++l)
    {
        m_dimension += static_cast<Eigen::Index>(m_widths[l - 1] + 1) * m_widths[l];
        m_z.emplace_back(n, m_widths[l]);
        if (l + 1 < m_widths.size())
        {
            m_a.emplace_back(n, m_widths[l]);
        }
    }
    m_gradient.resize(m_dimension);
}

double
NeuralProblem::Evaluate(const Eigen::Ref<const Eigen::MatrixXd>& features,
                        const Eigen::Ref<const Eigen::VectorXd>& labels,
                        const Eigen::Ref<const Eigen::VectorXd>& x,
                        Eigen::VectorXd* gradient) const
{
    const Eigen::Index b = features.rows();
    const size_t layers = m_widths.size() - 1;
    // Forward.
    Eigen::Index offset = 0;
    for (size_t l = 0; l < layers; ++l)
    {
        const int in = m_widths[l], out = m_widths[l + 1];
        const MatrixMap w(x.data() + offset, in, out);
        const auto bias = x.segment(offset + static_cast<Eigen::Index>(in) * out, out).transpose();
        auto z = m_z[l].topRows(b);
        if (l == 0)
        {
            z.noalias() = features * w;
        }
        else
        {
            z.noalias() = m_a[l - 1].topRows(b) * w;
        }
        z.rowwise() += bias;
        if (l + 1 < layers)
        {
            m_a[l].topRows(b) = z.cwiseMax(0.0);
        }
        offset += static_cast<Eigen::Index>(in + 1) * out;
    }
    // Softmax cross-entropy, stable: log-sum-exp around the row maximum.
    auto z = m_z[layers - 1].topRows(b);
    double loss = 0.0;
    for (Eigen::Index i = 0; i < b; ++i)
    {
        const double top = z.row(i).maxCoeff();
        z.row(i).array() = (z.row(i).array() - top).exp();
        const double sum = z.row(i).sum();
        const auto y = static_cast<Eigen::Index>(labels(i));
        loss -= std::log(z(i, y) / sum);
        z.row(i) /= sum; // probabilities, the start of backprop
        z(i, y) -= 1.0;
    }
    loss = loss / static_cast<double>(b) + 0.5 * m_l2 * x.squaredNorm();
    if (!gradient)
    {
        return loss;
    }
    // Backward: m_z[l] becomes dLoss/dz_l (times b).
    Eigen::VectorXd& g = *gradient;
    const double scale = 1.0 / static_cast<double>(b);
    for (size_t l = layers; l-- > 0;)
    {
        const int in = m_widths[l], out = m_widths[l + 1];
        offset -= static_cast<Eigen::Index>(in + 1) * out;
        auto delta = m_z[l].topRows(b);
        Eigen::Map<Eigen::MatrixXd> gw(g.data() + offset, in, out);
        if (l == 0)
        {
            gw.noalias() = scale * (features.transpose() * delta);
        }
        else
        {
            gw.noalias() = scale * (m_a[l - 1].topRows(b).transpose() * delta);
        }
        g.segment(offset + static_cast<Eigen::Index>(in) * out, out) = scale * delta.colwise().sum().transpose();
        if (l > 0)
        {
            const MatrixMap w(x.data() + offset, in, out);
            auto previous = m_z[l - 1].topRows(b);
            // ReLU'(z) = [z > 0]; m_a holds max(z, 0), so a > 0 marks the same entries.
            previous.noalias() = delta * w.transpose();
            previous = (m_a[l - 1].topRows(b).array() > 0.0).select(previous, 0.0);
        }
    }
    g += m_l2 * x;
    return loss;
}

double
NeuralProblem::Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const
{
    return Evaluate(m_data.features, m_data.labels, x, nullptr);
}

void
NeuralProblem::Gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const
{
    Evaluate(m_data.features, m_data.labels, x, &m_gradient);
    out = m_gradient;
}

double
NeuralProblem::LossGradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const
{
    const double loss = Evaluate(m_data.features, m_data.labels, x, &m_gradient);
    out = m_gradient;
    return loss;
}

void
NeuralProblem::GradientRows(const Eigen::Ref<const Eigen::VectorXd>& x,
                            const std::vector<Eigen::Index>& rows,
                            Eigen::Ref<Eigen::VectorXd> out) const
{
    Gather(m_data, rows, m_batch);
    Evaluate(m_batch.features, m_batch.labels, x, &m_gradient);
    out = m_gradient;
}

void
NeuralProblem::ApplySmoothnessOperator(const Eigen::Ref<const Eigen::VectorXd>& v,
                                       Eigen::Ref<Eigen::VectorXd> out) const
{
    if (!m_hidden.empty())
    {
        throw std::logic_error("mlp: no smoothness operator");
    }
    const Eigen::Index d = m_data.Features();
    const int c = m_classes;
    const MatrixMap vw(v.data(), d, c);
    const auto vb = v.segment(d * c, c).transpose();
    Eigen::MatrixXd& z = m_z[0];
    z.noalias() = m_data.features * vw;
    z.rowwise() += vb;
    const double scale = 0.5 / static_cast<double>(Samples());
    Eigen::Map<Eigen::MatrixXd> ow(out.data(), d, c);
    ow.noalias() = scale * (m_data.features.transpose() * z);
    out.segment(d * c, c) = scale * z.colwise().sum().transpose();
    out += m_l2 * v;
}

std::optional<double>
NeuralProblem::Accuracy(const Eigen::Ref<const Eigen::VectorXd>& x) const
{
    // Forward only, reusing Evaluate's scratch: the logits end up normalised, argmax unchanged.
    Evaluate(m_data.features, m_data.labels, x, nullptr);
    const auto& p = m_z.back();
    Eigen::Index correct = 0;
    for (Eigen::Index i = 0; i < Samples(); ++i)
    {
        const auto y = static_cast<Eigen::Index>(m_data.labels(i));
        Eigen::Index best = 0;
        // Row i holds p - onehot(y): add the one back before comparing.
        double bestValue = p(i, 0) + (y == 0 ? 1.0 : 0.0);
        for (Eigen::Index k = 1; k < p.cols(); ++k)
        {
            const double value = p(i, k) + (y == k ? 1.0 : 0.0);
            if (value > bestValue)
            {
                bestValue = value;
                best = k;
            }
        }
        correct += best == y;
    }
    return static_cast<double>(correct) / static_cast<double>(Samples());
}

void
NeuralProblem::InitialPoint(uint64_t seed, Eigen::Ref<Eigen::VectorXd> out) const
{
    out.setZero();
    if (m_hidden.empty())
    {
        return;
    }
    Rng rng = Rng::Derive(seed, 0x4E17ULL);
    Eigen::Index offset = 0;
    for (size_t l = 0; l + 1 < m_widths.size(); ++l)
    {
        const int in = m_widths[l], out_ = m_widths[l + 1];
        const double sd = std::sqrt(2.0 / in);
        for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(in) * out_; ++j)
        {
            out(offset + j) = sd * rng.Normal();
        }
        offset += static_cast<Eigen::Index>(in + 1) * out_;
    }
}

double
NeuralProblem::FlopsPerSample() const
{
    double macs = 0.0;
    for (size_t l = 0; l + 1 < m_widths.size(); ++l)
    {
        macs += static_cast<double>(m_widths[l]) * m_widths[l + 1];
    }
    return 6.0 * macs; // forward 2, backward 4 flops per weight
}

} // namespace airgrad
