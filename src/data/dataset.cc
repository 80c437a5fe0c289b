#include "data/dataset.h"

#include <stdexcept>
#include <string>

namespace airgrad {

void
Gather(const Dataset& data, const std::vector<Eigen::Index>& rows, Dataset& out)
{
    const auto n = static_cast<Eigen::Index>(rows.size());
    out.isSparse = data.isSparse;
    if (out.labels.size() != n)
    {
        out.labels.resize(n);
    }
    for (Eigen::Index i = 0; i < n; ++i)
    {
        out.labels(i) = data.labels(rows[static_cast<size_t>(i)]);
    }
    if (!data.isSparse)
    {
        if (out.features.rows() != n || out.features.cols() != data.Features())
        {
            out.features.resize(n, data.Features());
        }
        for (Eigen::Index i = 0; i < n; ++i)
        {
            out.features.row(i) = data.features.row(rows[static_cast<size_t>(i)]);
        }
        return;
    }
    // CSR rows are contiguous: copy each selected row's index and value runs.
    const SparseFeatures& a = data.sparse;
    const auto* outerIn = a.outerIndexPtr();
    Eigen::Index nnz = 0;
    for (Eigen::Index r : rows)
    {
        nnz += outerIn[r + 1] - outerIn[r];
    }
    if (nnz > Eigen::Index{Eigen::NumTraits<SparseFeatures::StorageIndex>::highest()})
    {
        throw std::invalid_argument("a subset of " + std::to_string(nnz) + " nonzeros exceeds the sparse index range");
    }
    out.sparse.resize(n, a.cols()); // keeps the value storage's capacity
    out.sparse.resizeNonZeros(nnz);
    auto* outer = out.sparse.outerIndexPtr();
    auto* inner = out.sparse.innerIndexPtr();
    double* values = out.sparse.valuePtr();
    SparseFeatures::StorageIndex at = 0;
    outer[0] = 0;
    for (Eigen::Index i = 0; i < n; ++i)
    {
        const Eigen::Index r = rows[static_cast<size_t>(i)];
        for (auto k = outerIn[r]; k < outerIn[r + 1]; ++k, ++at)
        {
            inner[at] = a.innerIndexPtr()[k];
            values[at] = a.valuePtr()[k];
        }
        outer[i + 1] = at;
    }
}

Dataset
Subset(const Dataset& data, const std::vector<Eigen::Index>& rows)
{
    Dataset out;
    Gather(data, rows, out);
    return out;
}

void
Densify(Dataset& data)
{
    if (data.isSparse)
    {
        data.features = Eigen::MatrixXd(data.sparse);
        data.sparse = SparseFeatures();
        data.isSparse = false;
    }
}

} // namespace airgrad
