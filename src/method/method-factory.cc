#include "method/method-factory.h"

#include "method/gd-method.h"
#include "method/top-k-ef-method.h"

#include <cmath>
#include <functional>
#include <stdexcept>

namespace airgrad {

namespace {

struct MethodEntry
{
    MethodInfo info;
    std::function<std::unique_ptr<WorkerCodec>(const MethodSpec&, Eigen::Index)> worker;
    std::function<std::unique_ptr<ServerCodec>(const MethodSpec&, Eigen::Index, int)> server;
};

// The one explicit table of methods (no static self-registration: it vanishes from static libraries).
const std::vector<MethodEntry>&
Table()
{
    static const std::vector<MethodEntry> table = {
        {{"gd", "gradient descent: each worker sends its dense gradient (32 bits per coordinate)"},
         [](const MethodSpec& s, Eigen::Index) { return std::make_unique<GdWorkerCodec>(s.values); },
         [](const MethodSpec&, Eigen::Index d, int) { return std::make_unique<GdServerCodec>(d); }},
        {{"topk-ef",
          "Top-K with error feedback (Stich et al. 2018): the K largest entries of gradient plus "
          "memory, as (index, value) pairs"},
         [](const MethodSpec& s, Eigen::Index d) {
             return std::make_unique<TopKEfWorkerCodec>(d, ResolveK(s, d), s.values);
         },
         [](const MethodSpec&, Eigen::Index d, int m) {
             return std::make_unique<TopKEfServerCodec>(d, m);
         }},
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

std::unique_ptr<WorkerCodec>
CreateWorkerCodec(const MethodSpec& spec, Eigen::Index dim)
{
    return Find(spec.name).worker(spec, dim);
}

std::unique_ptr<ServerCodec>
CreateServerCodec(const MethodSpec& spec, Eigen::Index dim, int workers)
{
    return Find(spec.name).server(spec, dim, workers);
}

double
DefaultStep(const MethodSpec& spec, double smoothnessL)
{
    Find(spec.name);
    return 1.0 / smoothnessL;
}

} // namespace airgrad
