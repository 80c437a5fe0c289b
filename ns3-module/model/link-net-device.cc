#include "link-net-device.h"

#include "link-channel.h"

#include "ns3/abort.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradLinkNetDevice");
namespace airgrad
{

NS_OBJECT_ENSURE_REGISTERED(LinkNetDevice);

TypeId
LinkNetDevice::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::airgrad::LinkNetDevice")
            .SetParent<NetDevice>()
            .SetGroupName("Airgrad")
            .AddConstructor<LinkNetDevice>()
            .AddAttribute("MaxQueuePackets",
                          "Frames each queue holds; a frame sent to a full queue is dropped.",
                          UintegerValue(100000),
                          MakeUintegerAccessor(&LinkNetDevice::m_maxQueuePackets),
                          MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("QueueDrop",
                            "A packet was dropped because its queue was full.",
                            MakeTraceSourceAccessor(&LinkNetDevice::m_queueDrop),
                            "ns3::Packet::TracedCallback");
    return tid;
}

LinkNetDevice::LinkNetDevice() = default;

void
LinkNetDevice::Attach(Ptr<LinkChannel> channel)
{
    m_channel = channel;
    m_index = channel->Attach(this);
    // The AP's queues grow with the stations (Queue); a station has one.
    m_queues.resize(m_index == 0 ? 0 : 1);
}

std::deque<LinkNetDevice::Frame>&
LinkNetDevice::Queue(uint32_t station)
{
    if (m_index == 0)
    {
        if (station >= m_queues.size())
        {
            m_queues.resize(station + 1);
        }
        return m_queues[station];
    }
    return m_queues[0];
}

void
LinkNetDevice::SetRadioState(RadioState state)
{
    if (m_radio)
    {
        m_radio->ChangeState(state);
    }
}

void
LinkNetDevice::Deliver(const Frame& frame, Mac48Address from)
{
    if (!m_rx.IsNull())
    {
        m_rx(this, frame.packet, frame.protocol, from);
    }
}

Ptr<Channel>
LinkNetDevice::GetChannel() const
{
    return m_channel;
}

bool
LinkNetDevice::SetMtu(const uint16_t mtu)
{
    m_mtu = mtu;
    return true;
}

bool
LinkNetDevice::Send(Ptr<Packet> packet, const Address& dest, uint16_t protocol)
{
    NS_LOG_FUNCTION(this << packet << dest << protocol);
    const Mac48Address to = Mac48Address::ConvertFrom(dest);
    uint32_t station = 0;
    if (m_index > 0)
    {
        station = m_index - 1; // a station talks to the AP only
    }
    else if (to.IsBroadcast())
    {
        station = static_cast<uint32_t>(m_channel->GetNDevices() - 1); // the broadcast queue
    }
    else
    {
        const int index = m_channel->IndexOf(to);
        if (index <= 0)
        {
            return false; // not a station of this channel
        }
        station = static_cast<uint32_t>(index - 1);
    }
    std::deque<Frame>& queue = Queue(station);
    if (queue.size() >= m_maxQueuePackets)
    {
        m_queueDrop(packet);
        return false;
    }
    queue.push_back({packet, protocol, 0});
    m_channel->Wake(m_index, station);
    return true;
}

bool
LinkNetDevice::SendFrom(Ptr<Packet> packet, const Address&, const Address& dest, uint16_t protocol)
{
    return Send(packet, dest, protocol);
}

void
LinkNetDevice::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_channel = nullptr;
    m_node = nullptr;
    m_radio = nullptr;
    m_queues.clear();
    m_rx = MakeNullCallback<bool, Ptr<NetDevice>, Ptr<const Packet>, uint16_t, const Address&>();
    NetDevice::DoDispose();
}

} // namespace airgrad
} // namespace ns3
