#include "scenario/scenario-config.h"

#include "method/method-factory.h"
#include "problem/torch-problem.h"
#include "round/selection.h"

#include <sys/stat.h>

#include <boost/program_options.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>

namespace po = boost::program_options;

namespace airgrad {

namespace {

[[noreturn]] void
Reject(const std::string& key, const std::string& value, const std::string& allowed)
{
    throw std::invalid_argument(key + " = '" + value + "' is invalid; allowed: " + allowed);
}

long long
ParseInt(const std::string& key, const std::string& value, long long lo, long long hi)
{
    const std::string allowed = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || errno == ERANGE || v < lo || v > hi)
    {
        Reject(key, value, allowed);
    }
    return v;
}

/// A finite number; `lo`/`hi` bounds, each inclusive or not.
double
ParseReal(const std::string& key, const std::string& value, double lo, bool loInclusive, double hi,
          bool hiInclusive)
{
    std::ostringstream allowed;
    allowed << "a number in " << (loInclusive ? "[" : "(") << lo << ", " << hi
            << (hiInclusive ? "]" : ")");
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v) ||
        (loInclusive ? v < lo : v <= lo) || (hiInclusive ? v > hi : v >= hi))
    {
        Reject(key, value, allowed.str());
    }
    return v;
}

/// A comma-separated list of numbers, each in [lo, hi].
std::vector<double>
ParseRealList(const std::string& key, const std::string& value, double lo, double hi)
{
    std::vector<double> out;
    std::string item;
    std::istringstream in(value);
    while (std::getline(in, item, ','))
    {
        const auto first = item.find_first_not_of(" \t");
        const auto last = item.find_last_not_of(" \t");
        item = first == std::string::npos ? "" : item.substr(first, last - first + 1);
        std::ostringstream allowed;
        allowed << "empty, a number in [" << lo << ", " << hi << "], or a comma-separated list of them";
        errno = 0;
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0' || errno == ERANGE || !(v >= lo && v <= hi))
        {
            Reject(key, value, allowed.str());
        }
        out.push_back(v);
    }
    return out;
}

std::string
ParseChoice(const std::string& key, const std::string& value, const std::vector<std::string>& choices)
{
    std::string allowed;
    for (const auto& c : choices)
    {
        if (c == value)
        {
            return value;
        }
        allowed += (allowed.empty() ? "" : " | ") + c;
    }
    Reject(key, value, allowed);
}

using ChoiceTable = std::vector<std::pair<std::string, std::vector<ScenarioChoice>>>;

/// The keys whose value is one name of a fixed list: the one table the parser, the help and
/// `airgrad list` all read.
const ChoiceTable&
Choices()
{
    static const ChoiceTable table = {
        {"problem.type",
         {{"least-squares", "linear regression: 1/(2n)||Ax - b||^2 + (l2/2)||x||^2"},
          {"lasso", "least squares + problem.l1 ||x||_1 (l1 > 0), by the server's proximal step"},
          {"logistic", "L2-regularised binary logistic regression (2 labels)"},
          {"softmax", "multinomial logistic regression"},
          {"mlp", "ReLU network (problem.hidden), softmax cross-entropy; no f*, no L: step auto uses "
                  "1/L = 0.1"},
          {"torch", "a deep model through libtorch (problem.model), softmax cross-entropy; no f*, no L: "
                    "step auto uses 1/L = 0.1"}}},
        {"problem.dataset",
         {{"synthetic", "generated from problem.samples, features, density, noise, condition_number"},
          {"fashion-mnist", "Debian's dataset-fashion-mnist: 60000 train and 10000 test images, 784 "
                            "pixels, 10 classes"},
          {"libsvm", "problem.data_file in LIBSVM format, kept sparse"},
          {"csv", "problem.data_file with a header row"}}},
        {"data.partition",
         {{"iid", "samples dealt uniformly at random"},
          {"shards", "data.labels_per_worker label shards each"},
          {"dirichlet", "label shares ~ Dirichlet(data.dirichlet_alpha)"},
          {"powerlaw", "sizes ~ (m+1)^-data.powerlaw_exponent"}}},
        {"network.kind",
         {{"ideal", "every message arrives at once: no time, loss, airtime or energy"},
          {"wifi", "ns-3 Wi-Fi (802.11ax/ac/n): an AP (server) and one station per worker"},
          {"link", "the abstract link: an ns-3 device with a rate, error rate and overhead per worker "
                   "from the same channel keys, tens of times faster than wifi"}}},
    };
    return table;
}

const std::vector<ScenarioChoice>&
ChoicesOfKey(const std::string& key)
{
    for (const auto& [k, choices] : Choices())
    {
        if (k == key)
        {
            return choices;
        }
    }
    throw std::invalid_argument("no choice table for " + key);
}

/// "a (meaning) | b (meaning)": the help text of a choice key.
std::string
ChoiceHelp(const std::string& key)
{
    std::string help;
    for (const auto& c : ChoicesOfKey(key))
    {
        help += (help.empty() ? "" : " | ") + c.value + " (" + c.meaning + ")";
    }
    return help;
}

/// `value` when the choice table of `key` has it, else an error listing the table.
std::string
ParseChoice(const std::string& key, const std::string& value)
{
    std::vector<std::string> names;
    for (const auto& c : ChoicesOfKey(key))
    {
        names.push_back(c.value);
    }
    return ParseChoice(key, value, names);
}

/// The method names from the factory's catalogue, the one list CheckMethodName accepts.
std::string
MethodNamesHelp()
{
    std::string help;
    for (const auto& m : MethodCatalogue())
    {
        help += (help.empty() ? "" : " | ") + m.name;
    }
    return help + " (see 'airgrad list')";
}

/// run.mode = buffered against the keys it cannot go with.
void
CheckBuffered(const ExperimentConfig& c, const ScenarioValues& values)
{
    auto set = [&](const std::string& key) { return values.count(key) ? values.at(key) : std::string(); };
    if (c.mode != "buffered")
    {
        for (const char* key : {"run.buffer", "run.staleness_weight"})
        {
            if (!set(key).empty() && set(key) != (std::string(key) == "run.buffer" ? "all" : "none"))
            {
                Reject(key, set(key), std::string(key) == "run.buffer" ? "all with run.mode = sync" : "none with run.mode = sync");
            }
        }
        return;
    }
    for (const char* name : {"diana", "ef21", "gd-sec", "tpc", "lag", "cd-adam", "amsgrad"})
    {
        if (c.method.name == name)
        {
            Reject("run.mode", "buffered",
                   "sync with method.name = " + c.method.name +
                       ": diana, ef21, gd-sec, tpc, lag, cd-adam and amsgrad mirror per-worker state that "
                       "assumes every update is of the current round");
        }
    }
    const bool errorFeedback = c.method.name == "topk-ef" || c.method.name == "randk-ef" ||
                               c.method.name == "ef-sign" || (c.method.name == "adaptive-topk" && c.method.errorFeedback);
    if (c.stalenessExponent > 0.0 && errorFeedback)
    {
        Reject("run.staleness_weight", set("run.staleness_weight"),
               "none with method.name = " + c.method.name +
                   " (error feedback settles an applied update in full: a weight below 1 would lose the rest)");
    }
    if (c.networkKind == "ideal")
    {
        Reject("run.mode", "buffered", "sync with network.kind = ideal (every update arrives at once: no order)");
    }
    if (c.downlink == "broadcast")
    {
        Reject("run.mode", "buffered",
               "sync with network.downlink = broadcast (a buffered round's model is for the idle workers only)");
    }
    if (c.selectionPolicy != "all")
    {
        Reject("selection.policy", c.selectionPolicy, "all with run.mode = buffered (the idle workers take part)");
    }
    if (c.buffer > c.workers)
    {
        Reject("run.buffer", std::to_string(c.buffer),
               "all or 1 .. network.workers = " + std::to_string(c.workers));
    }
}

