#ifndef AIRGRAD_DATA_DATASET_H
#define AIRGRAD_DATA_DATASET_H

#include <Eigen/Dense>
#include <Eigen/SparseCore>

#include <vector>

namespace airgrad {

/// Sparse features: compressed sparse rows, so a sample's nonzeros are contiguous.
using SparseFeatures = Eigen::SparseMatrix<double, Eigen::RowMajor>;

/**
 * \brief Samples as rows of a feature matrix, dense or sparse (CSR), with one label each.
 *
 * Exactly one of `features` and `sparse` holds the data, as `isSparse` says; the other is empty.
 * Kernels reach the matrix through VisitFeatures, so one code path serves both.
 */
struct Dataset
{
    Eigen::MatrixXd features; ///< n x d when dense
    SparseFeatures sparse;    ///< n x d when isSparse
    Eigen::VectorXd labels;   ///< n; real targets, or +1/-1 for binary classification
    bool isSparse = false;

    Eigen::Index Samples() const { return labels.size(); }
    Eigen::Index Features() const { return isSparse ? sparse.cols() : features.cols(); }
    /// Stored feature values: n x d dense, the nonzeros when sparse.
    Eigen::Index StoredValues() const { return isSparse ? sparse.nonZeros() : features.size(); }
    /// Bytes of the feature storage and labels (what one pass over the data reads).
    double Bytes() const
    {
        const double values = static_cast<double>(StoredValues());
        return (isSparse ? values * (sizeof(double) + sizeof(SparseFeatures::StorageIndex)) +
                               static_cast<double>(sparse.rows() + 1) * sizeof(SparseFeatures::StorageIndex)
                         : values * sizeof(double)) +
               static_cast<double>(labels.size()) * sizeof(double);
    }
};

/// Calls `f` with the feature matrix, dense (Eigen::MatrixXd) or sparse (SparseFeatures).
template <class F>
decltype(auto)
VisitFeatures(const Dataset& data, F&& f)
{
    return data.isSparse ? f(data.sparse) : f(data.features);
}

/// \brief The rows of `data` listed in `rows`, in that order (dense stays dense, sparse sparse).
Dataset Subset(const Dataset& data, const std::vector<Eigen::Index>& rows);
/// \brief Subset for each of `parts` (disjoint rows), in one pass over dense data; the same
/// values as one Subset per part.
std::vector<Dataset> Split(const Dataset& data, const std::vector<std::vector<Eigen::Index>>& parts);
/// \brief Like Subset, into `out`, reusing its storage when it is large enough.
void Gather(const Dataset& data, const std::vector<Eigen::Index>& rows, Dataset& out);
/// \brief Resizes `m` for writing. A large fresh buffer is asked for transparent huge pages: in
/// this project's VMs a 4 KiB first-touch page fault cost as much as drawing the value stored in it.
void ResizeForWrite(Eigen::MatrixXd& m, Eigen::Index rows, Eigen::Index cols);
/// \brief Makes sparse data dense in place (for problems and scalings that need dense features).
void Densify(Dataset& data);

} // namespace airgrad

#endif
