#include "compress/compressors.h"

#include "compress/top-k-compressor.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace airgrad {

void
CompressTopK(const Eigen::Ref<const Eigen::VectorXd>& v,
             Eigen::Index k,
             ValueFormat format,
             CompressedVector& out)
{
    out.kind = CompressedVector::Kind::kSparse;
    out.format = format;
    out.dimension = v.size();
    TopKCompressor::Select(v, k, out.indices);
    if (out.values.size() < k)
    {
        out.values.resize(k);
    }
    for (size_t i = 0; i < out.indices.size(); ++i)
    {
        out.values(static_cast<Eigen::Index>(i)) = RoundToFormat(v(out.indices[i]), format);
    }
}

RandKCompressor::RandKCompressor(Eigen::Index dim)
    : m_permutation(static_cast<size_t>(dim))
{
    for (size_t j = 0; j < m_permutation.size(); ++j)
    {
        m_permutation[j] = static_cast<uint32_t>(j);
    }
}

void
RandKCompressor::Compress(const Eigen::Ref<const Eigen::VectorXd>& v,
                          Eigen::Index k,
                          bool unbiased,
                          Rng& rng,
                          ValueFormat format,
                          CompressedVector& out)
{
    const auto d = static_cast<size_t>(v.size());
    if (d != m_permutation.size() || k < 1 || static_cast<size_t>(k) > d)
    {
        throw std::invalid_argument("Rand-K: K must be in [1, d] for the dimension it was built for");
    }
    // The first k entries of a uniformly shuffled prefix are a uniform k-subset; the permutation
    // stays a permutation, so nothing is reset between calls.
    for (size_t i = 0; i < static_cast<size_t>(k); ++i)
    {
        const size_t j = i + static_cast<size_t>(rng.UniformInt(d - i));
        std::swap(m_permutation[i], m_permutation[j]);
    }
    out.kind = CompressedVector::Kind::kSparse;
    out.format = format;
    out.dimension = v.size();
    out.indices.assign(m_permutation.begin(), m_permutation.begin() + k);
    std::sort(out.indices.begin(), out.indices.end());
    if (out.values.size() < k)
    {
        out.values.resize(k);
    }
    const double factor = unbiased ? static_cast<double>(d) / static_cast<double>(k) : 1.0;
    for (size_t i = 0; i < out.indices.size(); ++i)
    {
        out.values(static_cast<Eigen::Index>(i)) = RoundToFormat(factor * v(out.indices[i]), format);
    }
}

void
Quantize(const Eigen::Ref<const Eigen::VectorXd>& v,
         QuantNorm norm,
         uint32_t levels,
         Eigen::Index blockSize,
         Rng& rng,
         ValueFormat format,
         CompressedVector& out)
{
    if (levels < 1 || levels > kMaxLevels)
    {
        throw std::invalid_argument("quantization levels must be in [1, 32767]");
    }
    const Eigen::Index d = v.size();
    const Eigen::Index b = blockSize <= 0 || blockSize > d ? std::max<Eigen::Index>(d, 1) : blockSize;
    const Eigen::Index blocks = (d + b - 1) / b;
    out.kind = CompressedVector::Kind::kQuantized;
    out.format = format;
    out.dimension = d;
    out.quantLevels = levels;
    out.blockSize = static_cast<uint32_t>(b);
    out.norms.resize(blocks);
    out.levels.resize(static_cast<size_t>(d));
    const double s = levels;
    for (Eigen::Index k = 0; k < blocks; ++k)
    {
        const Eigen::Index start = k * b;
        const Eigen::Index len = std::min(b, d - start);
        const auto block = v.segment(start, len);
        const double exact = norm == QuantNorm::kL2 ? block.norm() : block.cwiseAbs().maxCoeff();
        const double sent = RoundUpToFormat(exact, format);
        out.norms(k) = sent;
        for (Eigen::Index j = start; j < start + len; ++j)
        {
            int level = 0;
            if (sent > 0.0 && v(j) != 0.0)
            {
                const double r = std::min(s, s * std::abs(v(j)) / sent);
                const double floor = std::floor(r);
                level = static_cast<int>(floor) + (rng.Bernoulli(r - floor) ? 1 : 0);
                level = v(j) < 0 ? -level : level;
            }
            out.levels[static_cast<size_t>(j)] = static_cast<int16_t>(level);
        }
    }
}

double
QuantizeOmega(QuantNorm norm, uint32_t levels, Eigen::Index blockSize, Eigen::Index dim)
{
    const double b = static_cast<double>(blockSize <= 0 || blockSize > dim ? dim : blockSize);
    const double s = levels;
    const double rootB = std::sqrt(b);
    if (norm == QuantNorm::kL2)
    {
        return std::min({b / (s * s), rootB / s, rootB - 1.0});
    }
    return std::min(b / (4.0 * s * s), (rootB - 1.0) / 2.0);
}

void
CompressScaledSign(const Eigen::Ref<const Eigen::VectorXd>& v, ValueFormat format, CompressedVector& out)
{
    out.kind = CompressedVector::Kind::kSign;
    out.format = format;
    out.dimension = v.size();
    out.scale = RoundToFormat(v.lpNorm<1>() / static_cast<double>(v.size()), format);
    out.levels.resize(static_cast<size_t>(v.size()));
    for (Eigen::Index j = 0; j < v.size(); ++j)
    {
        out.levels[static_cast<size_t>(j)] = v(j) < 0 ? -1 : 1;
    }
}

void
CompressDense(const Eigen::Ref<const Eigen::VectorXd>& v, ValueFormat format, CompressedVector& out)
{
    out.kind = CompressedVector::Kind::kDense;
    out.format = format;
    out.dimension = v.size();
    if (out.values.size() < v.size())
    {
        out.values.resize(v.size());
    }
    for (Eigen::Index j = 0; j < v.size(); ++j)
    {
        out.values(j) = RoundToFormat(v(j), format);
    }
}

} // namespace airgrad
