// problem.type = torch: the flat parameter vector and the gradient libtorch computes through it.
#include "core/rng.h"
#include "problem/torch-problem.h"

#include <gtest/gtest.h>

#include <cmath>

namespace airgrad {
namespace {

/// n random C x S x S images with labels 0..classes-1.
std::shared_ptr<const Dataset>
Images(int n, int side, int classes, uint64_t seed)
{
    Rng rng(seed);
    auto data = std::make_shared<Dataset>();
    data->features.resize(n, side * side);
    data->labels.resize(n);
    for (int i = 0; i < n; ++i)
    {
        for (int j = 0; j < side * side; ++j)
        {
            data->features(i, j) = rng.Normal();
        }
        data->labels(i) = i % classes;
    }
    return data;
}

TorchModelSpec
LeNet(int side, int classes, bool float64)
{
    TorchModelSpec spec;
    spec.model = "lenet5";
    spec.inputShape = {1, side, side};
    spec.classes = classes;
    spec.l2 = 1e-3;
    spec.float64 = float64;
    return spec;
}

TEST(Torch, LeNet5HasItsParameterCount)
{
    const auto problem = MakeTorchProblem(Images(4, 28, 10, 1), LeNet(28, 10, false));
    EXPECT_EQ(problem->Dimension(), 61706); // 156 + 2416 + 48120 + 10164 + 850
    EXPECT_FALSE(problem->HasSmoothness());
    EXPECT_FALSE(problem->HasHessian());
}

TEST(Torch, GradientMatchesFiniteDifferencesInDouble)
{
    const auto problem = MakeTorchProblem(Images(6, 12, 3, 2), LeNet(12, 3, true));
    Eigen::VectorXd x(problem->Dimension());
    problem->InitialPoint(7, x);
    Eigen::VectorXd g(problem->Dimension());
    const double loss = problem->LossGradient(x, g);
    EXPECT_DOUBLE_EQ(loss, problem->Loss(x));
    Rng rng(3);
    const double h = 1e-6;
    for (int t = 0; t < 40; ++t)
    {
        const auto j = static_cast<Eigen::Index>(rng.NextU64() % static_cast<uint64_t>(x.size()));
        Eigen::VectorXd plus = x, minus = x;
        plus(j) += h;
        minus(j) -= h;
        const double fd = (problem->Loss(plus) - problem->Loss(minus)) / (2 * h);
        EXPECT_NEAR(g(j), fd, 1e-6 * (1.0 + std::abs(fd))) << "coordinate " << j;
    }
}

TEST(Torch, TheFlatVectorIsWhatTheModelComputesWith)
{
    // The same vector gives the same loss and gradient however often it is loaded; a minibatch of
    // every row is the full gradient; the initial point is the seed's, bit for bit.
    const auto problem = MakeTorchProblem(Images(5, 12, 3, 4), LeNet(12, 3, false));
    const Eigen::Index d = problem->Dimension();
    Eigen::VectorXd a(d), b(d), other(d);
    problem->InitialPoint(11, a);
    problem->InitialPoint(11, b);
    problem->InitialPoint(12, other);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, other);
    Eigen::VectorXd g(d), again(d), rows(d);
    const double fa = problem->LossGradient(a, g);
    problem->LossGradient(other, again);
    EXPECT_EQ(problem->LossGradient(a, again), fa);
    EXPECT_EQ(again, g);
    problem->GradientRows(a, {0, 1, 2, 3, 4}, rows);
    EXPECT_EQ(rows, g);
    const auto accuracy = problem->Accuracy(a);
    ASSERT_TRUE(accuracy.has_value());
    EXPECT_GE(*accuracy, 0.0);
    EXPECT_LE(*accuracy, 1.0);
}

TEST(Torch, AModelThatDoesNotFitTheDataIsRefusedNamingTheKey)
{
    TorchModelSpec flat = LeNet(12, 3, false);
    flat.inputShape = {144};
    try
    {
        MakeTorchProblem(Images(3, 12, 3, 5), flat);
        FAIL() << "lenet5 on flat rows";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_NE(std::string(e.what()).find("problem.model = lenet5"), std::string::npos) << e.what();
    }
    TorchModelSpec script = LeNet(12, 3, false);
    script.model = "/dev/null";
    try
    {
        MakeTorchProblem(Images(3, 12, 3, 5), script);
        FAIL() << "an empty file";
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("problem.model = '/dev/null' is not a TorchScript file"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
    }
}

} // namespace
} // namespace airgrad