/// The registered selection policies: what selection.policy accepts.
std::vector<std::string>
SelectionNames()
{
    std::vector<std::string> names;
    for (const auto& [name, meaning] : SelectionPolicies())
    {
        names.push_back(name);
    }
    return names;
}

std::string
SelectionHelp()
{
    std::string help;
    for (const auto& [name, meaning] : SelectionPolicies())
    {
        help += (help.empty() ? "" : " | ") + name + " (" + meaning + ")";
    }
    return help;
}

constexpr double kInf = HUGE_VAL;
/// The largest synthetic data set a scenario may ask for (the machine has 24 GiB; setup holds it twice).
constexpr double kMaxSyntheticBytes = 8.0 * (1 << 30);

struct KeyRule
{
    ScenarioKey doc;
    std::function<void(ExperimentConfig&, const std::string& key, const std::string& value)> apply;
};

const std::vector<KeyRule>&
Rules()
{
    static const std::vector<KeyRule> rules = {
        {{"run.name", "run", "", "name of the run; the default output directory is results/NAME "
                                 "(letters, digits, '.', '_', '-')"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             if (v.empty() || v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                  "0123456789._-") != std::string::npos ||
                 v == "." || v == "..")
             {
                 Reject(k, v, "a non-empty name of letters, digits, '.', '_', '-'");
             }
             c.name = v;
         }},
        {{"run.rounds", "100", "rounds", "number of learning rounds"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.rounds = static_cast<int>(ParseInt(k, v, 1, 100000000));
         }},
        {{"run.seed", "1", "", "seed of the data, the partition and every random choice"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.seed = static_cast<uint64_t>(ParseInt(k, v, 0, (1LL << 62)));
         }},
        {{"run.threads", "1", "threads",
          "ideal link: workers whose updates are computed in parallel (bit-identical to 1)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.threads = static_cast<int>(ParseInt(k, v, 1, 256));
         }},
        {{"run.cache_dir", "results/.cache", "",
          "directory of the f* and L cache (one checksummed entry per data, problem and partition, so a "
          "sweep over network or method keys computes them once); none = compute every time"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             if (v.empty())
             {
                 Reject(k, v, "a directory or none");
             }
             c.cacheDir = v;
         }},
        {{"run.eval_every", "1", "rounds",
          "write a metrics row (train loss, test accuracy: a pass over all data) every this many "
          "rounds and after the last; updates_applied and updates_lost then sum since the last row"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.evalEvery = static_cast<int>(ParseInt(k, v, 1, 100000000));
         }},
        {{"run.mode", "sync", "",
          "sync (each round waits for every selected worker, or the deadline) | buffered (semi-"
          "asynchronous, FedBuff-like: a round ends once run.buffer updates are in, whichever model "
          "each was computed at; its model goes to the workers it applied and to those whose last "
          "model is a deadline old); wifi and link, unicast downlink, selection.policy = all"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.mode = ParseChoice(k, v, {"sync", "buffered"});
         }},
        {{"run.buffer", "all", "updates",
          "buffered: updates a round waits for, 1 .. network.workers, or all (= network.workers: "
          "the same rounds as sync)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.buffer = v == "all" ? 0 : static_cast<int>(ParseInt(k, v, 1, 1000));
         }},
        {{"run.staleness_weight", "none", "",
          "buffered: none (every update weighs 1) | poly:A (an update computed s rounds ago weighs "
          "(1 + s)^-A, A > 0)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.stalenessExponent = 0.0;
             if (v.rfind("poly:", 0) == 0)
             {
                 c.stalenessExponent = ParseReal(k, v.substr(5), 0.0, false, 100.0, true);
             }
             else if (v != "none")
             {
                 Reject(k, v, "none | poly:A with A > 0");
             }
         }},
        {{"problem.type", "logistic", "", ChoiceHelp("problem.type")},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) { c.problemType = ParseChoice(k, v); }},
        {{"problem.dataset", "synthetic", "", ChoiceHelp("problem.dataset")},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) { c.dataset = ParseChoice(k, v); }},
        {{"problem.data_file", "", "", "libsvm, csv: the training file"},
         [](ExperimentConfig& c, const std::string&, const std::string& v) { c.dataFile = v; }},
        {{"problem.test_file", "", "",
          "libsvm, csv: the test file; empty = hold out problem.test_fraction of the training file"},
         [](ExperimentConfig& c, const std::string&, const std::string& v) { c.testFile = v; }},
        {{"problem.label_column", "label", "", "csv: the column holding the label"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             if (v.empty())
             {
                 Reject(k, v, "a column name");
             }
             c.labelColumn = v;
         }},
        {{"problem.scaling", "auto", "",
          "feature scaling fitted on the training set: auto (standardize for fashion-mnist, none "
          "otherwise) | none | standardize (mean 0, sd 1) | minmax ([0, 1])"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.scaling = ParseChoice(k, v, {"auto", "none", "standardize", "minmax"});
         }},
        {{"problem.test_fraction", "0.2", "", "libsvm, csv without a test file: held-out share, in [0, 1)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.testFraction = ParseReal(k, v, 0.0, true, 1.0, false);
         }},
        {{"problem.max_rows", "0", "samples", "file datasets: read at most this many rows of each file (0 = all)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.maxRows = ParseInt(k, v, 0, 100000000);
         }},
        {{"problem.hidden", "128", "units", "mlp: hidden layer widths, a comma-separated list"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.hidden.clear();
             for (double w : ParseRealList(k, v, 1, 100000))
             {
                 if (w != std::floor(w))
                 {
                     Reject(k, v, "a comma-separated list of integers in [1, 100000]");
                 }
                 c.hidden.push_back(static_cast<int>(w));
             }
         }},
        {{"problem.model", "lenet5", "",
          "torch: lenet5 (LeNet-5, 61,706 parameters for 1 x 28 x 28 images), cnn (two conv layers and "
          "a 256-wide layer, 824,458), resnet8 (residual, GroupNorm, 77,754) or a TorchScript file "
          "(torch.jit.script(model).save(FILE)) taking a batch of inputs and returning logits"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             const auto names = TorchModelNames();
             struct stat st;
             if (std::find(names.begin(), names.end(), v) == names.end() &&
                 (::stat(v.c_str(), &st) != 0 || !S_ISREG(st.st_mode)))
             {
                 std::string allowed;
                 for (const auto& n : names)
                 {
                     allowed += n + ", ";
                 }
                 Reject(k, v, allowed + "or the path of a TorchScript file (this is neither)");
             }
             c.torchModel = v;
         }},
        {{"problem.batch_size", "0", "samples",
          "minibatch per worker per local step, drawn without replacement from its shard; 0 = full batch"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.batchSize = ParseInt(k, v, 0, 100000000);
         }},
        {{"problem.samples", "4000", "samples", "training samples, shared iid among the workers"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.samples = ParseInt(k, v, 1, 100000000);
         }},
        {{"problem.test_samples", "1000", "samples",
          "held-out samples for test_accuracy (logistic only; 0 = no test set)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.testSamples = ParseInt(k, v, 0, 100000000);
         }},
        {{"problem.features", "100", "",
          "synthetic: number of features d, up to 1e7 (dense data need (samples + test_samples) x d x 8 "
          "bytes: use problem.density < 1 for large d)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.features = ParseInt(k, v, 1, 10000000);
         }},
        {{"problem.density", "1", "",
          "synthetic: fraction of nonzero features per sample, in (0, 1]; below 1 the data are sparse "
          "(CSR), each sample with round(density x features) nonzeros (at least 1) at uniform coordinates"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.density = ParseReal(k, v, 0.0, false, 1.0, true);
         }},
        {{"problem.l2", "0.001", "", "L2 regularisation weight (l2/2)||x||^2; > 0 for logistic"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.l2 = ParseReal(k, v, 0.0, true, kInf, false);
         }},
        {{"problem.l1", "0", "",
          "L1 weight l1 ||x||_1 (least-squares and lasso), applied by the server's proximal step "
          "(soft thresholding by step * l1) after every method's step; f* by FISTA and CG on the support"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.l1 = ParseReal(k, v, 0.0, true, kInf, false);
         }},
        {{"problem.l2_prox", "false", "",
          "true: the L2 term leaves the workers' gradients and becomes the server's proximal step "
          "x <- x / (1 + step l2) (same objective and f*; not with cd-adam, amsgrad): true | false"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.l2Prox = ParseChoice(k, v, {"true", "false"}) == "true";
         }},
        {{"problem.noise", "0.1", "", "standard deviation of the label noise of the synthetic model"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.noise = ParseReal(k, v, 0.0, true, kInf, false);
         }},
        {{"problem.condition_number", "10", "",
          "ratio of the largest to the smallest feature variance (conditioning of the Hessian)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.conditionNumber = ParseReal(k, v, 1.0, true, 1e12, true);
         }},
        {{"method.name", "gd", "", MethodNamesHelp()},
         [](ExperimentConfig& c, const std::string&, const std::string& v) {
             CheckMethodName(v);
             c.method.name = v;
         }},
        {{"method.step", "auto", "",
          "server step size (the learning rate of cd-adam and amsgrad); auto = the method's rule: "
          "1/L for gd and the biased compressors, 1/(L(1+omega/M)) for unbiased ones, sqrt(K/d)/L for "
          "randk-ef (empirical: 1/L diverges at K = 1%), "
          "1/(L(1+4 omega/M)) for diana, 1/(L(1+sqrt(beta/theta))) for ef21, 0.001 for the Adam "
          "family; or a number > 0. run.json records the value used"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.step = v == "auto" ? 0.0 : ParseReal(k, v, 0.0, false, kInf, false);
         }},
        {{"method.k_fraction", "0.01", "",
          "K = ceil(k_fraction * d) for topk, topk-ef, randk, randk-ef, ef21, adaptive-topk (mean K), "
          "tpc (topk residual) and cd-adam (topk); 0 < k_fraction <= 1"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.kFraction = ParseReal(k, v, 0.0, false, 1.0, true);
         }},
        {{"method.k", "0", "coordinates", "K as a count, overrides k_fraction when > 0"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.k = ParseInt(k, v, 0, 100000000);
         }},
        {{"method.values", "float32", "", "value precision of the updates (uplink) and of cd-adam's compressed downlink: float16 | float32 | float64"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             const std::string f = ParseChoice(k, v, {"float16", "float32", "float64"});
             c.method.values = f == "float16"   ? ValueFormat::kFloat16
                               : f == "float32" ? ValueFormat::kFloat32
                                                : ValueFormat::kFloat64;
         }},
        {{"method.levels", "auto", "",
          "quantization levels s of qsgd (auto 4), terngrad and diana (auto 1 = ternary): 1 .. 32767"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.levels = v == "auto" ? 0 : static_cast<int>(ParseInt(k, v, 1, kMaxLevels));
         }},
        {{"method.block_size", "auto", "coordinates",
          "entries per quantization block of qsgd, terngrad, diana (one norm per block); auto = 32 "
          "for diana, the whole vector otherwise"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.blockSize = v == "auto" ? 0 : ParseInt(k, v, 1, 100000000);
         }},
        {{"method.norm", "auto", "", "block norm of qsgd, terngrad and diana: 2 | inf; auto = inf for diana and terngrad, 2 for qsgd"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.norm = v == "auto" ? "" : ParseChoice(k, v, {"2", "inf"});
         }},
        {{"method.unbiased", "true", "", "randk: scale the kept entries by d/K (unbiased): true | false"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.unbiased = ParseChoice(k, v, {"true", "false"}) == "true";
         }},
        {{"method.clip", "false", "", "terngrad: clip the gradient at 2.5 standard deviations first (biased): true | false"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.clip = ParseChoice(k, v, {"true", "false"}) == "true";
         }},
        {{"method.alpha", "auto", "", "diana: shift step alpha; auto = 1/(1 + omega)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.alpha = v == "auto" ? 0.0 : ParseReal(k, v, 0.0, false, 1.0, true);
         }},
        {{"method.momentum", "0", "", "diana: heavy-ball momentum of the server direction, in [0, 1)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.momentum = ParseReal(k, v, 0.0, true, 1.0, false);
         }},
        {{"method.beta", "1", "", "gd-sec: decay of the mirrored reference h, in (0, 1]"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.beta = ParseReal(k, v, 0.0, false, 1.0, true);
         }},
        {{"method.xi", "auto", "",
          "threshold scale of gd-sec (auto = network.workers, so that tau is the RMS of the last "
          "step direction), lag (auto 0.1) and tpc with threshold = lag "
          "(auto 0.1); >= 0"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.xi = v == "auto" ? -1.0 : ParseReal(k, v, 0.0, true, kInf, false);
         }},
        {{"method.threshold", "auto", "",
          "gd-sec: iterate-change-norm (auto; tau = xi/(step M) ||x^k - x^(k-1)||/sqrt(d)) | "
          "iterate-change (tau_j = xi/(step M) |x_j^k - x_j^(k-1)|) | constant (tau = xi); "
          "tpc: lag (auto; ||r||^2 > xi/(step^2 M^2) times the sum of the last method.history "
          "squared model changes) | relative (||r|| > tau ||g_m||; stalls when the workers' "
          "optimal local gradients differ) | absolute (||r|| > tau)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.threshold = v == "auto" ? "" : ParseChoice(k, v, {"iterate-change", "iterate-change-norm",
                                                                       "constant", "absolute", "relative", "lag"});
         }},
        {{"method.skip_empty", "false", "",
          "gd-sec (empty mask) and lag (lazy round): send nothing instead of a 24-byte header-only "
          "message (the server then waits for the deadline); gd-sec needs beta = 1: true | false"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.skipEmpty = ParseChoice(k, v, {"true", "false"}) == "true";
         }},
        {{"method.history", "10", "rounds", "lag and tpc (lag threshold): number D of past model changes summed"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.history = static_cast<int>(ParseInt(k, v, 1, 1000));
         }},
        {{"method.order", "3", "", "tpc: predictor order P (past estimates combined)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.order = static_cast<int>(ParseInt(k, v, 1, 16));
         }},
        {{"method.ridge", "1e-10", "", "tpc: ridge of the predictor's normal equations, relative to their mean diagonal"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.ridge = ParseReal(k, v, 0.0, true, 1.0, true);
         }},
        {{"method.tau", "0.1", "", "tpc: residual threshold (relative or absolute), >= 0"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.tau = ParseReal(k, v, 0.0, true, kInf, false);
         }},
        {{"method.residual", "dense", "", "tpc: residual compressor: dense | topk (K from k_fraction)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.residual = ParseChoice(k, v, {"dense", "topk"});
         }},
        {{"method.policy", "constant", "",
          "adaptive-topk: K per round: constant | linear (from k_start_fraction to 2K - start) | "
          "exponential (ratio decay, summing to the budget) | error-driven (K x1.25 after a round "
          "whose compression error exceeded error_target, x0.8 below half of it); every policy is "
          "capped by a per-worker budget of K x rounds coordinates. airgrad's policies, not the "
          "paper's exact rule"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.policy = ParseChoice(k, v, {"constant", "linear", "exponential", "error-driven"});
         }},
        {{"method.k_start_fraction", "auto", "", "adaptive-topk linear: first-round K / d; auto = K/2"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.kStartFraction = v == "auto" ? 0.0 : ParseReal(k, v, 0.0, false, 1.0, true);
         }},
        {{"method.decay", "0.99", "", "adaptive-topk exponential: ratio of consecutive K, in (0, 1]"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.decay = ParseReal(k, v, 0.0, false, 1.0, true);
         }},
        {{"method.error_target", "0.5", "",
          "adaptive-topk error-driven: target ||u - TopK(u)||^2 / ||u||^2, in (0, 1)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.errorTarget = ParseReal(k, v, 0.0, false, 1.0, false);
         }},
        {{"method.error_feedback", "true", "", "adaptive-topk: error compensation: true | false"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.errorFeedback = ParseChoice(k, v, {"true", "false"}) == "true";
         }},
        {{"method.compressor", "topk", "", "cd-adam: topk | sign; ef21: topk | randk"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.compressor = ParseChoice(k, v, {"topk", "sign", "randk"});
         }},
        {{"method.strategy", "markov", "",
          "cd-adam: markov (compressed differences against trackers) | ef (error feedback both ways) "
          "| naive (no memory)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.strategy = ParseChoice(k, v, {"markov", "ef", "naive"});
         }},
        {{"method.downlink", "compressed", "",
          "cd-adam: compressed (the server broadcasts its compressed update; every worker steps its "
          "own model copy; a worker that misses one cannot recover) | model (the model is sent)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.downlink = ParseChoice(k, v, {"compressed", "model"});
         }},
        {{"method.beta1", "0.9", "", "cd-adam, amsgrad: first-moment decay, in [0, 1)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.beta1 = ParseReal(k, v, 0.0, true, 1.0, false);
         }},
        {{"method.beta2", "0.99", "", "cd-adam, amsgrad: second-moment decay, in [0, 1)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.beta2 = ParseReal(k, v, 0.0, true, 1.0, false);
         }},
        {{"method.epsilon", "1e-8", "", "cd-adam, amsgrad: denominator offset, > 0"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.epsilon = ParseReal(k, v, 0.0, false, kInf, false);
         }},
        {{"method.weight_decay", "0", "",
          "cd-adam, amsgrad: weight decay added to the direction (the official code uses 5e-4; 0 "
          "here because the problems carry their own L2 term)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.weightDecay = ParseReal(k, v, 0.0, true, kInf, false);
         }},
        {{"method.lr_decay", "1", "", "cd-adam, amsgrad: step multiplied by this every lr_decay_rounds rounds, in (0, 1]"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.lrDecay = ParseReal(k, v, 0.0, false, 1.0, true);
         }},
        {{"method.lr_decay_rounds", "0", "rounds", "cd-adam, amsgrad: period of the step decay; 0 = constant step"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.lrDecayRounds = static_cast<int>(ParseInt(k, v, 0, 100000000));
         }},
        {{"method.local_steps", "auto", "steps",
          "local SGD steps per round (FedAvg style): the method compresses the model delta / step; "
          "auto = 5 for fedavg, 1 otherwise"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.method.localSteps = v == "auto" ? 0 : static_cast<int>(ParseInt(k, v, 1, 10000));
         }},
        {{"data.partition", "iid", "",
          "how samples are dealt to workers: " + ChoiceHelp("data.partition") +
              "; run.json gets every worker's label histogram"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) { c.partition = ParseChoice(k, v); }},
        {{"data.labels_per_worker", "2", "labels", "shards: label shards per worker"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.labelsPerWorker = static_cast<int>(ParseInt(k, v, 1, 1000));
         }},
        {{"data.dirichlet_alpha", "0.5", "", "dirichlet: concentration, > 0 (0.1: strong skew)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.dirichletAlpha = ParseReal(k, v, 0.0, false, 1e6, true);
         }},
        {{"data.powerlaw_exponent", "1", "", "powerlaw: exponent, >= 0 (0 = equal sizes)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.powerLawExponent = ParseReal(k, v, 0.0, true, 10.0, true);
         }},
        {{"network.kind", "ideal", "", ChoiceHelp("network.kind")},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) { c.networkKind = ParseChoice(k, v); }},
        {{"network.workers", "10", "workers", "number of workers M"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.workers = static_cast<int>(ParseInt(k, v, 1, 1000));
         }},
        {{"network.channel_width_mhz", "20", "MHz", "Wi-Fi channel width: 20 | 40 | 80 | 160"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.channelWidthMhz = std::stoi(ParseChoice(k, v, {"20", "40", "80", "160"}));
         }},
        {{"network.distance_m", "10", "m",
          "distance of the stations from the AP: one value (a circle, or the radius with placement "
          "= disc) or one per worker; log-distance path loss; unused when network.snr_db is set"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             const std::vector<double> d = ParseRealList(k, v, 1e-3, 1e5);
             if (d.empty())
             {
                 Reject(k, v, "a distance in m, or one per worker");
             }
             c.distanceM = d.front();
             c.distancesM = d.size() > 1 ? d : std::vector<double>{};
         }},
        {{"network.placement", "circle", "",
          "circle (every station at distance_m, evenly spaced) | disc (uniformly at random within "
          "distance_m of the AP, from the seed)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.placement = ParseChoice(k, v, {"circle", "disc"});
         }},
        {{"network.tx_power_dbm", "16.0206", "dBm",
          "transmit power of every radio (distance mode; with snr_db the received power is set directly)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.txPowerDbm = ParseReal(k, v, -30.0, true, 40.0, true);
         }},
        {{"network.band_ghz", "5", "GHz", "2.4 (n, ax; 20 or 40 MHz) | 5 | 6 (ax only)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.bandGhz = std::stod(ParseChoice(k, v, {"2.4", "5", "6"}));
         }},
        {{"network.path_loss_exponent", "3", "", "log-distance path loss exponent (distance mode)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.pathLossExponent = ParseReal(k, v, 1.0, true, 8.0, true);
         }},
        {{"network.reference_loss_db", "auto", "dB",
          "path loss at 1 m (distance mode); auto = free space at the band's lower edge "
          "(40.05 dB at 2.4 GHz, 46.68 at 5.15 GHz as ns-3's default, 47.93 at 5.95 GHz)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.referenceLossDb = v == "auto" ? -1.0 : ParseReal(k, v, 0.0, true, 200.0, true);
         }},
        {{"network.fading", "none", "",
          "per-packet fading on top of the path loss (or the set SNR): none | rayleigh | nakagami "
          "(network.nakagami_m)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.fading = ParseChoice(k, v, {"none", "rayleigh", "nakagami"});
         }},
        {{"network.nakagami_m", "1", "", "Nakagami shape m (1 = Rayleigh; larger, milder fading), >= 0.5"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.nakagamiM = ParseReal(k, v, 0.5, true, 100.0, true);
         }},
        {{"network.snr_db", "", "dB",
          "SNR at the receiver over the whole channel width, for every worker (one value) or per "
          "worker (a list of network.workers values); empty = received power from distance_m. "
          "With an SNR the received power is set to the thermal noise of the channel width plus "
          "the 7 dB noise figure plus the SNR, so widening the channel keeps the SNR and raises "
          "the rate; from distance, widening the channel adds noise and lowers the SNR"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.snrDb = v.empty() ? std::vector<double>{} : ParseRealList(k, v, -10.0, 80.0);
         }},
        {{"network.round_deadline_s", "10", "s",
          "the server applies the updates that arrived within this time after the round began"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.roundDeadlineS = ParseReal(k, v, 0.0, false, 1e6, true);
         }},
        {{"network.fragment_bytes", "1400", "bytes",
          "UDP payload per fragment, including airgrad's 14-byte fragment header; with transport "
          "= tcp the TCP segment size (payload per segment; the stream carries the same header "
          "once per message): 64 .. 1472"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.fragmentBytes = static_cast<int>(ParseInt(k, v, 64, 1472));
         }},
        {{"network.transport", "udp", "",
          "how messages cross the network: udp (each message in fragment_bytes datagrams; a "
          "fragment the MAC gives up on loses the message) | tcp (a connection per worker, "
          "opened before round 1 and re-opened if TCP gives up; ns-3's TCP with its defaults, "
          "CUBIC in 3.37: lost segments are retransmitted, so an update is late rather than lost)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.transport = ParseChoice(k, v, {"udp", "tcp"});
         }},
        {{"network.standard", "ax", "", "Wi-Fi standard at 5 GHz: ax (802.11ax) | ac (802.11ac) | n (802.11n, 20 or 40 MHz)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.standard = ParseChoice(k, v, {"ax", "ac", "n"});
         }},
        {{"network.guard_interval_ns", "auto", "ns",
          "OFDM guard interval: auto (ns-3's default: 3200 for ax, 800 for n and ac) | ax: 800, "
          "1600, 3200 | n, ac: 400, 800"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.guardIntervalNs = v == "auto" ? 0 : std::stoi(ParseChoice(k, v, {"400", "800", "1600", "3200"}));
         }},
        {{"network.rate_manager", "ideal", "",
          "ideal (the best MCS for the SNR, as ns-3's IdealWifiManager) | minstrel (Minstrel-HT, "
          "learns from losses) | constant (network.mcs for data, MCS 0 for control)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.rateManager = ParseChoice(k, v, {"ideal", "minstrel", "constant"});
         }},
        {{"network.mcs", "0", "", "rate_manager = constant: data MCS, 0 .. 11 (ax), 0 .. 9 (ac), 0 .. 7 (n)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.mcs = static_cast<int>(ParseInt(k, v, 0, 11));
         }},
        {{"network.max_ampdu_bytes", "65535", "bytes", "A-MPDU size limit of best-effort traffic; 0 = no aggregation"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.maxAmpduBytes = ParseInt(k, v, 0, 6500631);
         }},
        {{"network.tx_current_a", "0.38", "A", "radio energy model: current while transmitting"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.txCurrentA = ParseReal(k, v, 0.0, true, 100.0, true);
         }},
        {{"network.rx_current_a", "0.313", "A", "radio energy model: current while receiving"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.rxCurrentA = ParseReal(k, v, 0.0, true, 100.0, true);
         }},
        {{"network.idle_current_a", "0.273", "A", "radio energy model: current while idle or sensing a busy channel"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.idleCurrentA = ParseReal(k, v, 0.0, true, 100.0, true);
         }},
        {{"network.voltage_v", "3", "V", "supply voltage of every station's energy source (radio and processor)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.voltageV = ParseReal(k, v, 0.0, false, 1000.0, true);
         }},
        {{"network.spatial_streams", "1", "streams",
          "antennas and spatial streams of every radio, 1 .. 4; the ideal choice picks the MCS and "
          "the number of streams (each stream at the SNR divided by the streams, as ns-3's "
          "IdealWifiManager does); constant uses every stream (ax, ac)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.spatialStreams = static_cast<int>(ParseInt(k, v, 1, 4));
         }},
        {{"network.ofdma", "false", "",
          "wifi, ax: the AP schedules OFDMA with ns-3's round-robin multi-user scheduler: downlink "
          "multi-user PPDUs to up to 4 stations, and trigger-based uplink (a buffer status poll, "
          "then a basic trigger giving each station a resource unit; ns-3's spectrum PHY, slower "
          "to simulate) | false (every frame single-user, uplink by contention): true | false"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.ofdma = ParseChoice(k, v, {"true", "false"}) == "true";
         }},
        {{"network.ofdma_stations", "4", "stations",
          "ofdma: most stations sharing one multi-user PPDU, each on an equal resource unit, "
          "1 .. 74 (ns-3's default 4; a 20 MHz channel has 9 of the smallest units)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.ofdmaStations = static_cast<int>(ParseInt(k, v, 1, 74));
         }},
        {{"network.downlink", "unicast", "",
          "how the server sends the model: unicast (to each worker, acknowledged and retried by "
          "the MAC) | broadcast (once for all, at the lowest basic rate, no acknowledgement; a "
          "worker that misses a fragment asks for the model again and the server unicasts it)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.downlink = ParseChoice(k, v, {"unicast", "broadcast"});
         }},
        {{"network.rerequest_timeout_ms", "20", "ms",
          "broadcast downlink: a worker whose model is incomplete this long after its last "
          "fragment arrived asks again (a gap in the fragments makes it ask at once)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.rerequestTimeoutMs = ParseReal(k, v, 0.0, false, 1e6, true);
         }},
        {{"network.queue_packets", "100000", "frames",
          "frames each transmit queue holds (Wi-Fi: the MAC queue; link: each device queue); a "
          "frame arriving at a full queue is dropped"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.queuePackets = static_cast<int>(ParseInt(k, v, 1, 10000000));
         }},
        {{"network.link_rate", "mcs", "",
          "link: mcs (the standard's MCS table, chosen per worker as ns-3's IdealWifiManager "
          "would, PPDU durations and frame error rates from ns-3's Wi-Fi PHY and error model) | "
          "shannon (rate = width log2(1 + SNR / gap), error free)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.linkRate = ParseChoice(k, v, {"mcs", "shannon"});
         }},
        {{"network.shannon_gap_db", "3", "dB", "link, shannon: SNR gap to capacity, >= 0"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.shannonGapDb = ParseReal(k, v, 0.0, true, 30.0, true);
         }},
        {{"network.link_sharing", "serial", "",
          "link: serial (one transmission at a time on the whole channel, queues served round "
          "robin: contention without collisions) | tdma (frames of M + 1 slots of tdma_slot_ms: "
          "the AP's, then one per worker) | fdma (the channel split into M equal sub-channels, one "
          "per worker for both directions; a sub-channel carries 1/M of the rate at the SNR + "
          "10 log10 M its share of the transmit power gives)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.linkSharing = ParseChoice(k, v, {"serial", "tdma", "fdma"});
         }},
        {{"network.tdma_slot_ms", "4", "ms", "link, tdma: slot length; must hold one frame's PPDU plus overhead"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.tdmaSlotMs = ParseReal(k, v, 0.0, false, 1e4, true);
         }},
        {{"network.link_overhead_us", "auto", "us",
          "link: medium idle time after each exchange (PPDU, SIFS, the receiver's block ack at "
          "the control rate); auto = AIFS + the mean backoff of 7.5 slots (serial: 16 + 3 x 9 + "
          "7.5 x 9 = 110.5 us at 5 and 6 GHz), 0 (tdma, fdma)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.linkOverheadUs = v == "auto" ? -1.0 : ParseReal(k, v, 0.0, true, 1e6, true);
         }},
        {{"codec.model_values", "float32", "",
          "precision of the model the server sends down: float32 | float64"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.modelValues = ParseChoice(k, v, {"float32", "float64"}) == "float32"
                                 ? ValueFormat::kFloat32
                                 : ValueFormat::kFloat64;
         }},
        {{"codec.index", "best", "",
          "index coding of sparse messages: best (the shortest of fixed, bitmap and gamma, chosen "
          "per message and flagged) | fixed (ceil(log2 d) bits each) | bitmap (d bits) | gamma "
          "(Elias-gamma gaps) | fixed32 (32 bits each, as CD-Adam's official code)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             const std::string i = ParseChoice(k, v, {"best", "fixed", "bitmap", "gamma", "fixed32"});
             c.method.index = i == "fixed"    ? IndexCoding::kFixed
                              : i == "bitmap" ? IndexCoding::kBitmap
                              : i == "gamma"  ? IndexCoding::kGamma
                              : i == "fixed32" ? IndexCoding::kFixed32
                                              : IndexCoding::kBest;
         }},
        {{"compute.seconds_per_sample", "2e-6", "s/sample",
          "worker compute time per local sample per gradient (2 us: about 1 GFLOP/s at d = 1000)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.secondsPerSample = ParseReal(k, v, 0.0, true, 1e3, true);
         }},
        {{"compute.flops_per_second", "0", "FLOP/s",
          "device speed: when > 0, a worker's compute time per sample is the problem's floating-point "
          "operations per sample (counted from its kernels or layer shapes; run.json "
          "derived.flops_per_sample) divided by this, instead of compute.seconds_per_sample; "
          "1e10 is a phone-class CPU core"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.flopsPerSecond = ParseReal(k, v, 0.0, true, 1e18, true);
         }},
        {{"compute.power_w", "2", "W",
          "wifi, link: processor power while a worker computes its update, drawn from the same energy "
          "source as the radio (energy_j = radio + compute); 2 W is a phone-class SoC under load"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.computePowerW = ParseReal(k, v, 0.0, true, 1e4, true);
         }},
        {{"compute.speed_factors", "", "",
          "stragglers: per-worker compute-time factors (2 = twice as slow): empty = all 1, a list of "
          "network.workers values, or lognormal:SIGMA (factor exp(SIGMA N(0,1)) per worker, from "
          "the seed)"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.speedFactors.clear();
             c.speedSigma = 0.0;
             if (v.rfind("lognormal:", 0) == 0)
             {
                 c.speedSigma = ParseReal(k, v.substr(10), 0.0, false, 10.0, true);
             }
             else if (!v.empty())
             {
                 c.speedFactors = ParseRealList(k, v, 1e-3, 1e3);
             }
         }},
        {{"energy.battery_j", "", "J",
          "wifi, link: each worker's battery on its ns-3 energy source (radio and processor draw from it): "
          "empty = unlimited, one value for all, network.workers values, or uniform:LO:HI (drawn per "
          "worker from the seed); a worker whose battery runs out stops for good (workers.csv status "
          "depleted) and is never selected again"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.batteryJ.clear();
             c.batteryLoJ = c.batteryHiJ = 0.0;
             if (v.rfind("uniform:", 0) == 0)
             {
                 const size_t colon = v.find(':', 8);
                 if (colon == std::string::npos)
                 {
                     Reject(k, v, "uniform:LO:HI with 0 < LO <= HI");
                 }
                 c.batteryLoJ = ParseReal(k, v.substr(8, colon - 8), 0.0, false, 1e5, true);
                 c.batteryHiJ = ParseReal(k, v.substr(colon + 1), c.batteryLoJ, true, 1e5, true);
             }
             else if (!v.empty())
             {
                 c.batteryJ = ParseRealList(k, v, 1e-6, 1e5);
             }
         }},
        {{"energy.availability", "", "",
          "wifi, link: a CSV file with the header worker,start_s,end_s and one interval per line "
          "(s of simulated time since round 1 began, start inclusive, end exclusive): a worker "
          "listed may be chosen only within its intervals; one not listed always; empty = all always"},
         [](ExperimentConfig& c, const std::string&, const std::string& v) { c.availabilityFile = v; }},
        {{"selection.policy", "all", "",
          "client selection: which workers the server schedules each round (the others neither compute "
          "nor transmit): " + SelectionHelp()},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             c.selectionPolicy = ParseChoice(k, v, SelectionNames());
         }},
        {{"selection.per_round", "all", "workers",
          "participants per round: a count K >= 1, a fraction in (0, 1) of network.workers (rounded, at "
          "least 1), or all; fewer when fewer are eligible"},
         [](ExperimentConfig& c, const std::string& k, const std::string& v) {
             if (v == "all")
             {
                 c.selectionPerRound = 0.0;
                 return;
             }
             c.selectionPerRound = ParseReal(k, v, 0.0, false, 1000.0, true);
             if (c.selectionPerRound > 1.0 && c.selectionPerRound != std::floor(c.selectionPerRound))
             {
                 Reject(k, v, "all, a whole count >= 1, or a fraction in (0, 1)");
             }
         }},
    };
    return rules;
}

