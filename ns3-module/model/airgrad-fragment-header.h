#ifndef AIRGRAD_FRAGMENT_HEADER_H
#define AIRGRAD_FRAGMENT_HEADER_H

#include "ns3/address.h"
#include "ns3/header.h"
#include "ns3/ptr.h"

#include <vector>

namespace ns3
{

class Socket;

namespace airgrad
{

/**
 * \brief The 14-byte header airgrad puts before each UDP fragment of a message:
 * round (u32), sender (u16; 0xFFFF = server), fragment index (u16), fragment count (u16),
 * message length in bytes (u32). A message of L bytes in n fragments is cut into chunks of
 * ceil(L / n) bytes, the last one shorter.
 */
class FragmentHeader : public Header
{
  public:
    static constexpr uint16_t kServer = 0xFFFF;
    static constexpr uint32_t kSize = 14;

    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

    uint32_t m_round = 0;
    uint16_t m_sender = 0;
    uint16_t m_index = 0;
    uint16_t m_count = 0;
    uint32_t m_messageBytes = 0;
};

/**
 * \brief Sends `message` to `to` as UDP datagrams of at most `datagramBytes` bytes, each a
 * FragmentHeader and a chunk. \return the number of datagrams the socket accepted.
 */
uint32_t SendFragmented(Ptr<Socket> socket,
                        const Address& to,
                        uint32_t round,
                        uint16_t sender,
                        const std::vector<uint8_t>& message,
                        uint32_t datagramBytes);

} // namespace airgrad
} // namespace ns3

#endif
