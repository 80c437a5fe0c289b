// Deep models through libtorch: one minibatch step, and what a round adds to the steps.
//
//   BM_TorchStep/model     Problem::GradientRows on a minibatch of 64 Fashion-MNIST-sized images:
//                          copy the parameter vector in, gather the batch, forward, backward, copy
//                          the gradient out. step_ms is compared with the same step in
//                          python3-torch by bench/torch-step (target: within 1.15x).
//   BM_TorchRound/model/method
//                          an ideal round of scenarios/fashion-mnist-cnn-gd.ini (10 workers,
//                          minibatches of 64, one thread) with the model and method given:
//                          round_ms, the median time from one round's end to the next (no
//                          metrics row is inside). bench/torch-step divides it by ten of
//                          BM_TorchStep's steps: the overhead is what the method (compress,
//                          encode, decode, aggregate, the server's step) adds (target: <= 15%).
// Model 0 lenet5 (61,706 parameters), 1 cnn (824,458); method 0 gd, 1 topk-ef (1%). Run from the
// project root (it reads the scenario's Fashion-MNIST files).

#include "core/rng.h"
#include "problem/torch-problem.h"
#include "round/experiment.h"
#include "round/round-engine.h"
#include "scenario/scenario-config.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace {

const char* const kModels[] = {"lenet5", "cnn"};
const char* const kMethods[] = {"gd", "topk-ef"};
constexpr int kBatch = 64;

/// The median of per-step times (spikes of this shared machine do not move it).
double
Median(std::vector<double> v)
{
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
}

/// Seconds per minibatch step of `model`: the median of `steps` after a warm-up.
double
StepSeconds(const std::string& model, int steps)
{
    auto data = std::make_shared<airgrad::Dataset>();
    const int n = 6000, side = 28;
    airgrad::Rng rng(1);
    data->features.resize(n, side * side);
    data->labels.resize(n);
    for (int i = 0; i < n; ++i)
    {
        for (int j = 0; j < side * side; ++j)
        {
            data->features(i, j) = rng.Normal();
        }
        data->labels(i) = i % 10;
    }
    airgrad::TorchModelSpec spec;
    spec.model = model;
    spec.inputShape = {1, side, side};
    const auto problem = airgrad::MakeTorchProblem(data, spec);
    Eigen::VectorXd x(problem->Dimension()), g(problem->Dimension());
    problem->InitialPoint(1, x);
    std::vector<Eigen::Index> rows(kBatch);
    auto draw = [&] {
        for (auto& r : rows)
        {
            r = static_cast<Eigen::Index>(rng.NextU64() % n);
        }
    };
    for (int i = 0; i < 5; ++i)
    {
        draw();
        problem->GradientRows(x, rows, g);
    }
    std::vector<double> seconds;
    for (int i = 0; i < steps; ++i)
    {
        draw();
        const auto start = std::chrono::steady_clock::now();
        problem->GradientRows(x, rows, g);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        benchmark::DoNotOptimize(g.data());
    }
    return Median(seconds);
}

void
BM_TorchStep(benchmark::State& state)
{
    const std::string model = kModels[state.range(0)];
    double seconds = 0.0;
    for (auto _ : state)
    {
        seconds = StepSeconds(model, model == "lenet5" ? 200 : 50);
    }
    state.counters["step_ms"] = 1e3 * seconds;
}

/// The median wall time between the ends of consecutive rounds, from round 1 on (the last
/// round's metrics row comes after its end).
class RoundClock : public airgrad::RoundObserver
{
  public:
    void OnRound(const airgrad::RoundRecord& record) override { benchmark::DoNotOptimize(record.trainLoss); }
    void OnWorkers(int round, const std::vector<airgrad::WorkerRecord>&) override
    {
        const auto now = std::chrono::steady_clock::now();
        if (round > 1)
        {
            m_seconds.push_back(std::chrono::duration<double>(now - m_last).count());
        }
        m_last = now;
    }
    double SecondsPerRound() const { return Median(m_seconds); }

  private:
    std::chrono::steady_clock::time_point m_last;
    std::vector<double> m_seconds;
};

void
BM_TorchRound(benchmark::State& state)
{
    const std::string model = kModels[state.range(0)];
    const std::string method = kMethods[state.range(1)];
    const int rounds = model == "lenet5" ? 41 : 11;
    double round = 0.0;
    for (auto _ : state)
    {
        const airgrad::Scenario s = airgrad::LoadScenario(
            "scenarios/fashion-mnist-cnn-gd.ini",
            {"problem.model=" + model, "method.name=" + method, "method.k_fraction=0.01", "run.threads=1",
             "run.rounds=" + std::to_string(rounds), "run.eval_every=" + std::to_string(rounds)});
        airgrad::Experiment e(s.config);
        RoundClock clock;
        airgrad::RunIdeal(e, clock);
        round = clock.SecondsPerRound();
    }
    state.counters["round_ms"] = 1e3 * round;
}

BENCHMARK(BM_TorchStep)->DenseRange(0, 1)->ArgName("model")->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_TorchRound)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ArgNames({"model", "method"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

} // namespace
