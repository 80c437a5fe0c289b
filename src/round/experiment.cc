#include "round/experiment.h"

#include "data/partition.h"
#include "data/synthetic.h"
#include "method/method-factory.h"
#include "problem/least-squares-problem.h"
#include "problem/logistic-problem.h"

#include <stdexcept>

namespace airgrad {

namespace {

std::unique_ptr<Problem>
MakeProblem(const std::string& type, Dataset data, double l2)
{
    if (type == "least-squares" || type == "lasso")
    {
        return std::make_unique<LeastSquaresProblem>(std::move(data), l2);
    }
    if (type == "logistic")
    {
        return std::make_unique<LogisticProblem>(std::move(data), l2);
    }
    throw std::invalid_argument("problem.type = '" + type +
                                "' is not a problem; allowed: least-squares, logistic");
}

} // namespace

Experiment::Experiment(const ExperimentConfig& config)
    : m_config(config)
{
    if (config.samples < config.workers)
    {
        throw std::invalid_argument("problem.samples = " + std::to_string(config.samples) +
                                    " is fewer than network.workers = " +
                                    std::to_string(config.workers) + "; every worker needs a sample");
    }
    SyntheticSpec spec;
    spec.samples = config.samples;
    spec.testSamples = config.testSamples;
    spec.features = config.features;
    spec.noise = config.noise;
    spec.conditionNumber = config.conditionNumber;
    spec.seed = config.seed;
    SyntheticData data = config.problemType == "logistic" ? MakeBinaryData(spec) : MakeRegressionData(spec);
    const auto shards = PartitionIid(data.train.Samples(), config.workers, config.seed);
    std::vector<const Problem*> views;
    for (const auto& rows : shards)
    {
        m_shards.push_back(MakeProblem(config.problemType, Subset(data.train, rows), config.l2));
        views.push_back(m_shards.back().get());
        if (config.l2Prox)
        {
            // The workers' gradients leave the L2 term to the server's proximal step.
            m_workerShards.push_back(MakeProblem(config.problemType, Subset(data.train, rows), 0.0));
        }
    }
    if (data.test.Samples() > 0)
    {
        m_test = MakeProblem(config.problemType, std::move(data.test), config.l2);
    }
    m_objective = std::make_unique<GlobalObjective>(views);
    m_smoothnessL = m_objective->SmoothnessL();
    if (config.l1 > 0.0 && config.problemType == "logistic")
    {
        throw std::invalid_argument("problem.l1 > 0 needs problem.type = least-squares or lasso");
    }
    m_optimum = config.l1 > 0.0 ? m_objective->MinimiseL1(config.l1) : m_objective->Minimise();
    const Eigen::Index d = m_objective->Dimension();
    CheckMethodSpec(config.method, d);
    m_step = config.step > 0.0 ? config.step
                               : DefaultStep(config.method, m_smoothnessL, d, config.workers);
    MethodContext context;
    context.dim = d;
    context.workers = config.workers;
    context.step = m_step;
    context.rounds = config.rounds;
    context.seed = config.seed;
    for (int m = 0; m < config.workers; ++m)
    {
        context.worker = static_cast<uint32_t>(m);
        m_workers.push_back(std::make_unique<Worker>(static_cast<uint32_t>(m),
                                                     config.l2Prox ? *m_workerShards[static_cast<size_t>(m)]
                                                                   : *m_shards[static_cast<size_t>(m)],
                                                     CreateWorkerCodec(config.method, context)));
    }
    m_server = std::make_unique<Server>(Eigen::VectorXd::Zero(d), CreateServerCodec(config.method, context),
                                        m_step, config.workers, config.modelValues, config.l1,
                                        config.l2Prox ? config.l2 : 0.0);
    m_gradient.resize(d);
    m_subgradient.resize(d);
}

RoundRecord
Experiment::Evaluate(int round, const NetworkCounters& network, int applied, int lost) const
{
    RoundRecord r;
    r.round = round;
    const Eigen::VectorXd& x = m_server->Model();
    r.trainLoss = m_objective->Loss(x) + m_config.l1 * x.lpNorm<1>();
    r.lossGap = r.trainLoss - m_optimum.loss;
    m_objective->Gradient(x, m_gradient);
    MinimumNormSubgradient(x, m_gradient, m_config.l1, m_subgradient);
    r.gradNormSq = m_subgradient.squaredNorm();
    if (m_test)
    {
        r.testAccuracy = m_test->Accuracy(x);
    }
    r.network = network;
    r.updatesApplied = applied;
    r.updatesLost = lost;
    return r;
}

} // namespace airgrad
