// problem.type = torch: the flat parameter vector and the gradient libtorch computes through it.
#include "core/rng.h"
#include "problem/torch-problem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

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
Model(const std::string& name, int side, int classes, bool float64)
{
    TorchModelSpec spec;
    spec.model = name;
    spec.inputShape = {1, side, side};
    spec.classes = classes;
    spec.l2 = 1e-3;
    spec.float64 = float64;
    return spec;
}

TorchModelSpec
LeNet(int side, int classes, bool float64)
{
    return Model("lenet5", side, classes, float64);
}

/// The gradient against central differences of the loss at 40 random coordinates.
void
ExpectFiniteDifferences(const Problem& problem)
{
    Eigen::VectorXd x(problem.Dimension());
    problem.InitialPoint(7, x);
    Eigen::VectorXd g(problem.Dimension());
    const double loss = problem.LossGradient(x, g);
    EXPECT_DOUBLE_EQ(loss, problem.Loss(x));
    Rng rng(3);
    const double h = 1e-6;
    for (int t = 0; t < 40; ++t)
    {
        const auto j = static_cast<Eigen::Index>(rng.NextU64() % static_cast<uint64_t>(x.size()));
        Eigen::VectorXd plus = x, minus = x;
        plus(j) += h;
        minus(j) -= h;
        const double fd = (problem.Loss(plus) - problem.Loss(minus)) / (2 * h);
        EXPECT_NEAR(g(j), fd, 1e-6 * (1.0 + std::abs(fd))) << "coordinate " << j;
    }
}

TEST(Torch, EveryBuiltInModelHasItsParametersAndMultiplyAddsFromItsLayerShapes)
{
    // by hand from the layers, per 1 x 28 x 28 sample: a convolution's multiply-adds are its
    // outputs times its kernel volume, a linear layer's its weights
    struct Expected
    {
        Eigen::Index parameters;
        double macs;
    };
    const std::map<std::string, Expected> expected = {
        // 6@5x5 pad 2, 16@5x5, 400-120-84-10
        {"lenet5", {61706, 28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 400 * 120 + 120 * 84 + 84 * 10}},
        // 32@3x3, 64@3x3 (pad 1), 3136-256-10
        {"cnn", {824458, 28 * 28 * 32 * 9 + 14 * 14 * 64 * 32 * 9 + 3136 * 256 + 256 * 10}},
        // stem 16@3x3; blocks 16 (28 x 28), 32 (14 x 14, 1x1 shortcut), 64 (7 x 7, 1x1 shortcut); 64-10
        {"resnet8",
         {77754, 28 * 28 * 16 * 9 + 2 * 28 * 28 * 16 * 16 * 9 + 14 * 14 * 32 * (16 * 9 + 32 * 9 + 16) +
                     7 * 7 * 64 * (32 * 9 + 64 * 9 + 32) + 64 * 10}},
    };
    ASSERT_EQ(TorchModelNames().size(), expected.size());
    for (const std::string& name : TorchModelNames())
    {
        const auto problem = MakeTorchProblem(Images(3, 28, 10, 1), Model(name, 28, 10, false));
        EXPECT_EQ(problem->Dimension(), expected.at(name).parameters) << name;
        EXPECT_EQ(problem->FlopsPerSample(), 6 * expected.at(name).macs) << name;
        EXPECT_FALSE(problem->HasSmoothness());
        EXPECT_FALSE(problem->HasHessian());
    }
}

TEST(Torch, GradientMatchesFiniteDifferencesInDouble)
{
    for (const std::string& name : TorchModelNames())
    {
        SCOPED_TRACE(name);
        ExpectFiniteDifferences(*MakeTorchProblem(Images(6, 12, 3, 2), Model(name, 12, 3, true)));
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
