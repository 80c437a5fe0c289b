#ifndef AIRGRAD_PROBLEM_LOGISTIC_PROBLEM_H
#define AIRGRAD_PROBLEM_LOGISTIC_PROBLEM_H

#include "data/dataset.h"
#include "problem/problem.h"

namespace airgrad {

/**
 * \brief L2-regularised binary logistic regression, labels y_i in {-1, +1}:
 * f(x) = 1/n sum_i log(1 + exp(-y_i a_i^T x)) + (l2/2) ||x||^2.
 *
 * Smoothness operator A^T A / (4n) + l2 I (the logistic loss has curvature at most 1/4).
 */
class LogisticProblem : public Problem
{
  public:
    LogisticProblem(Dataset data, double l2);

    Eigen::Index Dimension() const override { return m_data.Features(); }
    Eigen::Index Samples() const override { return m_data.Samples(); }
    double Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const override;
    void Gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                  Eigen::Ref<Eigen::VectorXd> out) const override;
    void GradientRows(const Eigen::Ref<const Eigen::VectorXd>& x,
                      const std::vector<Eigen::Index>& rows,
                      Eigen::Ref<Eigen::VectorXd> out) const override;
    void AddHessian(const Eigen::Ref<const Eigen::VectorXd>& x,
                    double weight,
                    Eigen::Ref<Eigen::MatrixXd> out) const override;
    void ApplySmoothnessOperator(const Eigen::Ref<const Eigen::VectorXd>& v,
                                 Eigen::Ref<Eigen::VectorXd> out) const override;
    /// Fraction of samples with sign(a_i^T x) == y_i (a zero margin counts as +1).
    std::optional<double> Accuracy(const Eigen::Ref<const Eigen::VectorXd>& x) const override;

  private:
    /// The gradient over the rows of (features, labels), with `residual` as scratch.
    void GradientOn(const Eigen::Ref<const Eigen::MatrixXd>& features,
                    const Eigen::Ref<const Eigen::VectorXd>& labels,
                    const Eigen::Ref<const Eigen::VectorXd>& x,
                    Eigen::Ref<Eigen::VectorXd> residual,
                    Eigen::Ref<Eigen::VectorXd> out) const;

    Dataset m_data;
    double m_l2;
    mutable Eigen::VectorXd m_margin; ///< n, scratch: y_i a_i^T x, then per-sample weights
    mutable Dataset m_batch; ///< gathered minibatch rows (resized only when the batch size changes)
};

} // namespace airgrad

#endif
