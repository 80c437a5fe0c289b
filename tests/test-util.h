#ifndef AIRGRAD_TESTS_TEST_UTIL_H
#define AIRGRAD_TESTS_TEST_UTIL_H

#include "round/experiment-config.h"
#include "round/round-record.h"

#include <vector>

namespace airgrad {

/// Keeps every record it is given.
struct Recorder : RoundObserver
{
    std::vector<RoundRecord> rows;
    std::vector<std::vector<WorkerRecord>> workerRows; ///< per round, per worker
    void OnRound(const RoundRecord& r) override { rows.push_back(r); }
    void OnWorkers(int, const std::vector<WorkerRecord>& w) override { workerRows.push_back(w); }
};

/// A small problem that runs in milliseconds.
inline ExperimentConfig
SmallConfig(const std::string& method, int workers = 3)
{
    ExperimentConfig c;
    c.name = "test";
    c.rounds = 20;
    c.seed = 5;
    c.problemType = "logistic";
    c.samples = 300;
    c.testSamples = 50;
    c.features = 40;
    c.l2 = 1e-2;
    c.method.name = method;
    c.workers = workers;
    return c;
}

} // namespace airgrad

#endif
