#ifndef AIRGRAD_MESSAGE_REASSEMBLER_H
#define AIRGRAD_MESSAGE_REASSEMBLER_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{
namespace airgrad
{

/// Number of fragments for a message of `messageBytes` with `maxChunk` data bytes per fragment.
uint16_t FragmentCount(uint32_t messageBytes, uint32_t maxChunk);
/// Bytes of data per fragment (all but the last) when a message is cut into `count` fragments.
uint32_t ChunkBytes(uint32_t messageBytes, uint16_t count);

/**
 * \brief Rebuilds one sender's messages from fragments that may arrive out of order, twice, or not
 * at all. Plain C++ (no simulator types) so that it is unit-tested on its own.
 */
class MessageReassembler
{
  public:
    /// Messages the fragments claim to be longer than `maxMessageBytes` are ignored, never allocated.
    explicit MessageReassembler(uint32_t maxMessageBytes);
    /**
     * \brief Adds a fragment of `round`'s message. A fragment of a newer round discards an
     * unfinished older message; one of an older round, or an inconsistent one (its size not the
     * one its index has in a message of the claimed size, or that size 0 or above the maximum),
     * is ignored, before anything is allocated for it.
     * \return true when this fragment completed the message (Message() then holds it).
     */
    bool Add(uint32_t round, uint16_t index, uint16_t count, uint32_t messageBytes,
             const uint8_t* data, size_t size);

    const std::vector<uint8_t>& Message() const { return m_buffer; }
    /// Whether `round`'s message is complete.
    bool Complete(uint32_t round) const { return m_round == round && m_complete; }
    /// Whether a fragment before `index` of `round`'s unfinished message is still missing.
    bool MissingBefore(uint32_t round, uint16_t index) const;

  private:
    uint32_t m_max;
    uint32_t m_round = 0;
    uint16_t m_count = 0;
    uint16_t m_received = 0;
    bool m_complete = false;
    std::vector<uint8_t> m_buffer;
    std::vector<uint8_t> m_have; ///< per fragment
};

} // namespace airgrad
} // namespace ns3

#endif
