#ifndef AIRGRAD_METHOD_METHOD_FACTORY_H
#define AIRGRAD_METHOD_METHOD_FACTORY_H

#include "codec/message.h"
#include "method/method.h"

#include <memory>
#include <string>
#include <vector>

namespace airgrad {

/// \brief A method and its options, as the scenario's [method] section gives them.
struct MethodSpec
{
    std::string name = "gd";
    double kFraction = 0.01; ///< Top-K: K = ceil(kFraction * d) unless k > 0
    long long k = 0;         ///< Top-K: K as a count; 0 = use kFraction
    ValueFormat values = ValueFormat::kFloat32;
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

/// K of a Top-K method for dimension d.
Eigen::Index ResolveK(const MethodSpec& spec, Eigen::Index dim);

std::unique_ptr<WorkerCodec> CreateWorkerCodec(const MethodSpec& spec, Eigen::Index dim);
std::unique_ptr<ServerCodec> CreateServerCodec(const MethodSpec& spec, Eigen::Index dim, int workers);

/// The theory-backed step for `spec` on an L-smooth objective: 1/L for GD and Top-K-EF.
double DefaultStep(const MethodSpec& spec, double smoothnessL);

} // namespace airgrad

#endif
