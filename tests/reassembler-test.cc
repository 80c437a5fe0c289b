#include "model/message-reassembler.h"

#include <gtest/gtest.h>

#include <numeric>

namespace ns3::airgrad {
namespace {

std::vector<uint8_t>
Message(size_t n)
{
    std::vector<uint8_t> m(n);
    std::iota(m.begin(), m.end(), uint8_t{1});
    return m;
}

/// Feeds fragment `i` of `message` (cut as the sender cuts it) into `r`.
bool
Feed(MessageReassembler& r, uint32_t round, const std::vector<uint8_t>& message, uint16_t count, uint16_t i)
{
    const uint32_t chunk = ChunkBytes(static_cast<uint32_t>(message.size()), count);
    const uint32_t offset = i * chunk;
    const uint32_t size = std::min<uint32_t>(chunk, static_cast<uint32_t>(message.size()) - offset);
    return r.Add(round, i, count, static_cast<uint32_t>(message.size()), message.data() + offset, size);
}

TEST(Fragmentation, CountAndChunk)
{
    EXPECT_EQ(FragmentCount(0, 100), 1);
    EXPECT_EQ(FragmentCount(100, 100), 1);
    EXPECT_EQ(FragmentCount(101, 100), 2);
    EXPECT_EQ(ChunkBytes(101, 2), 51U);
    EXPECT_EQ(ChunkBytes(4024, FragmentCount(4024, 1386)), 1342U);
}

TEST(Reassembler, OutOfOrderAndDuplicateFragments)
{
    const auto m = Message(1000);
    MessageReassembler r;
    EXPECT_FALSE(Feed(r, 1, m, 4, 2));
    EXPECT_FALSE(Feed(r, 1, m, 4, 0));
    EXPECT_FALSE(Feed(r, 1, m, 4, 0)); // duplicate
    EXPECT_FALSE(Feed(r, 1, m, 4, 3));
    EXPECT_TRUE(Feed(r, 1, m, 4, 1));
    EXPECT_EQ(r.Message(), m);
    EXPECT_FALSE(Feed(r, 1, m, 4, 1)); // completes only once
}

TEST(Reassembler, SaysWhenAnEarlierFragmentIsMissingAndWhenComplete)
{
    const auto m = Message(1000);
    MessageReassembler r;
    EXPECT_FALSE(Feed(r, 3, m, 4, 0));
    EXPECT_FALSE(r.MissingBefore(3, 1));
    EXPECT_FALSE(Feed(r, 3, m, 4, 2)); // fragment 1 was lost
    EXPECT_TRUE(r.MissingBefore(3, 2));
    EXPECT_FALSE(r.MissingBefore(4, 2)) << "another round";
    EXPECT_FALSE(r.Complete(3));
    EXPECT_FALSE(Feed(r, 3, m, 4, 3));
    EXPECT_TRUE(Feed(r, 3, m, 4, 1)); // the resent copy fills the gap
    EXPECT_TRUE(r.Complete(3));
    EXPECT_FALSE(r.MissingBefore(3, 3));
}

TEST(Reassembler, NewerRoundDiscardsAnUnfinishedMessageAndOlderIsIgnored)
{
    const auto a = Message(300), b = Message(500);
    MessageReassembler r;
    EXPECT_FALSE(Feed(r, 1, a, 3, 0));
    EXPECT_FALSE(Feed(r, 2, b, 2, 0));
    EXPECT_FALSE(Feed(r, 1, a, 3, 1)); // stale
    EXPECT_FALSE(Feed(r, 1, a, 3, 2));
    EXPECT_TRUE(Feed(r, 2, b, 2, 1));
    EXPECT_EQ(r.Message(), b);
}

TEST(Reassembler, WrongSizedFragmentIsRejected)
{
    const auto m = Message(100);
    MessageReassembler r;
    EXPECT_FALSE(r.Add(1, 0, 2, 100, m.data(), 49));
    EXPECT_FALSE(r.Add(1, 5, 2, 100, m.data(), 50)); // index beyond count
    EXPECT_FALSE(Feed(r, 1, m, 2, 0));
    EXPECT_TRUE(Feed(r, 1, m, 2, 1));
}

} // namespace
} // namespace ns3::airgrad
