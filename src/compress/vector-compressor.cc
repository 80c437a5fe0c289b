#include "compress/vector-compressor.h"

#include <cmath>

namespace airgrad {

VectorCompressor::VectorCompressor(const Options& options, Eigen::Index dim, uint64_t seed)
    : m_options(options),
      m_dim(dim),
      m_randK(options.kind == Kind::kRandK ? dim : 0),
      m_rng(seed)
{
    if (options.clip)
    {
        m_clipped.resize(dim);
    }
}

void
VectorCompressor::Empty(Eigen::Index dim, ValueFormat format, CompressedVector& out)
{
    out.kind = CompressedVector::Kind::kSparse;
    out.format = format;
    out.dimension = dim;
    out.indices.clear();
}

void
VectorCompressor::Apply(const Eigen::Ref<const Eigen::VectorXd>& v, CompressedVector& out, Eigen::Index k)
{
    const ValueFormat f = m_options.format;
    const Eigen::Index kk = k > 0 ? k : m_options.k;
    switch (m_options.kind)
    {
    case Kind::kDense:
        CompressDense(v, f, out);
        return;
    case Kind::kTopK:
        CompressTopK(v, kk, f, out);
        return;
    case Kind::kRandK:
        m_randK.Compress(v, kk, m_options.unbiased, m_rng, f, out);
        return;
    case Kind::kSign:
        CompressScaledSign(v, f, out);
        return;
    case Kind::kQuantize:
        break;
    }
    if (m_options.clip)
    {
        // TernGrad's gradient clipping: |v_j| <= 2.5 sigma, sigma the standard deviation of v.
        const double mean = v.mean();
        const double sigma = std::sqrt(std::max(0.0, v.squaredNorm() / v.size() - mean * mean));
        m_clipped = v.cwiseMax(-2.5 * sigma).cwiseMin(2.5 * sigma);
        Quantize(m_clipped, m_options.norm, m_options.levels, m_options.blockSize, m_rng, f, out);
        return;
    }
    Quantize(v, m_options.norm, m_options.levels, m_options.blockSize, m_rng, f, out);
}

bool
VectorCompressor::Unbiased() const
{
    return m_options.kind == Kind::kDense ||
           (m_options.kind == Kind::kRandK && m_options.unbiased) ||
           (m_options.kind == Kind::kQuantize && !m_options.clip);
}

double
VectorCompressor::Omega() const
{
    if (m_options.kind == Kind::kRandK && m_options.unbiased)
    {
        return static_cast<double>(m_dim) / static_cast<double>(m_options.k) - 1.0;
    }
    if (m_options.kind == Kind::kQuantize && !m_options.clip)
    {
        return QuantizeOmega(m_options.norm, m_options.levels, m_options.blockSize, m_dim);
    }
    return 0.0;
}

} // namespace airgrad
