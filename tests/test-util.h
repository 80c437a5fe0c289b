#ifndef AIRGRAD_TESTS_TEST_UTIL_H
#define AIRGRAD_TESTS_TEST_UTIL_H

#include "core/rng.h"
#include "round/experiment-config.h"
#include "round/round-record.h"

#include <vector>

namespace airgrad {

/// Seeded N(0, 1) entries; with `uneven`, entry j is scaled by 1 + j % 3.
inline Eigen::VectorXd
RandomVector(Eigen::Index d, uint64_t seed, bool uneven = false)
{
    Rng rng(seed);
    Eigen::VectorXd v(d);
    for (Eigen::Index j = 0; j < d; ++j)
    {
        v(j) = rng.Normal() * (uneven ? 1.0 + static_cast<double>(j % 3) : 1.0);
    }
    return v;
}

/// Seeded labels uniform over 0 .. classes - 1.
inline Eigen::VectorXd
Classes(Eigen::Index n, int classes, uint64_t seed)
{
    Rng rng(seed);
    Eigen::VectorXd y(n);
    for (Eigen::Index i = 0; i < n; ++i)
    {
        y(i) = static_cast<double>(rng.UniformInt(static_cast<uint64_t>(classes)));
    }
    return y;
}

/// Keeps every record it is given.
struct Recorder : RoundObserver
{
    std::vector<RoundRecord> rows;
    std::vector<std::vector<WorkerRecord>> workerRows; ///< per round, per worker
    void OnRound(const RoundRecord& r) override { rows.push_back(r); }
    void OnWorkers(int, const std::vector<WorkerRecord>& w) override { workerRows.push_back(w); }
    /// Updates not applied, summed over every row.
    int Lost() const
    {
        int lost = 0;
        for (const RoundRecord& r : rows)
        {
            lost += r.updatesLost;
        }
        return lost;
    }
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
    c.cacheDir = "none"; // tests never read or leave cache entries unless they test the cache
    return c;
}

} // namespace airgrad

#endif
