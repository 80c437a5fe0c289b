#include "core/rng.h"

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
Rng::Normal()
{
    if (m_hasSpare)
    {
        m_hasSpare = false;
        return m_spare;
    }
    double u1;
    do
    {
        u1 = Uniform01();
    } while (u1 <= 0.0);
    const double u2 = Uniform01();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * M_PI * u2;
    m_spare = r * std::sin(theta);
    m_hasSpare = true;
    return r * std::cos(theta);
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
