#include "data/synthetic.h"

#include "core/rng.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

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
 * Features (all n + test rows) and the clean linear response plus noise, drawn in one fixed order
 * so every seed is reproducible. Dense: every entry; sparse: per row a uniform set of
 * nonzerosPerRow coordinates (a partial Fisher-Yates shuffle of one kept permutation).
 */
Dataset
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
    Dataset all;
    const Eigen::Index k = NonzerosPerRow(spec);
    if (spec.density >= 1.0)
    {
        all.features.resize(n, d);
        for (Eigen::Index i = 0; i < n; ++i)
        {
            for (Eigen::Index j = 0; j < d; ++j)
            {
                all.features(i, j) = rng.Normal() * scale(j);
            }
        }
        // Normalise so that the response has unit scale whatever d is.
        all.labels = all.features * w / std::sqrt(static_cast<double>(d));
    }
    else
    {
        if (static_cast<double>(n) * static_cast<double>(k) >
            static_cast<double>(Eigen::NumTraits<SparseFeatures::StorageIndex>::highest()))
        {
            throw std::invalid_argument("synthetic data: samples x density x features exceeds 2^31 nonzeros");
        }
        all.isSparse = true;
        all.sparse.resize(n, d);
        all.sparse.resizeNonZeros(n * k);
        auto* outer = all.sparse.outerIndexPtr();
        auto* inner = all.sparse.innerIndexPtr();
        double* values = all.sparse.valuePtr();
        std::vector<SparseFeatures::StorageIndex> permutation(static_cast<size_t>(d));
        for (Eigen::Index j = 0; j < d; ++j)
        {
            permutation[static_cast<size_t>(j)] = static_cast<SparseFeatures::StorageIndex>(j);
        }
        all.labels.resize(n);
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
            all.labels(i) = response / std::sqrt(static_cast<double>(k));
            outer[i] = static_cast<SparseFeatures::StorageIndex>(i * k);
        }
        outer[n] = static_cast<SparseFeatures::StorageIndex>(n * k);
    }
    for (Eigen::Index i = 0; i < n; ++i)
    {
        all.labels(i) += spec.noise * rng.Normal();
    }
    return all;
}

SyntheticData
Split(const SyntheticSpec& spec, Dataset all)
{
    SyntheticData out;
    out.train.isSparse = out.test.isSparse = all.isSparse;
    if (all.isSparse)
    {
        out.train.sparse = all.sparse.topRows(spec.samples);
        out.test.sparse = all.sparse.bottomRows(spec.testSamples);
    }
    else
    {
        out.train.features = all.features.topRows(spec.samples);
        out.test.features = all.features.bottomRows(spec.testSamples);
    }
    out.train.labels = all.labels.head(spec.samples);
    out.test.labels = all.labels.tail(spec.testSamples);
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
    return Split(spec, DrawLinearModel(spec));
}

SyntheticData
MakeBinaryData(const SyntheticSpec& spec)
{
    CheckSpec(spec);
    Dataset all = DrawLinearModel(spec);
    all.labels = all.labels.unaryExpr([](double v) { return v >= 0.0 ? 1.0 : -1.0; });
    return Split(spec, std::move(all));
}

} // namespace airgrad