std::string
AllowedKeys()
{
    std::string out;
    for (const auto& r : Rules())
    {
        out += (out.empty() ? "" : ", ") + r.doc.key;
    }
    return out;
}

const KeyRule*
FindRule(const std::string& key)
{
    for (const auto& r : Rules())
    {
        if (r.doc.key == key)
        {
            return &r;
        }
    }
    return nullptr;
}

} // namespace

std::vector<std::string>
ChoiceKeys()
{
    std::vector<std::string> keys;
    for (const auto& entry : Choices())
    {
        keys.push_back(entry.first);
    }
    return keys;
}

const std::vector<ScenarioChoice>&
ChoicesOf(const std::string& key)
{
    return ChoicesOfKey(key);
}

const std::vector<ScenarioKey>&
ScenarioKeys()
{
    static const std::vector<ScenarioKey> keys = [] {
        std::vector<ScenarioKey> out;
        for (const auto& r : Rules())
        {
            out.push_back(r.doc);
        }
        return out;
    }();
    return keys;
}

namespace {

/// Reads an INI file whose keys are the scenario keys, each also allowed under each prefix in
/// `prefixes` (e.g. "sweep."), plus `extraKeys`. Unknown keys are rejected, naming the file.
std::map<std::string, std::string>
ReadIni(const std::string& path,
        const std::vector<std::string>& prefixes,
        const std::vector<std::string>& extraKeys)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
    {
        // An ifstream opens a directory and reads nothing: the defaults would run unnoticed.
        throw std::invalid_argument("scenario file '" + path + "' is a directory, not an INI file");
    }
    std::ifstream in(path);
    if (!in)
    {
        throw std::invalid_argument("scenario file '" + path + "' cannot be read");
    }
    po::options_description desc;
    for (const auto& r : Rules())
    {
        desc.add_options()(r.doc.key.c_str(), po::value<std::string>());
        for (const auto& prefix : prefixes)
        {
            desc.add_options()((prefix + r.doc.key).c_str(), po::value<std::string>());
        }
    }
    for (const auto& k : extraKeys)
    {
        desc.add_options()(k.c_str(), po::value<std::string>());
    }
    po::variables_map vm;
    try
    {
        po::store(po::parse_config_file(in, desc, false), vm);
    }
    catch (const po::unknown_option& e)
    {
        throw std::invalid_argument(path + ": unknown key '" + e.get_option_name() +
                                    "'; allowed keys: " + AllowedKeys());
    }
    catch (const po::error& e)
    {
        throw std::invalid_argument(path + ": " + e.what());
    }
    std::map<std::string, std::string> values;
    for (const auto& [key, value] : vm)
    {
        values[key] = value.as<std::string>();
    }
    return values;
}

} // namespace

