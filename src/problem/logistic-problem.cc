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

LogisticProblem::LogisticProblem(std::shared_ptr<const Dataset> data, double l2)
    : LinearProblem(std::move(data), l2)
{
    const Eigen::VectorXd& y = Data().labels;
    if (!((y.array() == 1.0) || (y.array() == -1.0)).all())
    {
        throw std::invalid_argument("logistic: labels must be +1 or -1");
    }
}

LogisticProblem::LogisticProblem(Dataset data, double l2)
    : LogisticProblem(std::make_shared<const Dataset>(std::move(data)), l2)
{
}

double
LogisticProblem::PredictionsToDerivatives(const Eigen::Ref<const Eigen::VectorXd>& labels,
                                          Eigen::Ref<Eigen::VectorXd> z,
                                          bool loss) const
{
    double sum = 0.0;
    for (Eigen::Index i = 0; i < z.size(); ++i)
    {
        const double y = labels(i);
        if (loss)
        {
            sum += Log1pExp(-(z(i) * y));
        }
        z(i) = -y * Sigmoid(-y * z(i)); // d/dz log(1 + exp(-y z))
    }
    return sum;
}

void
LogisticProblem::PredictionsToCurvature(Eigen::Ref<Eigen::VectorXd> z) const
{
    for (Eigen::Index i = 0; i < z.size(); ++i)
    {
        const double s = Sigmoid(z(i));
        z(i) = s * (1.0 - s);
    }
}

std::optional<double>
LogisticProblem::Accuracy(const Eigen::Ref<const Eigen::VectorXd>& x) const
{
    m_margin.resize(Samples());
    Predict(x, m_margin);
    Eigen::Index correct = 0;
    for (Eigen::Index i = 0; i < m_margin.size(); ++i)
    {
        correct += ((m_margin(i) >= 0.0 ? 1.0 : -1.0) == Data().labels(i)) ? 1 : 0;
    }
    return static_cast<double>(correct) / static_cast<double>(Samples());
}

} // namespace airgrad
