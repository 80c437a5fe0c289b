#include "data/synthetic.h"

#include "core/rng.h"
#include "core/thread-pool.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace airgrad {

namespace {

void
CheckSpec(const SyntheticSpec& spec)
{
    if (spec.samples < 1 || spec.features < 1 || spec.testSamples < 0 || spec.noise < 0 ||
        !(spec.conditionNumber >= 1.0) || !(spec.density > 0.0 && spec.density <= 1.0))
    {
        throw std::invalid_argument("synthetic data: need samples >= 1, features >= 1, "
                                    "test samples >= 0, noise >= 0, condition number >= 1, 0 < density <= 1");
    }
}

/// Feature scales: variance 1 .. 1/condition, geometric over the coordinates.
Eigen::VectorXd
FeatureScales(const SyntheticSpec& spec)
{
    const Eigen::Index d = spec.features;
    Eigen::VectorXd scale(d);
    for (Eigen::Index j = 0; j < d; ++j)
    {
        const double t = d > 1 ? static_cast<double>(j) / static_cast<double>(d - 1) : 0.0;
        scale(j) = std::pow(spec.conditionNumber, -0.5 * t);
    }
    return scale;
}

/**
 * The clean response a^T w of one dense row, before the 1/sqrt(d) scaling. The sum runs over
 * chunks of `chunk` columns, each summed from zero and then added to the total: the order in which
 * the labels were first computed (Eigen 3.4's matrix-vector product over all n + test rows), kept
 * so that every shipped data set stays bit-identical now that rows are drawn straight into the
 * training and test matrices.
 */
double
ChunkedDot(const double* row, const Eigen::VectorXd& w, Eigen::Index chunk)
{
    double total = 0.0;
    for (Eigen::Index j0 = 0; j0 < w.size(); j0 += chunk)
    {
        double part = 0.0;
        for (Eigen::Index j = j0; j < std::min(j0 + chunk, w.size()); ++j)
        {
#ifdef __FMA__
            part = std::fma(row[j], w(j), part); // what Eigen's multiply-add is in such a build
#else
            part += row[j] * w(j);
#endif
        }
        total += part;
    }
    return total;
}

/// Dense rows first..first+rows of the stream into `out` (row `first` at out's row 0), labels too.
void
DrawDenseRows(Rng& rng, ThreadPool& pool, const Eigen::VectorXd& scale, const Eigen::VectorXd& w, Eigen::Index chunk,
              Dataset& out)
{
    const Eigen::Index n = out.Samples();
    const Eigen::Index d = w.size();
    const double norm = std::sqrt(static_cast<double>(d));
    // Rows are drawn into a row-major block that is then written column by column: storing each
    // draw straight into the column-major matrix touched a cache line per value.
    constexpr Eigen::Index kBlockRows = 32;
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> block(std::min(kBlockRows, n), d);
    for (Eigen::Index i0 = 0; i0 < n; i0 += kBlockRows)
    {
        const Eigen::Index rows = std::min(kBlockRows, n - i0);
        rng.FillNormal(block.data(), static_cast<size_t>(rows * d), pool);
        for (Eigen::Index i = 0; i < rows; ++i)
        {
            double* row = block.row(i).data();
            for (Eigen::Index j = 0; j < d; ++j)
            {
                row[j] *= scale(j);
            }
            out.labels(i0 + i) = ChunkedDot(row, w, chunk) / norm;
        }
        out.features.middleRows(i0, rows) = block.topRows(rows);
    }
}

/**
 * Features (the n training rows, then the test rows) and the clean linear response plus noise,
 * drawn in one fixed order so every seed is reproducible. Dense: every entry; sparse: per row a
 * uniform set of nonzerosPerRow coordinates (a partial Fisher-Yates shuffle of one kept
 * permutation).
 */
SyntheticData
DrawLinearModel(const SyntheticSpec& spec)
{
    Rng rng = Rng::Derive(spec.seed, 0xDA7A);
    const Eigen::Index n = spec.samples + spec.testSamples;
    const Eigen::Index d = spec.features;
    const Eigen::VectorXd scale = FeatureScales(spec);
    Eigen::VectorXd w(d);
    for (Eigen::Index j = 0; j < d; ++j)
    {
        w(j) = rng.Normal();
    }
    SyntheticData out;
    out.train.labels.resize(spec.samples);
    out.test.labels.resize(spec.testSamples);
    const Eigen::Index k = NonzerosPerRow(spec);
    if (spec.density >= 1.0)
    {
        // Eigen's chunking: all columns below 128, else 16 or 4 by the byte stride of n rows.
        const Eigen::Index chunk = d < 128 ? d : (n * static_cast<Eigen::Index>(sizeof(double)) < 32000 ? 16 : 4);
        ThreadPool pool(static_cast<int>(std::max(1U, std::thread::hardware_concurrency())));
        for (Dataset* part : {&out.train, &out.test})
        {
            ResizeForWrite(part->features, part->Samples(), d);
            DrawDenseRows(rng, pool, scale, w, chunk, *part);
        }
    }
    else
    {
        if (static_cast<double>(n) * static_cast<double>(k) >
            static_cast<double>(Eigen::NumTraits<SparseFeatures::StorageIndex>::highest()))
        {
            throw std::invalid_argument("synthetic data: samples x density x features exceeds 2^31 nonzeros");
        }
        SparseFeatures all(n, d);
        all.resizeNonZeros(n * k);
        auto* outer = all.outerIndexPtr();
        auto* inner = all.innerIndexPtr();
        double* values = all.valuePtr();
        std::vector<SparseFeatures::StorageIndex> permutation(static_cast<size_t>(d));
        for (Eigen::Index j = 0; j < d; ++j)
        {
            permutation[static_cast<size_t>(j)] = static_cast<SparseFeatures::StorageIndex>(j);
        }
        for (Eigen::Index i = 0; i < n; ++i)
        {
            auto* row = inner + i * k;
            for (Eigen::Index t = 0; t < k; ++t)
            {
                const auto pick = t + static_cast<Eigen::Index>(rng.UniformInt(static_cast<uint64_t>(d - t)));
                std::swap(permutation[static_cast<size_t>(t)], permutation[static_cast<size_t>(pick)]);
                row[t] = permutation[static_cast<size_t>(t)];
            }
            std::sort(row, row + k);
            double response = 0.0;
            for (Eigen::Index t = 0; t < k; ++t)
            {
                values[i * k + t] = rng.Normal() * scale(row[t]);
                response += values[i * k + t] * w(row[t]);
            }
            (i < spec.samples ? out.train.labels(i) : out.test.labels(i - spec.samples)) =
                response / std::sqrt(static_cast<double>(k));
            outer[i] = static_cast<SparseFeatures::StorageIndex>(i * k);
        }
        outer[n] = static_cast<SparseFeatures::StorageIndex>(n * k);
        out.train.isSparse = out.test.isSparse = true;
        out.train.sparse = all.topRows(spec.samples);
        out.test.sparse = all.bottomRows(spec.testSamples);
    }
    for (Dataset* part : {&out.train, &out.test})
    {
        for (Eigen::Index i = 0; i < part->Samples(); ++i)
        {
            part->labels(i) += spec.noise * rng.Normal();
        }
    }
    return out;
}

} // namespace

Eigen::Index
NonzerosPerRow(const SyntheticSpec& spec)
{
    if (spec.density >= 1.0)
    {
        return spec.features;
    }
    const auto k = static_cast<Eigen::Index>(std::llround(spec.density * static_cast<double>(spec.features)));
    return std::clamp<Eigen::Index>(k, 1, spec.features);
}

SyntheticData
MakeRegressionData(const SyntheticSpec& spec)
{
    CheckSpec(spec);
    return DrawLinearModel(spec);
}

SyntheticData
MakeBinaryData(const SyntheticSpec& spec)
{
    CheckSpec(spec);
    SyntheticData data = DrawLinearModel(spec);
    for (Dataset* part : {&data.train, &data.test})
    {
        part->labels = part->labels.unaryExpr([](double v) { return v >= 0.0 ? 1.0 : -1.0; });
    }
    return data;
}

} // namespace airgrad
