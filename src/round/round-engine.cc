#include "round/round-engine.h"

#include "core/thread-pool.h"

#include <cmath>
#include <optional>
#include <vector>

namespace airgrad {

void
RunIdeal(Experiment& experiment, RoundObserver& observer)
{
    NetworkCounters counters;
    // A row's train loss and gradient are filled after the next round's workers have computed at
    // the same model, so that their full-batch gradients can stand in for a pass over all data.
    std::optional<RoundRecord> pending = experiment.Evaluate(0, counters, {}, false);
    Server& server = experiment.GetServer();
    const ExperimentConfig& config = experiment.Config();
    const int workers = experiment.Workers();
    ThreadPool pool(config.threads);
    std::vector<std::vector<uint8_t>> updates(static_cast<size_t>(workers));
    RowCounter rows(config.rounds, config.evalEvery);
    std::vector<WorkerRecord> records(static_cast<size_t>(workers));
    for (WorkerRecord& w : records)
    {
        w.snrDb = std::nan(""); // no radio
    }
    for (int r = 1; r <= config.rounds; ++r)
    {
        const std::vector<uint8_t>& model = server.BeginRound();
        // As a unicast downlink: the model goes to the round's participants only.
        counters.downlinkPayloadBits += 8ULL * model.size() * static_cast<uint64_t>(server.Participants());
        // Workers are independent until their bytes reach the server, so they may run in parallel;
        // the server then takes the updates in worker order, as with one thread.
        pool.ParallelFor(workers, [&](int m) {
            auto& update = updates[static_cast<size_t>(m)];
            if (server.Selected(m))
            {
                experiment.GetWorker(m).OnModel(model.data(), model.size(), update);
            }
            else
            {
                update.clear();
            }
        });
        if (pending)
        {
            experiment.CompleteTrain(*pending);
            observer.OnRound(*pending);
            pending.reset();
        }
        for (const auto& update : updates)
        {
            if (!update.empty()) // an empty update: the method sends nothing this round
            {
                counters.uplinkPayloadBits += 8ULL * update.size();
                server.OnUplink(update.data(), update.size());
            }
        }
        const int now = server.EndRound();
        for (int m = 0; m < workers; ++m)
        {
            WorkerRecord& w = records[static_cast<size_t>(m)];
            const auto& update = updates[static_cast<size_t>(m)];
            w.uplinkPayloadBits = 8ULL * update.size();
            w.selected = server.Selected(m);
            w.status = !w.selected     ? "unselected"
                       : update.empty() ? "skipped"
                       : server.LastRejected(m) == static_cast<uint32_t>(r) ? "rejected"
                                                                            : "applied";
        }
        observer.OnWorkers(r, records);
        if (const auto row = rows.EndRound(r, now, server.Participants() - now, server.Participants()))
        {
            if (r < config.rounds)
            {
                pending = experiment.Evaluate(r, counters, *row, false);
            }
            else
            {
                observer.OnRound(experiment.Evaluate(r, counters, *row));
            }
        }
    }
    if (pending) // no round ran (rounds = 0)
    {
        experiment.CompleteTrain(*pending);
        observer.OnRound(*pending);
    }
}

} // namespace airgrad
