#ifndef AIRGRAD_PROBLEM_LEAST_SQUARES_PROBLEM_H
#define AIRGRAD_PROBLEM_LEAST_SQUARES_PROBLEM_H

#include "data/dataset.h"
#include "problem/problem.h"

namespace airgrad {

/**
 * \brief f(x) = 1/(2n) ||A x - b||^2 + (l2/2) ||x||^2.
 *
 * Gradient A^T (A x - b) / n + l2 x; Hessian A^T A / n + l2 I, which is also the smoothness operator.
 */
class LeastSquaresProblem : public Problem
{
  public:
    LeastSquaresProblem(Dataset data, double l2);

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

  private:
    /// The gradient over the rows of (features, labels), with `residual` as scratch.
    void GradientOn(const Eigen::Ref<const Eigen::MatrixXd>& features,
                    const Eigen::Ref<const Eigen::VectorXd>& labels,
                    const Eigen::Ref<const Eigen::VectorXd>& x,
                    Eigen::Ref<Eigen::VectorXd> residual,
                    Eigen::Ref<Eigen::VectorXd> out) const;

    Dataset m_data;
    double m_l2;
    mutable Eigen::VectorXd m_residual; ///< n, scratch
    mutable Dataset m_batch; ///< gathered minibatch rows (resized only when the batch size changes)
};

} // namespace airgrad

#endif
