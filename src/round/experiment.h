#ifndef AIRGRAD_ROUND_EXPERIMENT_H
#define AIRGRAD_ROUND_EXPERIMENT_H

#include "problem/objective.h"
#include "problem/problem.h"
#include "round/experiment-config.h"
#include "round/round-record.h"
#include "round/server.h"
#include "round/worker.h"

#include <memory>
#include <string>
#include <vector>

namespace airgrad {

/// A run's state in vectors of d doubles, as EstimateStateMemory counts it (the data excluded).
struct StateMemory
{
    double perWorker = 0.0;
    double shared = 0.0;
    double Vectors(int workers) const { return workers * perWorker + shared; }
};
/**
 * \brief The state a run of `config` at dimension d holds besides its data: the method's codecs
 * (EstimateMethodMemory), the workers, the server and the objective. The Experiment refuses,
 * before allocating it, a run whose data, state or setup cannot fit this machine's memory.
 */
StateMemory EstimateStateMemory(const ExperimentConfig& config, Eigen::Index d);

/**
 * \brief One run's learning side, built from a config: data, shards, workers, server, the global
 * objective with its exact f* and L, and the evaluation of a metrics row. Drivers (the ideal
 * RoundEngine, the ns-3 module) move the bytes between its workers and its server.
 */
class Experiment
{
  public:
    /// Builds everything; throws std::invalid_argument on an inconsistent config.
    explicit Experiment(const ExperimentConfig& config);

    const ExperimentConfig& Config() const { return m_config; }
    int Workers() const { return static_cast<int>(m_workers.size()); }
    Worker& GetWorker(int m) { return *m_workers[static_cast<size_t>(m)]; }
    Server& GetServer() { return *m_server; }
    Eigen::Index Dimension() const { return m_objective->Dimension(); }

    /// L, NaN when the problem has none (mlp).
    double SmoothnessL() const { return m_smoothnessL; }
    /// f*, NaN when it is not computed (softmax, mlp).
    double FStar() const { return m_optimum.loss; }
    /// 0 for regression, else the number of classes (2 for logistic).
    int Classes() const { return m_classes; }
    /// Per worker, the count of each class in its shard (empty for regression).
    const std::vector<std::vector<long long>>& LabelHistograms() const { return m_labelHistograms; }
    double FStarGradNorm() const { return m_optimum.gradNorm; }
    /// What the f* solver did (Newton or FISTA rounds; Hessian-vector products and gradients).
    const GlobalObjective::Optimum& Optimum() const { return m_optimum; }

    /// Wall-clock seconds of the set-up's parts.
    struct SetupTimes
    {
        double dataS = 0.0;       ///< loading or generating, scaling, partitioning, problems
        double smoothnessS = 0.0; ///< L by Lanczos
        double optimumS = 0.0;    ///< f* by Newton-CG (or FISTA and CG for l1)
    };
    const SetupTimes& Times() const { return m_times; }
    /// Where L and f* came from: "cache", or "computed (cache absent | corrupt | disabled)".
    const std::string& OptimumSource() const { return m_optimumSource; }
    /// The cache entry of this problem (empty when run.cache_dir = none or there is no f*).
    const std::string& CacheEntry() const { return m_cacheEntry; }
    double Step() const { return m_step; }
    /// Per worker, its battery (energy.battery_j, drawn from the seed for uniform:LO:HI), J; empty: none.
    const std::vector<double>& BatteriesJ() const { return m_batteriesJ; }
    /// When each worker may be chosen (energy.availability); null when always.
    const Availability* GetAvailability() const { return m_availability.get(); }
    /// Bytes of the shards' features and labels: what a full-batch round must read at least.
    double TrainBytes() const { return m_trainBytes; }
    /// Whether the shards hold sparse (CSR) features.
    bool SparseData() const { return m_sparseData; }

    /**
     * \brief The metrics row for the server's current model. With `train` false the train loss,
     * loss gap and gradient norm are left for CompleteTrain, to be filled at the same model once
     * the workers of the next round have computed their gradients there.
     */
    RoundRecord Evaluate(int round, const NetworkCounters& network, const RowCounter::Updates& updates,
                         bool train = true) const;
    /**
     * \brief Fills the train loss, loss gap and gradient norm of `row` at the server's current
     * model. When every worker's last update was its full-shard gradient at exactly this model,
     * they are summed in shard order as a pass over the shards would (bit-identical, no pass);
     * otherwise by a pass over all shards. Returns whether the workers' gradients were used.
     */
    bool CompleteTrain(RoundRecord& row) const;

  private:
    ExperimentConfig m_config;
    std::vector<std::unique_ptr<Problem>> m_shards;       ///< f_m with every smooth term
    std::vector<std::unique_ptr<Problem>> m_workerShards; ///< without L2 when it is a prox
    std::unique_ptr<Problem> m_test;
    std::unique_ptr<GlobalObjective> m_objective;
    GlobalObjective::Optimum m_optimum;
    double m_smoothnessL = 0.0;
    double m_step = 0.0;
    std::vector<std::unique_ptr<Worker>> m_workers;
    std::unique_ptr<Server> m_server;
    int m_classes = 0;
    std::vector<std::vector<long long>> m_labelHistograms;
    SetupTimes m_times;
    std::string m_optimumSource;
    std::string m_cacheEntry;
    double m_trainBytes = 0.0;
    bool m_sparseData = false;
    std::vector<double> m_batteriesJ;
    std::unique_ptr<Availability> m_availability;
    mutable Eigen::VectorXd m_gradient;
    mutable Eigen::VectorXd m_subgradient;
};

} // namespace airgrad

#endif
