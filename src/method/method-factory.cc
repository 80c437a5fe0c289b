#include "method/method-factory.h"

#include "method/cd-adam-method.h"
#include "method/compressed-gradient-method.h"
#include "method/diana-method.h"
#include "method/ef21-method.h"
#include "method/gd-sec-method.h"
#include "method/lag-method.h"
#include "method/tpc-method.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

namespace airgrad {

namespace {

using Kind = VectorCompressor::Kind;

constexpr long long kDianaDefaultBlock = 32;

struct MethodEntry
{
    MethodInfo info;
    std::function<std::unique_ptr<WorkerCodec>(const MethodSpec&, const MethodContext&)> worker;
    std::function<std::unique_ptr<ServerCodec>(const MethodSpec&, const MethodContext&)> server;
};

int
Levels(const MethodSpec& s)
{
    if (s.levels > 0)
    {
        return s.levels;
    }
    return s.name == "qsgd" ? 4 : 1;
}

Eigen::Index
Block(const MethodSpec& s)
{
    if (s.blockSize > 0)
    {
        return static_cast<Eigen::Index>(s.blockSize);
    }
    return s.name == "diana" ? kDianaDefaultBlock : 0;
}

QuantNorm
Norm(const MethodSpec& s)
{
    if (!s.norm.empty())
    {
        return s.norm == "2" ? QuantNorm::kL2 : QuantNorm::kLinf;
    }
    return s.name == "qsgd" ? QuantNorm::kL2 : QuantNorm::kLinf;
}

/// gd-sec's auto xi = M makes tau the RMS of the last step direction (scale-free in M).
double
Xi(const MethodSpec& s, int workers)
{
    if (s.xi >= 0.0)
    {
        return s.xi;
    }
    return s.name == "gd-sec" ? static_cast<double>(workers) : 0.1;
}

/// The uplink compressor a method applies.
VectorCompressor::Options
Compressor(const MethodSpec& s, Eigen::Index d)
{
    VectorCompressor::Options o;
    o.format = s.values;
    o.k = ResolveK(s, d);
    const std::string& n = s.name;
    if (n == "gd" || n == "amsgrad" || n == "fedavg")
    {
        o.kind = Kind::kDense;
    }
    else if (n == "topk" || n == "topk-ef" || n == "adaptive-topk")
    {
        o.kind = Kind::kTopK;
    }
    else if (n == "randk" || n == "randk-ef")
    {
        o.kind = Kind::kRandK;
        o.unbiased = n == "randk" && s.unbiased;
    }
    else if (n == "qsgd" || n == "terngrad" || n == "diana")
    {
        o.kind = Kind::kQuantize;
        o.levels = static_cast<uint32_t>(Levels(s));
        o.blockSize = Block(s);
        o.norm = Norm(s);
        o.clip = n == "terngrad" && s.clip;
    }
    else if (n == "ef-sign")
    {
        o.kind = Kind::kSign;
    }
    else if (n == "ef21")
    {
        o.kind = s.compressor == "randk" ? Kind::kRandK : Kind::kTopK;
    }
    else if (n == "cd-adam")
    {
        o.kind = s.compressor == "sign" ? Kind::kSign : Kind::kTopK;
    }
    else if (n == "tpc")
    {
        o.kind = s.residual == "topk" ? Kind::kTopK : Kind::kDense;
    }
    return o;
}

uint64_t
WorkerSeed(const MethodContext& c)
{
    return Rng::Derive(c.seed, 0xC0DEC000ULL + c.worker).NextU64();
}

std::unique_ptr<WorkerCodec>
MakeCompressedWorker(const MethodSpec& s, const MethodContext& c, bool errorFeedback)
{
    return std::make_unique<CompressedGradientWorkerCodec>(Compressor(s, c.dim), errorFeedback, nullptr,
                                                           s.index, c.dim, WorkerSeed(c));
}

std::function<std::unique_ptr<WorkerCodec>(const MethodSpec&, const MethodContext&)>
CompressedWorker(bool errorFeedback)
{
    return [errorFeedback](const MethodSpec& s, const MethodContext& c) {
        return MakeCompressedWorker(s, c, errorFeedback);
    };
}

std::function<std::unique_ptr<ServerCodec>(const MethodSpec&, const MethodContext&)>
CompressedServer(bool divideByWorkers)
{
    return [divideByWorkers](const MethodSpec&, const MethodContext& c) {
        return std::make_unique<CompressedGradientServerCodec>(c.dim, c.step, c.workers, divideByWorkers);
    };
}

CdAdamOptions
CdAdam(const MethodSpec& s, const MethodContext& c)
{
    CdAdamOptions o;
    o.compressor = Compressor(s, c.dim);
    o.coding = s.index;
    o.adam.lr = c.step;
    o.adam.beta1 = s.beta1;
    o.adam.beta2 = s.beta2;
    o.adam.epsilon = s.epsilon;
    o.adam.weightDecay = s.weightDecay;
    o.adam.lrDecay = s.lrDecay;
    o.adam.lrDecayRounds = s.lrDecayRounds;
    if (s.name == "amsgrad")
    {
        o.strategy = CdAdamOptions::Strategy::kNaive;
        o.compressedDownlink = false;
        return o;
    }
    o.strategy = s.strategy == "ef"      ? CdAdamOptions::Strategy::kErrorFeedback
                 : s.strategy == "naive" ? CdAdamOptions::Strategy::kNaive
                                         : CdAdamOptions::Strategy::kMarkov;
    o.compressedDownlink = s.downlink == "compressed";
    return o;
}

TpcWorkerCodec::Options
Tpc(const MethodSpec& s, const MethodContext& c)
{
    TpcWorkerCodec::Options o;
    o.order = s.order;
    o.ridge = s.ridge;
    o.threshold = s.threshold == "absolute"   ? TpcWorkerCodec::Threshold::kAbsolute
                  : s.threshold == "relative" ? TpcWorkerCodec::Threshold::kRelative
                                              : TpcWorkerCodec::Threshold::kLag;
    o.tau = s.tau;
    o.xi = Xi(s, c.workers);
    o.history = s.history;
    o.step = c.step;
    o.workers = c.workers;
    o.residual = Compressor(s, c.dim);
    o.coding = s.index;
    return o;
}

double
DianaOmega(const MethodSpec& s, Eigen::Index d)
{
    return QuantizeOmega(Norm(s), static_cast<uint32_t>(Levels(s)), Block(s), d);
}

double
DianaAlpha(const MethodSpec& s, Eigen::Index d)
{
    return s.alpha > 0.0 ? s.alpha : 1.0 / (1.0 + DianaOmega(s, d));
}

// The one explicit table of methods (no static self-registration: it vanishes from static libraries).
const std::vector<MethodEntry>&
Table()
{
    static const std::vector<MethodEntry> table = {
        {{"gd", "gradient descent: the dense gradient (method.values per coordinate)"},
         CompressedWorker(false), CompressedServer(false)},
        {{"topk", "Top-K without error feedback: the K largest gradient entries (biased; may stall)"},
         CompressedWorker(false), CompressedServer(false)},
        {{"topk-ef", "Top-K with error feedback (Stich et al. 2018): the K largest entries of "
                     "gradient plus memory, as (index, value) pairs"},
         CompressedWorker(true), CompressedServer(true)},
        {{"randk", "Rand-K: K uniformly random entries, scaled by d/K when method.unbiased"},
         CompressedWorker(false), CompressedServer(false)},
        {{"randk-ef", "Rand-K with error feedback (unscaled)"}, CompressedWorker(true),
         CompressedServer(true)},
        {{"qsgd", "QSGD (Alistarh et al. 2017): stochastic quantization to method.levels levels of "
                  "the l2 norm per block; unbiased"},
         CompressedWorker(false), CompressedServer(false)},
        {{"terngrad", "TernGrad (Wen et al. 2017): ternary {-1,0,1} times the max norm, optional "
                      "clipping at 2.5 sigma; unbiased without clipping"},
         CompressedWorker(false), CompressedServer(false)},
        {{"ef-sign", "EF-SignSGD (Karimireddy et al. 2019): (||u||_1/d) sign(u) with error feedback"},
         CompressedWorker(true), CompressedServer(true)},
        {{"lag", "LAG-WK (Chen et al. 2018): upload the dense gradient only when it changed enough; "
                 "the server reuses the last one"},
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<LagWorkerCodec>(c.dim, Xi(s, c.workers), s.history, c.step, c.workers, s.values,
                                                     s.skipEmpty);
         },
         [](const MethodSpec&, const MethodContext& c) {
             return std::make_unique<LagServerCodec>(c.dim, c.step, c.workers);
         }},
        {{"ef21", "EF21 (Richtarik et al. 2021): compressed differences against a mirrored estimate "
                  "(method.compressor = topk | randk)"},
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<Ef21WorkerCodec>(Compressor(s, c.dim), s.index, c.dim, WorkerSeed(c));
         },
         [](const MethodSpec&, const MethodContext& c) {
             return std::make_unique<Ef21ServerCodec>(c.dim, c.step, c.workers);
         }},
        {{"gd-sec", "GD-SEC (Chen et al. 2022; reconstructed): thresholded differences against a "
                    "mirrored reference, with error correction"},
         [](const MethodSpec& s, const MethodContext& c) {
             const auto rule = s.threshold == "constant" ? GdSecWorkerCodec::Threshold::kConstant
                               : s.threshold == "iterate-change"
                                   ? GdSecWorkerCodec::Threshold::kIterateChange
                                   : GdSecWorkerCodec::Threshold::kIterateChangeNorm;
             return std::make_unique<GdSecWorkerCodec>(c.dim, s.beta, Xi(s, c.workers), rule, s.skipEmpty, c.step,
                                                       c.workers, s.values, s.index);
         },
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<GdSecServerCodec>(c.dim, c.step, c.workers, s.beta);
         }},
        {{"diana", "DIANA (Mishchenko et al. 2019): quantized gradient differences against learned "
                   "shifts; l2 or l_inf blocks, optional momentum; proximal with problem.l1"},
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<Ef21WorkerCodec>(Compressor(s, c.dim), s.index, c.dim, WorkerSeed(c),
                                                      DianaAlpha(s, c.dim));
         },
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<DianaServerCodec>(c.dim, c.step, c.workers, DianaAlpha(s, c.dim),
                                                       s.momentum);
         }},
        {{"tpc", "temporal predictive coding (after Edin et al. 2024; reconstructed): predictor "
                 "coefficients every round, the residual only when it is large"},
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<TpcWorkerCodec>(Tpc(s, c), c.dim, WorkerSeed(c));
         },
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<TpcServerCodec>(c.dim, c.step, c.workers, s.order);
         }},
        {{"adaptive-topk", "adaptive Top-K (after Ruan et al. 2023): K per round from "
                           "method.policy under a budget of K x rounds, error feedback optional"},
         [](const MethodSpec& s, const MethodContext& c) {
             const Eigen::Index k = ResolveK(s, c.dim);
             const auto policy = s.policy == "linear"        ? KSchedule::Policy::kLinear
                                 : s.policy == "exponential"  ? KSchedule::Policy::kExponential
                                 : s.policy == "error-driven" ? KSchedule::Policy::kErrorDriven
                                                              : KSchedule::Policy::kConstant;
             const Eigen::Index start =
                 s.kStartFraction > 0.0
                     ? std::max<Eigen::Index>(1, static_cast<Eigen::Index>(std::ceil(s.kStartFraction * c.dim)))
                     : std::max<Eigen::Index>(1, k / 2);
             return std::make_unique<CompressedGradientWorkerCodec>(
                 Compressor(s, c.dim), s.errorFeedback,
                 std::make_unique<KSchedule>(policy, c.dim, k, start, s.decay, s.errorTarget, c.rounds),
                 s.index, c.dim, WorkerSeed(c));
         },
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<CompressedGradientServerCodec>(c.dim, c.step, c.workers, s.errorFeedback);
         }},
        {{"cd-adam", "CD-Adam (Wang et al. 2022): compressed AMSGrad both ways (method.compressor = "
                     "topk | sign; method.strategy = markov | ef | naive)"},
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<CdAdamWorkerCodec>(CdAdam(s, c), c.dim, c.worker, WorkerSeed(c));
         },
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<CdAdamServerCodec>(CdAdam(s, c), c.dim, c.workers);
         }},
        {{"amsgrad", "uncompressed AMSGrad with bias correction (CD-Adam's baseline): dense "
                     "gradients up, the model down"},
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<CdAdamWorkerCodec>(CdAdam(s, c), c.dim, c.worker, WorkerSeed(c));
         },
         [](const MethodSpec& s, const MethodContext& c) {
             return std::make_unique<CdAdamServerCodec>(CdAdam(s, c), c.dim, c.workers);
         }},
        {{"fedavg", "FedAvg (McMahan et al. 2017): method.local_steps (auto 5) local SGD steps, the "
                    "model delta sent dense (compress it with any other method and local_steps > 1)"},
         CompressedWorker(false), CompressedServer(false)},
    };
    return table;
}

