#include "problem/linear-problem.h"

#include <stdexcept>
#include <utility>

namespace airgrad {

LinearProblem::LinearProblem(std::shared_ptr<const Dataset> data, double l2)
    : m_data(std::move(data)),
      m_l2(l2)
{
    if (!m_data || m_data->Samples() < 1 || !(l2 >= 0.0))
    {
        throw std::invalid_argument("linear problem: need at least one sample and l2 >= 0");
    }
    m_scratch.resize(m_data->Samples());
}

void
LinearProblem::Predict(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const
{
    VisitFeatures(*m_data, [&](const auto& a) { out.noalias() = a * x; });
}

double
LinearProblem::Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const
{
    Predict(x, m_scratch);
    return PredictionsToDerivatives(m_data->labels, m_scratch, true) / static_cast<double>(Samples()) +
           0.5 * m_l2 * x.squaredNorm();
}

double
LinearProblem::GradientOn(const Dataset& data, const Eigen::Ref<const Eigen::VectorXd>& x,
                          Eigen::Ref<Eigen::VectorXd> scratch, Eigen::Ref<Eigen::VectorXd> out, bool loss) const
{
    return VisitFeatures(data, [&](const auto& a) {
        scratch.noalias() = a * x;
        const double sum = PredictionsToDerivatives(data.labels, scratch, loss);
        out.noalias() = a.transpose() * scratch;
        out *= 1.0 / static_cast<double>(a.rows());
        out += m_l2 * x;
        return sum;
    });
}

void
LinearProblem::Gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const
{
    GradientOn(*m_data, x, m_scratch, out, false);
}

double
LinearProblem::LossGradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const
{
    const double sum = GradientOn(*m_data, x, m_scratch, out, true);
    return sum / static_cast<double>(Samples()) + 0.5 * m_l2 * x.squaredNorm();
}

void
LinearProblem::GradientRows(const Eigen::Ref<const Eigen::VectorXd>& x,
                            const std::vector<Eigen::Index>& rows,
                            Eigen::Ref<Eigen::VectorXd> out) const
{
    Gather(*m_data, rows, m_batch);
    GradientOn(m_batch, x, m_scratch.head(m_batch.Samples()), out, false);
}

void
LinearProblem::PrepareHessian(const Eigen::Ref<const Eigen::VectorXd>& x) const
{
    m_curvature.resize(Samples());
    Predict(x, m_curvature);
    PredictionsToCurvature(m_curvature);
}

void
LinearProblem::ApplyHessian(const Eigen::Ref<const Eigen::VectorXd>& v, Eigen::Ref<Eigen::VectorXd> out) const
{
    if (m_curvature.size() != Samples())
    {
        throw std::logic_error("ApplyHessian before PrepareHessian");
    }
    VisitFeatures(*m_data, [&](const auto& a) {
        m_scratch.noalias() = a * v;
        m_scratch.array() *= m_curvature.array();
        out.noalias() = a.transpose() * m_scratch;
    });
    out *= 1.0 / static_cast<double>(Samples());
    out += m_l2 * v;
}

void
LinearProblem::HessianDiagonal(Eigen::Ref<Eigen::VectorXd> out) const
{
    if (m_curvature.size() != Samples())
    {
        throw std::logic_error("HessianDiagonal before PrepareHessian");
    }
    // diag(A^T D A)_j = sum_i D_i a_ij^2
    if (m_data->isSparse)
    {
        const SparseFeatures& a = m_data->sparse;
        out.setZero();
        for (Eigen::Index i = 0; i < a.outerSize(); ++i)
        {
            for (SparseFeatures::InnerIterator it(a, i); it; ++it)
            {
                out(it.col()) += it.value() * it.value() * m_curvature(i);
            }
        }
    }
    else
    {
        const Eigen::MatrixXd& a = m_data->features;
        for (Eigen::Index j = 0; j < a.cols(); ++j)
        {
            out(j) = a.col(j).cwiseAbs2().dot(m_curvature);
        }
    }
    out *= 1.0 / static_cast<double>(Samples());
    out.array() += m_l2;
}

void
LinearProblem::ApplySmoothnessOperator(const Eigen::Ref<const Eigen::VectorXd>& v,
                                       Eigen::Ref<Eigen::VectorXd> out) const
{
    VisitFeatures(*m_data, [&](const auto& a) {
        m_scratch.noalias() = a * v;
        out.noalias() = a.transpose() * m_scratch;
    });
    out *= SmoothnessFactor() / static_cast<double>(Samples());
    out += m_l2 * v;
}

double
LinearProblem::FlopsPerSample() const
{
    return 4.0 * static_cast<double>(m_data->StoredValues()) / static_cast<double>(Samples());
}

} // namespace airgrad
