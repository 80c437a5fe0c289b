#ifndef AIRGRAD_PROBLEM_LOGISTIC_PROBLEM_H
#define AIRGRAD_PROBLEM_LOGISTIC_PROBLEM_H

#include "problem/linear-problem.h"

namespace airgrad {

/**
 * \brief L2-regularised binary logistic regression, labels y_i in {-1, +1}, dense or sparse features:
 * f(x) = 1/n sum_i log(1 + exp(-y_i a_i^T x)) + (l2/2) ||x||^2.
 *
 * Hessian A^T diag(s_i (1 - s_i)) A / n + l2 I, s_i = sigmoid(a_i^T x); smoothness operator
 * A^T A / (4n) + l2 I (the logistic loss has curvature at most 1/4).
 */
class LogisticProblem : public LinearProblem
{
  public:
    LogisticProblem(std::shared_ptr<const Dataset> data, double l2);
    LogisticProblem(Dataset data, double l2);

    /// Fraction of samples with sign(a_i^T x) == y_i (a zero margin counts as +1).
    std::optional<double> Accuracy(const Eigen::Ref<const Eigen::VectorXd>& x) const override;

  protected:
    double PredictionsToDerivatives(const Eigen::Ref<const Eigen::VectorXd>& labels,
                                    Eigen::Ref<Eigen::VectorXd> z,
                                    bool loss) const override;
    void PredictionsToCurvature(Eigen::Ref<Eigen::VectorXd> z) const override;
    double SmoothnessFactor() const override { return 0.25; }

  private:
    mutable Eigen::VectorXd m_margin; ///< n, scratch of Accuracy
};

} // namespace airgrad

#endif
