// Gradient throughput of the softmax and MLP (784-128-10) problems, minibatch and full batch, in
// GFLOP/s (FLOPs as the problems count them: 6 per weight per sample), and rounds per second of
// the ideal driver at M = 10 and 100 workers with one and two threads.

#include "core/rng.h"
#include "problem/neural-problem.h"
#include "round/experiment.h"
#include "round/round-engine.h"

#include <benchmark/benchmark.h>

namespace {

airgrad::Dataset
Images(Eigen::Index n)
{
    airgrad::Rng rng(1);
    airgrad::Dataset d;
    d.features.resize(n, 784);
    d.labels.resize(n);
    for (Eigen::Index i = 0; i < n; ++i)
    {
        for (Eigen::Index j = 0; j < 784; ++j)
        {
            d.features(i, j) = rng.Normal();
        }
        d.labels(i) = static_cast<double>(rng.UniformInt(10));
    }
    return d;
}

/// range(0): 0 softmax, 1 MLP; range(1): batch size, 0 = the full shard of 6000.
void
BM_Gradient(benchmark::State& state)
{
    const std::vector<int> hidden = state.range(0) ? std::vector<int>{128} : std::vector<int>{};
    const Eigen::Index shard = 6000;
    airgrad::NeuralProblem p(Images(shard), 10, hidden, 1e-4);
    Eigen::VectorXd x(p.Dimension()), g(p.Dimension());
    p.InitialPoint(1, x);
    const Eigen::Index batch = state.range(1) > 0 ? state.range(1) : shard;
    std::vector<Eigen::Index> rows(static_cast<size_t>(batch));
    for (Eigen::Index i = 0; i < batch; ++i)
    {
        rows[static_cast<size_t>(i)] = (i * 7919) % shard;
    }
    for (auto _ : state)
    {
        if (state.range(1) > 0)
        {
            p.GradientRows(x, rows, g);
        }
        else
        {
            p.Gradient(x, g);
        }
        benchmark::DoNotOptimize(g.data());
    }
    state.counters["GFLOP/s"] = benchmark::Counter(p.FlopsPerSample() * static_cast<double>(batch) * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Gradient)
    ->ArgNames({"mlp", "batch"})
    ->Args({0, 64})
    ->Args({0, 0})
    ->Args({1, 64})
    ->Args({1, 0})
    ->Unit(benchmark::kMillisecond);

/// range(0): workers M; range(1): threads. Logistic d = 784, 600 samples per worker, Top-K-EF 1%.
void
BM_IdealRounds(benchmark::State& state)
{
    airgrad::ExperimentConfig c;
    c.problemType = "logistic";
    c.workers = static_cast<int>(state.range(0));
    c.threads = static_cast<int>(state.range(1));
    c.features = 784;
    c.samples = 600LL * c.workers;
    c.testSamples = 0;
    c.method.name = "topk-ef";
    c.rounds = 20;
    c.evalEvery = 1000000; // rows only at the start and the end: the rounds are what is timed
    struct Ignore : airgrad::RoundObserver
    {
        void OnRound(const airgrad::RoundRecord&) override {}
    } ignore;
    airgrad::Experiment e(c);
    for (auto _ : state)
    {
        airgrad::RunIdeal(e, ignore);
    }
    state.counters["rounds/s"] = benchmark::Counter(static_cast<double>(c.rounds),
                                                    benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_IdealRounds)
    ->ArgNames({"M", "threads"})
    ->Args({10, 1})
    ->Args({10, 2})
    ->Args({100, 1})
    ->Args({100, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

} // namespace
