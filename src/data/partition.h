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

/**
 * \brief Label shards (McMahan et al. 2017): samples sorted by label are cut into
 * workers x `labelsPerWorker` equal shards and every worker gets `labelsPerWorker` random shards,
 * so it sees about that many labels. `labels` are class numbers.
 */
std::vector<std::vector<Eigen::Index>> PartitionShards(const Eigen::VectorXd& labels, int workers,
                                                       int labelsPerWorker, uint64_t seed);

/**
 * \brief Dirichlet label skew (Hsu et al. 2019): for every class, the shares of the workers are
 * drawn from Dirichlet(alpha, ..., alpha) and the class's samples dealt out accordingly; small
 * alpha, strong skew. A worker left empty gets one sample from the largest worker.
 */
std::vector<std::vector<Eigen::Index>> PartitionDirichlet(const Eigen::VectorXd& labels, int classes,
                                                          int workers, double alpha, uint64_t seed);

/**
 * \brief Unbalanced sizes: worker m holds a share proportional to (m + 1)^(-exponent) of an iid
 * shuffle (at least one sample each).
 */
std::vector<std::vector<Eigen::Index>> PartitionPowerLaw(Eigen::Index samples, int workers,
                                                         double exponent, uint64_t seed);

} // namespace airgrad

#endif
