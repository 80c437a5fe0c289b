#ifndef AIRGRAD_DATA_SYNTHETIC_H
#define AIRGRAD_DATA_SYNTHETIC_H

#include "data/dataset.h"

#include <cstdint>

namespace airgrad {

/// \brief Knobs of the synthetic generators.
struct SyntheticSpec
{
    Eigen::Index samples = 1000;   ///< training samples n
    Eigen::Index testSamples = 0;  ///< held-out samples from the same model (0: no test set)
    Eigen::Index features = 100;   ///< dimension d
    double noise = 0.1;            ///< standard deviation of the label noise
    double conditionNumber = 10.0; ///< ratio of the largest to the smallest feature variance, >= 1
    uint64_t seed = 1;
    double density = 1.0; ///< fraction of nonzero features per sample; < 1 gives sparse (CSR) data
};

struct SyntheticData
{
    Dataset train;
    Dataset test; ///< empty when testSamples == 0
};

/// Nonzeros of every sparse synthetic sample: round(density x features), at least 1 (d when dense).
Eigen::Index NonzerosPerRow(const SyntheticSpec& spec);

/**
 * \brief Linear regression data y = a^T w / sqrt(k) + noise * N(0, 1), k the nonzeros per sample.
 *
 * Features are N(0, diag(s)) with s geometric from 1 down to 1/conditionNumber, so the
 * population Hessian a^T a / n has condition number about conditionNumber; w ~ N(0, I).
 * With density < 1 each sample has NonzerosPerRow(spec) nonzeros at uniformly drawn coordinates
 * and the data are sparse.
 */
SyntheticData MakeRegressionData(const SyntheticSpec& spec);

/**
 * \brief Binary classification data, labels sign(a^T w + noise * N(0, 1)) in {-1, +1},
 * with features drawn as in MakeRegressionData.
 */
SyntheticData MakeBinaryData(const SyntheticSpec& spec);

} // namespace airgrad

#endif
