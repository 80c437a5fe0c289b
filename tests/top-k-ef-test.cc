#include "test-util.h"

#include "compress/top-k-compressor.h"
#include "core/rng.h"
#include "method/method-factory.h"
#include "method/compressed-gradient-method.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

namespace airgrad {
namespace {

TEST(TopK, SelectsTheLargestMagnitudesAgainstAFullSort)
{
    const Eigen::VectorXd v = RandomVector(500, 1);
    std::vector<uint32_t> order(500);
    std::iota(order.begin(), order.end(), 0U);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return std::abs(v(a)) > std::abs(v(b)); });
    std::vector<uint32_t> expected(order.begin(), order.begin() + 37);
    std::sort(expected.begin(), expected.end());
    std::vector<uint32_t> got;
    TopKCompressor::Select(v, 37, got);
    EXPECT_EQ(got, expected);
}

TEST(TopK, TiesGoToTheSmallerIndex)
{
    std::vector<uint32_t> got;
    TopKCompressor::Select(Eigen::Vector4d(1.0, -2.0, 2.0, 1.0), 2, got);
    EXPECT_EQ(got, (std::vector<uint32_t>{1, 2}));
    TopKCompressor::Select(Eigen::Vector4d(1.0, 1.0, 1.0, 1.0), 3, got);
    EXPECT_EQ(got, (std::vector<uint32_t>{0, 1, 2}));
}

/// Decodes a sparse message into a dense vector.
Eigen::VectorXd
Densify(const std::vector<uint8_t>& bytes, Eigen::Index d)
{
    std::vector<uint32_t> idx;
    Eigen::VectorXd vals;
    DecodeSparse(bytes.data(), bytes.size(), idx, vals);
    Eigen::VectorXd out = Eigen::VectorXd::Zero(d);
    for (size_t i = 0; i < idx.size(); ++i)
    {
        out(idx[i]) = vals(static_cast<Eigen::Index>(i));
    }
    return out;
}

/// A Top-K-EF worker codec as the factory builds it.
CompressedGradientWorkerCodec
TopKEf(Eigen::Index d, Eigen::Index k)
{
    VectorCompressor::Options o;
    o.kind = VectorCompressor::Kind::kTopK;
    o.k = k;
    return CompressedGradientWorkerCodec(o, true, nullptr, IndexCoding::kFixed, d, 1);
}

TEST(TopKEf, MemoryHoldsExactlyWhatWasNotSent)
{
    const Eigen::Index d = 200;
    CompressedGradientWorkerCodec codec = TopKEf(d, 5);
    MessageHeader h;
    std::vector<uint8_t> bytes;
    Eigen::VectorXd expectedMemory = Eigen::VectorXd::Zero(d);
    for (int round = 1; round <= 20; ++round)
    {
        const Eigen::VectorXd g = RandomVector(d, 100 + round);
        h.round = static_cast<uint32_t>(round);
        codec.Encode(g, g, h, bytes);
        codec.Resolve(true);
        const Eigen::VectorXd sent = Densify(bytes, d);
        EXPECT_EQ((sent.array() != 0).count(), 5);
        // e_new = (g + e_old) - sent, exactly, with sent as the server decodes it.
        expectedMemory = (g + expectedMemory) - sent;
        ASSERT_EQ(codec.Memory(), expectedMemory) << "round " << round;
    }
}

TEST(TopKEf, AnUpdateNotAppliedReturnsWholeToTheMemory)
{
    // Top-K and unscaled Rand-K restore u as e + c (no copy of u); the sign compressor keeps one.
    // Either way bit for bit, in every value format, also for values far below the format's range.
    using K = VectorCompressor::Kind;
    const Eigen::Index d = 50;
    for (K kind : {K::kTopK, K::kRandK, K::kSign})
    {
        for (ValueFormat format : {ValueFormat::kFloat16, ValueFormat::kFloat32, ValueFormat::kFloat64})
        {
            VectorCompressor::Options o;
            o.kind = kind;
            o.k = 3;
            o.unbiased = false;
            o.format = format;
            CompressedGradientWorkerCodec codec(o, true, nullptr, IndexCoding::kFixed, d, 1);
            MessageHeader h;
            std::vector<uint8_t> bytes;
            Eigen::VectorXd g1 = RandomVector(d, 1), g2 = RandomVector(d, 2);
            g1.head(10) *= 1e-9; // around and below float16's subnormals
            g2.head(10) *= 1e-9;
            codec.Encode(g1, g1, h, bytes);
            codec.Resolve(true);
            const Eigen::VectorXd memoryBefore = codec.Memory();
            codec.Encode(g2, g2, h, bytes);
            codec.Resolve(false);
            EXPECT_EQ(codec.Memory(), memoryBefore + g2) << static_cast<int>(kind) << " " << static_cast<int>(format);
        }
    }
}

TEST(TopKEf, ResolveK)
{
    MethodSpec s;
    s.name = "topk-ef";
    s.kFraction = 0.01;
    EXPECT_EQ(ResolveK(s, 1000), 10);
    EXPECT_EQ(ResolveK(s, 1001), 11);
    EXPECT_EQ(ResolveK(s, 10), 1);
    s.k = 7;
    EXPECT_EQ(ResolveK(s, 1000), 7);
    s.k = 2000;
    EXPECT_THROW(ResolveK(s, 1000), std::invalid_argument);
}

TEST(MethodFactory, UnknownNameNamesTheKeyAndTheAllowedNames)
{
    try
    {
        CheckMethodName("sgd");
        FAIL();
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("method.name"), std::string::npos);
        EXPECT_NE(what.find("'sgd'"), std::string::npos);
        EXPECT_NE(what.find("gd, topk, topk-ef"), std::string::npos);
    }
}

} // namespace
} // namespace airgrad
