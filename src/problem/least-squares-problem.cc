#include "problem/least-squares-problem.h"

#include <stdexcept>
#include <utility>

namespace airgrad {

LeastSquaresProblem::LeastSquaresProblem(Dataset data, double l2)
    : m_data(std::move(data)),
      m_l2(l2),
      m_residual(m_data.Samples())
{
    if (m_data.Samples() < 1 || !(l2 >= 0.0))
    {
        throw std::invalid_argument("least squares: need at least one sample and l2 >= 0");
    }
}

double
LeastSquaresProblem::Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const
{
    m_residual.noalias() = m_data.features * x;
    m_residual -= m_data.labels;
    return 0.5 * m_residual.squaredNorm() / static_cast<double>(Samples()) +
           0.5 * m_l2 * x.squaredNorm();
}

void
LeastSquaresProblem::GradientOn(const Eigen::Ref<const Eigen::MatrixXd>& features,
                                const Eigen::Ref<const Eigen::VectorXd>& labels,
                                const Eigen::Ref<const Eigen::VectorXd>& x,
                                Eigen::Ref<Eigen::VectorXd> residual,
                                Eigen::Ref<Eigen::VectorXd> out) const
{
    residual.noalias() = features * x;
    residual -= labels;
    out.noalias() = features.transpose() * residual;
    out *= 1.0 / static_cast<double>(features.rows());
    out += m_l2 * x;
}

void
LeastSquaresProblem::Gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                              Eigen::Ref<Eigen::VectorXd> out) const
{
    GradientOn(m_data.features, m_data.labels, x, m_residual, out);
}

void
LeastSquaresProblem::GradientRows(const Eigen::Ref<const Eigen::VectorXd>& x,
                                  const std::vector<Eigen::Index>& rows,
                                  Eigen::Ref<Eigen::VectorXd> out) const
{
    Gather(m_data, rows, m_batch);
    GradientOn(m_batch.features, m_batch.labels, x, m_residual.head(m_batch.Samples()), out);
}

void
LeastSquaresProblem::AddHessian(const Eigen::Ref<const Eigen::VectorXd>& /*x*/,
                                double weight,
                                Eigen::Ref<Eigen::MatrixXd> out) const
{
    out.selfadjointView<Eigen::Lower>().rankUpdate(m_data.features.transpose(),
                                                   weight / static_cast<double>(Samples()));
    out.diagonal().array() += weight * m_l2;
    out.triangularView<Eigen::StrictlyUpper>() = out.transpose();
}

void
LeastSquaresProblem::ApplySmoothnessOperator(const Eigen::Ref<const Eigen::VectorXd>& v,
                                             Eigen::Ref<Eigen::VectorXd> out) const
{
    m_residual.noalias() = m_data.features * v;
    out.noalias() = m_data.features.transpose() * m_residual;
    out *= 1.0 / static_cast<double>(Samples());
    out += m_l2 * v;
}

} // namespace airgrad