ScenarioValues
ReadScenarioFile(const std::string& path)
{
    return ReadIni(path, {}, {});
}

void
ApplyOverrides(const std::vector<std::string>& overrides, ScenarioValues& values)
{
    for (const auto& o : overrides)
    {
        const auto eq = o.find('=');
        if (eq == std::string::npos || eq == 0)
        {
            throw std::invalid_argument("--set '" + o + "' is invalid; allowed: section.key=value");
        }
        const std::string key = o.substr(0, eq);
        if (!FindRule(key))
        {
            throw std::invalid_argument("--set: unknown key '" + key + "'; allowed keys: " +
                                        AllowedKeys());
        }
        values[key] = o.substr(eq + 1);
    }
}

Scenario
LoadScenario(const std::string& path, const std::vector<std::string>& overrides)
{
    ScenarioValues values = ReadScenarioFile(path);
    ApplyOverrides(overrides, values);
    return ResolveScenario(values);
}

Scenario
ResolveScenario(const ScenarioValues& values)
{
    Scenario s;
    for (const auto& r : Rules())
    {
        const auto it = values.find(r.doc.key);
        const std::string value = it != values.end() ? it->second : r.doc.defaultValue;
        r.apply(s.config, r.doc.key, value);
        s.resolved.emplace_back(r.doc.key, value);
    }
    const ExperimentConfig& c = s.config;
    if (c.problemType == "logistic" && c.l2 <= 0.0)
    {
        Reject("problem.l2", std::to_string(c.l2), "a number > 0 with problem.type = logistic "
                                                   "(otherwise f* may not exist)");
    }
    if (c.dataset == "synthetic" && c.samples < c.workers)
    {
        Reject("problem.samples", std::to_string(c.samples),
               "at least network.workers = " + std::to_string(c.workers) + " samples");
    }
    if ((c.dataset == "libsvm" || c.dataset == "csv") && c.dataFile.empty())
    {
        Reject("problem.data_file", "", "a file path with problem.dataset = " + c.dataset);
    }
    if ((c.partition == "shards" || c.partition == "dirichlet") &&
        (c.problemType == "least-squares" || c.problemType == "lasso"))
    {
        Reject("data.partition", c.partition, "iid | powerlaw with problem.type = " + c.problemType +
                                                  " (label partitions need class labels)");
    }
    if (!c.distancesM.empty() && c.distancesM.size() != static_cast<size_t>(c.workers))
    {
        Reject("network.distance_m", values.at("network.distance_m"),
               "one value or network.workers = " + std::to_string(c.workers) + " values");
    }
    if (c.bandGhz == 2.4 && (c.standard == "ac" || c.channelWidthMhz > 40))
    {
        Reject("network.band_ghz", "2.4", "5 | 6 with network.standard = ac or a channel wider than 40 MHz");
    }
    if (c.bandGhz == 6.0 && c.standard != "ax")
    {
        Reject("network.band_ghz", "6", "2.4 | 5 with network.standard = " + c.standard);
    }
    if (c.standard == "n" && c.channelWidthMhz > 40)
    {
        Reject("network.channel_width_mhz", std::to_string(c.channelWidthMhz), "20 | 40 with network.standard = n");
    }
    if (c.guardIntervalNs != 0)
    {
        const int gi = c.guardIntervalNs;
        const bool ok = c.standard == "ax" ? (gi == 800 || gi == 1600 || gi == 3200) : (gi == 400 || gi == 800);
        if (!ok)
        {
            Reject("network.guard_interval_ns", std::to_string(gi),
                   c.standard == "ax" ? "auto | 800 | 1600 | 3200 with network.standard = ax"
                                      : "auto | 400 | 800 with network.standard = " + c.standard);
        }
    }
    if (c.rateManager == "constant" && c.mcs > (c.standard == "ax" ? 11 : c.standard == "ac" ? 9 : 7))
    {
        Reject("network.mcs", std::to_string(c.mcs),
               std::string("0 .. ") + (c.standard == "ac" ? "9" : "7") + " with network.standard = " + c.standard);
    }
    if (c.networkKind == "link" && c.fading != "none")
    {
        Reject("network.fading", c.fading, "none with network.kind = link (the link has no fading model)");
    }
    if (c.networkKind == "link" && c.rateManager == "minstrel")
    {
        Reject("network.rate_manager", "minstrel", "ideal | constant with network.kind = link");
    }
    if (c.ofdma && (c.networkKind != "wifi" || c.standard != "ax"))
    {
        Reject("network.ofdma", "true", "false unless network.kind = wifi and network.standard = ax");
    }
    if (c.downlink == "broadcast" && c.transport == "tcp")
    {
        Reject("network.downlink", "broadcast", "unicast with network.transport = tcp (a TCP connection has one receiver)");
    }
    if (c.downlink == "broadcast" && c.networkKind == "link" && c.linkSharing == "fdma")
    {
        Reject("network.downlink", "broadcast", "unicast with network.link_sharing = fdma (no channel reaches every worker)");
    }
    if (c.downlink == "broadcast" && (c.method.name == "cd-adam" || c.method.name == "amsgrad") &&
        c.method.downlink == "compressed")
    {
        Reject("network.downlink", "broadcast",
               "unicast with method.downlink = compressed (a worker that missed a compressed update "
               "cannot resynchronise; method.downlink = model can)");
    }
    if (c.selectionPerRound >= 1.0 && c.selectionPerRound > c.workers)
    {
        Reject("selection.per_round", values.at("selection.per_round"),
               "all, a fraction, or a count of at most network.workers = " + std::to_string(c.workers));
    }
    CheckBuffered(c, values);
    const bool batteries = !c.batteryJ.empty() || c.batteryLoJ > 0.0;
    if (batteries && c.networkKind == "ideal")
    {
        Reject("energy.battery_j", values.at("energy.battery_j"),
               "empty with network.kind = ideal (the ideal link spends no energy)");
    }
    if (!c.availabilityFile.empty() && c.networkKind == "ideal")
    {
        Reject("energy.availability", c.availabilityFile, "empty with network.kind = ideal (it has no time)");
    }
    if (c.batteryJ.size() > 1 && c.batteryJ.size() != static_cast<size_t>(c.workers))
    {
        Reject("energy.battery_j", values.at("energy.battery_j"),
               "empty, one value, uniform:LO:HI, or network.workers = " + std::to_string(c.workers) + " values");
    }
    if (c.selectionPolicy == "energy" && !batteries)
    {
        Reject("selection.policy", "energy", "another policy unless energy.battery_j gives the workers batteries");
    }
    if (c.selectionPolicy == "best-channel" && c.networkKind == "ideal")
    {
        Reject("selection.policy", "best-channel", "a policy that needs no channel with network.kind = ideal");
    }
    if (c.selectionPolicy != "all" && (c.method.name == "cd-adam" || c.method.name == "amsgrad") &&
        c.method.downlink == "compressed")
    {
        Reject("selection.policy", c.selectionPolicy,
               "all with method.downlink = compressed (an unselected worker misses the compressed model "
               "update and cannot resynchronise; method.downlink = model can)");
    }
    if (!c.speedFactors.empty() && c.speedFactors.size() != static_cast<size_t>(c.workers))
    {
        Reject("compute.speed_factors", values.at("compute.speed_factors"),
               "empty, lognormal:SIGMA, or network.workers = " + std::to_string(c.workers) + " values");
    }
    if (c.snrDb.size() > 1 && c.snrDb.size() != static_cast<size_t>(c.workers))
    {
        Reject("network.snr_db", values.at("network.snr_db"),
               "one value or network.workers = " + std::to_string(c.workers) + " values");
    }
    if (c.dataset == "synthetic")
    {
        // The generated matrix (held twice while the shards are cut) must fit this machine's memory.
        const double rows = static_cast<double>(c.samples + c.testSamples);
        const double perRow = c.density >= 1.0 ? 8.0 * static_cast<double>(c.features)
                                               : 12.0 * std::max(1.0, std::round(c.density * static_cast<double>(c.features)));
        if (rows * perRow > kMaxSyntheticBytes)
        {
            Reject("problem.features", std::to_string(c.features),
                   "a size whose data fit in " + std::to_string(static_cast<long long>(kMaxSyntheticBytes / (1 << 30))) +
                       " GiB: (problem.samples + problem.test_samples) x " +
                       (c.density >= 1.0 ? std::string("problem.features x 8 bytes")
                                         : std::string("problem.density x problem.features x 12 bytes")) +
                       " is " + std::to_string(static_cast<long long>(rows * perRow / (1 << 20))) +
                       " MiB; lower them or make the data sparse with problem.density < 1");
        }
        if (c.density < 1.0 && (c.problemType == "softmax" || c.problemType == "mlp" || c.problemType == "torch"))
        {
            Reject("problem.density", values.at("problem.density"),
                   "1 with problem.type = " + c.problemType + " (its kernels are dense)");
        }
    }
    if (c.dataset == "synthetic" && c.method.k > c.features)
    {
        Reject("method.k", std::to_string(c.method.k),
               "at most problem.features = " + std::to_string(c.features));
    }
    if (c.problemType == "torch" && !TorchAvailable())
    {
        Reject("problem.type", "torch", "least-squares | lasso | logistic | softmax | mlp in this build; torch "
                                        "needs libtorch: install libtorch-dev (scripts/setup) and rebuild");
    }
    if (c.problemType == "lasso" && c.l1 <= 0.0)
    {
        Reject("problem.l1", values.count("problem.l1") ? values.at("problem.l1") : "0",
               "a number > 0 with problem.type = lasso");
    }
    if (c.problemType == "logistic" && c.l1 > 0.0)
    {
        Reject("problem.l1", values.at("problem.l1"), "0 with problem.type = logistic (no L1 solver for f*)");
    }
    if (c.l2Prox && (c.method.name == "cd-adam" || c.method.name == "amsgrad"))
    {
        Reject("problem.l2_prox", "true",
               "false with method.name = " + c.method.name + " (no proximal step in AMSGrad)");
    }
    if (c.l1 > 0.0 && (c.method.name == "cd-adam" || c.method.name == "amsgrad"))
    {
        Reject("problem.l1", values.at("problem.l1"),
               "0 with method.name = " + c.method.name + " (no proximal step in AMSGrad)");
    }
    if (c.dataset == "synthetic")
    {
        CheckMethodSpec(c.method, c.features);
    }
    return s;
}

