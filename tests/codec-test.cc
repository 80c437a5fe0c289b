#include "codec/bit-stream.h"
#include "codec/message.h"
#include "core/rng.h"

#include <gtest/gtest.h>

namespace airgrad {
namespace {

// Golden vectors written from the layout in codec/message.h (CRC-32 by zlib), not from this code.
const std::vector<uint8_t> kGoldenDense = {
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x02, 0xC7, 0x94, 0x9A, 0x4C, 0x3F, 0x80, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00};
const std::vector<uint8_t> kGoldenSparse = {
    0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x03, 0xE8, 0x00, 0x00,
    0x00, 0x02, 0xA9, 0x54, 0x6E, 0xC3, 0x00, 0xCF, 0xC0, 0x00, 0x00, 0x3E, 0x7B, 0xF8, 0x00, 0x00, 0x00};
const std::vector<uint8_t> kGoldenModel = {
    0x01, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x03, 0x68, 0x26, 0x06, 0x19, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x3F, 0xD0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

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
    EncodeModel(h, {1, 0, 1}, Eigen::VectorXd::Constant(1, 0.25), out);
    EXPECT_EQ(out, kGoldenModel);
    std::vector<uint32_t> lastApplied;
    Eigen::VectorXd model(1);
    DecodeModel(out.data(), out.size(), lastApplied, model);
    EXPECT_EQ(lastApplied, (std::vector<uint32_t>{1, 0, 1}));
    EXPECT_EQ(model(0), 0.25);
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
            v(j) = rng.Normal() * 1e3;
        }
        for (ValueFormat f : {ValueFormat::kFloat32, ValueFormat::kFloat64})
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
            EncodeSparse(h, idx, vals, out);
            std::vector<uint32_t> idxBack;
            Eigen::VectorXd valsBack;
            DecodeSparse(out.data(), out.size(), idxBack, valsBack);
            EXPECT_EQ(idxBack, idx);
            EXPECT_EQ(valsBack.head(static_cast<Eigen::Index>(idx.size())), vals);
        }
    }
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
