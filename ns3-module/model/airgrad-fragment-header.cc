#include "airgrad-fragment-header.h"

#include "message-reassembler.h"

#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/socket.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradFragmentHeader");
namespace airgrad
{

NS_OBJECT_ENSURE_REGISTERED(FragmentHeader);

TypeId
FragmentHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::airgrad::FragmentHeader")
                            .SetParent<Header>()
                            .SetGroupName("Airgrad")
                            .AddConstructor<FragmentHeader>();
    return tid;
}

TypeId
FragmentHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
FragmentHeader::GetSerializedSize() const
{
    return kSize;
}

void
FragmentHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteHtonU32(m_round);
    start.WriteHtonU16(m_sender);
    start.WriteHtonU16(m_index);
    start.WriteHtonU16(m_count);
    start.WriteHtonU32(m_messageBytes);
}

uint32_t
FragmentHeader::Deserialize(Buffer::Iterator start)
{
    m_round = start.ReadNtohU32();
    m_sender = start.ReadNtohU16();
    m_index = start.ReadNtohU16();
    m_count = start.ReadNtohU16();
    m_messageBytes = start.ReadNtohU32();
    return kSize;
}

void
FragmentHeader::Print(std::ostream& os) const
{
    os << "round=" << m_round << " sender=" << m_sender << " fragment=" << m_index << "/"
       << m_count << " message=" << m_messageBytes << "B";
}

uint32_t
SendFragmented(Ptr<Socket> socket,
               const Address& to,
               uint32_t round,
               uint16_t sender,
               const std::vector<uint8_t>& message,
               uint32_t datagramBytes)
{
    const auto total = static_cast<uint32_t>(message.size());
    FragmentHeader header;
    header.m_round = round;
    header.m_sender = sender;
    header.m_count = FragmentCount(total, datagramBytes - FragmentHeader::kSize);
    header.m_messageBytes = total;
    const uint32_t chunk = ChunkBytes(total, header.m_count);
    uint32_t accepted = 0;
    for (uint16_t i = 0; i < header.m_count; ++i)
    {
        const uint32_t offset = i * chunk;
        const uint32_t size = std::min(chunk, total - offset);
        Ptr<Packet> packet = Create<Packet>(message.data() + offset, size);
        header.m_index = i;
        packet->AddHeader(header);
        accepted += socket->SendTo(packet, 0, to) >= 0 ? 1 : 0;
    }
    return accepted;
}

} // namespace airgrad
} // namespace ns3
