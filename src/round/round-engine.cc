#include "round/round-engine.h"

#include <vector>

namespace airgrad {

void
RunIdeal(Experiment& experiment, RoundObserver& observer)
{
    NetworkCounters counters;
    observer.OnRound(experiment.Evaluate(0, counters, 0, 0));
    Server& server = experiment.GetServer();
    const int workers = experiment.Workers();
    std::vector<uint8_t> update;
    for (int r = 1; r <= experiment.Config().rounds; ++r)
    {
        const std::vector<uint8_t>& model = server.BeginRound();
        counters.downlinkPayloadBits += 8ULL * model.size() * static_cast<uint64_t>(workers);
        for (int m = 0; m < workers; ++m)
        {
            experiment.GetWorker(m).OnModel(model.data(), model.size(), update);
            if (!update.empty()) // an empty update: the method sends nothing this round
            {
                counters.uplinkPayloadBits += 8ULL * update.size();
                server.OnUplink(update.data(), update.size());
            }
        }
        const int applied = server.EndRound();
        observer.OnRound(experiment.Evaluate(r, counters, applied, workers - applied));
    }
}

} // namespace airgrad
