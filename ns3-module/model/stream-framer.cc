#include "stream-framer.h"

#include <stdexcept>
#include <string>

namespace ns3
{
namespace airgrad
{

namespace
{

void
PutBigEndian(std::vector<uint8_t>& out, uint32_t value, int bytes)
{
    for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8)
    {
        out.push_back(static_cast<uint8_t>(value >> shift));
    }
}

uint32_t
GetBigEndian(const uint8_t* in, int bytes)
{
    uint32_t value = 0;
    for (int i = 0; i < bytes; ++i)
    {
        value = (value << 8) | in[i];
    }
    return value;
}

} // namespace

void
AppendFrame(std::vector<uint8_t>& out, uint32_t round, uint16_t sender, const std::vector<uint8_t>& message)
{
    PutBigEndian(out, round, 4);
    PutBigEndian(out, sender, 2);
    PutBigEndian(out, 0, 2); // fragment index
    PutBigEndian(out, 1, 2); // fragment count: the stream carries the message whole
    PutBigEndian(out, static_cast<uint32_t>(message.size()), 4);
    out.insert(out.end(), message.begin(), message.end());
}

void
StreamFramer::Add(const uint8_t* data, size_t size)
{
    // Drop what was taken once it is most of the buffer, so the buffer stays about one message long.
    if (m_begin > 0 && m_begin >= m_buffer.size() / 2)
    {
        m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(m_begin));
        m_begin = 0;
    }
    m_buffer.insert(m_buffer.end(), data, data + size);
}

bool
StreamFramer::Next()
{
    if (m_buffer.size() - m_begin < kFrameHeaderBytes)
    {
        return false;
    }
    const uint8_t* header = m_buffer.data() + m_begin;
    const uint32_t index = GetBigEndian(header + 6, 2);
    const uint32_t count = GetBigEndian(header + 8, 2);
    if (index != 0 || count != 1)
    {
        throw std::runtime_error("corrupt airgrad TCP stream: a message header with fragment " +
                                 std::to_string(index) + " of " + std::to_string(count) +
                                 " (a stream frame is fragment 0 of 1)");
    }
    const uint32_t length = GetBigEndian(header + 10, 4);
    if (m_buffer.size() - m_begin - kFrameHeaderBytes < length)
    {
        return false;
    }
    m_round = GetBigEndian(header, 4);
    m_sender = static_cast<uint16_t>(GetBigEndian(header + 4, 2));
    const uint8_t* body = header + kFrameHeaderBytes;
    m_message.assign(body, body + length);
    m_begin += kFrameHeaderBytes + length;
    return true;
}

} // namespace airgrad
} // namespace ns3
