#ifndef AIRGRAD_CORE_RNG_H
#define AIRGRAD_CORE_RNG_H

#include <cstddef>
#include <cstdint>

namespace airgrad {

class ThreadPool;

/**
 * \brief The project's one random engine: xoshiro256** seeded through splitmix64.
 *
 * The standard library's distributions differ between implementations, so uniform, normal and
 * Bernoulli draws are defined here: the same seed gives the same numbers on every platform.
 */
class Rng
{
  public:
    explicit Rng(uint64_t seed);

    /// A generator for a sub-stream (worker, purpose) that is independent of this one's draws.
    static Rng Derive(uint64_t seed, uint64_t stream);

    uint64_t NextU64();
    /// Uniform on [0, 1) with 53 random bits.
    double Uniform01();
    /// Uniform integer on [0, n), n > 0, without modulo bias.
    uint64_t UniformInt(uint64_t n);
    /// Standard normal (Box-Muller; the second value is cached).
    double Normal();
    /// The next `count` values of Normal(), in order. The uniforms are drawn in sequence and the
    /// Box-Muller transforms of whole pairs, which cost ten times the draws, run on `pool`.
    void FillNormal(double* out, size_t count, ThreadPool& pool);
    bool Bernoulli(double p);
    /// Gamma(shape, 1) by Marsaglia and Tsang (shape < 1 via Gamma(shape + 1) U^(1/shape)).
    double Gamma(double shape);

  private:
    /// Uniform on (0, 1): Uniform01 redrawn while 0.
    double PositiveUniform01();

    uint64_t m_s[4];
    bool m_hasSpare = false;
    double m_spare = 0.0;
};

} // namespace airgrad

#endif
