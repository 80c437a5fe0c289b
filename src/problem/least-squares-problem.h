#ifndef AIRGRAD_PROBLEM_LEAST_SQUARES_PROBLEM_H
#define AIRGRAD_PROBLEM_LEAST_SQUARES_PROBLEM_H

#include "problem/linear-problem.h"

namespace airgrad {

/**
 * \brief f(x) = 1/(2n) ||A x - b||^2 + (l2/2) ||x||^2, dense or sparse A.
 *
 * Gradient A^T (A x - b) / n + l2 x; Hessian A^T A / n + l2 I, which is also the smoothness operator.
 */
class LeastSquaresProblem : public LinearProblem
{
  public:
    LeastSquaresProblem(std::shared_ptr<const Dataset> data, double l2);
    LeastSquaresProblem(Dataset data, double l2);

  protected:
    double PredictionsToDerivatives(const Eigen::Ref<const Eigen::VectorXd>& labels,
                                    Eigen::Ref<Eigen::VectorXd> z,
                                    bool loss) const override;
    void PredictionsToCurvature(Eigen::Ref<Eigen::VectorXd> z) const override { z.setOnes(); }
    double SmoothnessFactor() const override { return 1.0; }
};

} // namespace airgrad

#endif
