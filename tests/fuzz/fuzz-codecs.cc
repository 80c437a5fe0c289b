// The bytes of one message as every method's server and worker receive them: the server takes it
// as an uplink of the current round and applies the round; a worker takes it as its model message.
// Byte 0 chooses the method. A bad message must be refused or rejected, never crash or allocate
// what it claims.
#include "data/synthetic.h"
#include "method/method-factory.h"
#include "problem/logistic-problem.h"
#include "round/server.h"
#include "round/worker.h"

using namespace airgrad;

namespace {

constexpr Eigen::Index kDim = 16;
constexpr int kWorkers = 3;

const Problem&
Shard()
{
    static const LogisticProblem problem = [] {
        Dataset data;
        data.features = Eigen::MatrixXd::Ones(4, kDim);
        data.labels = Eigen::Vector4d(1.0, -1.0, 1.0, -1.0);
        return LogisticProblem(std::move(data), 0.01);
    }();
    return problem;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
    {
        return 0;
    }
    static const std::vector<MethodInfo> methods = MethodCatalogue();
    MethodSpec spec;
    spec.name = methods[data[0] % methods.size()].name;
    spec.localSteps = spec.name == "fedavg" ? 2 : 0;
    ++data;
    --size;
    MethodContext context;
    context.dim = kDim;
    context.workers = kWorkers;
    context.step = 0.1;
    context.rounds = 10;
    Server server(Eigen::VectorXd::Zero(kDim), CreateServerCodec(spec, context), 0.1, kWorkers,
                  ValueFormat::kFloat32);
    server.BeginRound();
    server.OnUplink(data, size);
    server.EndRound();
    server.BeginRound();

    WorkerOptions options;
    options.localSteps = LocalSteps(spec);
    options.localStep = 0.1;
    Worker worker(1, Shard(), CreateWorkerCodec(spec, context), options);
    std::vector<uint8_t> update;
    try
    {
        worker.OnModel(data, size, update);
    }
    catch (const std::runtime_error&)
    {
    }
    return 0;
}
