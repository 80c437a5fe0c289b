#include "problem/least-squares-problem.h"

#include <utility>

namespace airgrad {

LeastSquaresProblem::LeastSquaresProblem(std::shared_ptr<const Dataset> data, double l2)
    : LinearProblem(std::move(data), l2)
{
}

LeastSquaresProblem::LeastSquaresProblem(Dataset data, double l2)
    : LeastSquaresProblem(std::make_shared<const Dataset>(std::move(data)), l2)
{
}

double
LeastSquaresProblem::PredictionsToDerivatives(const Eigen::Ref<const Eigen::VectorXd>& labels,
                                              Eigen::Ref<Eigen::VectorXd> z,
                                              bool loss) const
{
    z -= labels; // the residual is phi'(z) = z - b
    return loss ? 0.5 * z.squaredNorm() : 0.0;
}

} // namespace airgrad