const MethodEntry&
Find(const std::string& name)
{
    for (const MethodEntry& e : Table())
    {
        if (e.info.name == name)
        {
            return e;
        }
    }
    std::string allowed;
    for (const MethodEntry& e : Table())
    {
        allowed += (allowed.empty() ? "" : ", ") + e.info.name;
    }
    throw std::invalid_argument("method.name = '" + name + "' is not a method; allowed: " + allowed);
}

/// Bytes per coordinate of a dense vector of `format`, in doubles.
double
DenseFraction(ValueFormat format)
{
    return ValueBits(format) / 64.0;
}

[[noreturn]] void
Reject(const std::string& key, const std::string& value, const std::string& allowed)
{
    throw std::invalid_argument(key + " = '" + value + "' is invalid; allowed: " + allowed);
}

} // namespace

std::vector<MethodInfo>
MethodCatalogue()
{
    std::vector<MethodInfo> out;
    for (const MethodEntry& e : Table())
    {
        out.push_back(e.info);
    }
    return out;
}

void
CheckMethodName(const std::string& name)
{
    Find(name);
}

void
CheckMethodSpec(const MethodSpec& s, Eigen::Index dim)
{
    Find(s.name);
    ResolveK(s, dim);
    const std::string& n = s.name;
    if (!s.threshold.empty())
    {
        if (n == "gd-sec" && s.threshold != "iterate-change" && s.threshold != "iterate-change-norm" &&
            s.threshold != "constant")
        {
            Reject("method.threshold", s.threshold,
                   "auto | iterate-change | iterate-change-norm | constant with method.name = gd-sec");
        }
        if (n == "tpc" && s.threshold != "absolute" && s.threshold != "relative" && s.threshold != "lag")
        {
            Reject("method.threshold", s.threshold, "auto | absolute | relative | lag with method.name = tpc");
        }
    }
    if (n == "gd-sec" && s.skipEmpty && s.beta != 1.0)
    {
        Reject("method.skip_empty", "true",
               "false unless method.beta = 1 (with beta < 1 the server cannot tell a skipped update "
               "from a lost one)");
    }
    if (n == "ef21" && s.compressor != "topk" && s.compressor != "randk")
    {
        Reject("method.compressor", s.compressor, "topk | randk with method.name = ef21");
    }
    if (n == "cd-adam" && s.compressor != "topk" && s.compressor != "sign")
    {
        Reject("method.compressor", s.compressor, "topk | sign with method.name = cd-adam");
    }
    if (n == "terngrad" && s.levels > 1)
    {
        Reject("method.levels", std::to_string(s.levels), "auto or 1 with method.name = terngrad");
    }
    if ((n == "cd-adam" || n == "amsgrad") && LocalSteps(s) > 1)
    {
        Reject("method.local_steps", std::to_string(s.localSteps),
               "1 with method.name = " + n + " (local steps need an SGD step)");
    }
    if (n == "tpc" && s.residual == "topk" && s.order < 1)
    {
        Reject("method.order", std::to_string(s.order), "at least 1");
    }
}

