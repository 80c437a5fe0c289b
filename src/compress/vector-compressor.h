#ifndef AIRGRAD_COMPRESS_VECTOR_COMPRESSOR_H
#define AIRGRAD_COMPRESS_VECTOR_COMPRESSOR_H

#include "compress/compressors.h"

namespace airgrad {

/**
 * \brief One configured compression operator with its scratch buffers and random engine: what a
 * method applies to one vector per round. The choice of operator is made once, at construction;
 * the kernels inside are typed loops (no per-coordinate virtual calls).
 */
class VectorCompressor
{
  public:
    enum class Kind : uint8_t
    {
        kDense,
        kTopK,
        kRandK,
        kQuantize,
        kSign,
    };
    struct Options
    {
        Kind kind = Kind::kDense;
        Eigen::Index k = 1;          ///< Top-K, Rand-K
        bool unbiased = false;       ///< Rand-K: scale by d/K
        QuantNorm norm = QuantNorm::kL2;
        uint32_t levels = 1;
        Eigen::Index blockSize = 0;  ///< 0 = whole vector
        bool clip = false;           ///< quantize after clipping at 2.5 standard deviations
        ValueFormat format = ValueFormat::kFloat32;
    };

    VectorCompressor(const Options& options, Eigen::Index dim, uint64_t seed);
    /// Compresses `v` into `out`; `k` > 0 overrides the configured K, `k` = 0 keeps it.
    void Apply(const Eigen::Ref<const Eigen::VectorXd>& v, CompressedVector& out, Eigen::Index k = 0);
    /// Compresses to nothing (an empty sparse vector of dimension d).
    static void Empty(Eigen::Index dim, ValueFormat format, CompressedVector& out);
    bool Unbiased() const;
    /// omega of an unbiased operator (E||C(v) - v||^2 <= omega ||v||^2); 0 otherwise.
    double Omega() const;
    const Options& GetOptions() const { return m_options; }

  private:
    Options m_options;
    Eigen::Index m_dim;
    RandKCompressor m_randK;
    Rng m_rng;
    Eigen::VectorXd m_clipped;
};

} // namespace airgrad

#endif
