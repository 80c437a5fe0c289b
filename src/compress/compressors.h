#ifndef AIRGRAD_COMPRESS_COMPRESSORS_H
#define AIRGRAD_COMPRESS_COMPRESSORS_H

#include "codec/message.h"
#include "core/rng.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace airgrad {

/**
 * \name Stateless compression operators.
 * Each writes a CompressedVector whose values are already rounded to the wire format, so the
 * sender's Decoded() is the receiver's reconstruction bit for bit. Buffers in `out` are reused.
 * \{
 */

/// Top-K (biased, contractive): the K entries of largest magnitude.
void CompressTopK(const Eigen::Ref<const Eigen::VectorXd>& v,
                  Eigen::Index k,
                  ValueFormat format,
                  CompressedVector& out);

/**
 * \brief Rand-K: K coordinates drawn uniformly without replacement. With `unbiased` the values are
 * scaled by d/K (then E[C(v)] = v, omega = d/K - 1). O(K log K) per call: a persistent permutation
 * is partially shuffled (Fisher-Yates), so no O(d) work per call.
 */
class RandKCompressor
{
  public:
    explicit RandKCompressor(Eigen::Index dim);
    void Compress(const Eigen::Ref<const Eigen::VectorXd>& v,
                  Eigen::Index k,
                  bool unbiased,
                  Rng& rng,
                  ValueFormat format,
                  CompressedVector& out);

  private:
    std::vector<uint32_t> m_permutation;
};

/// Norm of a quantization block.
enum class QuantNorm : uint8_t
{
    kL2,
    kLinf,
};

/**
 * \brief Stochastic block quantization with s levels (QSGD, Alistarh et al. 2017; TernGrad,
 * Wen et al. 2017; DIANA's Quant_p, Mishchenko et al. 2019): per block of b entries,
 * entry j becomes norm * sign(v_j) * l_j / s with l_j = floor(r) + Bernoulli(r - floor(r)),
 * r = s |v_j| / norm. The norm is rounded *up* to the wire format, so r <= s and the operator is
 * unbiased with respect to the transmitted norm. `blockSize` 0 = the whole vector.
 */
void Quantize(const Eigen::Ref<const Eigen::VectorXd>& v,
              QuantNorm norm,
              uint32_t levels,
              Eigen::Index blockSize,
              Rng& rng,
              ValueFormat format,
              CompressedVector& out);

/**
 * \brief Variance factor omega of Quantize: E||C(v) - v||^2 <= omega ||v||^2 for every v.
 * l2: min(b/s^2, sqrt(b)/s, sqrt(b) - 1); l_inf: min(b/(4 s^2), (sqrt(b) - 1)/2); b the largest
 * block. (A finer grid never rounds with more variance, so the s = 1 bounds hold for every s.)
 */
double QuantizeOmega(QuantNorm norm, uint32_t levels, Eigen::Index blockSize, Eigen::Index dim);

/// Scaled sign (Karimireddy et al. 2019): (||v||_1 / d) sign(v), sign(0) = +1.
void CompressScaledSign(const Eigen::Ref<const Eigen::VectorXd>& v,
                        ValueFormat format,
                        CompressedVector& out);

/// Identity: the dense vector rounded to the wire format.
void CompressDense(const Eigen::Ref<const Eigen::VectorXd>& v, ValueFormat format, CompressedVector& out);

/**
 * \brief Keeps the entries whose mask flag is set (values rounded to format): the
 * threshold sparsifier of GD-SEC. `keep(j)` is called once per coordinate in increasing order.
 */
template <typename Keep>
void
CompressMasked(const Eigen::Ref<const Eigen::VectorXd>& v, ValueFormat format, Keep keep,
               CompressedVector& out)
{
    out.kind = CompressedVector::Kind::kSparse;
    out.format = format;
    out.dimension = v.size();
    out.indices.clear();
    if (out.values.size() < v.size())
    {
        out.values.resize(v.size());
    }
    for (Eigen::Index j = 0; j < v.size(); ++j)
    {
        if (keep(j))
        {
            out.values(static_cast<Eigen::Index>(out.indices.size())) = RoundToFormat(v(j), format);
            out.indices.push_back(static_cast<uint32_t>(j));
        }
    }
}

/** \} */

} // namespace airgrad

#endif