int
LocalSteps(const MethodSpec& spec)
{
    if (spec.localSteps > 0)
    {
        return spec.localSteps;
    }
    return spec.name == "fedavg" ? 5 : 1;
}

Eigen::Index
ResolveK(const MethodSpec& spec, Eigen::Index dim)
{
    if (spec.k > 0)
    {
        if (spec.k > dim)
        {
            throw std::invalid_argument("method.k = " + std::to_string(spec.k) +
                                        " exceeds the dimension d = " + std::to_string(dim) +
                                        "; allowed: 1 <= k <= d");
        }
        return static_cast<Eigen::Index>(spec.k);
    }
    const double k = std::ceil(spec.kFraction * static_cast<double>(dim));
    return std::max<Eigen::Index>(1, std::min<Eigen::Index>(dim, static_cast<Eigen::Index>(k)));
}

MethodMemory
EstimateMethodMemory(const MethodSpec& spec, Eigen::Index dim)
{
    const std::string& n = spec.name;
    const double dense = DenseFraction(spec.values); // a dense message, per coordinate
    const double levels = 0.25;                       // int16 levels of a quantized or sign vector
    // K (index, value) pairs, for the compressed vector and its message
    const double sparse =
        1.5 * static_cast<double>(std::min<Eigen::Index>(dim, ResolveK(spec, dim))) / static_cast<double>(dim);
    MethodMemory m;
    m.shared = 2.0; // the server codec's sum and its decoded update
    // The compressed-gradient family keeps its memory e only with error feedback or a K schedule
    // (adaptive-topk has one with or without error feedback).
    const double memory = n == "topk-ef" || n == "randk-ef" || n == "adaptive-topk" ? 1.0 : 0.0;
    if (n == "gd" || n == "fedavg")
    {
        m.perWorker = 1.0 + dense; // the dense compressed copy, the message
    }
    else if (n == "topk" || n == "topk-ef" || n == "adaptive-topk")
    {
        m.perWorker = memory + sparse;
    }
    else if (n == "randk" || n == "randk-ef")
    {
        m.perWorker = memory + 0.5 + sparse; // and the permutation Rand-K draws from
    }
    else if (n == "qsgd" || n == "terngrad")
    {
        m.perWorker = levels + (n == "terngrad" && spec.clip ? 1.0 : 0.0); // and the clipped copy
    }
    else if (n == "ef-sign")
    {
        m.perWorker = 2.0 + levels; // the memory and u, kept for a rollback
    }
    else if (n == "lag")
    {
        m.perWorker = 4.0 + dense; // last sent, staged, previous iterate; the server's last gradient
    }
    else if (n == "ef21" || n == "diana")
    {
        // estimate (shift), staged, difference; the server's mirror
        m.perWorker = 4.0 + (n == "diana" || spec.compressor == "sign" ? levels : sparse);
    }
    else if (n == "gd-sec")
    {
        // reference, error, v, two staged, previous model, the compressed copy; the server's reference
        m.perWorker = 8.0 + sparse;
    }
    else if (n == "tpc")
    {
        // the P-deep history on both sides, estimate, residual, previous iterate, compressed copy,
        // the server's latest estimate; a dense residual's message in the driver's and server's buffers
        m.perWorker = 2.0 * spec.order + 5.0 + (spec.residual == "dense" ? 2.0 * dense : sparse);
    }
    else if (n == "cd-adam" || n == "amsgrad")
    {
        // model copy, tracker, staged, input, server tracker, direction, AMSGrad's four, the
        // compressed copy; the server's tracker of this worker (markov); amsgrad's dense message
        m.perWorker = 11.0 + (n == "amsgrad" ? dense : (spec.strategy == "markov" ? 1.0 : 0.0) +
                                                           (spec.compressor == "sign" ? levels : sparse));
        m.shared = 10.0; // AMSGrad's four, the aggregate, trackers, input, direction
    }
    return m;
}

