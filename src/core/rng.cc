#include "core/rng.h"

#include "core/thread-pool.h"

#include <algorithm>
#include <cmath>

namespace airgrad {

namespace {

uint64_t
SplitMix64(uint64_t& state)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

inline uint64_t
Rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/// The pair of standard normals from u1 in (0, 1) and u2 in [0, 1): one function, so that Normal
/// and FillNormal give the same bits.
inline void
BoxMuller(double u1, double u2, double& first, double& second)
{
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * M_PI * u2;
    second = r * std::sin(theta);
    first = r * std::cos(theta);
}

} // namespace

Rng::Rng(uint64_t seed)
{
    uint64_t state = seed;
    for (auto& s : m_s)
    {
        s = SplitMix64(state);
    }
}

Rng
Rng::Derive(uint64_t seed, uint64_t stream)
{
    uint64_t state = seed ^ (0xD1B54A32D192ED03ULL * (stream + 1));
    return Rng(SplitMix64(state));
}

uint64_t
Rng::NextU64()
{
    const uint64_t result = Rotl(m_s[1] * 5, 7) * 9;
    const uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = Rotl(m_s[3], 45);
    return result;
}

double
Rng::Uniform01()
{
    return static_cast<double>(NextU64() >> 11) * 0x1.0p-53;
}

uint64_t
Rng::UniformInt(uint64_t n)
{
    // Rejection of the top partial block keeps every value equally likely.
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
    {
        x = NextU64();
    } while (x >= limit);
    return x % n;
}

double
Rng::PositiveUniform01()
{
    double u;
    do
    {
        u = Uniform01();
    } while (u <= 0.0);
    return u;
}

double
Rng::Normal()
{
    if (m_hasSpare)
    {
        m_hasSpare = false;
        return m_spare;
    }
    const double u1 = PositiveUniform01();
    double value;
    BoxMuller(u1, Uniform01(), value, m_spare);
    m_hasSpare = true;
    return value;
}

void
Rng::FillNormal(double* out, size_t count, ThreadPool& pool)
{
    if (count > 0 && m_hasSpare)
    {
        *out++ = Normal();
        --count;
    }
    const size_t pairs = count / 2;
    for (size_t p = 0; p < pairs; ++p)
    {
        out[2 * p] = PositiveUniform01();
        out[2 * p + 1] = Uniform01();
    }
    constexpr size_t kPairsPerTask = 4096;
    pool.ParallelFor(static_cast<int>((pairs + kPairsPerTask - 1) / kPairsPerTask), [&](int task) {
        const size_t end = std::min(pairs, (static_cast<size_t>(task) + 1) * kPairsPerTask);
        for (size_t p = static_cast<size_t>(task) * kPairsPerTask; p < end; ++p)
        {
            BoxMuller(out[2 * p], out[2 * p + 1], out[2 * p], out[2 * p + 1]);
        }
    });
    if (count % 2 == 1)
    {
        out[count - 1] = Normal(); // draws the next pair and keeps its second value
    }
}

bool
Rng::Bernoulli(double p)
{
    return Uniform01() < p;
}

double
Rng::Gamma(double shape)
{
    if (shape < 1.0)
    {
        const double u = Uniform01();
        return Gamma(shape + 1.0) * std::pow(u > 0.0 ? u : 1e-300, 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;)
    {
        double x, v;
        do
        {
            x = Normal();
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        const double u = Uniform01();
        if (u < 1.0 - 0.0331 * x * x * x * x || std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v)))
        {
            return d * v;
        }
    }
}

} // namespace airgrad
