#ifndef AIRGRAD_DATA_DATASET_H
#define AIRGRAD_DATA_DATASET_H

#include <Eigen/Dense>

#include <vector>

namespace airgrad {

/// \brief Samples as rows of a dense feature matrix with one label each.
struct Dataset
{
    Eigen::MatrixXd features; ///< n x d
    Eigen::VectorXd labels;   ///< n; real targets, or +1/-1 for binary classification

    Eigen::Index Samples() const { return features.rows(); }
    Eigen::Index Features() const { return features.cols(); }
};

/// \brief The rows of `data` listed in `rows`, in that order.
Dataset Subset(const Dataset& data, const std::vector<Eigen::Index>& rows);
/// \brief Like Subset, into `out`, reusing its storage when the row count is unchanged.
void Gather(const Dataset& data, const std::vector<Eigen::Index>& rows, Dataset& out);

} // namespace airgrad

#endif