std::unique_ptr<WorkerCodec>
CreateWorkerCodec(const MethodSpec& spec, const MethodContext& context)
{
    return Find(spec.name).worker(spec, context);
}

std::unique_ptr<ServerCodec>
CreateServerCodec(const MethodSpec& spec, const MethodContext& context)
{
    return Find(spec.name).server(spec, context);
}

double
DefaultStep(const MethodSpec& spec, double smoothnessL, Eigen::Index dim, int workers)
{
    const std::string& n = Find(spec.name).info.name;
    const double m = workers;
    if (n == "cd-adam" || n == "amsgrad")
    {
        return 0.001;
    }
    if (n == "diana")
    {
        return 1.0 / (smoothnessL * (1.0 + 4.0 * DianaOmega(spec, dim) / m));
    }
    if (n == "ef21")
    {
        const double alpha = static_cast<double>(ResolveK(spec, dim)) / static_cast<double>(dim);
        const double root = std::sqrt(1.0 - alpha);
        if (alpha >= 1.0)
        {
            return 1.0 / smoothnessL;
        }
        const double theta = 1.0 - root;
        const double beta = (1.0 - alpha) / (1.0 - root);
        return 1.0 / (smoothnessL * (1.0 + std::sqrt(beta / theta)));
    }
    if (n == "randk-ef")
    {
        // No sharp rule; 1/L diverges at K = 1% of d, sqrt(K/d)/L is stable in our runs.
        return std::sqrt(static_cast<double>(ResolveK(spec, dim)) / static_cast<double>(dim)) / smoothnessL;
    }
    VectorCompressor probe(Compressor(spec, dim), dim, 0);
    if (probe.Unbiased())
    {
        return 1.0 / (smoothnessL * (1.0 + probe.Omega() / m));
    }
    return 1.0 / smoothnessL;
}

std::vector<std::pair<std::string, double>>
DerivedMethodValues(const MethodSpec& spec, Eigen::Index dim, int workers)
{
    std::vector<std::pair<std::string, double>> out;
    const std::string& n = spec.name;
    const VectorCompressor::Options o = Compressor(spec, dim);
    if (o.kind == Kind::kTopK || o.kind == Kind::kRandK)
    {
        out.emplace_back("k", static_cast<double>(ResolveK(spec, dim)));
    }
    if (o.kind == Kind::kQuantize)
    {
        out.emplace_back("levels", o.levels);
        out.emplace_back("block_size", static_cast<double>(o.blockSize > 0 ? o.blockSize : dim));
    }
    VectorCompressor probe(o, dim, 0);
    if (probe.Unbiased() && o.kind != Kind::kDense)
    {
        out.emplace_back("omega", probe.Omega());
    }
    if (n == "diana")
    {
        out.emplace_back("alpha", DianaAlpha(spec, dim));
    }
    if (n == "gd-sec" || n == "lag" || (n == "tpc" && (spec.threshold.empty() || spec.threshold == "lag")))
    {
        out.emplace_back("xi", Xi(spec, workers));
    }
    return out;
}

} // namespace airgrad
