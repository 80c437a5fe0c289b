#include "message-reassembler.h"

#include <algorithm>
#include <cstring>

namespace ns3
{
namespace airgrad
{

uint16_t
FragmentCount(uint32_t messageBytes, uint32_t maxChunk)
{
    return static_cast<uint16_t>(std::max<uint32_t>(1, (messageBytes + maxChunk - 1) / maxChunk));
}

uint32_t
ChunkBytes(uint32_t messageBytes, uint16_t count)
{
    return static_cast<uint32_t>((static_cast<uint64_t>(messageBytes) + count - 1) / count); // no wrap near 2^32
}

MessageReassembler::MessageReassembler(uint32_t maxMessageBytes)
    : m_max(maxMessageBytes)
{
}

bool
MessageReassembler::Add(uint32_t round, uint16_t index, uint16_t count, uint32_t messageBytes,
                        const uint8_t* data, size_t size)
{
    if (round < m_round || count == 0 || index >= count || messageBytes == 0 || messageBytes > m_max)
    {
        return false;
    }
    // The size this fragment must have in the claimed layout, checked before any allocation.
    const uint32_t chunk = ChunkBytes(messageBytes, count);
    const uint64_t offset = static_cast<uint64_t>(index) * chunk;
    if (static_cast<uint64_t>(count - 1) * chunk >= messageBytes || size != std::min<uint64_t>(chunk, messageBytes - offset))
    {
        return false;
    }
    if (round > m_round || m_buffer.size() != messageBytes || m_count != count)
    {
        if (round == m_round && m_complete)
        {
            return false; // inconsistent fragment of a finished message
        }
        m_round = round;
        m_count = count;
        m_received = 0;
        m_complete = false;
        m_buffer.assign(messageBytes, 0);
        m_have.assign(count, 0);
    }
    if (m_complete || m_have[index])
    {
        return false;
    }
    std::memcpy(m_buffer.data() + offset, data, size);
    m_have[index] = 1;
    m_complete = ++m_received == m_count;
    return m_complete;
}

bool
MessageReassembler::MissingBefore(uint32_t round, uint16_t index) const
{
    if (round != m_round || m_complete)
    {
        return false;
    }
    const auto end = m_have.begin() + std::min<size_t>(index, m_have.size());
    return std::find(m_have.begin(), end, 0) != end;
}

} // namespace airgrad
} // namespace ns3
