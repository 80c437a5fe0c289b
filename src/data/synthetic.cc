#include "data/synthetic.h"

#include "core/rng.h"

#include <cmath>
#include <stdexcept>

namespace airgrad {

Dataset
Subset(const Dataset& data, const std::vector<Eigen::Index>& rows)
{
    Dataset out;
    out.features.resize(static_cast<Eigen::Index>(rows.size()), data.Features());
    out.labels.resize(static_cast<Eigen::Index>(rows.size()));
    for (size_t i = 0; i < rows.size(); ++i)
    {
        out.features.row(static_cast<Eigen::Index>(i)) = data.features.row(rows[i]);
        out.labels(static_cast<Eigen::Index>(i)) = data.labels(rows[i]);
    }
    return out;
}

void
Gather(const Dataset& data, const std::vector<Eigen::Index>& rows, Dataset& out)
{
    const auto n = static_cast<Eigen::Index>(rows.size());
    if (out.features.rows() != n || out.features.cols() != data.Features())
    {
        out.features.resize(n, data.Features());
        out.labels.resize(n);
    }
    for (Eigen::Index i = 0; i < n; ++i)
    {
        out.features.row(i) = data.features.row(rows[static_cast<size_t>(i)]);
        out.labels(i) = data.labels(rows[static_cast<size_t>(i)]);
    }
}

namespace {

void
CheckSpec(const SyntheticSpec& spec)
{
    if (spec.samples < 1 || spec.features < 1 || spec.testSamples < 0 || spec.noise < 0 ||
        !(spec.conditionNumber >= 1.0))
    {
        throw std::invalid_argument("synthetic data: need samples >= 1, features >= 1, "
                                    "test samples >= 0, noise >= 0, condition number >= 1");
    }
}

/// Features and the clean linear response, drawn in one fixed order so every seed is reproducible.
void
DrawLinearModel(const SyntheticSpec& spec, Eigen::MatrixXd& a, Eigen::VectorXd& response)
{
    Rng rng = Rng::Derive(spec.seed, 0xDA7A);
    const Eigen::Index n = spec.samples + spec.testSamples;
    const Eigen::Index d = spec.features;
    Eigen::VectorXd scale(d);
    for (Eigen::Index j = 0; j < d; ++j)
    {
        const double t = d > 1 ? static_cast<double>(j) / static_cast<double>(d - 1) : 0.0;
        scale(j) = std::pow(spec.conditionNumber, -0.5 * t); // variance 1 .. 1/condition
    }
    Eigen::VectorXd w(d);
    for (Eigen::Index j = 0; j < d; ++j)
    {
        w(j) = rng.Normal();
    }
    a.resize(n, d);
    for (Eigen::Index i = 0; i < n; ++i)
    {
        for (Eigen::Index j = 0; j < d; ++j)
        {
            a(i, j) = rng.Normal() * scale(j);
        }
    }
    // Normalise so that the response has unit scale whatever d is.
    response = a * w / std::sqrt(static_cast<double>(d));
    for (Eigen::Index i = 0; i < n; ++i)
    {
        response(i) += spec.noise * rng.Normal();
    }
}

SyntheticData
Split(const SyntheticSpec& spec, const Eigen::MatrixXd& a, const Eigen::VectorXd& y)
{
    SyntheticData out;
    out.train.features = a.topRows(spec.samples);
    out.train.labels = y.head(spec.samples);
    out.test.features = a.bottomRows(spec.testSamples);
    out.test.labels = y.tail(spec.testSamples);
    return out;
}

} // namespace

SyntheticData
MakeRegressionData(const SyntheticSpec& spec)
{
    CheckSpec(spec);
    Eigen::MatrixXd a;
    Eigen::VectorXd y;
    DrawLinearModel(spec, a, y);
    return Split(spec, a, y);
}

SyntheticData
MakeBinaryData(const SyntheticSpec& spec)
{
    CheckSpec(spec);
    Eigen::MatrixXd a;
    Eigen::VectorXd y;
    DrawLinearModel(spec, a, y);
    y = y.unaryExpr([](double v) { return v >= 0.0 ? 1.0 : -1.0; });
    return Split(spec, a, y);
}

} // namespace airgrad
