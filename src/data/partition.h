#ifndef AIRGRAD_DATA_PARTITION_H
#define AIRGRAD_DATA_PARTITION_H

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace airgrad {

/**
 * \brief IID partition: a seeded shuffle of 0..samples-1 cut into `workers` contiguous shards
 * whose sizes differ by at most one. Throws std::invalid_argument when samples < workers.
 */
std::vector<std::vector<Eigen::Index>> PartitionIid(Eigen::Index samples, int workers, uint64_t seed);

} // namespace airgrad

#endif
