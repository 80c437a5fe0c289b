// The mathematics of every compressor and method: unbiasedness and variance by seeded Monte
// Carlo, worker/server mirrors under loss, and the special cases that reduce to GD.
#include "test-util.h"

#include "compress/vector-compressor.h"
#include "method/cd-adam-method.h"
#include "method/compressed-gradient-method.h"
#include "method/method-factory.h"
#include "round/experiment.h"
#include "round/round-engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

namespace airgrad {
namespace {

struct UnbiasedCase
{
    const char* name;
    VectorCompressor::Options options;
};

std::vector<UnbiasedCase>
UnbiasedCases()
{
    using K = VectorCompressor::Kind;
    std::vector<UnbiasedCase> out;
    VectorCompressor::Options o;
    o.kind = K::kQuantize;
    o.norm = QuantNorm::kL2;
    o.levels = 4;
    out.push_back({"qsgd-s4", o});
    o.levels = 1;
    o.norm = QuantNorm::kLinf;
    out.push_back({"terngrad", o});
    o.blockSize = 8;
    out.push_back({"diana-linf-block8", o});
    o.norm = QuantNorm::kL2;
    out.push_back({"diana-l2-block8", o});
    o.format = ValueFormat::kFloat16;
    out.push_back({"diana-l2-block8-half", o});
    VectorCompressor::Options r;
    r.kind = K::kRandK;
    r.k = 5;
    r.unbiased = true;
    out.push_back({"randk-5", r});
    return out;
}

/// E||C(v) - v||^2 from each rule: stochastic rounding onto the grid of step sent/s has variance
/// (sent/s)^2 p (1 - p) per entry, p the fractional grid position; scaled Rand-K has
/// (d/K - 1) ||v||^2.
double
ExactExpectedError(const VectorCompressor::Options& o, const Eigen::VectorXd& v)
{
    const Eigen::Index d = v.size();
    if (o.kind == VectorCompressor::Kind::kRandK)
    {
        return (static_cast<double>(d) / static_cast<double>(o.k) - 1.0) * v.squaredNorm();
    }
    const Eigen::Index b = o.blockSize <= 0 ? d : o.blockSize;
    const double s = o.levels;
    double total = 0.0;
    for (Eigen::Index start = 0; start < d; start += b)
    {
        const auto block = v.segment(start, std::min(b, d - start));
        const double sent = RoundUpToFormat(o.norm == QuantNorm::kL2 ? block.norm() : block.cwiseAbs().maxCoeff(), o.format);
        for (Eigen::Index j = 0; j < block.size(); ++j)
        {
            const double r = s * std::abs(block(j)) / sent;
            const double p = r - std::floor(r);
            total += (sent / s) * (sent / s) * p * (1.0 - p);
        }
    }
    return total;
}

TEST(Compressors, UnbiasedOnesAreUnbiasedWithinTheirVarianceBound)
{
    const Eigen::Index d = 24;
    const int samples = 40000;
    const Eigen::VectorXd v = RandomVector(d, 7, true);
    for (const UnbiasedCase& c : UnbiasedCases())
    {
        VectorCompressor compressor(c.options, d, 11);
        ASSERT_TRUE(compressor.Unbiased()) << c.name;
        const double omega = compressor.Omega();
        CompressedVector cv;
        Eigen::VectorXd x(d), sum = Eigen::VectorXd::Zero(d), sumSq = Eigen::VectorXd::Zero(d);
        double error = 0.0;
        for (int s = 0; s < samples; ++s)
        {
            compressor.Apply(v, cv);
            cv.Decoded(x);
            sum += x;
            sumSq += x.cwiseProduct(x);
            error += (x - v).squaredNorm();
        }
        const Eigen::VectorXd mean = sum / samples;
        const Eigen::VectorXd variance = (sumSq / samples - mean.cwiseProduct(mean)).cwiseMax(0.0);
        // An entry at the block norm is rounded up only by the wire format of the norm, so it is
        // almost surely exact and no sample shows its tiny bias-free spread: allow that rounding.
        const double normRounding =
            std::ldexp(v.cwiseAbs().maxCoeff(), c.options.format == ValueFormat::kFloat16 ? -9 : -22);
        for (Eigen::Index j = 0; j < d; ++j)
        {
            const double tolerance = 5.0 * std::sqrt(variance(j) / samples) + normRounding;
            EXPECT_NEAR(mean(j), v(j), tolerance + 1e-12) << c.name << " coordinate " << j;
        }
        EXPECT_LE(error / samples, omega * v.squaredNorm() * 1.03) << c.name << " omega " << omega;
        const double exact = ExactExpectedError(c.options, v);
        EXPECT_NEAR(error / samples, exact, 0.03 * exact) << c.name; // 40000 samples: about 1% noise
    }
}

TEST(Compressors, OmegaBoundIsTightForTheWorstVector)
{
    // l_inf ternary on a constant vector: every entry is exact, no variance; on a one-hot plus
    // small entries the variance approaches the bound from below.
    VectorCompressor::Options o;
    o.kind = VectorCompressor::Kind::kQuantize;
    o.norm = QuantNorm::kLinf;
    VectorCompressor q(o, 16, 1);
    CompressedVector cv;
    Eigen::VectorXd x(16);
    q.Apply(Eigen::VectorXd::Constant(16, 0.5), cv);
    cv.Decoded(x);
    EXPECT_EQ(x, Eigen::VectorXd::Constant(16, 0.5));
    EXPECT_DOUBLE_EQ(q.Omega(), 1.5); // (sqrt(16) - 1) / 2
}

TEST(Compressors, RandKPicksEveryCoordinateWithProbabilityKOverD)
{
    VectorCompressor::Options o;
    o.kind = VectorCompressor::Kind::kRandK;
    o.k = 3;
    VectorCompressor r(o, 12, 2);
    CompressedVector cv;
    std::vector<int> hits(12, 0);
    const int samples = 30000;
    for (int s = 0; s < samples; ++s)
    {
        r.Apply(Eigen::VectorXd::Ones(12), cv);
        ASSERT_EQ(cv.Count(), 3U);
        for (size_t i = 1; i < cv.Count(); ++i)
        {
            ASSERT_LT(cv.indices[i - 1], cv.indices[i]);
        }
        for (uint32_t j : cv.indices)
        {
            ++hits[j];
        }
    }
    const double p = 3.0 / 12.0, se = std::sqrt(p * (1 - p) / samples);
    for (int j = 0; j < 12; ++j)
    {
        EXPECT_NEAR(hits[static_cast<size_t>(j)] / static_cast<double>(samples), p, 5 * se);
    }
}

TEST(Compressors, ScaledSignKeepsTheL1Norm)
{
    const Eigen::VectorXd v = RandomVector(30, 3, true);
    CompressedVector cv;
    CompressScaledSign(v, ValueFormat::kFloat64, cv);
    Eigen::VectorXd x(30);
    cv.Decoded(x);
    EXPECT_NEAR(x.lpNorm<1>(), v.lpNorm<1>(), 1e-12);
    EXPECT_TRUE((x.array().sign() == v.array().sign()).all());
}

TEST(KSchedule, EveryPolicyStaysWithinTheBudget)
{
    for (auto policy : {KSchedule::Policy::kConstant, KSchedule::Policy::kLinear,
                        KSchedule::Policy::kExponential, KSchedule::Policy::kErrorDriven})
    {
        KSchedule s(policy, 1000, 10, 2, 0.97, 0.5, 100);
        long long total = 0;
        for (int t = 0; t < 100; ++t)
        {
            total += s.Next(t % 2 ? 0.9 : 0.1);
        }
        EXPECT_LE(total, 1000);
        EXPECT_GE(total, 900) << "a policy should spend most of its budget";
        EXPECT_EQ(s.BudgetLeft(), 1000 - total);
        // Past the planned rounds K comes only from what is left, and then is 0.
        for (int t = 0; t < 1000 && s.BudgetLeft() > 0; ++t)
        {
            const long long left = s.BudgetLeft();
            const long long k = s.Next(0.9);
            EXPECT_GE(k, 1);
            EXPECT_LE(k, left);
            total += k;
        }
        EXPECT_EQ(total, 1000);
        EXPECT_EQ(s.Next(0.9), 0);
        EXPECT_EQ(s.BudgetLeft(), 0);
    }
}

/// Every stateful method, with options that make the state non-trivial.
std::vector<ExperimentConfig>
StatefulConfigs()
{
    std::vector<ExperimentConfig> out;
    auto add = [&](const std::string& name, auto tweak) {
        ExperimentConfig c = SmallConfig(name, 4);
        c.method.kFraction = 0.1;
        tweak(c.method);
        out.push_back(c);
    };
    add("topk-ef", [](MethodSpec&) {});
    add("randk-ef", [](MethodSpec&) {});
    add("ef-sign", [](MethodSpec&) {});
    add("adaptive-topk", [](MethodSpec& s) { s.policy = "error-driven"; });
    add("lag", [](MethodSpec&) {});
    add("ef21", [](MethodSpec&) {});
    add("gd-sec", [](MethodSpec& s) { s.beta = 0.8; });
    add("gd-sec", [](MethodSpec& s) { s.skipEmpty = true; s.xi = 2.0; });
    add("diana", [](MethodSpec& s) { s.momentum = 0.5; });
    add("tpc", [](MethodSpec& s) { s.residual = "topk"; });
    add("tpc", [](MethodSpec& s) { s.threshold = "lag"; });
    add("cd-adam", [](MethodSpec&) {});
    add("cd-adam", [](MethodSpec& s) { s.compressor = "sign"; s.strategy = "ef"; });
    add("cd-adam", [](MethodSpec& s) { s.downlink = "model"; });
    // A nonzero starting model (He initialisation): the workers' copies must start from it too.
    add("cd-adam", [](MethodSpec&) {});
    out.back().problemType = "mlp";
    out.back().hidden = {8};
    return out;
}

/// Worker w's mirrored state (and CD-Adam's compressed-downlink model copy) equals the server's
/// copy, vector for vector; `compared` counts the vectors compared.
::testing::AssertionResult
MirrorsEqual(const ExperimentConfig& c, const Worker& w, const Server& server, int round, int& compared)
{
    const auto mine = w.Codec().Mirrored();
    const auto theirs = server.Codec().Mirrored(w.Id());
    if (mine.size() != theirs.size())
    {
        return ::testing::AssertionFailure() << c.method.name << ": " << mine.size() << " vs " << theirs.size();
    }
    for (size_t i = 0; i < mine.size(); ++i, ++compared)
    {
        if (*mine[i] != *theirs[i])
        {
            return ::testing::AssertionFailure()
                   << c.method.name << " worker " << w.Id() << " state " << i << " round " << round;
        }
    }
    if (c.method.name == "cd-adam" && c.method.downlink == "compressed")
    {
        ++compared;
        if (dynamic_cast<const CdAdamWorkerCodec&>(w.Codec()).Model() != server.Model())
        {
            return ::testing::AssertionFailure() << "cd-adam model copy, round " << round;
        }
    }
    return ::testing::AssertionSuccess();
}

TEST(Methods, WorkerAndServerMirrorsAreEqualAfterEveryRoundUnderLoss)
{
    for (ExperimentConfig c : StatefulConfigs())
    {
        c.rounds = 40;
        Experiment e(c);
        Server& server = e.GetServer();
        const bool compressedDownlink = c.method.name == "cd-adam" && c.method.downlink == "compressed";
        Rng loss(99);
        std::vector<std::vector<uint8_t>> updates(static_cast<size_t>(c.workers));
        int compared = 0, dropped = 0;
        for (int round = 1; round <= c.rounds; ++round)
        {
            const std::vector<uint8_t> model = server.BeginRound();
            for (int m = 0; m < c.workers; ++m)
            {
                // Missed downlinks too, except where the method cannot survive them.
                if (!compressedDownlink && loss.Bernoulli(0.15))
                {
                    updates[static_cast<size_t>(m)].clear();
                    continue;
                }
                Worker& w = e.GetWorker(m);
                w.OnModel(model.data(), model.size(), updates[static_cast<size_t>(m)]);
                // The worker has now settled its previous update: its committed state must be
                // the server's.
                ASSERT_TRUE(MirrorsEqual(c, w, server, round, compared));
            }
            for (int m = 0; m < c.workers; ++m)
            {
                const auto& u = updates[static_cast<size_t>(m)];
                if (u.empty() || loss.Bernoulli(0.3))
                {
                    dropped += !u.empty();
                    continue;
                }
                server.OnUplink(u.data(), u.size());
            }
            server.EndRound();
        }
        EXPECT_GT(dropped, 10) << c.method.name;
        if (c.method.name != "topk-ef" && c.method.name != "randk-ef" && c.method.name != "ef-sign" &&
            c.method.name != "adaptive-topk" && !(c.method.name == "cd-adam" && c.method.strategy != "markov" &&
                                                 !compressedDownlink))
        {
            EXPECT_GT(compared, 50) << c.method.name << " mirrors nothing";
        }
        EXPECT_TRUE(server.Model().allFinite()) << c.method.name;
    }
}

TEST(Methods, WorkerAndServerMirrorsAreEqualAfterEveryRoundWithClientSelection)
{
    // Random 2 of 4 per round, with 20% of the selected updates lost. An unselected worker
    // receives the model half the time (a broadcast downlink; always for CD-Adam's compressed
    // one, which needs every message), and must then compute and send nothing.
    for (ExperimentConfig c : StatefulConfigs())
    {
        c.rounds = 40;
        Experiment e(c);
        Server& server = e.GetServer();
        server.SetSelection(std::make_unique<Selection>(CreateSelectionPolicy("random"), false, c.workers, 2, 11));
        const bool compressedDownlink = c.method.name == "cd-adam" && c.method.downlink == "compressed";
        Rng loss(98);
        std::vector<std::vector<uint8_t>> updates(static_cast<size_t>(c.workers));
        int compared = 0, unselectedHeard = 0;
        for (int round = 1; round <= c.rounds; ++round)
        {
            const std::vector<uint8_t> model = server.BeginRound();
            ASSERT_EQ(server.Participants(), 2);
            for (int m = 0; m < c.workers; ++m)
            {
                auto& update = updates[static_cast<size_t>(m)];
                update.clear();
                if (!server.Selected(m) && !compressedDownlink && loss.Bernoulli(0.5))
                {
                    continue;
                }
                Worker& w = e.GetWorker(m);
                w.OnModel(model.data(), model.size(), update);
                if (!server.Selected(m))
                {
                    ++unselectedHeard;
                    ASSERT_TRUE(update.empty()) << c.method.name;
                    ASSERT_EQ(w.LastSamples(), 0) << c.method.name;
                }
                ASSERT_TRUE(MirrorsEqual(c, w, server, round, compared));
            }
            for (const auto& u : updates)
            {
                if (!u.empty() && !loss.Bernoulli(0.2))
                {
                    server.OnUplink(u.data(), u.size());
                }
            }
            ASSERT_LE(server.EndRound(), 2);
        }
        EXPECT_GT(unselectedHeard, 10) << c.method.name;
        EXPECT_TRUE(server.Model().allFinite()) << c.method.name;
        if (c.method.name == "diana" || c.method.name == "ef21" || c.method.name == "gd-sec" || c.method.name == "lag")
        {
            EXPECT_GT(compared, 50) << c.method.name << " mirrors nothing";
        }
    }
}

std::vector<RoundRecord>
RunRows(ExperimentConfig c)
{
    Experiment e(c);
    Recorder rec;
    RunIdeal(e, rec);
    return rec.rows;
}

TEST(Methods, TopKEfWithKEqualDAndFloat64IsGdBitForBit)
{
    ExperimentConfig gd = SmallConfig("gd");
    gd.method.values = ValueFormat::kFloat64;
    gd.modelValues = ValueFormat::kFloat64;
    ExperimentConfig ef = gd;
    ef.method.name = "topk-ef";
    ef.method.kFraction = 1.0;
    ExperimentConfig adaptive = ef;
    adaptive.method.name = "adaptive-topk";
    const auto a = RunRows(gd), b = RunRows(ef), c = RunRows(adaptive);
    for (size_t r = 0; r < a.size(); ++r)
    {
        ASSERT_EQ(a[r].trainLoss, b[r].trainLoss) << "round " << r;
        ASSERT_EQ(a[r].trainLoss, c[r].trainLoss) << "round " << r;
    }
}

TEST(Methods, GdSecWithBetaOneAndXiZeroIsGd)
{
    // Exactly GD in exact arithmetic. In floating point the reference update h + (g - h) rounds,
    // so the trajectories agree to rounding, not bit for bit; round 1 (h = 0) is exact.
    ExperimentConfig gd = SmallConfig("gd");
    gd.rounds = 60;
    gd.method.values = ValueFormat::kFloat64;
    gd.modelValues = ValueFormat::kFloat64;
    ExperimentConfig sec = gd;
    sec.method.name = "gd-sec";
    sec.method.beta = 1.0;
    sec.method.xi = 0.0;
    const auto a = RunRows(gd), b = RunRows(sec);
    ASSERT_EQ(a[1].trainLoss, b[1].trainLoss);
    for (size_t r = 0; r < a.size(); ++r)
    {
        EXPECT_NEAR(b[r].trainLoss, a[r].trainLoss, 1e-13 * std::abs(a[r].trainLoss)) << "round " << r;
    }
    // xi = 0 sends every nonzero difference: no bits saved.
    EXPECT_GT(b.back().network.uplinkPayloadBits, a.back().network.uplinkPayloadBits);
}

TEST(Methods, AmsGradIsCdAdamWithoutCompression)
{
    // CD-Adam's markov trackers with K = d (float64) reproduce AMSGrad to rounding.
    ExperimentConfig ams = SmallConfig("amsgrad");
    ams.method.values = ValueFormat::kFloat64;
    ams.modelValues = ValueFormat::kFloat64;
    ExperimentConfig cd = ams;
    cd.method.name = "cd-adam";
    cd.method.kFraction = 1.0;
    const auto a = RunRows(ams), b = RunRows(cd);
    for (size_t r = 0; r < a.size(); ++r)
    {
        EXPECT_NEAR(b[r].trainLoss, a[r].trainLoss, 1e-12) << "round " << r;
    }
}

TEST(Methods, LassoOptimumAndProximalConvergence)
{
    for (const char* method : {"gd", "diana", "gd-sec"})
    {
        ExperimentConfig c = SmallConfig(method);
        c.problemType = "lasso";
        c.l1 = 0.05;
        c.l2 = 0.0;
        c.rounds = 3000;
        c.method.values = ValueFormat::kFloat64;
        c.modelValues = ValueFormat::kFloat64;
        Experiment e(c);
        EXPECT_LT(e.FStarGradNorm(), 1e-12);
        Recorder rec;
        RunIdeal(e, rec);
        EXPECT_LT(rec.rows.back().lossGap, 1e-9) << method;
        EXPECT_GE(rec.rows.back().lossGap, -1e-12) << method << ": below f*";
        const Eigen::VectorXd& x = e.GetServer().Model();
        EXPECT_GT((x.array() == 0.0).count(), 0) << method << ": the prox should zero coordinates";
    }
}

TEST(Methods, L2AsAProximalStepReachesTheSameOptimum)
{
    for (const char* method : {"gd", "diana"})
    {
        ExperimentConfig c = SmallConfig(method);
        c.l2Prox = true;
        c.rounds = 2000;
        c.method.values = ValueFormat::kFloat64;
        c.modelValues = ValueFormat::kFloat64;
        Experiment e(c);
        Recorder rec;
        RunIdeal(e, rec);
        EXPECT_LT(rec.rows.back().lossGap, 1e-10) << method;
        EXPECT_GE(rec.rows.back().lossGap, -1e-12) << method;
    }
}

TEST(Methods, EveryMethodRunsAndReducesTheLoss)
{
    for (const MethodInfo& info : MethodCatalogue())
    {
        ExperimentConfig c = SmallConfig(info.name);
        c.rounds = 60;
        c.method.kFraction = 0.2;
        const auto rows = RunRows(c);
        EXPECT_LT(rows.back().lossGap, rows.front().lossGap) << info.name;
        EXPECT_GT(rows.back().network.uplinkPayloadBits, 0U) << info.name;
    }
}

} // namespace
} // namespace airgrad

