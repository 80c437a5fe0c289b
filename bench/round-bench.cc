// The ideal GD round against this machine's floor, and what a metrics row adds to it.
//
// Floor: a full-batch round must read every shard's features and labels once
// (Experiment::TrainBytes); divided by the streaming-read bandwidth measured here with as many
// threads as the round uses, that is the least time a round can take. The counters:
//   round_ms     wall time of a round, metrics only at the last of 200 rounds
//   floor_ms     TrainBytes / bandwidth
//   round/floor  target (issue 12): <= 1.5
//   row_ms       extra wall time per round with a metrics row every round
//   row/round    target: <= 0.2 (full batch); with a float64 model message the row reuses the
//                workers' gradients, with float32 the workers hold a rounding of the model and the
//                row makes its own pass
//   stream_GB/s  the measured read bandwidth
// Arguments: scenario (0 quickstart: dense d = 1e3, n = 5e3; 1 sparse-logistic: d = 1e5, 1e6
// nonzeros), run.threads, codec.model_values (0 float32, 1 float64). Run from the project root.

#include "core/thread-pool.h"
#include "round/experiment.h"
#include "round/round-engine.h"
#include "scenario/scenario-config.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace {

class NullObserver : public airgrad::RoundObserver
{
  public:
    void OnRound(const airgrad::RoundRecord& record) override { benchmark::DoNotOptimize(record.trainLoss); }
};

/// Bytes per second of summing a 512 MiB array, split over `threads`, best of 5.
double
StreamBandwidth(int threads)
{
    const Eigen::Index n = (Eigen::Index{512} << 20) / static_cast<Eigen::Index>(sizeof(double));
    const Eigen::VectorXd data = Eigen::VectorXd::LinSpaced(n, 0.0, 1.0);
    airgrad::ThreadPool pool(threads);
    std::vector<double> sums(static_cast<size_t>(threads));
    double best = 0.0;
    for (int repeat = 0; repeat < 5; ++repeat)
    {
        const auto start = std::chrono::steady_clock::now();
        pool.ParallelFor(threads, [&](int t) {
            const Eigen::Index chunk = n / threads;
            sums[static_cast<size_t>(t)] = data.segment(t * chunk, t == threads - 1 ? n - t * chunk : chunk).sum();
        });
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        benchmark::DoNotOptimize(sums.data());
        best = std::max(best, static_cast<double>(n) * sizeof(double) / s);
    }
    return best;
}

/// Wall seconds per round of 200 ideal rounds with a metrics row every `evalEvery` rounds.
double
SecondsPerRound(const std::string& scenario, int threads, bool float64, int evalEvery, double& trainBytes)
{
    const airgrad::Scenario s = airgrad::LoadScenario(
        scenario, {"network.kind=ideal", "method.name=gd", "run.cache_dir=none", "run.rounds=200",
                   "run.eval_every=" + std::to_string(evalEvery), "run.threads=" + std::to_string(threads),
                   std::string("codec.model_values=") + (float64 ? "float64" : "float32")});
    airgrad::Experiment e(s.config);
    trainBytes = e.TrainBytes();
    NullObserver observer;
    const auto start = std::chrono::steady_clock::now();
    airgrad::RunIdeal(e, observer);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / s.config.rounds;
}

void
BM_IdealRound(benchmark::State& state)
{
    const std::string scenario = state.range(0) == 0 ? "scenarios/quickstart.ini" : "scenarios/sparse-logistic.ini";
    const int threads = static_cast<int>(state.range(1));
    const bool float64 = state.range(2) == 1;
    double bytes = 0.0, round = 0.0, withRows = 0.0;
    for (auto _ : state)
    {
        round = SecondsPerRound(scenario, threads, float64, 200, bytes);
        withRows = SecondsPerRound(scenario, threads, float64, 1, bytes);
    }
    const double bandwidth = StreamBandwidth(threads);
    const double floor = bytes / bandwidth;
    state.counters["round_ms"] = 1e3 * round;
    state.counters["floor_ms"] = 1e3 * floor;
    state.counters["round/floor"] = round / floor;
    state.counters["row_ms"] = 1e3 * (withRows - round);
    state.counters["row/round"] = (withRows - round) / round;
    state.counters["stream_GB/s"] = bandwidth * 1e-9;
}

BENCHMARK(BM_IdealRound)
    ->ArgsProduct({{0, 1}, {1, 2}, {0, 1}})
    ->ArgNames({"sparse", "threads", "float64"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

} // namespace
