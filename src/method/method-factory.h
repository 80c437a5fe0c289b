#ifndef AIRGRAD_METHOD_METHOD_FACTORY_H
#define AIRGRAD_METHOD_METHOD_FACTORY_H

#include "codec/message.h"
#include "method/method.h"

#include <memory>
#include <string>
#include <vector>

namespace airgrad {

/**
 * \brief A method and its options, as the scenario's [method] and [codec] sections give them.
 * Options a method does not use are ignored; "auto" values (0 or empty) take the method's default.
 */
struct MethodSpec
{
    std::string name = "gd";
    double kFraction = 0.01; ///< Top-K family: K = ceil(kFraction * d) unless k > 0
    long long k = 0;         ///< K as a count; 0 = use kFraction
    ValueFormat values = ValueFormat::kFloat32;   ///< uplink values
    IndexCoding index = IndexCoding::kBest;       ///< sparse index coding
    // quantizers (qsgd, terngrad, diana)
    int levels = 0;          ///< s; 0 = auto (qsgd 4, terngrad and diana 1)
    long long blockSize = 0; ///< entries per quantization block; 0 = auto (diana 32, others whole vector)
    std::string norm;        ///< 2 | inf; empty = auto (diana and terngrad inf, qsgd 2)
    bool unbiased = true;    ///< randk: scale by d/K
    bool clip = false;       ///< terngrad: clip at 2.5 standard deviations
    // diana
    double alpha = 0.0;      ///< shift step; 0 = 1/(1 + omega)
    double momentum = 0.0;   ///< heavy-ball momentum of the server direction
    // gd-sec, lag, tpc
    double beta = 1.0;       ///< gd-sec: reference decay
    double xi = -1.0;        ///< threshold scale; < 0 = auto (gd-sec M, lag 0.1, tpc 0.1)
    std::string threshold;   ///< gd-sec: iterate-change-norm | iterate-change | constant;
                             ///< tpc: lag | relative | absolute; empty = auto (lag)
    bool skipEmpty = false;  ///< gd-sec, lag: send nothing instead of a header-only message
    int history = 10;        ///< lag, tpc (lag threshold): D past iterate changes
    int order = 3;           ///< tpc: predictor order P
    double ridge = 1e-10;    ///< tpc: ridge of the normal equations, relative to their mean diagonal
    double tau = 0.1;        ///< tpc: residual threshold (absolute or relative)
    std::string residual = "dense"; ///< tpc: dense | topk
    // adaptive-topk
    std::string policy = "constant"; ///< constant | linear | exponential | error-driven
    double kStartFraction = 0.0;     ///< linear: K of the first round / d; 0 = K/2
    double decay = 0.99;             ///< exponential: ratio of consecutive K
    double errorTarget = 0.5;        ///< error-driven: target ||u - TopK(u)||^2 / ||u||^2
    bool errorFeedback = true;       ///< adaptive-topk: error compensation
    // cd-adam, amsgrad
    std::string compressor = "topk"; ///< cd-adam: topk | sign; ef21: topk | randk
    std::string strategy = "markov"; ///< cd-adam: markov | ef | naive
    std::string downlink = "compressed"; ///< cd-adam: compressed | model
    double beta1 = 0.9;
    double beta2 = 0.99;
    double epsilon = 1e-8;
    double weightDecay = 0.0;
    int localSteps = 0;              ///< local SGD steps per round; 0 = auto (fedavg 5, others 1)
    double lrDecay = 1.0;            ///< step multiplied by this every lrDecayRounds rounds
    int lrDecayRounds = 0;           ///< 0 = constant step
};

/// What a method's codecs are built for.
struct MethodContext
{
    Eigen::Index dim = 0;
    int workers = 1;
    double step = 0.0;      ///< the server step (the learning rate of the adaptive methods)
    int rounds = 1;         ///< run length (adaptive-topk's budget)
    uint32_t worker = 0;    ///< worker codecs: this worker's id
    uint64_t seed = 1;      ///< worker codecs: seed of this worker's random choices
};

struct MethodInfo
{
    std::string name;
    std::string description;
};

/// Every method `method.name` accepts, in the order `airgrad list` shows them.
std::vector<MethodInfo> MethodCatalogue();
/// Throws std::invalid_argument naming method.name and the allowed names when unknown.
void CheckMethodName(const std::string& name);
/**
 * \brief Checks the options `spec.name` uses against each other and the dimension; throws
 * std::invalid_argument naming the key, the value and what is allowed.
 */
void CheckMethodSpec(const MethodSpec& spec, Eigen::Index dim);
/**
 * \brief Local SGD steps per round. With H > 1 a worker takes H steps of size `step` from the
 * model and hands the method the pseudo-gradient (x - x_H) / step, so the server's step of the
 * same size applies the mean model delta (FedAvg; compressed by any method).
 */
int LocalSteps(const MethodSpec& spec);
/// K of a Top-K style method for dimension d.
Eigen::Index ResolveK(const MethodSpec& spec, Eigen::Index dim);

/**
 * \brief The memory a method's codecs hold while a run goes, in vectors of d doubles (8 d bytes
 * each): per worker (its worker codec, the server's mirror of it and the two buffers of its
 * update message) and once (the server codec). Counted from the codecs' members, for the memory
 * check before a run; a test compares it with the heap runs of every method use.
 */
struct MethodMemory
{
    double perWorker = 0.0;
    double shared = 0.0;
};
MethodMemory EstimateMethodMemory(const MethodSpec& spec, Eigen::Index dim);

std::unique_ptr<WorkerCodec> CreateWorkerCodec(const MethodSpec& spec, const MethodContext& context);
std::unique_ptr<ServerCodec> CreateServerCodec(const MethodSpec& spec, const MethodContext& context);

/**
 * \brief The theory-backed step for `spec` on an L-smooth objective of M workers: 1/L for GD and
 * the biased compressors, 1/(L (1 + omega/M)) for unbiased ones (QSGD, TernGrad, unbiased Rand-K),
 * sqrt(K/d)/L for Rand-K-EF (empirical: 1/L diverges at K = 1%), 1/(L (1 + 4 omega/M)) for DIANA, 1/(L (1 + sqrt(beta/theta))) for EF21, 0.001 for the Adam family
 * (no smoothness rule).
 */
double DefaultStep(const MethodSpec& spec, double smoothnessL, Eigen::Index dim, int workers);
/// What run.json reports of a method beyond its step (K, omega, alpha, ...), as key/value text.
std::vector<std::pair<std::string, double>> DerivedMethodValues(const MethodSpec& spec, Eigen::Index dim, int workers);

} // namespace airgrad

#endif
