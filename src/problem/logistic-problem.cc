#include "problem/logistic-problem.h"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace airgrad {

namespace {

/// log(1 + exp(z)) without overflow.
inline double
Log1pExp(double z)
{
    return z > 0.0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

/// 1 / (1 + exp(-z)) without overflow.
inline double
Sigmoid(double z)
{
    if (z >= 0.0)
    {
        return 1.0 / (1.0 + std::exp(-z));
    }
    const double e = std::exp(z);
    return e / (1.0 + e);
}

} // namespace

LogisticProblem::LogisticProblem(Dataset data, double l2)
    : m_data(std::move(data)),
      m_l2(l2),
      m_margin(m_data.Samples())
{
    if (m_data.Samples() < 1 || !(l2 >= 0.0))
    {
        throw std::invalid_argument("logistic: need at least one sample and l2 >= 0");
    }
    if (!((m_data.labels.array() == 1.0) || (m_data.labels.array() == -1.0)).all())
    {
        throw std::invalid_argument("logistic: labels must be +1 or -1");
    }
}

double
LogisticProblem::Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const
{
    m_margin.noalias() = m_data.features * x;
    m_margin.array() *= m_data.labels.array();
    double sum = 0.0;
    for (Eigen::Index i = 0; i < m_margin.size(); ++i)
    {
        sum += Log1pExp(-m_margin(i));
    }
    return sum / static_cast<double>(Samples()) + 0.5 * m_l2 * x.squaredNorm();
}

void
LogisticProblem::GradientOn(const Eigen::Ref<const Eigen::MatrixXd>& features,
                            const Eigen::Ref<const Eigen::VectorXd>& labels,
                            const Eigen::Ref<const Eigen::VectorXd>& x,
                            Eigen::Ref<Eigen::VectorXd> margin,
                            Eigen::Ref<Eigen::VectorXd> out) const
{
    margin.noalias() = features * x;
    for (Eigen::Index i = 0; i < margin.size(); ++i)
    {
        const double y = labels(i);
        margin(i) = -y * Sigmoid(-y * margin(i)); // d/dz log(1 + exp(-y z))
    }
    out.noalias() = features.transpose() * margin;
    out *= 1.0 / static_cast<double>(features.rows());
    out += m_l2 * x;
}

void
LogisticProblem::Gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                          Eigen::Ref<Eigen::VectorXd> out) const
{
    GradientOn(m_data.features, m_data.labels, x, m_margin, out);
}

void
LogisticProblem::GradientRows(const Eigen::Ref<const Eigen::VectorXd>& x,
                              const std::vector<Eigen::Index>& rows,
                              Eigen::Ref<Eigen::VectorXd> out) const
{
    Gather(m_data, rows, m_batch);
    GradientOn(m_batch.features, m_batch.labels, x, m_margin.head(m_batch.Samples()), out);
}

void
LogisticProblem::AddHessian(const Eigen::Ref<const Eigen::VectorXd>& x,
                            double weight,
                            Eigen::Ref<Eigen::MatrixXd> out) const
{
    m_margin.noalias() = m_data.features * x;
    for (Eigen::Index i = 0; i < m_margin.size(); ++i)
    {
        const double s = Sigmoid(m_margin(i));
        m_margin(i) = std::sqrt(s * (1.0 - s));
    }
    const Eigen::MatrixXd scaled = m_margin.asDiagonal() * m_data.features;
    out.selfadjointView<Eigen::Lower>().rankUpdate(scaled.transpose(),
                                                   weight / static_cast<double>(Samples()));
    out.diagonal().array() += weight * m_l2;
    out.triangularView<Eigen::StrictlyUpper>() = out.transpose();
}

void
LogisticProblem::ApplySmoothnessOperator(const Eigen::Ref<const Eigen::VectorXd>& v,
                                         Eigen::Ref<Eigen::VectorXd> out) const
{
    m_margin.noalias() = m_data.features * v;
    out.noalias() = m_data.features.transpose() * m_margin;
    out *= 0.25 / static_cast<double>(Samples());
    out += m_l2 * v;
}

std::optional<double>
LogisticProblem::Accuracy(const Eigen::Ref<const Eigen::VectorXd>& x) const
{
    m_margin.noalias() = m_data.features * x;
    Eigen::Index correct = 0;
    for (Eigen::Index i = 0; i < m_margin.size(); ++i)
    {
        correct += ((m_margin(i) >= 0.0 ? 1.0 : -1.0) == m_data.labels(i)) ? 1 : 0;
    }
    return static_cast<double>(correct) / static_cast<double>(Samples());
}

} // namespace airgrad
