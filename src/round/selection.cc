#include "round/selection.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace airgrad {

namespace {

class AllPolicy : public SelectionPolicy
{
  public:
    void Choose(uint32_t, const std::vector<WorkerStanding>&, const std::vector<uint32_t>& candidates, size_t,
                Rng&, std::vector<uint32_t>& chosen) override
    {
        chosen = candidates;
    }
};

/// K of the eligible uniformly without replacement (a partial Fisher-Yates shuffle).
class RandomPolicy : public SelectionPolicy
{
  public:
    void Choose(uint32_t, const std::vector<WorkerStanding>&, const std::vector<uint32_t>& candidates,
                size_t count, Rng& rng, std::vector<uint32_t>& chosen) override
    {
        chosen = candidates;
        for (size_t i = 0; i < count; ++i)
        {
            std::swap(chosen[i], chosen[i + static_cast<size_t>(rng.UniformInt(chosen.size() - i))]);
        }
        chosen.resize(count);
    }
};

/// The next K eligible workers after the last one chosen, cyclically by worker number.
class RoundRobinPolicy : public SelectionPolicy
{
  public:
    void Choose(uint32_t, const std::vector<WorkerStanding>& workers, const std::vector<uint32_t>&, size_t count,
                Rng&, std::vector<uint32_t>& chosen) override
    {
        chosen.clear();
        const auto m = static_cast<uint32_t>(workers.size());
        for (uint32_t step = 0; step < m && chosen.size() < count; ++step)
        {
            const uint32_t w = (m_next + step) % m;
            if (workers[w].eligible)
            {
                chosen.push_back(w);
            }
        }
        m_next = (chosen.back() + 1) % m;
    }

  private:
    uint32_t m_next = 0;
};

/// The first `count` candidates in the order `before` (a strict order; ties go to the lower number).
template <typename Before>
void
ChooseFirst(const std::vector<uint32_t>& candidates, size_t count, std::vector<uint32_t>& chosen, Before before)
{
    chosen = candidates;
    std::partial_sort(chosen.begin(), chosen.begin() + static_cast<std::ptrdiff_t>(count), chosen.end(),
                      [&](uint32_t a, uint32_t b) { return before(a, b) || (!before(b, a) && a < b); });
    chosen.resize(count);
}

/// The highest uplink SNR; a worker not yet heard from first, so that every channel gets measured.
class BestChannelPolicy : public SelectionPolicy
{
  public:
    void Choose(uint32_t, const std::vector<WorkerStanding>& w, const std::vector<uint32_t>& candidates,
                size_t count, Rng&, std::vector<uint32_t>& chosen) override
    {
        ChooseFirst(candidates, count, chosen, [&](uint32_t a, uint32_t b) {
            const double x = w[a].channelDb;
            const double y = w[b].channelDb;
            return std::isnan(x) ? !std::isnan(y) : !std::isnan(y) && x > y;
        });
    }
};

/// The oldest last applied update (age of update): a selected worker whose update was lost stays old.
class AgePolicy : public SelectionPolicy
{
  public:
    void Choose(uint32_t, const std::vector<WorkerStanding>& w, const std::vector<uint32_t>& candidates,
                size_t count, Rng&, std::vector<uint32_t>& chosen) override
    {
        ChooseFirst(candidates, count, chosen,
                    [&](uint32_t a, uint32_t b) { return w[a].lastApplied < w[b].lastApplied; });
    }
};

/// The most battery left.
class EnergyPolicy : public SelectionPolicy
{
  public:
    void Choose(uint32_t, const std::vector<WorkerStanding>& w, const std::vector<uint32_t>& candidates,
                size_t count, Rng&, std::vector<uint32_t>& chosen) override
    {
        ChooseFirst(candidates, count, chosen, [&](uint32_t a, uint32_t b) { return w[a].batteryJ > w[b].batteryJ; });
    }
};

struct Registered
{
    std::string name;
    std::string meaning;
    SelectionPolicyFactory factory;
};

template <typename P>
SelectionPolicyFactory
Factory()
{
    return [] { return std::make_unique<P>(); };
}

/// The one table of policies: the built-ins here, users' added by RegisterSelectionPolicy.
std::vector<Registered>&
Registry()
{
    static std::vector<Registered> table = {
        {"all", "every eligible worker, every round (selection.per_round is ignored)", Factory<AllPolicy>()},
        {"random", "selection.per_round of the eligible workers, uniformly without replacement", Factory<RandomPolicy>()},
        {"round-robin", "the next selection.per_round eligible workers by number, cyclically", Factory<RoundRobinPolicy>()},
        {"best-channel", "the highest uplink SNR the server last saw (workers not yet heard from first)",
         Factory<BestChannelPolicy>()},
        {"age", "the oldest last applied update (age of update)", Factory<AgePolicy>()},
        {"energy", "the most battery left (energy.battery_j)", Factory<EnergyPolicy>()},
    };
    return table;
}

} // namespace

