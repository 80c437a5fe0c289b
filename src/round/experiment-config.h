#ifndef AIRGRAD_ROUND_EXPERIMENT_CONFIG_H
#define AIRGRAD_ROUND_EXPERIMENT_CONFIG_H

#include "codec/message.h"
#include "method/method-factory.h"

#include <cstdint>
#include <string>
#include <vector>

namespace airgrad {

/**
 * \brief Everything a run needs, typed and validated. The scenario library fills it from an INI
 * file; its defaults are the documented defaults of the scenario keys.
 */
struct ExperimentConfig
{
    // [run]
    std::string name = "run";
    int rounds = 100;
    uint64_t seed = 1;
    // [problem]
    std::string problemType = "logistic"; ///< least-squares | lasso | logistic
    long long samples = 4000;
    long long testSamples = 1000;
    long long features = 100;
    double l2 = 1e-3;
    double l1 = 0.0; ///< weight of l1 ||x||_1, handled by the server's proximal step
    bool l2Prox = false; ///< the L2 term by the server's proximal step instead of in the gradients
    double noise = 0.1;
    double conditionNumber = 10.0;
    // [method]
    MethodSpec method;
    double step = 0.0; ///< > 0: fixed; 0: the method's default rule ("auto")
    // [network]
    std::string networkKind = "ideal"; ///< ideal | wifi
    int workers = 10;
    int channelWidthMhz = 20;
    double distanceM = 10.0;
    std::vector<double> snrDb; ///< empty: received power from distance; one value, or one per worker
    double roundDeadlineS = 10.0;
    int fragmentBytes = 1400;
    // [codec]
    ValueFormat modelValues = ValueFormat::kFloat32;
    // [compute]
    double secondsPerSample = 2e-6;
};

} // namespace airgrad

#endif