SweepSpec
LoadSweep(const std::string& path, long long maxPoints, const SweepValidationProgress& progress)
{
    const ScenarioValues values = ReadIni(path, {"sweep."}, {"target.loss_gap", "target.test_accuracy"});
    SweepSpec spec;
    for (const auto& [key, value] : values)
    {
        if (key.rfind("target.", 0) == 0)
        {
            const std::string metric = key.substr(7);
            const double v = metric == "loss_gap" ? ParseReal(key, value, 0.0, false, kInf, false)
                                                  : ParseReal(key, value, 0.0, false, 1.0, true);
            spec.targets.push_back({metric, v});
        }
        else if (key.rfind("sweep.", 0) != 0)
        {
            spec.base[key] = value;
        }
    }
    for (const auto& k : ScenarioKeys()) // axis order: the documented key order
    {
        const auto it = values.find("sweep." + k.key);
        if (it == values.end())
        {
            continue;
        }
        std::vector<std::string> list;
        std::string item;
        std::istringstream in(it->second);
        while (std::getline(in, item, ','))
        {
            const auto first = item.find_first_not_of(" \t");
            const auto last = item.find_last_not_of(" \t");
            if (first == std::string::npos)
            {
                Reject(it->first, it->second, "a comma-separated list of values, none empty");
            }
            list.push_back(item.substr(first, last - first + 1));
        }
        if (list.empty())
        {
            Reject(it->first, it->second, "a comma-separated list of values, none empty");
        }
        spec.axes.emplace_back(k.key, list);
    }
    // The grid's size first (its product can overflow nothing: each factor is checked in turn), so
    // that a mistyped grid is refused at once instead of being built and validated point by point.
    long long points = 1;
    std::string shape;
    for (const auto& [key, list] : spec.axes)
    {
        shape += (shape.empty() ? "" : " x ") + std::to_string(list.size()) + " (" + key + ")";
        points = points > maxPoints / static_cast<long long>(list.size()) ? maxPoints + 1
                                                                           : points * static_cast<long long>(list.size());
    }
    if (points > maxPoints)
    {
        throw std::invalid_argument(path + ": the sweep grid " + shape + " has more than " +
                                    std::to_string(maxPoints) + " points; allowed: at most " +
                                    std::to_string(maxPoints) + " (raise it with --max-points N)");
    }
    const std::vector<ScenarioValues> grid = SweepPoints(spec);
    for (size_t i = 0; i < grid.size(); ++i)
    {
        if (progress)
        {
            progress(i, grid.size());
        }
        const ScenarioValues& point = grid[i];
        ScenarioValues full = spec.base;
        std::string where;
        for (const auto& [key, value] : point)
        {
            full[key] = value;
            where += (where.empty() ? "" : ", ") + key + " = " + value;
        }
        try
        {
            ResolveScenario(full);
        }
        catch (const std::invalid_argument& e)
        {
            throw std::invalid_argument(path + ": " + e.what() +
                                        (where.empty() ? "" : " (sweep point " + where + ")"));
        }
    }
    if (progress)
    {
        progress(grid.size(), grid.size());
    }
    return spec;
}

std::vector<ScenarioValues>
SweepPoints(const SweepSpec& spec)
{
    std::vector<ScenarioValues> points(1);
    for (const auto& [key, list] : spec.axes)
    {
        std::vector<ScenarioValues> next;
        for (const ScenarioValues& p : points)
        {
            for (const auto& value : list)
            {
                ScenarioValues q = p;
                q[key] = value;
                next.push_back(q);
            }
        }
        points = std::move(next);
    }
    return points;
}

std::string
ScenarioHelp()
{
    std::ostringstream out;
    std::string section;
    for (const auto& k : ScenarioKeys())
    {
        const std::string sec = k.key.substr(0, k.key.find('.'));
        if (sec != section)
        {
            out << "\n[" << sec << "]\n";
            section = sec;
        }
        std::string head = "  " + k.key.substr(k.key.find('.') + 1) + " = " + k.defaultValue;
        if (!k.unit.empty())
        {
            head += " (" + k.unit + ")";
        }
        out << head << "\n      " << k.help << "\n";
    }
    return out.str();
}

} // namespace airgrad