void
RegisterSelectionPolicy(const std::string& name, const std::string& meaning, SelectionPolicyFactory factory)
{
    for (Registered& r : Registry())
    {
        if (r.name == name)
        {
            r = {name, meaning, std::move(factory)};
            return;
        }
    }
    Registry().push_back({name, meaning, std::move(factory)});
}

std::vector<std::pair<std::string, std::string>>
SelectionPolicies()
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const Registered& r : Registry())
    {
        out.emplace_back(r.name, r.meaning);
    }
    return out;
}

std::unique_ptr<SelectionPolicy>
CreateSelectionPolicy(const std::string& name)
{
    std::string names;
    for (const Registered& r : Registry())
    {
        if (r.name == name)
        {
            return r.factory();
        }
        names += (names.empty() ? "" : " | ") + r.name;
    }
    throw std::invalid_argument("selection.policy = '" + name + "' is not a policy; allowed: " + names);
}

Selection::Selection(std::unique_ptr<SelectionPolicy> policy, bool selectsAll, int workers, int perRound, uint64_t seed)
    : m_policy(std::move(policy)),
      m_selectsAll(selectsAll),
      m_perRound(static_cast<size_t>(std::max(1, perRound))),
      m_rng(seed),
      m_workers(static_cast<size_t>(workers)),
      m_alive(static_cast<size_t>(workers), 1),
      m_available(static_cast<size_t>(workers), 1)
{
    for (WorkerStanding& w : m_workers)
    {
        w.channelDb = std::nan("");
        w.batteryJ = HUGE_VAL;
    }
    m_candidates.reserve(m_workers.size());
    m_chosen.reserve(m_workers.size());
}

void
Selection::Select(uint32_t round, const std::vector<uint32_t>& lastApplied, std::vector<uint8_t>& selected)
{
    m_candidates.clear();
    for (uint32_t m = 0; m < m_workers.size(); ++m)
    {
        m_workers[m].lastApplied = lastApplied[m];
        if (m_workers[m].eligible)
        {
            m_candidates.push_back(m);
        }
    }
    selected.assign(m_workers.size(), 0);
    if (m_candidates.empty())
    {
        return; // nobody left: the round runs with no participant
    }
    const size_t count = m_selectsAll ? m_candidates.size() : std::min(m_perRound, m_candidates.size());
    m_policy->Choose(round, m_workers, m_candidates, count, m_rng, m_chosen);
    if (m_chosen.size() != count)
    {
        throw std::logic_error("selection policy chose " + std::to_string(m_chosen.size()) + " workers in round " +
                               std::to_string(round) + ", asked for " + std::to_string(count));
    }
    for (uint32_t m : m_chosen)
    {
        if (m >= m_workers.size() || !m_workers[m].eligible || selected[m])
        {
            throw std::logic_error("selection policy chose worker " + std::to_string(m) + " in round " +
                                   std::to_string(round) + ": not an eligible worker, or twice");
        }
        selected[m] = 1;
    }
    if (count == m_workers.size())
    {
        selected.clear(); // everyone: the model message carries no selection
    }
}

Availability::Availability(const std::vector<AvailabilityWindow>& windows, int workers)
    : m_windows(static_cast<size_t>(workers))
{
    for (const AvailabilityWindow& w : windows)
    {
        m_windows[w.worker].emplace_back(w.startS, w.endS);
    }
}

bool
Availability::Available(uint32_t worker, double seconds) const
{
    const auto& windows = m_windows[worker];
    return windows.empty() || std::any_of(windows.begin(), windows.end(), [seconds](const auto& w) {
               return w.first <= seconds && seconds < w.second;
           });
}

double
JainIndex(const std::vector<long long>& counts)
{
    double sum = 0.0;
    double squares = 0.0;
    for (long long c : counts)
    {
        sum += static_cast<double>(c);
        squares += static_cast<double>(c) * static_cast<double>(c);
    }
    return squares > 0.0 ? sum * sum / (static_cast<double>(counts.size()) * squares) : 1.0;
}

} // namespace airgrad
