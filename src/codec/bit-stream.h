#ifndef AIRGRAD_CODEC_BIT_STREAM_H
#define AIRGRAD_CODEC_BIT_STREAM_H

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace airgrad {

/**
 * \brief Appends bit fields to a byte vector, most significant bit first.
 *
 * The vector is borrowed, so a caller that reuses it keeps its capacity (no allocation per message
 * once warmed up). Call Flush() to pad the last byte with zeros.
 */
class BitWriter
{
  public:
    explicit BitWriter(std::vector<uint8_t>& out)
        : m_out(out)
    {
    }

    /// Writes the low `bits` bits of `value`, 0 <= bits <= 64.
    void Write(uint64_t value, int bits)
    {
        if (bits > 32)
        {
            Write(value >> 32, bits - 32);
            Write(value & 0xFFFFFFFFULL, 32);
            return;
        }
        if (bits == 0)
        {
            return;
        }
        value &= (bits == 64 ? ~0ULL : ((1ULL << bits) - 1));
        m_acc = (m_acc << bits) | value; // at most 7 + 32 bits pending
        m_pending += bits;
        while (m_pending >= 8)
        {
            m_pending -= 8;
            m_out.push_back(static_cast<uint8_t>(m_acc >> m_pending));
        }
        m_acc &= (1ULL << m_pending) - 1;
    }

    void WriteFloat32(float v)
    {
        uint32_t u;
        std::memcpy(&u, &v, sizeof u);
        Write(u, 32);
    }

    void WriteFloat64(double v)
    {
        uint64_t u;
        std::memcpy(&u, &v, sizeof u);
        Write(u, 64);
    }

    /// Pads to a whole byte with zero bits.
    void Flush()
    {
        if (m_pending > 0)
        {
            m_out.push_back(static_cast<uint8_t>(m_acc << (8 - m_pending)));
            m_pending = 0;
            m_acc = 0;
        }
    }

  private:
    std::vector<uint8_t>& m_out;
    uint64_t m_acc = 0;
    int m_pending = 0;
};

/**
 * \brief Reads bit fields written by BitWriter; throws std::runtime_error past the end.
 */
class BitReader
{
  public:
    BitReader(const uint8_t* data, size_t size)
        : m_data(data),
          m_bits(size * 8)
    {
    }

    uint64_t Read(int bits)
    {
        if (bits > 32)
        {
            const uint64_t high = Read(bits - 32);
            return (high << 32) | Read(32);
        }
        if (m_pos + static_cast<size_t>(bits) > m_bits)
        {
            throw std::runtime_error("message truncated: read past its last byte");
        }
        uint64_t value = 0;
        for (int done = 0; done < bits;)
        {
            const size_t byte = m_pos >> 3;
            const int offset = static_cast<int>(m_pos & 7);
            const int take = std::min(8 - offset, bits - done);
            const uint64_t chunk = (m_data[byte] >> (8 - offset - take)) & ((1U << take) - 1);
            value = (value << take) | chunk;
            done += take;
            m_pos += static_cast<size_t>(take);
        }
        return value;
    }

    float ReadFloat32()
    {
        const uint32_t u = static_cast<uint32_t>(Read(32));
        float v;
        std::memcpy(&v, &u, sizeof v);
        return v;
    }

    double ReadFloat64()
    {
        const uint64_t u = Read(64);
        double v;
        std::memcpy(&v, &u, sizeof v);
        return v;
    }

    size_t BitPosition() const { return m_pos; }

  private:
    const uint8_t* m_data;
    size_t m_bits;
    size_t m_pos = 0;
};

} // namespace airgrad

#endif
