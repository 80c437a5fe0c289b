#include "data/partition.h"

#include "core/rng.h"

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

} // namespace airgrad
