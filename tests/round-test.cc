#include "test-util.h"

#include "codec/message.h"
#include "data/partition.h"
#include "data/synthetic.h"
#include "method/compressed-gradient-method.h"
#include "method/method-factory.h"
#include "problem/logistic-problem.h"
#include "round/experiment.h"
#include "round/optimum-cache.h"
#include "round/round-engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

namespace airgrad {
namespace {

/// A fresh directory under the system's temporary directory, removed afterwards.
struct TempDir
{
    std::filesystem::path path;
    explicit TempDir(const std::string& name)
        : path(std::filesystem::temp_directory_path() / ("airgrad-test-" + name + "-" + std::to_string(::getpid())))
    {
        std::filesystem::remove_all(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

bool
SameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

TEST(RowCounter, RowsComeEveryEvalEveryRoundsAndAtTheLastWithTheUpdatesSinceThePrevious)
{
    RowCounter rows(7, 3);
    std::vector<std::pair<int, RowCounter::Updates>> seen;
    for (int r = 1; r <= 7; ++r)
    {
        if (const auto row = rows.EndRound(r, r, 10 - r, 10 + r)) // round r applies r of 10 updates
        {
            seen.emplace_back(r, *row);
        }
    }
    ASSERT_EQ(seen.size(), 3U);
    EXPECT_EQ(seen[0].first, 3);
    EXPECT_EQ(seen[0].second.applied, 1 + 2 + 3);
    EXPECT_EQ(seen[0].second.lost, 9 + 8 + 7);
    EXPECT_EQ(seen[0].second.selected, 11 + 12 + 13);
    EXPECT_EQ(seen[1].first, 6);
    EXPECT_EQ(seen[1].second.applied, 4 + 5 + 6);
    EXPECT_EQ(seen[2].first, 7);
    EXPECT_EQ(seen[2].second.applied, 7);
    EXPECT_EQ(seen[2].second.lost, 3);
}

TEST(OptimumCache, SecondRunReadsTheEntryAndCorruptOrForeignEntriesAreRecomputed)
{
    TempDir dir("cache");
    ExperimentConfig c = SmallConfig("gd");
    c.cacheDir = dir.path.string();
    const Experiment first(c);
    EXPECT_EQ(first.OptimumSource(), "computed (cache absent)");
    ASSERT_TRUE(std::filesystem::exists(first.CacheEntry()));
    c.snrDb = {7.0}; // a network key: the same entry
    c.method.name = "topk-ef";
    const Experiment second(c);
    EXPECT_EQ(second.OptimumSource(), "cache");
    EXPECT_EQ(second.CacheEntry(), first.CacheEntry());
    EXPECT_TRUE(SameBits(second.FStar(), first.FStar()));
    EXPECT_TRUE(SameBits(second.SmoothnessL(), first.SmoothnessL()));
    EXPECT_TRUE(SameBits(second.FStarGradNorm(), first.FStarGradNorm()));

    // Flip one character of the f* value: the checksum no longer holds.
    std::string text;
    {
        std::ifstream in(first.CacheEntry());
        std::ostringstream all;
        all << in.rdbuf();
        text = all.str();
    }
    std::string flipped = text;
    flipped[flipped.find("f_star 0x") + 10] ^= 1;
    std::ofstream(first.CacheEntry(), std::ios::trunc) << flipped;
    const Experiment third(c);
    EXPECT_EQ(third.OptimumSource(), "computed (cache corrupt)");
    EXPECT_TRUE(SameBits(third.FStar(), first.FStar()));
    EXPECT_TRUE(SameBits(third.SmoothnessL(), first.SmoothnessL()));
    EXPECT_EQ(Experiment(c).OptimumSource(), "cache"); // rewritten

    // Another problem's entry under this name (valid checksum, foreign key) is not trusted.
    ExperimentConfig other = c;
    other.l2 = 2e-2;
    const Experiment foreign(other);
    EXPECT_NE(foreign.CacheEntry(), first.CacheEntry());
    std::filesystem::copy_file(foreign.CacheEntry(), first.CacheEntry(),
                               std::filesystem::copy_options::overwrite_existing);
    const Experiment fourth(c);
    EXPECT_EQ(fourth.OptimumSource(), "computed (cache corrupt)");
    EXPECT_TRUE(SameBits(fourth.FStar(), first.FStar()));

    // Deleting the cache changes nothing either; none disables it.
    std::filesystem::remove_all(dir.path);
    c.cacheDir = "none";
    const Experiment fifth(c);
    EXPECT_EQ(fifth.OptimumSource(), "computed (cache disabled)");
    EXPECT_TRUE(fifth.CacheEntry().empty());
    EXPECT_TRUE(SameBits(fifth.FStar(), first.FStar()));
    EXPECT_FALSE(std::filesystem::exists(dir.path));
}

TEST(OptimumCache, TheKeyHoldsWhatDeterminesFStarAndNothingElse)
{
    const ExperimentConfig base = SmallConfig("gd");
    const std::string key = OptimumCacheKey(base);
    ExperimentConfig c = base;
    c.method.name = "diana";
    c.networkKind = "wifi";
    c.snrDb = {3.0};
    c.rounds = 7;
    EXPECT_EQ(OptimumCacheKey(c), key);
    for (auto change : std::vector<std::function<void(ExperimentConfig&)>>{
             [](ExperimentConfig& x) { x.l2 = 0.5; },
             [](ExperimentConfig& x) { x.seed = 99; },
             [](ExperimentConfig& x) { x.workers = 4; },
             [](ExperimentConfig& x) { x.partition = "powerlaw"; },
             [](ExperimentConfig& x) { x.density = 0.5; },
             [](ExperimentConfig& x) { x.features = 41; },
             [](ExperimentConfig& x) { x.problemType = "least-squares"; }})
    {
        ExperimentConfig changed = base;
        change(changed);
        EXPECT_NE(OptimumCacheKey(changed), key);
    }
}

TEST(RoundEngine, GdIsExactlyTheHandWrittenIteration)
{
    // x_{k+1} = x_k - step * mean_m f32(grad f_m(f32(x_k))): float32 model down, float32 gradients up.
    ExperimentConfig c = SmallConfig("gd");
    Experiment e(c);
    Recorder rec;
    RunIdeal(e, rec);

    const SyntheticData data = MakeBinaryData({c.samples, c.testSamples, c.features, c.noise,
                                               c.conditionNumber, c.seed});
    std::vector<std::unique_ptr<LogisticProblem>> shards;
    for (const auto& rows : PartitionIid(c.samples, c.workers, c.seed))
    {
        shards.push_back(std::make_unique<LogisticProblem>(Subset(data.train, rows), c.l2));
    }
    auto f32 = [](const Eigen::VectorXd& v) { return v.cast<float>().cast<double>().eval(); };
    Eigen::VectorXd x = Eigen::VectorXd::Zero(c.features), g(c.features);
    for (int k = 0; k < c.rounds; ++k)
    {
        Eigen::VectorXd sum = Eigen::VectorXd::Zero(c.features);
        const Eigen::VectorXd xw = f32(x);
        for (const auto& s : shards)
        {
            s->Gradient(xw, g);
            sum += f32(g);
        }
        x -= e.Step() * (sum / c.workers);
    }
    EXPECT_EQ(e.GetServer().Model(), x);
    ASSERT_EQ(rec.rows.size(), static_cast<size_t>(c.rounds + 1));
    EXPECT_EQ(rec.rows.back().round, c.rounds);
    EXPECT_LT(rec.rows.back().lossGap, rec.rows.front().lossGap);
    EXPECT_GT(rec.rows.back().lossGap, 0.0);
}

/// Runs `rounds` rounds by hand; before the workers of each round computes the row of the model
/// they receive by a pass, after them from their gradients, and expects the same bits.
void
ExpectRowsFromWorkersEqualAPass(ExperimentConfig c, bool reused)
{
    c.rounds = 4;
    Experiment e(c);
    Server& server = e.GetServer();
    std::vector<uint8_t> update;
    for (int r = 1; r <= c.rounds; ++r)
    {
        const std::vector<uint8_t> model = server.BeginRound();
        const RoundRecord pass = e.Evaluate(r - 1, NetworkCounters(), {});
        for (int m = 0; m < e.Workers(); ++m)
        {
            e.GetWorker(m).OnModel(model.data(), model.size(), update);
            server.OnUplink(update.data(), update.size());
        }
        RoundRecord row = e.Evaluate(r - 1, NetworkCounters(), {}, false);
        EXPECT_EQ(e.CompleteTrain(row), reused) << c.problemType << " round " << r;
        EXPECT_TRUE(SameBits(row.trainLoss, pass.trainLoss)) << row.trainLoss << " vs " << pass.trainLoss;
        EXPECT_TRUE(SameBits(row.lossGap, pass.lossGap));
        EXPECT_TRUE(SameBits(row.gradNormSq, pass.gradNormSq)) << row.gradNormSq << " vs " << pass.gradNormSq;
        server.EndRound();
        // After the step the workers' gradients are at the old model: a pass, never a stale reuse.
        RoundRecord after = e.Evaluate(r, NetworkCounters(), {}, false);
        EXPECT_FALSE(e.CompleteTrain(after));
    }
}

TEST(Experiment, MetricsRowsReuseFullBatchGradientsAtAnExactModelBitForBit)
{
    for (const char* type : {"logistic", "least-squares", "lasso", "softmax"})
    {
        ExperimentConfig c = SmallConfig("gd");
        c.problemType = type;
        c.modelValues = ValueFormat::kFloat64;
        if (std::string(type) == "lasso")
        {
            c.l1 = 1e-3;
        }
        ExpectRowsFromWorkersEqualAPass(c, true);
        c.density = 0.2; // sparse features (softmax densifies them)
        ExpectRowsFromWorkersEqualAPass(c, true);
    }
}

TEST(Experiment, MetricsRowsTakeAPassWhenTheWorkersGradientsAreNotAtTheModel)
{
    ExperimentConfig c = SmallConfig("topk-ef");
    ExpectRowsFromWorkersEqualAPass(c, false); // float32 model message: the workers hold a rounding
    c.modelValues = ValueFormat::kFloat64;
    ExperimentConfig batch = c;
    batch.batchSize = 20;
    ExpectRowsFromWorkersEqualAPass(batch, false);
    ExperimentConfig prox = c;
    prox.l2Prox = true; // the workers' shards lack the L2 term
    ExpectRowsFromWorkersEqualAPass(prox, false);
}

TEST(RoundEngine, PayloadBitsAreTheEncodedSizes)
{
    ExperimentConfig c = SmallConfig("gd");
    Experiment e(c);
    Recorder rec;
    RunIdeal(e, rec);
    const uint64_t gdMessage = 8 * (kMessageHeaderBytes + 4 * c.features);
    const uint64_t modelMessage = 8 * (kMessageHeaderBytes + 4 * c.workers + 4 * c.features);
    for (const auto& r : rec.rows)
    {
        EXPECT_EQ(r.network.uplinkPayloadBits, static_cast<uint64_t>(r.round) * c.workers * gdMessage);
        EXPECT_EQ(r.network.downlinkPayloadBits, static_cast<uint64_t>(r.round) * c.workers * modelMessage);
        EXPECT_EQ(r.network.airtimeS, 0.0);
        EXPECT_EQ(r.updatesApplied, r.round == 0 ? 0 : c.workers);
    }
}

TEST(RoundEngine, TopKAtOnePercentSendsAtLeast20xFewerBitsThanGd)
{
    ExperimentConfig c = SmallConfig("gd");
    c.features = 1000;
    c.samples = 400;
    c.rounds = 5;
    Experiment gd(c);
    c.method.name = "topk-ef";
    c.method.kFraction = 0.01;
    Experiment topk(c);
    Recorder a, b;
    RunIdeal(gd, a);
    RunIdeal(topk, b);
    const double ratio = static_cast<double>(a.rows.back().network.uplinkPayloadBits) /
                         static_cast<double>(b.rows.back().network.uplinkPayloadBits);
    EXPECT_GE(ratio, 20.0) << "GD/Top-K uplink bit ratio " << ratio;
    EXPECT_LT(b.rows.back().lossGap, b.rows.front().lossGap);
}

TEST(RoundEngine, SameConfigSameRecords)
{
    for (const char* method : {"gd", "topk-ef"})
    {
        Experiment a(SmallConfig(method)), b(SmallConfig(method));
        Recorder ra, rb;
        RunIdeal(a, ra);
        RunIdeal(b, rb);
        ASSERT_EQ(ra.rows.size(), rb.rows.size());
        for (size_t i = 0; i < ra.rows.size(); ++i)
        {
            EXPECT_EQ(ra.rows[i].trainLoss, rb.rows[i].trainLoss);
            EXPECT_EQ(ra.rows[i].testAccuracy, rb.rows[i].testAccuracy);
            EXPECT_EQ(ra.rows[i].network.uplinkPayloadBits, rb.rows[i].network.uplinkPayloadBits);
        }
    }
}

TEST(RoundEngine, TopKEfConvergesOnLeastSquares)
{
    ExperimentConfig c = SmallConfig("topk-ef");
    c.problemType = "least-squares";
    c.rounds = 400;
    c.method.kFraction = 0.1;
    Experiment e(c);
    Recorder rec;
    RunIdeal(e, rec);
    EXPECT_LT(rec.rows.back().lossGap, 1e-3 * rec.rows.front().lossGap);
}

TEST(Server, KeepsOnlyValidUpdatesOfTheCurrentRound)
{
    Experiment e(SmallConfig("gd"));
    Server& s = e.GetServer();
    std::vector<uint8_t> update;
    const std::vector<uint8_t> model = s.BeginRound();
    e.GetWorker(1).OnModel(model.data(), model.size(), update);
    std::vector<uint8_t> corrupt = update;
    corrupt.back() ^= 0x10;
    EXPECT_FALSE(s.OnUplink(corrupt.data(), corrupt.size()));
    EXPECT_FALSE(s.OnUplink(model.data(), model.size())); // a model is not an update
    EXPECT_TRUE(s.OnUplink(update.data(), update.size()));
    EXPECT_FALSE(s.OnUplink(update.data(), update.size())); // duplicate
    EXPECT_EQ(s.EndRound(), 1);
    s.BeginRound();
    EXPECT_FALSE(s.OnUplink(update.data(), update.size())); // stale round
}

TEST(Server, AnUpdateItsMethodCannotTakeIsRejectedAndTheRoundGoesOn)
{
    Experiment e(SmallConfig("gd"));
    Server& s = e.GetServer();
    const std::vector<uint8_t> model = s.BeginRound();
    MessageHeader h;
    h.round = 1;
    h.dimension = static_cast<uint32_t>(e.Dimension());
    const Eigen::VectorXd v = Eigen::VectorXd::Ones(e.Dimension());
    // Worker 0: TPC's message type, valid CRC, to a gd server: refused where it arrives.
    std::vector<uint8_t> inner, predicted;
    EncodeDense(h, v, inner);
    EncodePredicted(h, Eigen::Vector2d(1.0, 2.0), inner, predicted);
    EXPECT_FALSE(s.OnUplink(predicted.data(), predicted.size()));
    EXPECT_EQ(s.LastRejected(0), 1U);
    // Worker 1: the right type and a valid CRC, but indices out of order: rejected when applied.
    h.sender = 1;
    std::vector<uint8_t> unordered;
    EncodeSparse(h, {5, 3}, Eigen::Vector2d(1.0, 2.0), unordered);
    EXPECT_TRUE(s.OnUplink(unordered.data(), unordered.size()));
    // Worker 2: a real update.
    std::vector<uint8_t> update;
    e.GetWorker(2).OnModel(model.data(), model.size(), update);
    EXPECT_TRUE(s.OnUplink(update.data(), update.size()));
    const Eigen::VectorXd before = s.Model();
    EXPECT_EQ(s.EndRound(), 1);
    EXPECT_EQ(s.Rejected(), 2);
    EXPECT_EQ(s.LastRejected(1), 1U);
    EXPECT_EQ(s.LastApplied(1), 0U);
    EXPECT_EQ(s.LastApplied(2), 1U);
    EXPECT_NE(s.Model(), before); // worker 2's update was applied
    EXPECT_FALSE(s.BeginRound().empty());
}

/// Records how each staged update was settled.
struct SpyCodec : WorkerCodec
{
    std::vector<bool>* resolved;
    explicit SpyCodec(std::vector<bool>* r)
        : resolved(r)
    {
    }
    void Encode(const Eigen::Ref<const Eigen::VectorXd>&, const Eigen::Ref<const Eigen::VectorXd>& g,
                const MessageHeader& h, std::vector<uint8_t>& out) override
    {
        EncodeDense(h, g, out);
    }
    void Resolve(bool applied) override { resolved->push_back(applied); }
};

TEST(Worker, TheNextModelSettlesTheStagedUpdateEvenAfterMissedModels)
{
    Dataset d;
    d.features = Eigen::MatrixXd::Ones(4, 2);
    d.labels = Eigen::VectorXd::Ones(4);
    LogisticProblem p(d, 0.1);
    std::vector<bool> r0, r1;
    Worker w0(0, p, std::make_unique<SpyCodec>(&r0));
    Worker w1(1, p, std::make_unique<SpyCodec>(&r1));
    MethodContext context;
    context.dim = 2;
    context.workers = 2;
    context.step = 0.1;
    Server s(Eigen::VectorXd::Zero(2), CreateServerCodec(MethodSpec{}, context), 0.1, 2,
             ValueFormat::kFloat32);
    std::vector<uint8_t> u0, u1;
    std::vector<uint8_t> model = s.BeginRound();
    w0.OnModel(model.data(), model.size(), u0);
    w1.OnModel(model.data(), model.size(), u1);
    EXPECT_TRUE(r0.empty() && r1.empty()); // nothing staged before round 1
    ASSERT_TRUE(s.OnUplink(u1.data(), u1.size())); // worker 0's update is lost
    EXPECT_EQ(s.EndRound(), 1);
    model = s.BeginRound();
    w0.OnModel(model.data(), model.size(), u0);
    w1.OnModel(model.data(), model.size(), u1);
    EXPECT_EQ(r0, std::vector<bool>{false});
    EXPECT_EQ(r1, std::vector<bool>{true});
    // Round 2: both updates applied; worker 1 then misses the round-3 model entirely.
    ASSERT_TRUE(s.OnUplink(u0.data(), u0.size()));
    ASSERT_TRUE(s.OnUplink(u1.data(), u1.size()));
    EXPECT_EQ(s.EndRound(), 2);
    model = s.BeginRound();
    w0.OnModel(model.data(), model.size(), u0);
    ASSERT_TRUE(s.OnUplink(u0.data(), u0.size()));
    EXPECT_EQ(s.EndRound(), 1);
    model = s.BeginRound(); // round 4
    w1.OnModel(model.data(), model.size(), u1);
    EXPECT_EQ(r0, (std::vector<bool>{false, true}));
    EXPECT_EQ(r1, (std::vector<bool>{true, true})); // its round-2 update was applied
}

ExperimentConfig
MlpConfig()
{
    ExperimentConfig c = SmallConfig("topk-ef", 5);
    c.problemType = "mlp";
    c.hidden = {16};
    c.batchSize = 16;
    c.method.kFraction = 0.1;
    c.step = 0.1;
    c.rounds = 30;
    return c;
}

TEST(Threads, ResultsAreBitIdenticalToOneThread)
{
    for (int threads : {2, 3})
    {
        ExperimentConfig one = MlpConfig(), many = MlpConfig();
        many.threads = threads;
        Experiment a(one), b(many);
        Recorder ra, rb;
        RunIdeal(a, ra);
        RunIdeal(b, rb);
        ASSERT_EQ(ra.rows.size(), rb.rows.size());
        for (size_t i = 0; i < ra.rows.size(); ++i)
        {
            EXPECT_EQ(ra.rows[i].trainLoss, rb.rows[i].trainLoss) << threads << " threads, row " << i;
            EXPECT_EQ(ra.rows[i].network.uplinkPayloadBits, rb.rows[i].network.uplinkPayloadBits);
        }
        EXPECT_EQ(a.GetServer().Model(), b.GetServer().Model());
    }
}

TEST(LocalSteps, FedAvgAppliesTheMeanModelDelta)
{
    ExperimentConfig c = SmallConfig("fedavg", 3);
    c.method.localSteps = 3;
    c.rounds = 1;
    c.step = 0.05;
    c.method.values = ValueFormat::kFloat64;
    c.modelValues = ValueFormat::kFloat64;
    Experiment e(c);
    Recorder rec;
    RunIdeal(e, rec);
    // By hand: every worker takes 3 full-batch steps from 0; the server averages the end points.
    const SyntheticData data = MakeBinaryData({c.samples, c.testSamples, c.features, c.noise,
                                               c.conditionNumber, c.seed});
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(c.features), g(c.features);
    for (const auto& rows : PartitionIid(c.samples, c.workers, c.seed))
    {
        LogisticProblem shard(Subset(data.train, rows), c.l2);
        Eigen::VectorXd x = Eigen::VectorXd::Zero(c.features);
        for (int s = 0; s < 3; ++s)
        {
            shard.Gradient(x, g);
            x -= c.step * g;
        }
        mean += x / c.workers;
    }
    EXPECT_LT((e.GetServer().Model() - mean).norm(), 1e-13 * mean.norm());
    EXPECT_EQ(rec.rows.back().computeSamples, 3 * c.samples);
}

TEST(EvalEvery, RowsEveryKRoundsAndTheLast)
{
    ExperimentConfig c = SmallConfig("gd");
    c.rounds = 10;
    c.evalEvery = 4;
    Experiment e(c);
    Recorder rec;
    RunIdeal(e, rec);
    std::vector<int> rounds;
    int applied = 0;
    for (const auto& r : rec.rows)
    {
        rounds.push_back(r.round);
        applied += r.updatesApplied;
    }
    EXPECT_EQ(rounds, (std::vector<int>{0, 4, 8, 10}));
    EXPECT_EQ(applied, 10 * c.workers);
}

/// Heap bytes in use (small blocks and mmapped ones).
double
HeapInUse()
{
    const struct mallinfo2 m = mallinfo2();
    return static_cast<double>(m.uordblks + m.hblkhd);
}

/// The heap a run of `c` holds after its rounds beyond its data, in vectors of d, measured in a
/// child process (so that no earlier run's per-thread scratch hides or adds to it).
double
MeasuredStateVectors(const ExperimentConfig& c)
{
    int fds[2];
    if (pipe(fds) != 0)
    {
        return -1.0;
    }
    const pid_t pid = fork();
    if (pid == 0)
    {
        const double before = HeapInUse();
        Experiment e(c);
        struct : RoundObserver
        {
            void OnRound(const RoundRecord&) override {}
        } ignore;
        RunIdeal(e, ignore);
        const double v = (HeapInUse() - before - e.TrainBytes()) / (8.0 * static_cast<double>(e.Dimension()));
        (void)!write(fds[1], &v, sizeof v);
        _exit(0);
    }
    close(fds[1]);
    double v = -1.0;
    if (read(fds[0], &v, sizeof v) != static_cast<ssize_t>(sizeof v))
    {
        v = -1.0;
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return v;
}

TEST(Memory, TheStateEstimateMatchesWhatEveryMethodsRunHolds)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__has_feature) && __has_feature(address_sanitizer)
    GTEST_SKIP() << "AddressSanitizer's allocator: mallinfo2 does not see the heap";
#endif
    // d large and the data tiny, so that the heap a run holds after a few rounds is its state.
    // Two worker counts separate the per-worker part (what grows at scale) from the shared one.
    for (const MethodInfo& info : MethodCatalogue())
    {
        ExperimentConfig c = SmallConfig(info.name, 4);
        c.samples = 80;
        c.testSamples = 0;
        c.features = 50000;
        c.density = 4e-4;
        c.rounds = 3;
        c.step = 1e-3;
        c.method.localSteps = info.name == "fedavg" ? 2 : 0;
        const double four = MeasuredStateVectors(c);
        c.workers = 8;
        const double eight = MeasuredStateVectors(c);
        ASSERT_GT(four, 0.0) << info.name;
        const StateMemory estimated = EstimateStateMemory(c, c.features);
        const double perWorker = (eight - four) / 4.0;
        EXPECT_NEAR(estimated.perWorker, perWorker, 0.1 + 0.05 * perWorker) << info.name;
        EXPECT_GT(estimated.Vectors(8), 0.9 * eight) << info.name << ": measured " << eight << " vectors";
        EXPECT_LT(estimated.Vectors(8), 1.2 * eight) << info.name << ": measured " << eight << " vectors";
    }
}

} // namespace
} // namespace airgrad
