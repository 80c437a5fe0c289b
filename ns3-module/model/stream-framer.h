#ifndef AIRGRAD_STREAM_FRAMER_H
#define AIRGRAD_STREAM_FRAMER_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{
namespace airgrad
{

/// Bytes of the header before each message on a TCP stream (the UDP FragmentHeader's layout).
constexpr size_t kFrameHeaderBytes = 14;

/**
 * \brief Appends one framed message to `out`: the 14-byte header a UDP fragment carries, in network
 * byte order (round u32, sender u16, index 0, count 1, message length u32), then the message.
 */
void AppendFrame(std::vector<uint8_t>& out, uint32_t round, uint16_t sender, const std::vector<uint8_t>& message);

/**
 * \brief Cuts a byte stream, arriving in arbitrary pieces, back into the messages AppendFrame
 * framed. Plain C++ (no simulator types) so that it is unit-tested on its own.
 */
class StreamFramer
{
  public:
    /// Appends bytes received from the stream.
    void Add(const uint8_t* data, size_t size);
    /**
     * \brief Takes the next complete message out of the stream.
     * \return false when none is complete yet; else Round(), Sender() and Message() describe it.
     * \throws std::runtime_error when a header is not one AppendFrame writes (a corrupt stream).
     */
    bool Next();

    uint32_t Round() const { return m_round; }
    uint16_t Sender() const { return m_sender; }
    const std::vector<uint8_t>& Message() const { return m_message; }

  private:
    std::vector<uint8_t> m_buffer; ///< received bytes not yet taken, from m_begin
    size_t m_begin = 0;
    uint32_t m_round = 0;
    uint16_t m_sender = 0;
    std::vector<uint8_t> m_message;
};

} // namespace airgrad
} // namespace ns3

#endif
