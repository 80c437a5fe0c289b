#include "test-util.h"

#include "codec/bit-stream.h"
#include "codec/message.h"
#include "core/rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

namespace airgrad {
namespace {

// Golden vectors written from the layout in codec/message.h (CRC-32 by zlib) by
// tests/golden_messages.py, not from this code.
const std::vector<uint8_t> kGoldenDense = {0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0xC7, 0x94, 0x9A, 0x4C, 0x3F, 0x80, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00};
const std::vector<uint8_t> kGoldenDenseHalf = {0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0xDD, 0x18, 0xD8, 0xE6, 0x3C, 0x00, 0xC0, 0x00, 0x2E, 0x66, 0x00, 0x01};
const std::vector<uint8_t> kGoldenSparse = {0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x00, 0x02, 0x6D, 0x68, 0xCA, 0x8E, 0x00, 0xFE, 0x70, 0x3F, 0x00, 0x00, 0x00, 0xBF, 0x80, 0x00, 0x00};
const std::vector<uint8_t> kGoldenSparseBitmap = {0x01, 0x02, 0x02, 0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x02, 0x8A, 0x6E, 0xDC, 0xC8, 0x80, 0x40, 0x38, 0x00, 0xBC, 0x00};
const std::vector<uint8_t> kGoldenSparseFixed32 = {0x01, 0x02, 0x00, 0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x00, 0x02, 0x1C, 0xD8, 0x74, 0x27, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0xE7, 0x3F, 0x00, 0x00, 0x00, 0xBF, 0x80, 0x00, 0x00};
const std::vector<uint8_t> kGoldenSparseGamma = {0x01, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x00, 0x03, 0x11, 0x78, 0xB4, 0x7B, 0x24, 0x01, 0xF1, 0x80, 0x3F, 0x80, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x40, 0x40, 0x00, 0x00};
const std::vector<uint8_t> kGoldenQuantizedDense = {0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x02, 0x09, 0xFB, 0x2F, 0xDC, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x40, 0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x00, 0x92, 0x80};
const std::vector<uint8_t> kGoldenQuantizedSparse = {0x01, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x00, 0x01, 0x95, 0xA1, 0xB3, 0x16, 0x00, 0x04, 0x00, 0x00, 0x03, 0xE8, 0x40, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x9F, 0x47, 0x40};
const std::vector<uint8_t> kGoldenModel = {0x01, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x68, 0x26, 0x06, 0x19, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x3F, 0xD0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
const std::vector<uint8_t> kGoldenSign = {0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0A, 0x14, 0x44, 0x36, 0x75, 0x3E, 0x80, 0x00, 0x00, 0x4C, 0x40};
const std::vector<uint8_t> kGoldenPredicted = {0x01, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x00, 0x02, 0x3B, 0x86, 0x9D, 0x94, 0x3F, 0x00, 0x00, 0x00, 0xBE, 0x80, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x00, 0x02, 0x6D, 0x68, 0xCA, 0x8E, 0x00, 0xFE, 0x70, 0x3F, 0x00, 0x00, 0x00, 0xBF, 0x80, 0x00, 0x00};
const std::vector<uint8_t> kGoldenModelDelta = {0x01, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x02, 0x61, 0x1D, 0x44, 0xFE, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0A, 0x14, 0x44, 0x36, 0x75, 0x3E, 0x80, 0x00, 0x00, 0x4C, 0x40};
const std::vector<uint8_t> kGoldenModelSelected = {0x01, 0x03, 0x01, 0x01, 0x00, 0x00, 0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x52, 0x1E, 0xD8, 0x2C, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xA0, 0x3F, 0xD0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
const std::vector<uint8_t> kGoldenModelDeltaSelected = {0x01, 0x07, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x02, 0x2C, 0xE0, 0xD0, 0xF2, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0A, 0x14, 0x44, 0x36, 0x75, 0x3E, 0x80, 0x00, 0x00, 0x4C, 0x40};

TEST(BitStream, RoundTripsFieldsOfEveryWidth)
{
    Rng rng(9);
    std::vector<std::pair<uint64_t, int>> fields;
    std::vector<uint8_t> bytes;
    BitWriter w(bytes);
    for (int i = 0; i < 2000; ++i)
    {
        const int bits = static_cast<int>(rng.UniformInt(65));
        const uint64_t value = bits == 64 ? rng.NextU64() : rng.NextU64() & ((1ULL << bits) - 1);
        fields.emplace_back(value, bits);
        w.Write(value, bits);
    }
    w.Flush();
    BitReader r(bytes.data(), bytes.size());
    for (const auto& [value, bits] : fields)
    {
        ASSERT_EQ(r.Read(bits), value);
    }
    EXPECT_LT(bytes.size() * 8 - r.BitPosition(), 8U);
    EXPECT_THROW(r.Read(9), std::runtime_error);
}

TEST(Message, IndexBitsIsCeilLog2)
{
    EXPECT_EQ(IndexBits(1), 1);
    EXPECT_EQ(IndexBits(2), 1);
    EXPECT_EQ(IndexBits(3), 2);
    EXPECT_EQ(IndexBits(1000), 10);
    EXPECT_EQ(IndexBits(1024), 10);
    EXPECT_EQ(IndexBits(1025), 11);
}

TEST(Message, DenseGoldenBytesAndRoundTrip)
{
    MessageHeader h;
    h.round = 3;
    h.sender = 1;
    std::vector<uint8_t> out;
    EncodeDense(h, Eigen::Vector2d(1.0, -2.0), out);
    EXPECT_EQ(out, kGoldenDense);
    Eigen::VectorXd back(2);
    DecodeDense(out.data(), out.size(), back);
    EXPECT_EQ(back, Eigen::Vector2d(1.0, -2.0));
    const MessageHeader r = ReadHeader(out.data(), out.size());
    EXPECT_EQ(r.round, 3U);
    EXPECT_EQ(r.sender, 1U);
    EXPECT_EQ(r.type, MessageType::kDense);
}

TEST(Message, SparseGoldenBytesAndRoundTrip)
{
    MessageHeader h;
    h.round = 7;
    h.sender = 4;
    h.dimension = 1000;
    std::vector<uint8_t> out;
    EncodeSparse(h, {3, 999}, Eigen::Vector2d(0.5, -1.0), out);
    EXPECT_EQ(out, kGoldenSparse);
    std::vector<uint32_t> indices;
    Eigen::VectorXd values;
    DecodeSparse(out.data(), out.size(), indices, values);
    EXPECT_EQ(indices, (std::vector<uint32_t>{3, 999}));
    EXPECT_EQ(values.head(2), Eigen::Vector2d(0.5, -1.0));
}

TEST(Message, ModelGoldenBytesAndRoundTrip)
{
    MessageHeader h;
    h.round = 2;
    h.sender = kServerSender;
    h.format = ValueFormat::kFloat64;
    std::vector<uint8_t> out;
    Roster roster;
    roster.lastApplied = {1, 0, 1};
    EncodeModel(h, roster, Eigen::VectorXd::Constant(1, 0.25), out);
    EXPECT_EQ(out, kGoldenModel);
    Roster back;
    back.selected = {1}; // stale: the message carries no selection
    Eigen::VectorXd model(1);
    DecodeModel(out.data(), out.size(), back, model);
    EXPECT_EQ(back.lastApplied, roster.lastApplied);
    EXPECT_TRUE(back.selected.empty());
    EXPECT_TRUE(back.Selects(1));
    EXPECT_EQ(model(0), 0.25);

    // Client selection: one bit per worker after the rounds (flags bit 0).
    roster.selected = {1, 0, 1};
    EncodeModel(h, roster, Eigen::VectorXd::Constant(1, 0.25), out);
    EXPECT_EQ(out, kGoldenModelSelected);
    DecodeModel(out.data(), out.size(), back, model);
    EXPECT_EQ(back.lastApplied, roster.lastApplied);
    EXPECT_EQ(back.selected, roster.selected);
    EXPECT_FALSE(back.Selects(1));
    EXPECT_TRUE(back.Selects(2));
    EXPECT_EQ(model(0), 0.25);
    roster.selected = {1, 0};
    EXPECT_THROW(EncodeModel(h, roster, model, out), std::invalid_argument);
}

TEST(Message, HalfGoldenBytesAndRoundTrip)
{
    MessageHeader h;
    h.round = 3;
    h.sender = 1;
    h.format = ValueFormat::kFloat16;
    std::vector<uint8_t> out;
    const Eigen::Vector4d v(1.0, -2.0, 0.1, 6e-8);
    EncodeDense(h, v, out);
    EXPECT_EQ(out, kGoldenDenseHalf);
    Eigen::VectorXd back(4);
    DecodeDense(out.data(), out.size(), back);
    for (int j = 0; j < 4; ++j)
    {
        EXPECT_EQ(back(j), RoundToFormat(v(j), ValueFormat::kFloat16));
    }
    EXPECT_EQ(back(3), std::ldexp(1.0, -24)); // the smallest subnormal half
}

TEST(Message, HalfConversionRoundsToNearestEvenAgainstBruteForce)
{
    // Every finite half, in increasing order of value (non-negative ones).
    std::vector<double> halves;
    for (uint32_t u = 0; u < 0x7C00U; ++u)
    {
        halves.push_back(HalfToFloat(static_cast<uint16_t>(u)));
        ASSERT_EQ(FloatToHalf(HalfToFloat(static_cast<uint16_t>(u))), u); // exact values map back
    }
    Rng rng(3);
    for (int trial = 0; trial < 20000; ++trial)
    {
        const auto f = static_cast<float>(std::ldexp(rng.Uniform01(), static_cast<int>(rng.UniformInt(44)) - 28));
        const uint16_t got = FloatToHalf(f);
        const auto it = std::lower_bound(halves.begin(), halves.end(), static_cast<double>(f));
        uint16_t want;
        if (it == halves.end())
        {
            // Above the largest half: overflow to infinity past the rounding midpoint 65520.
            want = f >= 65520.0F ? 0x7C00U : 0x7BFFU;
        }
        else if (*it == f || it == halves.begin())
        {
            want = static_cast<uint16_t>(it - halves.begin());
        }
        else
        {
            const auto hi = static_cast<uint16_t>(it - halves.begin());
            const auto lo = static_cast<uint16_t>(hi - 1);
            const double dLo = f - halves[lo], dHi = halves[hi] - f;
            want = dLo < dHi ? lo : dHi < dLo ? hi : ((lo & 1U) ? hi : lo);
        }
        ASSERT_EQ(got, want) << "f = " << f;
        ASSERT_EQ(FloatToHalf(-f), want | 0x8000U);
    }
}

TEST(Message, SparseIndexCodingsGoldenBytes)
{
    MessageHeader h;
    h.round = 7;
    h.sender = 4;
    h.dimension = 10;
    h.format = ValueFormat::kFloat16;
    std::vector<uint8_t> out;
    EncodeSparse(h, {0, 9}, Eigen::Vector2d(0.5, -1.0), out, IndexCoding::kBitmap);
    EXPECT_EQ(out, kGoldenSparseBitmap);
    h.dimension = 1000;
    h.format = ValueFormat::kFloat32;
    EncodeSparse(h, {3, 4, 999}, Eigen::Vector3d(1.0, 2.0, 3.0), out, IndexCoding::kGamma);
    EXPECT_EQ(out, kGoldenSparseGamma);
    EncodeSparse(h, {3, 999}, Eigen::Vector2d(0.5, -1.0), out, IndexCoding::kFixed32);
    EXPECT_EQ(out, kGoldenSparseFixed32);
    std::vector<uint32_t> indices;
    Eigen::VectorXd values;
    DecodeSparse(kGoldenSparseBitmap.data(), kGoldenSparseBitmap.size(), indices, values);
    EXPECT_EQ(indices, (std::vector<uint32_t>{0, 9}));
    EXPECT_EQ(values.head(2), Eigen::Vector2d(0.5, -1.0));
    DecodeSparse(kGoldenSparseGamma.data(), kGoldenSparseGamma.size(), indices, values);
    EXPECT_EQ(indices, (std::vector<uint32_t>{3, 4, 999}));
    EXPECT_EQ(values.head(3), Eigen::Vector3d(1.0, 2.0, 3.0));
}

TEST(Message, BestIndexCodingIsTheShortestOfTheThree)
{
    Rng rng(5);
    for (int trial = 0; trial < 200; ++trial)
    {
        const auto d = static_cast<uint32_t>(1 + rng.UniformInt(5000));
        const double density = std::pow(10.0, -3.0 * rng.Uniform01());
        std::vector<uint32_t> idx;
        for (uint32_t j = 0; j < d; ++j)
        {
            if (rng.Bernoulli(density))
            {
                idx.push_back(j);
            }
        }
        const Eigen::VectorXd vals = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(idx.size()));
        MessageHeader h;
        h.dimension = d;
        std::vector<uint8_t> fixed, bitmap, gamma, best;
        EncodeSparse(h, idx, vals, fixed, IndexCoding::kFixed);
        EncodeSparse(h, idx, vals, bitmap, IndexCoding::kBitmap);
        EncodeSparse(h, idx, vals, gamma, IndexCoding::kGamma);
        EncodeSparse(h, idx, vals, best, IndexCoding::kBest);
        EXPECT_LE(best.size(), std::min({fixed.size(), bitmap.size(), gamma.size()}));
        for (const auto* m : {&fixed, &bitmap, &gamma, &best})
        {
            std::vector<uint32_t> back;
            Eigen::VectorXd backVals;
            DecodeSparse(m->data(), m->size(), back, backVals);
            ASSERT_EQ(back, idx);
        }
    }
}

TEST(Message, QuantizedGoldenBytesInBothLayouts)
{
    CompressedVector q;
    q.kind = CompressedVector::Kind::kQuantized;
    q.dimension = 5;
    q.quantLevels = 1;
    q.blockSize = 3;
    q.norms = Eigen::Vector2d(2.0, 0.5);
    q.levels = {1, 0, -1, 1, 1};
    MessageHeader h;
    h.round = 5;
    h.sender = 2;
    std::vector<uint8_t> out;
    EncodeCompressed(h, q, out);
    EXPECT_EQ(out, kGoldenQuantizedDense);
    CompressedVector back;
    DecodeCompressed(out.data(), out.size(), 5, back);
    Eigen::VectorXd dense(5);
    back.Decoded(dense);
    EXPECT_EQ(dense, (Eigen::VectorXd(5) << 2.0, 0.0, -2.0, 0.5, 0.5).finished());

    q.dimension = 1000;
    q.quantLevels = 4;
    q.blockSize = 1000;
    q.norms = Eigen::VectorXd::Constant(1, 3.0);
    q.levels.assign(1000, 0);
    q.levels[10] = 4;
    q.levels[500] = -2;
    EncodeCompressed(h, q, out);
    EXPECT_EQ(out, kGoldenQuantizedSparse);
    DecodeCompressed(out.data(), out.size(), q.dimension, back);
    EXPECT_EQ(back.levels, q.levels);
    EXPECT_EQ(back.norms(0), 3.0);
}

TEST(Message, SignPredictedAndModelDeltaGoldenBytes)
{
    CompressedVector s;
    s.kind = CompressedVector::Kind::kSign;
    s.dimension = 10;
    s.scale = 0.25;
    s.levels = {1, -1, 1, 1, -1, -1, 1, 1, 1, -1};
    MessageHeader h;
    h.round = 6;
    h.sender = 3;
    std::vector<uint8_t> sign;
    EncodeCompressed(h, s, sign);
    EXPECT_EQ(sign, kGoldenSign);
    CompressedVector back;
    DecodeCompressed(sign.data(), sign.size(), s.dimension, back);
    EXPECT_EQ(back.levels, s.levels);
    EXPECT_EQ(back.scale, 0.25);
    EXPECT_THROW(DecodeCompressed(sign.data(), sign.size(), 11, back), std::runtime_error) << "another dimension";

    h.round = 7;
    h.sender = 4;
    h.dimension = 1000;
    std::vector<uint8_t> predicted;
    EncodePredicted(h, Eigen::Vector2d(0.5, -0.25), kGoldenSparse, predicted);
    EXPECT_EQ(predicted, kGoldenPredicted);
    Eigen::VectorXd coefficients;
    const uint8_t* inner = nullptr;
    size_t innerSize = 0;
    DecodePredicted(predicted.data(), predicted.size(), coefficients, inner, innerSize);
    EXPECT_EQ(coefficients, Eigen::Vector2d(0.5, -0.25));
    EXPECT_EQ(std::vector<uint8_t>(inner, inner + innerSize), kGoldenSparse);

    h.round = 2;
    h.sender = kServerSender;
    h.dimension = 10;
    std::vector<uint8_t> delta;
    Roster roster;
    roster.lastApplied = {1, 0};
    EncodeModelDelta(h, roster, kGoldenSign, delta);
    EXPECT_EQ(delta, kGoldenModelDelta);
    Roster decoded;
    DecodeModelDelta(delta.data(), delta.size(), decoded, inner, innerSize);
    EXPECT_EQ(decoded.lastApplied, roster.lastApplied);
    EXPECT_TRUE(decoded.selected.empty());
    EXPECT_EQ(std::vector<uint8_t>(inner, inner + innerSize), kGoldenSign);
    roster.selected = {0, 1};
    EncodeModelDelta(h, roster, kGoldenSign, delta);
    EXPECT_EQ(delta, kGoldenModelDeltaSelected);
    DecodeModelDelta(delta.data(), delta.size(), decoded, inner, innerSize);
    EXPECT_EQ(decoded.selected, roster.selected);
    EXPECT_EQ(std::vector<uint8_t>(inner, inner + innerSize), kGoldenSign);
}

TEST(Message, RandomRoundTripsAreExactInTheirFormat)
{
    Rng rng(4);
    for (int trial = 0; trial < 50; ++trial)
    {
        const auto d = static_cast<Eigen::Index>(1 + rng.UniformInt(3000));
        Eigen::VectorXd v(d);
        for (Eigen::Index j = 0; j < d; ++j)
        {
            v(j) = rng.Normal() * 1e2;
        }
        for (ValueFormat f : {ValueFormat::kFloat32, ValueFormat::kFloat64, ValueFormat::kFloat16})
        {
            MessageHeader h;
            h.format = f;
            h.dimension = static_cast<uint32_t>(d);
            std::vector<uint8_t> out;
            EncodeDense(h, v, out);
            EXPECT_EQ(out.size(), kMessageHeaderBytes + static_cast<size_t>(d) * ValueBits(f) / 8);
            Eigen::VectorXd back(d);
            DecodeDense(out.data(), out.size(), back);
            for (Eigen::Index j = 0; j < d; ++j)
            {
                ASSERT_EQ(back(j), RoundToFormat(v(j), f));
            }
            std::vector<uint32_t> idx;
            for (uint32_t j = 0; j < d; ++j)
            {
                if (rng.Bernoulli(0.1))
                {
                    idx.push_back(j);
                }
            }
            Eigen::VectorXd vals(static_cast<Eigen::Index>(idx.size()));
            for (size_t i = 0; i < idx.size(); ++i)
            {
                vals(static_cast<Eigen::Index>(i)) = RoundToFormat(v(idx[i]), f);
            }
            for (IndexCoding coding : {IndexCoding::kFixed, IndexCoding::kBitmap, IndexCoding::kGamma,
                                       IndexCoding::kFixed32, IndexCoding::kBest})
            {
                EncodeSparse(h, idx, vals, out, coding);
                std::vector<uint32_t> idxBack;
                Eigen::VectorXd valsBack;
                DecodeSparse(out.data(), out.size(), idxBack, valsBack);
                EXPECT_EQ(idxBack, idx);
                EXPECT_EQ(valsBack.head(static_cast<Eigen::Index>(idx.size())), vals);
            }
        }
    }
}

TEST(Message, EveryEncoderStaysWithinMaxMessageBytes)
{
    // The longest message of each type for d coordinates: every value float64, every index present.
    for (const uint32_t d : {1U, 7U, 1000U})
    {
        const Eigen::VectorXd v = RandomVector(d, 3);
        std::vector<size_t> sizes;
        std::vector<uint8_t> out, inner;
        MessageHeader h;
        h.format = ValueFormat::kFloat64;
        h.dimension = d;
        CompressedVector c;
        c.format = ValueFormat::kFloat64;
        c.dimension = d;
        c.kind = CompressedVector::Kind::kSparse;
        c.values = v;
        for (uint32_t j = 0; j < d; ++j)
        {
            c.indices.push_back(j);
        }
        for (IndexCoding coding : {IndexCoding::kFixed, IndexCoding::kBitmap, IndexCoding::kGamma, IndexCoding::kFixed32})
        {
            EncodeCompressed(h, c, out, coding);
            sizes.push_back(out.size());
        }
        inner = out;
        EncodePredicted(h, Eigen::VectorXd::Ones(16), inner, out);
        sizes.push_back(out.size());
        Roster rounds; // the longest roster: every worker, with a selection
        rounds.lastApplied.assign(kMaxWorkers, 7);
        rounds.selected.assign(kMaxWorkers, 1);
        EncodeModelDelta(h, rounds, inner, out);
        sizes.push_back(out.size());
        EncodeModel(h, rounds, v, out);
        sizes.push_back(out.size());
        c.kind = CompressedVector::Kind::kQuantized;
        c.quantLevels = kMaxLevels;
        c.blockSize = 1;
        c.norms = v.cwiseAbs();
        c.levels.assign(d, static_cast<int16_t>(kMaxLevels));
        EncodeCompressed(h, c, out);
        sizes.push_back(out.size());
        c.kind = CompressedVector::Kind::kDense;
        EncodeCompressed(h, c, out);
        sizes.push_back(out.size());
        for (size_t i = 0; i < sizes.size(); ++i)
        {
            EXPECT_LE(sizes[i], MaxMessageBytes(d)) << "d " << d << " encoding " << i;
        }
    }
}

TEST(Message, ASparseCountThePayloadCannotHoldIsRefusedBeforeAllocating)
{
    // The CRC covers the payload, not the header: a valid 2-entry message whose header claims
    // 0xFFFFFFF0 entries of dimension 0xFFFFFFFF (17 GB as decoded) must fail on its size. Gamma
    // index coding: its payload length is not fixed by the header.
    MessageHeader h;
    h.dimension = 1000;
    std::vector<uint8_t> out;
    EncodeSparse(h, {3, 999}, Eigen::Vector2d(0.5, -1.0), out, IndexCoding::kGamma);
    for (size_t i = 12; i < 20; ++i) // dimension, then count, big-endian
    {
        out[i] = 0xFF;
    }
    out[19] = 0xF0;
    std::vector<uint32_t> indices;
    Eigen::VectorXd values;
    for (auto decode : {std::function<void()>([&] { DecodeSparse(out.data(), out.size(), indices, values); }),
                        std::function<void()>([&] {
                            CompressedVector v;
                            DecodeCompressed(out.data(), out.size(), 0xFFFFFFFFLL, v);
                        })})
    {
        try
        {
            decode();
            ADD_FAILURE() << "decoded";
        }
        catch (const std::runtime_error& e)
        {
            EXPECT_NE(std::string(e.what()).find("do not fit"), std::string::npos) << e.what();
        }
    }
    EXPECT_EQ(indices.capacity(), 0U);
}

TEST(Message, ACheckedMessageIsDecodedWithoutReadingItsCrcAgain)
{
    // The server checks an uplink once, where it arrives (ReadHeader); the codec then decodes the
    // CheckedMessage. To show that decoding does not check the CRC again, give it one whose CRC
    // field is wrong: the checked path decodes it to the values of the intact message, the
    // unchecked path refuses it.
    CompressedVector intact, back;
    DecodeCompressed(kGoldenSparse.data(), kGoldenSparse.size(), 1000, intact);
    std::vector<uint8_t> badCrc = kGoldenSparse;
    badCrc[23] ^= 0x01;
    EXPECT_THROW(DecodeCompressed(badCrc.data(), badCrc.size(), 1000, back), std::runtime_error);
    const MessageHeader h = ReadHeader(kGoldenSparse.data(), kGoldenSparse.size());
    DecodeCompressed(CheckedMessage{badCrc.data(), badCrc.size(), h}, 1000, back);
    EXPECT_EQ(back.indices, intact.indices);
    EXPECT_EQ(back.values.head(back.Count()), intact.values.head(intact.Count()));
    EXPECT_THROW(DecodeCompressed(CheckedMessage{badCrc.data(), badCrc.size(), h}, 999, back), std::runtime_error)
        << "the dimension is still checked";

    // A predicted message: the outer CRC covers the inner message, so neither CRC is read again;
    // the inner header's fields are still validated.
    std::vector<uint8_t> predicted = kGoldenPredicted;
    const MessageHeader ph = ReadHeader(predicted.data(), predicted.size());
    const size_t innerAt = kMessageHeaderBytes + 2 * 4; // two float32 coefficients
    predicted[innerAt + 23] ^= 0x01;                     // the inner message's CRC field
    Eigen::VectorXd coefficients;
    CheckedMessage inner;
    DecodePredicted(CheckedMessage{predicted.data(), predicted.size(), ph}, coefficients, inner);
    EXPECT_EQ(coefficients, Eigen::Vector2d(0.5, -0.25));
    ASSERT_EQ(inner.size, kGoldenSparse.size());
    EXPECT_EQ(inner.header.count, 2U);
    DecodeCompressed(inner, 1000, back);
    EXPECT_EQ(back.indices, intact.indices);
    predicted[innerAt] = 9; // the inner message's version
    EXPECT_THROW(DecodePredicted(CheckedMessage{predicted.data(), predicted.size(), ph}, coefficients, inner),
                 std::runtime_error);
}

TEST(Message, CorruptionTruncationAndWrongTypeAreRejected)
{
    std::vector<uint8_t> bad = kGoldenDense;
    bad[26] ^= 0x01; // one payload bit
    EXPECT_THROW(ReadHeader(bad.data(), bad.size()), std::runtime_error);
    EXPECT_THROW(ReadHeader(kGoldenDense.data(), kGoldenDense.size() - 1), std::runtime_error);
    EXPECT_THROW(ReadHeader(kGoldenDense.data(), 10), std::runtime_error);
    bad = kGoldenDense;
    bad[0] = 2; // version
    EXPECT_THROW(ReadHeader(bad.data(), bad.size()), std::runtime_error);
    std::vector<uint32_t> idx;
    Eigen::VectorXd vals;
    EXPECT_THROW(DecodeSparse(kGoldenDense.data(), kGoldenDense.size(), idx, vals), std::runtime_error);
    Eigen::VectorXd wrongSize(3);
    EXPECT_THROW(DecodeDense(kGoldenDense.data(), kGoldenDense.size(), wrongSize), std::runtime_error);
}

} // namespace
} // namespace airgrad