namespace airgrad {
namespace {

TEST(Validation, TwentyPercentUplinkLossKeepsMirrorsAndConvergence)
{
    // docs/validation.md: with 20% of uplinks lost at random, every round's mirrors agree and
    // GD-SEC, DIANA and Top-K-EF still converge.
    for (const char* method : {"gd-sec", "diana", "topk-ef"})
    {
        ExperimentConfig c = SmallConfig(method, 5);
        c.rounds = 400;
        c.method.kFraction = 0.2;
        c.modelValues = ValueFormat::kFloat64;
        Experiment e(c);
        Server& server = e.GetServer();
        Rng loss(7);
        std::vector<std::vector<uint8_t>> updates(static_cast<size_t>(c.workers));
        const NetworkCounters none;
        const double startGap = e.Evaluate(0, none, {}).lossGap;
        int lost = 0;
        for (int round = 1; round <= c.rounds; ++round)
        {
            const std::vector<uint8_t> model = server.BeginRound();
            for (int m = 0; m < c.workers; ++m)
            {
                Worker& w = e.GetWorker(m);
                w.OnModel(model.data(), model.size(), updates[static_cast<size_t>(m)]);
                const auto mine = w.Codec().Mirrored();
                const auto theirs = server.Codec().Mirrored(static_cast<uint32_t>(m));
                for (size_t i = 0; i < mine.size(); ++i)
                {
                    ASSERT_EQ(*mine[i], *theirs[i]) << method << " round " << round;
                }
            }
            for (const auto& u : updates)
            {
                if (!u.empty() && loss.Bernoulli(0.2))
                {
                    ++lost;
                    continue;
                }
                server.OnUplink(u.data(), u.size());
            }
            server.EndRound();
        }
        const double endGap = e.Evaluate(c.rounds, none, {}).lossGap;
        const double losslessGap = RunRows(c).back().lossGap;
        EXPECT_GT(lost, 300) << method;
        // Converged: as far as without loss (Top-K-EF's floor is its error-feedback neighbourhood).
        EXPECT_LT(endGap, std::max(3.0 * losslessGap, 1e-9 * startGap)) << method << ": " << startGap << " -> "
                                                                         << endGap << ", lossless " << losslessGap;
        EXPECT_LT(endGap, 1e-2 * startGap) << method;
        std::cout << "[loss20] " << method << ": loss gap " << startGap << " -> " << endGap << " (lossless "
                  << losslessGap << ") with " << lost << " of " << c.rounds * c.workers << " updates lost\n";
    }
}

} // namespace
} // namespace airgrad
