#include "round/experiment.h"

#include "data/loaders.h"
#include "data/partition.h"
#include "data/synthetic.h"
#include "method/method-factory.h"
#include "problem/least-squares-problem.h"
#include "problem/logistic-problem.h"
#include "problem/neural-problem.h"
#include "problem/torch-problem.h"
#include "round/optimum-cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace airgrad {

namespace {

bool
IsLinear(const std::string& type)
{
    return type == "least-squares" || type == "lasso" || type == "logistic";
}

/// The problem over `data`, which it shares (problems that differ in l2 hold the data once).
std::unique_ptr<Problem>
MakeProblem(const ExperimentConfig& c, const std::shared_ptr<const Dataset>& data, double l2, int classes)
{
    const std::string& type = c.problemType;
    if (type == "least-squares" || type == "lasso")
    {
        return std::make_unique<LeastSquaresProblem>(data, l2);
    }
    if (type == "logistic")
    {
        return std::make_unique<LogisticProblem>(data, l2);
    }
    if (type == "softmax")
    {
        return std::make_unique<NeuralProblem>(*data, classes, std::vector<int>{}, l2);
    }
    if (type == "mlp")
    {
        return std::make_unique<NeuralProblem>(*data, classes, c.hidden, l2);
    }
    if (type == "torch")
    {
        TorchModelSpec spec;
        spec.model = c.torchModel;
        spec.classes = classes;
        spec.l2 = l2;
        // Images keep their shape (channels x height x width); other datasets are flat rows.
        spec.inputShape = c.dataset == "fashion-mnist" ? std::vector<int64_t>{1, 28, 28}
                                                       : std::vector<int64_t>{static_cast<int64_t>(data->Features())};
        return MakeTorchProblem(data, spec);
    }
    throw std::invalid_argument("problem.type = '" + type +
                                "' is not a problem; allowed: least-squares, lasso, logistic, softmax, mlp, torch");
}

bool
FileExists(const std::string& path)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

double
Threads()
{
    return std::max(1U, std::thread::hardware_concurrency());
}

double
Gib(double bytes)
{
    return bytes / (1024.0 * 1024.0 * 1024.0);
}

std::string
Fixed(double v, int digits)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

/**
 * \brief Refuses, before anything of size d is allocated, a run whose state cannot fit this
 * machine's memory: the method's vectors (EstimateMethodMemory), the workers' and server's, and
 * the setup's solver (which runs before the state exists, so the larger of the two counts).
 */
void
CheckMemory(const ExperimentConfig& c, Eigen::Index d, double dataBytes)
{
    const StateMemory state = EstimateStateMemory(c, d);
    const double solver = 10.0 + 2.0 * Threads(); // Newton-CG's vectors (Lanczos' basis is bounded)
    const double need = dataBytes + 8.0 * static_cast<double>(d) * std::max(solver, state.Vectors(c.workers));
    const double pages = static_cast<double>(::sysconf(_SC_PHYS_PAGES));
    const double available = pages * static_cast<double>(::sysconf(_SC_PAGE_SIZE));
    if (pages <= 0.0 || need <= available)
    {
        return;
    }
    const std::string dimension =
        c.dataset == "synthetic" ? "problem.features" : c.dataset == "fashion-mnist" ? "the dataset" :
                                                         "the largest feature index of problem.data_file = " + c.dataFile;
    throw std::invalid_argument(
        "the run needs about " + Fixed(Gib(need), 1) + " GiB, more than this machine's " + Fixed(Gib(available), 1) +
        " GiB: d = " + std::to_string(d) + " coordinates (from " + dimension + ") x 8 bytes x (network.workers = " +
        std::to_string(c.workers) + " x " + Fixed(state.perWorker, 2) + " vectors for method.name = " + c.method.name +
        " + " + Fixed(state.shared, 1) + " shared), and " + Fixed(Gib(dataBytes), 2) +
        " GiB of data; lower network.workers, choose a method that keeps less per worker, or fewer features");
}

/// Training and test sets as the config asks, labels still raw.
SyntheticData
LoadData(const ExperimentConfig& c)
{
    SyntheticData data;
    if (c.dataset == "synthetic")
    {
        SyntheticSpec spec;
        spec.samples = c.samples;
        spec.testSamples = c.testSamples;
        spec.features = c.features;
        spec.noise = c.noise;
        spec.conditionNumber = c.conditionNumber;
        spec.seed = c.seed;
        spec.density = c.density;
        return c.problemType == "least-squares" || c.problemType == "lasso" ? MakeRegressionData(spec)
                                                                           : MakeBinaryData(spec);
    }
    if (c.dataset == "fashion-mnist")
    {
        const std::string dir = kFashionMnistDir;
        for (const char* f : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                              "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"})
        {
            if (!FileExists(dir + "/" + f))
            {
                throw std::runtime_error("problem.dataset = fashion-mnist: " + dir + "/" + f +
                                         " is missing; install Debian's dataset-fashion-mnist package "
                                         "(apt-get install dataset-fashion-mnist, or scripts/setup)");
            }
        }
        data.train = LoadIdx(dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz", c.maxRows);
        data.test = LoadIdx(dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz", c.maxRows);
        return data;
    }
    if (c.dataset == "libsvm")
    {
        data.train = LoadLibsvm(c.dataFile, c.maxRows);
        if (!c.testFile.empty())
        {
            data.test = LoadLibsvm(c.testFile, c.maxRows, data.train.Features());
            if (data.test.Features() > data.train.Features())
            {
                // the test file names a feature the training file never does: widen the training set
                data.train.sparse.conservativeResize(data.train.Samples(), data.test.Features());
            }
        }
    }
    else
    {
        data.train = LoadCsv(c.dataFile, c.labelColumn, c.maxRows);
        if (!c.testFile.empty())
        {
            data.test = LoadCsv(c.testFile, c.labelColumn, c.maxRows);
            if (data.test.Features() != data.train.Features())
            {
                throw std::runtime_error(c.testFile + ": " + std::to_string(data.test.Features()) +
                                         " feature columns, the training file has " +
                                         std::to_string(data.train.Features()));
            }
        }
    }
    if (c.testFile.empty())
    {
        SplitTest(data.train, data.test, c.testFraction, c.seed);
    }
    return data;
}

/// `classOf` holds each training sample's class number (empty for regression).
std::vector<std::vector<Eigen::Index>>
Partition(const ExperimentConfig& c, Eigen::Index samples, const Eigen::VectorXd& classOf, int classes)
{
    if (c.partition == "shards")
    {
        return PartitionShards(classOf, c.workers, c.labelsPerWorker, c.seed);
    }
    if (c.partition == "dirichlet")
    {
        return PartitionDirichlet(classOf, classes, c.workers, c.dirichletAlpha, c.seed);
    }
    if (c.partition == "powerlaw")
    {
        return PartitionPowerLaw(samples, c.workers, c.powerLawExponent, c.seed);
    }
    return PartitionIid(samples, c.workers, c.seed);
}

} // namespace

namespace {

double
SecondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

StateMemory
EstimateStateMemory(const ExperimentConfig& c, Eigen::Index d)
{
    const MethodMemory method = EstimateMethodMemory(c.method, d);
    const bool exact = c.modelValues == ValueFormat::kFloat64 && c.batchSize == 0 && LocalSteps(c.method) == 1 && !c.l2Prox;
    StateMemory m;
    m.perWorker = method.perWorker + (exact ? 1.0 : 0.0); // a reusable exact gradient
    // the server's model and model message, the workers' per-thread model and gradient (and
    // local iterate), the objective's per-thread buffers, the experiment's gradient and subgradient
    m.shared = method.shared + 1.0 + ValueBits(c.modelValues) / 64.0 +
               (LocalSteps(c.method) > 1 ? 3.0 : 2.0) * c.threads + 2.0 * Threads() + 2.0;
    return m;
}

Experiment::Experiment(const ExperimentConfig& config)
    : m_config(config)
{
    auto started = std::chrono::steady_clock::now();
    SyntheticData data = LoadData(config);
    if (data.train.Samples() < config.workers)
    {
        throw std::invalid_argument("the training set has " + std::to_string(data.train.Samples()) +
                                    " samples, fewer than network.workers = " +
                                    std::to_string(config.workers) + "; every worker needs a sample");
    }
    const std::string& type = config.problemType;
    const LabelKind kind = type == "logistic"                      ? LabelKind::kBinary
                           : type == "softmax" || type == "mlp" || type == "torch" ? LabelKind::kClasses
                                                                   : LabelKind::kRegression;
    m_classes = NormalizeLabels(kind, data.train, data.test);
    const std::string scaling = config.scaling == "auto" ? (config.dataset == "fashion-mnist" ? "standardize" : "none")
                                                         : config.scaling;
    if (!IsLinear(type) || scaling != "none")
    {
        // softmax and the MLP take dense inputs; shifting a sparse column fills it
        Densify(data.train);
        Densify(data.test);
    }
    ScaleFeatures(scaling == "standardize" ? Scaling::kStandardize
                  : scaling == "minmax"    ? Scaling::kMinMax
                                           : Scaling::kNone,
                  data.train, data.test);
    // Class numbers for partitions and histograms (binary labels are +-1 for the problem).
    Eigen::VectorXd classOf;
    if (m_classes > 0)
    {
        classOf = type == "logistic" ? Eigen::VectorXd((data.train.labels.array() + 1.0) / 2.0) : data.train.labels;
    }
    m_sparseData = data.train.isSparse;
    const auto shards = Partition(config, data.train.Samples(), classOf, m_classes);
    std::vector<const Problem*> views;
    std::vector<Dataset> parts = Split(data.train, shards);
    data.train = Dataset(); // the shards hold the training data now
    for (size_t s = 0; s < shards.size(); ++s)
    {
        const std::vector<Eigen::Index>& rows = shards[s];
        auto shard = std::make_shared<const Dataset>(std::move(parts[s]));
        m_trainBytes += shard->Bytes();
        if (m_classes > 0)
        {
            std::vector<long long> histogram(static_cast<size_t>(m_classes), 0);
            for (Eigen::Index i : rows)
            {
                ++histogram[static_cast<size_t>(classOf(i))];
            }
            m_labelHistograms.push_back(std::move(histogram));
        }
        if (config.l2Prox)
        {
            // The workers' gradients leave the L2 term to the server's proximal step.
            m_workerShards.push_back(MakeProblem(config, shard, 0.0, m_classes));
        }
        m_shards.push_back(MakeProblem(config, shard, config.l2, m_classes));
        views.push_back(m_shards.back().get());
    }
    CheckMemory(config, m_shards.front()->Dimension(), m_trainBytes + data.test.Bytes());
    if (data.test.Samples() > 0)
    {
        m_test = MakeProblem(config, std::make_shared<const Dataset>(std::move(data.test)), config.l2, m_classes);
    }
    m_objective = std::make_unique<GlobalObjective>(views);
    const Eigen::Index d = m_objective->Dimension();
    const Problem& first = *m_shards.front();
    m_times.dataS = SecondsSince(started);
    if (config.l1 > 0.0 && type != "least-squares" && type != "lasso")
    {
        throw std::invalid_argument("problem.l1 > 0 needs problem.type = least-squares or lasso");
    }
    m_optimum.loss = std::nan(""); // loss_gap is not reported without f*
    m_optimum.gradNorm = std::nan("");
    m_smoothnessL = std::nan("");
    OptimumCache cache(first.HasHessian() ? config.cacheDir : "none");
    const std::string key = OptimumCacheKey(config);
    if (const auto hit = cache.Lookup(key))
    {
        m_smoothnessL = hit->smoothnessL;
        m_optimum.loss = hit->fStar;
        m_optimum.gradNorm = hit->gradNorm;
        m_optimum.newtonSteps = static_cast<int>(hit->solverSteps);
        m_optimum.operatorProducts = hit->operatorProducts;
        m_optimumSource = "cache";
    }
    else
    {
        m_optimumSource = "computed (cache " + cache.MissReason() + ")";
        started = std::chrono::steady_clock::now();
        if (first.HasSmoothness())
        {
            m_smoothnessL = m_objective->SmoothnessL();
        }
        m_times.smoothnessS = SecondsSince(started);
        started = std::chrono::steady_clock::now();
        if (first.HasHessian())
        {
            m_optimum = config.l1 > 0.0 ? m_objective->MinimiseL1(config.l1, m_smoothnessL) : m_objective->Minimise();
            m_optimum.x = Eigen::VectorXd(); // only f* and its accuracy are kept
            cache.Store(key, {m_smoothnessL, m_optimum.loss, m_optimum.gradNorm, m_optimum.newtonSteps,
                              m_optimum.operatorProducts});
        }
        m_times.optimumS = SecondsSince(started);
    }
    if (cache.Enabled())
    {
        m_cacheEntry = cache.EntryPath(key);
    }
    CheckMethodSpec(config.method, d);
    // No L for the MLP: 1/L is taken as 0.1 so that every method's rule still scales sensibly.
    const double stepL = std::isfinite(m_smoothnessL) ? m_smoothnessL : 10.0;
    m_step = config.step > 0.0 ? config.step : DefaultStep(config.method, stepL, d, config.workers);
    MethodContext context;
    context.dim = d;
    context.workers = config.workers;
    context.step = m_step;
    context.rounds = config.rounds;
    context.seed = config.seed;
    WorkerOptions options;
    options.batchSize = config.batchSize;
    options.localSteps = LocalSteps(config.method);
    options.localStep = m_step;
    for (int m = 0; m < config.workers; ++m)
    {
        context.worker = static_cast<uint32_t>(m);
        options.seed = Rng::Derive(config.seed, 0xBA7C4000ULL + static_cast<uint64_t>(m)).NextU64();
        m_workers.push_back(std::make_unique<Worker>(static_cast<uint32_t>(m),
                                                     config.l2Prox ? *m_workerShards[static_cast<size_t>(m)]
                                                                   : *m_shards[static_cast<size_t>(m)],
                                                     CreateWorkerCodec(config.method, context), options));
    }
    Eigen::VectorXd x0(d);
    first.InitialPoint(config.seed, x0);
    m_server = std::make_unique<Server>(std::move(x0), CreateServerCodec(config.method, context), m_step,
                                        config.workers, config.modelValues, config.l1,
                                        config.l2Prox ? config.l2 : 0.0);
    if (config.batteryLoJ > 0.0)
    {
        Rng draw = Rng::Derive(config.seed, 0xBA77E4ULL);
        for (int m = 0; m < config.workers; ++m)
        {
            m_batteriesJ.push_back(config.batteryLoJ + (config.batteryHiJ - config.batteryLoJ) * draw.Uniform01());
        }
    }
    else if (!config.batteryJ.empty())
    {
        m_batteriesJ = config.batteryJ.size() == 1 ? std::vector<double>(static_cast<size_t>(config.workers), config.batteryJ[0])
                                                   : config.batteryJ;
    }
    if (config.mode == "buffered")
    {
        m_server->SetBuffered(config.buffer > 0 ? config.buffer : config.workers, config.stalenessExponent);
    }
    if (!config.availabilityFile.empty())
    {
        m_availability = std::make_unique<Availability>(
            LoadAvailability(config.availabilityFile, static_cast<uint32_t>(config.workers)), config.workers);
    }
    // Batteries and availability need a selection even for policy = all: who is eligible changes.
    if (config.selectionPolicy != "all" || !m_batteriesJ.empty() || m_availability)
    {
        const double k = config.selectionPerRound;
        const int perRound = k >= 1.0 ? static_cast<int>(k)
                             : k > 0.0 ? std::max(1, static_cast<int>(std::lround(k * config.workers)))
                                       : config.workers;
        m_server->SetSelection(std::make_unique<Selection>(CreateSelectionPolicy(config.selectionPolicy),
                                                           config.selectionPolicy == "all",
                                                           config.workers, perRound,
                                                           Rng::Derive(config.seed, 0x5E1EC7ULL).NextU64()));
    }
    m_gradient.resize(d);
    m_subgradient.resize(d);
}

bool
Experiment::CompleteTrain(RoundRecord& r) const
{
    const Eigen::VectorXd& x = m_server->Model();
    // The workers' shards are the objective's unless the L2 term is a prox step (then they lack it).
    bool reuse = !m_config.l2Prox;
    for (const auto& w : m_workers)
    {
        reuse = reuse && w->ExactGradientRound() == m_server->Steps() + 1;
    }
    double loss = 0.0;
    if (reuse)
    {
        // The order and operations of GlobalObjective::LossGradient.
        m_gradient.setZero();
        for (const auto& w : m_workers)
        {
            loss += w->LastLoss();
            m_gradient += w->LastGradient();
        }
        m_gradient /= static_cast<double>(m_workers.size());
        loss /= static_cast<double>(m_workers.size());
    }
    else
    {
        loss = m_objective->LossGradient(x, m_gradient);
    }
    r.trainLoss = loss + m_config.l1 * x.lpNorm<1>();
    r.lossGap = r.trainLoss - m_optimum.loss;
    MinimumNormSubgradient(x, m_gradient, m_config.l1, m_subgradient);
    r.gradNormSq = m_subgradient.squaredNorm();
    return reuse;
}

RoundRecord
Experiment::Evaluate(int round, const NetworkCounters& network, const RowCounter::Updates& updates, bool train) const
{
    RoundRecord r;
    r.round = round;
    const Eigen::VectorXd& x = m_server->Model();
    if (train)
    {
        CompleteTrain(r);
    }
    if (m_test)
    {
        r.testAccuracy = m_test->Accuracy(x);
    }
    r.network = network;
    r.updatesApplied = updates.applied;
    r.updatesLost = updates.lost;
    r.workersSelected = updates.selected;
    r.meanStaleness = updates.applied > 0 ? static_cast<double>(updates.staleness) / updates.applied : 0.0;
    for (const auto& w : m_workers)
    {
        r.computeSamples += w->ComputedSamples();
        r.computeFlops += w->ComputedFlops();
    }
    return r;
}

} // namespace airgrad
