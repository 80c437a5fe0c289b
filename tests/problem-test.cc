#include "test-util.h"

#include "core/rng.h"
#include "data/synthetic.h"
#include "problem/least-squares-problem.h"
#include "problem/logistic-problem.h"
#include "problem/neural-problem.h"
#include "problem/objective.h"

#include <Eigen/Eigenvalues>
#include <gtest/gtest.h>

#include <memory>
#include <tuple>

namespace airgrad {
namespace {

SyntheticSpec
SmallSpec()
{
    SyntheticSpec s;
    s.samples = 60;
    s.features = 8;
    s.noise = 0.3;
    s.conditionNumber = 20;
    s.seed = 11;
    return s;
}

std::unique_ptr<Problem>
Make(bool logistic, const Dataset& d, double l2)
{
    if (logistic)
    {
        return std::make_unique<LogisticProblem>(d, l2);
    }
    return std::make_unique<LeastSquaresProblem>(d, l2);
}

class ProblemTest : public ::testing::TestWithParam<bool>
{
};

TEST_P(ProblemTest, GradientMatchesCentralFiniteDifferences)
{
    const bool logistic = GetParam();
    const SyntheticData data = logistic ? MakeBinaryData(SmallSpec()) : MakeRegressionData(SmallSpec());
    const auto p = Make(logistic, data.train, 0.05);
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(8, -0.7, 0.9);
    Eigen::VectorXd g(8);
    p->Gradient(x, g);
    const double h = 1e-6;
    for (int j = 0; j < 8; ++j)
    {
        Eigen::VectorXd xp = x, xm = x;
        xp(j) += h;
        xm(j) -= h;
        const double fd = (p->Loss(xp) - p->Loss(xm)) / (2 * h);
        EXPECT_NEAR(g(j), fd, 1e-8 * std::max(1.0, std::abs(fd))) << "coordinate " << j;
    }
}

TEST_P(ProblemTest, HessianMatchesFiniteDifferencesOfTheGradient)
{
    const bool logistic = GetParam();
    const SyntheticData data = logistic ? MakeBinaryData(SmallSpec()) : MakeRegressionData(SmallSpec());
    const auto p = Make(logistic, data.train, 0.05);
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(8, 0.4, -0.3);
    p->PrepareHessian(x);
    Eigen::MatrixXd hess(8, 8);
    for (int j = 0; j < 8; ++j)
    {
        p->ApplyHessian(Eigen::VectorXd::Unit(8, j), hess.col(j));
    }
    Eigen::VectorXd diagonal(8);
    p->HessianDiagonal(diagonal);
    EXPECT_LT((diagonal - hess.diagonal()).norm(), 1e-14 * hess.norm());
    const double h = 1e-6;
    Eigen::VectorXd gp(8), gm(8);
    for (int j = 0; j < 8; ++j)
    {
        Eigen::VectorXd xp = x, xm = x;
        xp(j) += h;
        xm(j) -= h;
        p->Gradient(xp, gp);
        p->Gradient(xm, gm);
        const Eigen::VectorXd column = (gp - gm) / (2 * h);
        EXPECT_LT((hess.col(j) - column).norm(), 1e-7);
    }
}

TEST_P(ProblemTest, SmoothnessIsTheLargestEigenvalueOfTheBound)
{
    const bool logistic = GetParam();
    const SyntheticData data = logistic ? MakeBinaryData(SmallSpec()) : MakeRegressionData(SmallSpec());
    const auto p = Make(logistic, data.train, 0.05);
    GlobalObjective f({p.get()});
    const Eigen::MatrixXd& a = data.train.features;
    const double scale = logistic ? 0.25 : 1.0;
    const Eigen::MatrixXd bound = scale * a.transpose() * a / 60.0 + 0.05 * Eigen::MatrixXd::Identity(8, 8);
    const double lambdaMax = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(bound).eigenvalues().maxCoeff();
    EXPECT_NEAR(f.SmoothnessL(), lambdaMax, 1e-12 * lambdaMax);
}

TEST_P(ProblemTest, MinimiserHasGradientNormBelow1e12)
{
    const bool logistic = GetParam();
    SyntheticSpec spec = SmallSpec();
    spec.samples = 200;
    spec.features = 20;
    const SyntheticData data = logistic ? MakeBinaryData(spec) : MakeRegressionData(spec);
    // Two unequal shards: f is the mean of the shard objectives, not the pooled one.
    std::vector<Eigen::Index> first, second;
    for (Eigen::Index i = 0; i < 200; ++i)
    {
        (i < 70 ? first : second).push_back(i);
    }
    const auto p1 = Make(logistic, Subset(data.train, first), 1e-3);
    const auto p2 = Make(logistic, Subset(data.train, second), 1e-3);
    GlobalObjective f({p1.get(), p2.get()});
    const auto opt = f.Minimise();
    EXPECT_LE(opt.gradNorm, 1e-12);
    EXPECT_GT(opt.operatorProducts, 0);
    Eigen::VectorXd g(20);
    f.Gradient(opt.x, g);
    EXPECT_LE(g.norm(), 1e-12);
    // No point nearby is lower.
    for (int j = 0; j < 20; ++j)
    {
        Eigen::VectorXd y = opt.x;
        y(j) += 1e-4;
        EXPECT_GT(f.Loss(y), opt.loss);
    }
}

INSTANTIATE_TEST_SUITE_P(LeastSquaresAndLogistic, ProblemTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Logistic" : "LeastSquares"; });

TEST(Logistic, AccuracyCountsCorrectSigns)
{
    Dataset d;
    d.features.resize(4, 1);
    d.features << 1, -1, 2, -3;
    d.labels.resize(4);
    d.labels << 1, -1, -1, -1;
    LogisticProblem p(d, 0.1);
    EXPECT_DOUBLE_EQ(*p.Accuracy(Eigen::VectorXd::Ones(1)), 0.75);
    LeastSquaresProblem q(d, 0.1);
    EXPECT_FALSE(q.Accuracy(Eigen::VectorXd::Ones(1)).has_value());
}

TEST(Logistic, RejectsLabelsOtherThanPlusMinusOne)
{
    Dataset d;
    d.features = Eigen::MatrixXd::Ones(2, 1);
    d.labels = Eigen::VectorXd::Zero(2);
    EXPECT_THROW(LogisticProblem(d, 0.1), std::invalid_argument);
}

TEST(Synthetic, ConditionNumberShapesTheFeatureVariances)
{
    SyntheticSpec s;
    s.samples = 20000;
    s.features = 3;
    s.conditionNumber = 100;
    const SyntheticData data = MakeRegressionData(s);
    const Eigen::VectorXd var = data.train.features.colwise().squaredNorm() / 20000.0;
    EXPECT_NEAR(var(0), 1.0, 0.05);
    EXPECT_NEAR(var(1), 0.1, 0.005);
    EXPECT_NEAR(var(2), 0.01, 0.0005);
    EXPECT_EQ(data.test.Samples(), 0);
}

TEST(Synthetic, SameSeedSameDataAndTestSetFromTheSameModel)
{
    SyntheticSpec s = SmallSpec();
    s.testSamples = 10;
    const SyntheticData a = MakeBinaryData(s), b = MakeBinaryData(s);
    EXPECT_EQ(a.train.features, b.train.features);
    EXPECT_EQ(a.test.labels, b.test.labels);
    EXPECT_EQ(a.test.Samples(), 10);
    s.seed = 12;
    EXPECT_NE(MakeBinaryData(s).train.features, a.train.features);
}

TEST(Synthetic, DenseLabelsAreOneMatrixVectorProductOverTrainingAndTestRows)
{
    // Rows are drawn straight into the training and test matrices, but the labels must stay what
    // Eigen's product over all n + test rows gives, bit for bit, or every shipped result changes.
    // The shapes cover Eigen's three column chunkings (d < 128; under and over 32000 bytes of rows).
    for (const auto& [samples, test, d] : {std::tuple<int, int, int>{300, 40, 50}, {3000, 999, 130},
                                           {3000, 1000, 130}, {200, 0, 300}})
    {
        SyntheticSpec s;
        s.samples = samples;
        s.testSamples = test;
        s.features = d;
        s.noise = 0.0;
        s.conditionNumber = 7;
        s.seed = 5;
        const SyntheticData data = MakeRegressionData(s);
        Rng rng = Rng::Derive(s.seed, 0xDA7A); // the generator's stream: w first
        Eigen::VectorXd w(d);
        for (int j = 0; j < d; ++j)
        {
            w(j) = rng.Normal();
        }
        Eigen::MatrixXd all(samples + test, d);
        all << data.train.features, data.test.features;
        const Eigen::VectorXd labels = all * w / std::sqrt(static_cast<double>(d));
        EXPECT_TRUE(labels.head(samples) == data.train.labels) << samples << " + " << test << " rows, d = " << d;
        EXPECT_TRUE(labels.tail(test) == data.test.labels) << samples << " + " << test << " rows, d = " << d;
        EXPECT_EQ(data.train.features(0, 0), rng.Normal()); // then the rows; feature 0 has scale 1
    }
}

SyntheticSpec
SparseSpec()
{
    SyntheticSpec s;
    s.samples = 300;
    s.features = 60;
    s.density = 0.15;
    s.noise = 0.2;
    s.conditionNumber = 5;
    s.seed = 21;
    return s;
}

TEST(Synthetic, SparseRowsHaveDistinctSortedCoordinatesAndTheSameSeedSameData)
{
    const SyntheticData a = MakeBinaryData(SparseSpec()), b = MakeBinaryData(SparseSpec());
    ASSERT_TRUE(a.train.isSparse);
    EXPECT_EQ(NonzerosPerRow(SparseSpec()), 9); // round(0.15 x 60)
    EXPECT_EQ(a.train.sparse.nonZeros(), 300 * 9);
    const SparseFeatures& x = a.train.sparse;
    for (Eigen::Index i = 0; i < x.rows(); ++i)
    {
        ASSERT_EQ(x.outerIndexPtr()[i + 1] - x.outerIndexPtr()[i], 9);
        for (auto k = x.outerIndexPtr()[i] + 1; k < x.outerIndexPtr()[i + 1]; ++k)
        {
            ASSERT_LT(x.innerIndexPtr()[k - 1], x.innerIndexPtr()[k]) << "row " << i;
        }
    }
    EXPECT_TRUE(a.train.sparse.isApprox(b.train.sparse, 0.0));
    EXPECT_EQ(a.train.labels, b.train.labels);
}

/// The same shards stored sparse and dense (every problem sees the same numbers).
struct TwoStorages
{
    std::vector<std::unique_ptr<Problem>> sparse, dense;
};

TwoStorages
MakeBoth(bool logistic, double l2)
{
    const SyntheticData data = logistic ? MakeBinaryData(SparseSpec()) : MakeRegressionData(SparseSpec());
    TwoStorages out;
    std::vector<Eigen::Index> rows[2];
    for (Eigen::Index i = 0; i < data.train.Samples(); ++i)
    {
        rows[i < 110 ? 0 : 1].push_back(i); // unequal shards
    }
    for (const auto& r : rows)
    {
        Dataset shard = Subset(data.train, r);
        out.sparse.push_back(Make(logistic, shard, l2));
        Densify(shard);
        out.dense.push_back(Make(logistic, shard, l2));
    }
    return out;
}

TEST_P(ProblemTest, SparseFStarAndLEqualDenseTo1e12)
{
    const bool logistic = GetParam();
    const TwoStorages p = MakeBoth(logistic, 1e-3);
    GlobalObjective fs({p.sparse[0].get(), p.sparse[1].get()});
    GlobalObjective fd({p.dense[0].get(), p.dense[1].get()});
    const auto os = fs.Minimise();
    const auto od = fd.Minimise();
    EXPECT_NEAR(os.loss, od.loss, 1e-12 * std::abs(od.loss));
    EXPECT_LE(os.gradNorm, 1e-12 * 10);
    EXPECT_NEAR(fs.SmoothnessL(), fd.SmoothnessL(), 1e-12 * fd.SmoothnessL());
    // The kernels themselves agree to rounding at an arbitrary point.
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(60, -0.5, 0.8);
    Eigen::VectorXd gs(60), gd(60);
    const double ls = fs.LossGradient(x, gs);
    const double ld = fd.LossGradient(x, gd);
    EXPECT_NEAR(ls, ld, 1e-14 * std::abs(ld));
    EXPECT_LT((gs - gd).norm(), 1e-14 * gd.norm());
}

TEST_P(ProblemTest, SparseHessianVectorProductMatchesFiniteDifferencesOfTheGradient)
{
    const bool logistic = GetParam();
    const TwoStorages p = MakeBoth(logistic, 0.05);
    const Problem& q = *p.sparse[1];
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(60, 0.3, -0.4);
    const Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(60, -1.0, 1.0);
    q.PrepareHessian(x);
    Eigen::VectorXd hv(60), gp(60), gm(60);
    q.ApplyHessian(v, hv);
    const double h = 1e-6;
    q.Gradient(x + h * v, gp);
    q.Gradient(x - h * v, gm);
    EXPECT_LT((hv - (gp - gm) / (2 * h)).norm(), 1e-7 * hv.norm());
    // Gradient by central differences of the loss, on the sparse storage too.
    Eigen::VectorXd g(60);
    q.Gradient(x, g);
    for (int j = 0; j < 60; j += 7)
    {
        Eigen::VectorXd xp = x, xm = x;
        xp(j) += h;
        xm(j) -= h;
        EXPECT_NEAR(g(j), (q.Loss(xp) - q.Loss(xm)) / (2 * h), 1e-8) << "coordinate " << j;
    }
}

TEST_P(ProblemTest, MinibatchGradientOnSparseRowsEqualsTheSubsetGradient)
{
    const bool logistic = GetParam();
    const TwoStorages p = MakeBoth(logistic, 0.05);
    const std::vector<Eigen::Index> rows = {4, 17, 3, 99};
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(60, 0.3, -0.4);
    Eigen::VectorXd gs(60), gd(60);
    p.sparse[0]->GradientRows(x, rows, gs);
    p.dense[0]->GradientRows(x, rows, gd);
    EXPECT_LT((gs - gd).norm(), 1e-14 * gd.norm());
}

Dataset
ClassData(Eigen::Index n, Eigen::Index d, int classes, uint64_t seed)
{
    Rng rng(seed);
    Dataset data;
    data.features.resize(n, d);
    for (Eigen::Index i = 0; i < n; ++i)
    {
        for (Eigen::Index j = 0; j < d; ++j)
        {
            data.features(i, j) = rng.Normal();
        }
    }
    data.labels = Classes(n, classes, seed + 1);
    return data;
}

TEST(NeuralProblem, GradientsMatchCentralFiniteDifferences)
{
    for (const std::vector<int>& hidden : {std::vector<int>{}, std::vector<int>{6}, std::vector<int>{5, 4}})
    {
        NeuralProblem p(ClassData(40, 7, 3, 2), 3, hidden, 0.01);
        Eigen::VectorXd x(p.Dimension());
        p.InitialPoint(3, x);
        Rng rng(4);
        for (Eigen::Index j = 0; j < x.size(); ++j)
        {
            x(j) += 0.3 * rng.Normal();
        }
        Eigen::VectorXd g(p.Dimension());
        p.Gradient(x, g);
        const double h = 1e-6;
        for (Eigen::Index j = 0; j < x.size(); ++j)
        {
            Eigen::VectorXd xp = x, xm = x;
            xp(j) += h;
            xm(j) -= h;
            const double fd = (p.Loss(xp) - p.Loss(xm)) / (2 * h);
            ASSERT_NEAR(g(j), fd, 1e-7 * std::max(1.0, std::abs(fd))) << hidden.size() << " layers, coordinate " << j;
        }
        // A minibatch of every row is the full gradient; a smaller one is its own mean.
        std::vector<Eigen::Index> all(40);
        for (Eigen::Index i = 0; i < 40; ++i)
        {
            all[static_cast<size_t>(i)] = i;
        }
        Eigen::VectorXd gb(p.Dimension());
        p.GradientRows(x, all, gb);
        EXPECT_LT((gb - g).norm(), 1e-12 * g.norm());
        NeuralProblem sub(Subset(ClassData(40, 7, 3, 2), {3, 17, 5}), 3, hidden, 0.01);
        Eigen::VectorXd gs(p.Dimension());
        sub.Gradient(x, gs);
        p.GradientRows(x, {3, 17, 5}, gb);
        EXPECT_LT((gb - gs).norm(), 1e-12 * gs.norm());
    }
}

TEST(NeuralProblem, SoftmaxSmoothnessBoundsTheCurvature)
{
    NeuralProblem p(ClassData(50, 6, 4, 7), 4, {}, 0.0);
    Rng rng(9);
    Eigen::VectorXd x(p.Dimension()), v(p.Dimension()), g0(p.Dimension()), g1(p.Dimension()), bv(p.Dimension());
    for (int trial = 0; trial < 20; ++trial)
    {
        for (Eigen::Index j = 0; j < x.size(); ++j)
        {
            x(j) = rng.Normal();
            v(j) = rng.Normal();
        }
        const double h = 1e-5;
        p.Gradient(x + h * v, g1);
        p.Gradient(x - h * v, g0);
        const double curvature = v.dot(g1 - g0) / (2 * h);
        p.ApplySmoothnessOperator(v, bv);
        EXPECT_LE(curvature, v.dot(bv) * (1 + 1e-6)) << "trial " << trial;
        EXPECT_GT(curvature, 0.0);
    }
}

TEST(NeuralProblem, AccuracyIsTheArgmax)
{
    Dataset d;
    d.features = (Eigen::MatrixXd(3, 1) << 1, -1, 2).finished();
    d.labels = Eigen::Vector3d(1, 0, 0);
    NeuralProblem p(d, 2, {}, 0.0);
    // W = [0, 1] (class 1 score = feature), b = 0: predicts 1, 0, 1.
    const Eigen::Vector4d x(0, 1, 0, 0);
    EXPECT_DOUBLE_EQ(*p.Accuracy(x), 2.0 / 3.0);
}

TEST(Minibatch, LeastSquaresAndLogisticRowsMatchASubset)
{
    SyntheticSpec spec;
    spec.samples = 30;
    spec.features = 5;
    const SyntheticData data = MakeBinaryData(spec);
    const std::vector<Eigen::Index> rows = {4, 0, 29};
    LogisticProblem full(data.train, 0.1), part(Subset(data.train, rows), 0.1);
    LeastSquaresProblem lsFull(data.train, 0.1), lsPart(Subset(data.train, rows), 0.1);
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(5, -1, 1);
    Eigen::VectorXd a(5), b(5);
    full.GradientRows(x, rows, a);
    part.Gradient(x, b);
    EXPECT_EQ(a, b);
    lsFull.GradientRows(x, rows, a);
    lsPart.Gradient(x, b);
    EXPECT_EQ(a, b);
}

} // namespace
} // namespace airgrad
