#include "data/partition.h"

#include "core/rng.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

namespace airgrad {

std::vector<std::vector<Eigen::Index>>
PartitionIid(Eigen::Index samples, int workers, uint64_t seed)
{
    if (workers < 1 || samples < workers)
    {
        throw std::invalid_argument("partition: " + std::to_string(samples) +
                                    " samples cannot be shared by " + std::to_string(workers) +
                                    " workers (need samples >= workers >= 1)");
    }
    std::vector<Eigen::Index> order(static_cast<size_t>(samples));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    Rng rng = Rng::Derive(seed, 0x5A4D);
    for (size_t i = order.size() - 1; i > 0; --i) // Fisher-Yates
    {
        std::swap(order[i], order[rng.UniformInt(i + 1)]);
    }
    std::vector<std::vector<Eigen::Index>> shards(static_cast<size_t>(workers));
    const Eigen::Index base = samples / workers;
    const Eigen::Index extra = samples % workers;
    Eigen::Index pos = 0;
    for (int m = 0; m < workers; ++m)
    {
        const Eigen::Index size = base + (m < extra ? 1 : 0);
        shards[m].assign(order.begin() + pos, order.begin() + pos + size);
        pos += size;
    }
    return shards;
}

namespace {

std::vector<Eigen::Index>
Shuffled(Eigen::Index samples, Rng& rng)
{
    std::vector<Eigen::Index> order(static_cast<size_t>(samples));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    for (size_t i = order.size(); i > 1; --i)
    {
        std::swap(order[i - 1], order[rng.UniformInt(i)]);
    }
    return order;
}

void
CheckShares(Eigen::Index samples, int workers)
{
    if (workers < 1 || samples < workers)
    {
        throw std::invalid_argument("partition: " + std::to_string(samples) + " samples cannot be shared by " +
                                    std::to_string(workers) + " workers (need samples >= workers >= 1)");
    }
}

/// Gives every empty worker one sample of the currently largest worker.
void
FillEmpty(std::vector<std::vector<Eigen::Index>>& shards)
{
    for (auto& shard : shards)
    {
        if (shard.empty())
        {
            auto largest = std::max_element(shards.begin(), shards.end(),
                                            [](const auto& a, const auto& b) { return a.size() < b.size(); });
            shard.push_back(largest->back());
            largest->pop_back();
        }
    }
    for (auto& shard : shards)
    {
        std::sort(shard.begin(), shard.end());
    }
}

} // namespace

std::vector<std::vector<Eigen::Index>>
PartitionShards(const Eigen::VectorXd& labels, int workers, int labelsPerWorker, uint64_t seed)
{
    const Eigen::Index n = labels.size();
    CheckShares(n, workers);
    Rng rng = Rng::Derive(seed, 0x5A4E);
    std::vector<Eigen::Index> order = Shuffled(n, rng);
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return labels(a) < labels(b); });
    const auto pieces = static_cast<size_t>(workers) * static_cast<size_t>(labelsPerWorker);
    std::vector<size_t> pieceOrder(pieces);
    std::iota(pieceOrder.begin(), pieceOrder.end(), size_t{0});
    for (size_t i = pieces; i > 1; --i)
    {
        std::swap(pieceOrder[i - 1], pieceOrder[rng.UniformInt(i)]);
    }
    std::vector<std::vector<Eigen::Index>> shards(static_cast<size_t>(workers));
    for (size_t p = 0; p < pieces; ++p)
    {
        const size_t piece = pieceOrder[p];
        const auto begin = static_cast<size_t>(piece * static_cast<size_t>(n) / pieces);
        const auto end = static_cast<size_t>((piece + 1) * static_cast<size_t>(n) / pieces);
        auto& shard = shards[p / static_cast<size_t>(labelsPerWorker)];
        shard.insert(shard.end(), order.begin() + static_cast<std::ptrdiff_t>(begin),
                     order.begin() + static_cast<std::ptrdiff_t>(end));
    }
    FillEmpty(shards);
    return shards;
}

std::vector<std::vector<Eigen::Index>>
PartitionDirichlet(const Eigen::VectorXd& labels, int classes, int workers, double alpha, uint64_t seed)
{
    const Eigen::Index n = labels.size();
    CheckShares(n, workers);
    Rng rng = Rng::Derive(seed, 0x5A4F);
    const std::vector<Eigen::Index> order = Shuffled(n, rng);
    std::vector<std::vector<Eigen::Index>> byClass(static_cast<size_t>(classes));
    for (Eigen::Index i : order)
    {
        byClass[static_cast<size_t>(labels(i))].push_back(i);
    }
    std::vector<std::vector<Eigen::Index>> shards(static_cast<size_t>(workers));
    std::vector<double> share(static_cast<size_t>(workers));
    for (const auto& members : byClass)
    {
        double total = 0.0;
        for (double& s : share)
        {
            s = rng.Gamma(alpha);
            total += s;
        }
        double cumulative = 0.0;
        size_t start = 0;
        for (size_t m = 0; m < share.size(); ++m)
        {
            cumulative += share[m] / total;
            const size_t end = m + 1 == share.size()
                                   ? members.size()
                                   : std::min(members.size(), static_cast<size_t>(std::llround(
                                                                  cumulative * static_cast<double>(members.size()))));
            shards[m].insert(shards[m].end(), members.begin() + static_cast<std::ptrdiff_t>(start),
                             members.begin() + static_cast<std::ptrdiff_t>(std::max(start, end)));
            start = std::max(start, end);
        }
    }
    FillEmpty(shards);
    return shards;
}

std::vector<std::vector<Eigen::Index>>
PartitionPowerLaw(Eigen::Index samples, int workers, double exponent, uint64_t seed)
{
    CheckShares(samples, workers);
    Rng rng = Rng::Derive(seed, 0x5A50);
    const std::vector<Eigen::Index> order = Shuffled(samples, rng);
    std::vector<double> weight(static_cast<size_t>(workers));
    double total = 0.0;
    for (int m = 0; m < workers; ++m)
    {
        weight[static_cast<size_t>(m)] = std::pow(m + 1.0, -exponent);
        total += weight[static_cast<size_t>(m)];
    }
    // One sample each first, the rest by weight; the last worker takes what rounding leaves.
    const Eigen::Index spare = samples - workers;
    std::vector<std::vector<Eigen::Index>> shards(static_cast<size_t>(workers));
    Eigen::Index pos = 0;
    for (int m = 0; m < workers; ++m)
    {
        const Eigen::Index size =
            m + 1 == workers ? samples - pos
                             : 1 + static_cast<Eigen::Index>(std::floor(spare * weight[static_cast<size_t>(m)] / total));
        shards[static_cast<size_t>(m)].assign(order.begin() + pos, order.begin() + pos + size);
        pos += size;
    }
    return shards;
}

} // namespace airgrad
