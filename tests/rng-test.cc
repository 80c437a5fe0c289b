#include "core/rng.h"
#include "core/thread-pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace airgrad {
namespace {

TEST(Rng, SameSeedSameStreamDifferentSeedDifferentStream)
{
    Rng a(7), b(7), c(8);
    bool differs = false;
    for (int i = 0; i < 100; ++i)
    {
        const uint64_t x = a.NextU64();
        EXPECT_EQ(x, b.NextU64());
        differs |= x != c.NextU64();
    }
    EXPECT_TRUE(differs);
}

TEST(Rng, GoldenFirstValuesPinTheGenerator)
{
    // Pins xoshiro256** seeded by splitmix64(0): results of every run depend on these bits.
    Rng rng(0);
    EXPECT_EQ(rng.NextU64(), 0x99EC5F36CB75F2B4ULL);
    EXPECT_EQ(rng.NextU64(), 0xBF6E1F784956452AULL);
}

TEST(Rng, UniformAndNormalMomentsMonteCarlo)
{
    Rng rng(12345);
    const int n = 200000;
    double su = 0, su2 = 0, sn = 0, sn2 = 0;
    for (int i = 0; i < n; ++i)
    {
        const double u = rng.Uniform01();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        su += u;
        su2 += u * u;
        const double z = rng.Normal();
        sn += z;
        sn2 += z * z;
    }
    // Five standard errors: a correct generator fails this with probability below 1e-6.
    EXPECT_NEAR(su / n, 0.5, 5 * std::sqrt(1.0 / 12 / n));
    EXPECT_NEAR(su2 / n - std::pow(su / n, 2), 1.0 / 12, 5 * 0.0745 / std::sqrt(n) * 0.5);
    EXPECT_NEAR(sn / n, 0.0, 5 / std::sqrt(n));
    EXPECT_NEAR(sn2 / n, 1.0, 5 * std::sqrt(2.0 / n));
}

TEST(Rng, FillNormalGivesTheValuesOfNormalInOrder)
{
    // Odd and even counts, with and without a spare left by the last call, across task boundaries.
    ThreadPool pool(2);
    Rng bulk(11), one(11);
    for (const size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{8192}, size_t{20001}, size_t{3}, size_t{10000}})
    {
        std::vector<double> values(count);
        bulk.FillNormal(values.data(), count, pool);
        for (size_t i = 0; i < count; ++i)
        {
            ASSERT_EQ(values[i], one.Normal()) << "value " << i << " of " << count;
        }
    }
    EXPECT_EQ(bulk.Normal(), one.Normal());
    EXPECT_EQ(bulk.NextU64(), one.NextU64());
}

TEST(Rng, UniformIntCoversRangeEvenly)
{
    Rng rng(3);
    std::vector<int> counts(7, 0);
    const int n = 70000;
    for (int i = 0; i < n; ++i)
    {
        const uint64_t v = rng.UniformInt(7);
        ASSERT_LT(v, 7U);
        ++counts[v];
    }
    for (int c : counts)
    {
        EXPECT_NEAR(c, n / 7.0, 5 * std::sqrt(n / 7.0));
    }
}

} // namespace
} // namespace airgrad
