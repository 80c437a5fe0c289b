#include "model/airgrad-fragment-header.h"
#include "model/message-reassembler.h"
#include "model/stream-framer.h"

#include "ns3/packet.h"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>

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
    MessageReassembler r(1 << 20);
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
    MessageReassembler r(1 << 20);
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
    MessageReassembler r(1 << 20);
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
    MessageReassembler r(1 << 20);
    EXPECT_FALSE(r.Add(1, 0, 2, 100, m.data(), 49));
    EXPECT_FALSE(r.Add(1, 5, 2, 100, m.data(), 50)); // index beyond count
    EXPECT_FALSE(Feed(r, 1, m, 2, 0));
    EXPECT_TRUE(Feed(r, 1, m, 2, 1));
}

TEST(Reassembler, HostileClaimsAreIgnoredBeforeAnythingIsAllocated)
{
    EXPECT_EQ(ChunkBytes(0xFFFFFFFFU, 2), 0x80000000U); // no wrap to 0
    MessageReassembler r(1000);
    const std::vector<uint8_t> bytes(25, 7);
    // 4 GB claimed in 2 fragments of 25 bytes, above the maximum, the wrong fragment size, size 0,
    // and a layout whose last fragment would be empty (5 bytes in 4 fragments of 2).
    EXPECT_FALSE(r.Add(1, 0, 2, 0xFFFFFFFFU, bytes.data(), bytes.size()));
    EXPECT_FALSE(r.Add(1, 1, 2, 0xFFFFFFFFU, bytes.data(), bytes.size()));
    EXPECT_FALSE(r.Add(1, 0, 1, 1001, bytes.data(), bytes.size()));
    EXPECT_FALSE(r.Add(1, 0, 2, 1000, bytes.data(), bytes.size()));
    EXPECT_FALSE(r.Add(1, 0, 1, 0, bytes.data(), 0));
    EXPECT_FALSE(r.Add(1, 0, 4, 5, bytes.data(), 2));
    EXPECT_EQ(r.Message().capacity(), 0U);
    EXPECT_FALSE(r.Complete(1));
    // A message at the maximum still goes through.
    const std::vector<uint8_t> full(1000, 3);
    EXPECT_TRUE(r.Add(1, 0, 1, 1000, full.data(), full.size()));
    EXPECT_EQ(r.Message(), full);
}

TEST(StreamFramer, AFrameIsTheFragmentHeaderOfFragment0Of1ThenTheMessage)
{
    std::vector<uint8_t> frame;
    AppendFrame(frame, 0x01020304, 0x0506, {0xAA, 0xBB});
    const std::vector<uint8_t> golden = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x00, 0x00,
                                         0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0xAA, 0xBB};
    EXPECT_EQ(frame, golden);
    // The same bytes as the UDP fragment header ns-3 serialises.
    FragmentHeader header;
    header.m_round = 0x01020304;
    header.m_sender = 0x0506;
    header.m_count = 1;
    header.m_messageBytes = 2;
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(header);
    std::vector<uint8_t> serialised(packet->GetSize());
    packet->CopyData(serialised.data(), serialised.size());
    EXPECT_EQ(serialised, std::vector<uint8_t>(golden.begin(), golden.begin() + kFrameHeaderBytes));
}

TEST(StreamFramer, MessagesComeBackWhateverPiecesTheStreamArrivesIn)
{
    const std::vector<std::vector<uint8_t>> messages = {Message(0), Message(1000), Message(37)};
    std::vector<uint8_t> stream;
    for (size_t i = 0; i < messages.size(); ++i)
    {
        AppendFrame(stream, static_cast<uint32_t>(7 + i), static_cast<uint16_t>(i), messages[i]);
    }
    for (size_t piece = 1; piece <= 50; ++piece)
    {
        StreamFramer framer;
        size_t next = 0;
        for (size_t offset = 0; offset < stream.size(); offset += piece)
        {
            framer.Add(stream.data() + offset, std::min(piece, stream.size() - offset));
            while (framer.Next())
            {
                ASSERT_LT(next, messages.size()) << "piece " << piece;
                EXPECT_EQ(framer.Round(), 7 + next);
                EXPECT_EQ(framer.Sender(), next);
                EXPECT_EQ(framer.Message(), messages[next]) << "piece " << piece;
                ++next;
            }
        }
        EXPECT_EQ(next, messages.size()) << "piece " << piece;
    }
}

TEST(StreamFramer, AHeaderThatIsNotAStreamFrameIsAnError)
{
    std::vector<uint8_t> frame;
    AppendFrame(frame, 1, 2, Message(10));
    frame[9] = 3; // fragment count 3
    StreamFramer framer;
    framer.Add(frame.data(), frame.size());
    EXPECT_THROW(framer.Next(), std::runtime_error);
}

} // namespace
} // namespace ns3::airgrad
