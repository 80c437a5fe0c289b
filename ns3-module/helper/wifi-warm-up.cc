#include "wifi-warm-up.h"

#include "ns3/block-ack-manager.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/neighbor-cache-helper.h"
#include "ns3/node.h"
#include "ns3/originator-block-ack-agreement.h"
#include "ns3/packet.h"
#include "ns3/qos-txop.h"
#include "ns3/simulator.h"
#include "ns3/sta-wifi-mac.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/wifi-net-device.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradWifiWarmUp");
namespace airgrad
{

namespace
{

constexpr uint16_t kWarmUpPort = 9;
const Time kAssociationLimit = Seconds(60);
const Time kWarmUpLimit = Seconds(60);
const Time kWarmUpGap = MilliSeconds(50);
const Time kWarmUpStagger = MilliSeconds(2); // uplink warm-ups sent at once collide and fail

Ptr<WifiMac>
MacOf(Ptr<NetDevice> device)
{
    return DynamicCast<WifiNetDevice>(device)->GetMac();
}

bool
Established(Ptr<WifiMac> originator, Mac48Address recipient)
{
    return originator->GetQosTxop(AC_BE)->GetBaManager()->ExistsAgreementInState(
        recipient, 0, OriginatorBlockAckAgreement::ESTABLISHED);
}

} // namespace

WifiWarmUp::WifiWarmUp(const NetDeviceContainer& devices)
    : m_devices(devices),
      m_down(devices.GetN() - 1, 0),
      m_up(devices.GetN() - 1, 0)
{
    for (uint32_t n = 0; n < devices.GetN(); ++n)
    {
        Ptr<Node> node = devices.Get(n)->GetNode();
        Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
        m_addresses.push_back(ipv4->GetAddress(ipv4->GetInterfaceForDevice(devices.Get(n)), 0).GetLocal());
        Ptr<Socket> socket = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), kWarmUpPort));
        socket->SetRecvCallback(MakeBoundCallback(&WifiWarmUp::Receive, this, n));
        m_sockets.push_back(socket);
    }
}

void
WifiWarmUp::Start(std::function<void()> ready, std::function<void()> failed)
{
    NS_LOG_FUNCTION(this);
    m_ready = std::move(ready);
    m_failed = std::move(failed);
    m_start = Simulator::Now();
    // Poll for association every 10 ms (beacons come every 102.4 ms).
    Simulator::Schedule(MilliSeconds(1), &WifiWarmUp::WaitForAssociation, this);
}

uint32_t
WifiWarmUp::CountAssociated() const
{
    uint32_t n = 0;
    for (uint32_t i = 1; i < m_devices.GetN(); ++i)
    {
        n += DynamicCast<StaWifiMac>(MacOf(m_devices.Get(i)))->IsAssociated() ? 1 : 0;
    }
    return n;
}

void
WifiWarmUp::WaitForAssociation()
{
    m_associated = CountAssociated();
    if (m_associated == Stations())
    {
        Simulator::ScheduleNow(&WifiWarmUp::Pass, this);
    }
    else if (Simulator::Now() - m_start >= kAssociationLimit)
    {
        NS_LOG_INFO(m_associated << " of " << Stations() << " stations associated; giving up");
        m_failed();
    }
    else
    {
        Simulator::Schedule(MilliSeconds(10), &WifiWarmUp::WaitForAssociation, this);
    }
}

void
WifiWarmUp::Pass()
{
    if (m_passStart.IsZero())
    {
        m_passStart = Simulator::Now();
    }
    // In a crowd, stations can lose and regain association: that resets their Block Ack
    // agreements and flushes their ARP caches again. Wait for all, then refresh the caches.
    if (Simulator::Now() - m_passStart > kWarmUpLimit)
    {
        m_missing = std::max<uint32_t>(1, Stations() - CountAssociated());
        NS_LOG_INFO(m_missing << " links not ready after the warm-up's limit; giving up");
        m_failed();
        return;
    }
    if (CountAssociated() < Stations())
    {
        Simulator::Schedule(MilliSeconds(10), &WifiWarmUp::Pass, this);
        return;
    }
    NeighborCacheHelper().PopulateNeighborCache();
    // A link is ready when its agreement is established now and, counted from the first time
    // all were, it delivered a datagram.
    Ptr<WifiMac> apMac = MacOf(m_devices.Get(0));
    std::vector<uint8_t> downReady(Stations()), upReady(Stations());
    bool allEstablished = true;
    for (uint32_t i = 0; i < Stations(); ++i)
    {
        Ptr<WifiMac> staMac = MacOf(m_devices.Get(i + 1));
        downReady[i] = Established(apMac, staMac->GetAddress());
        upReady[i] = Established(staMac, apMac->GetAddress());
        allEstablished = allEstablished && downReady[i] && upReady[i];
    }
    m_counting = m_counting || allEstablished;
    uint32_t missing = 0;
    for (uint32_t i = 0; i < Stations(); ++i)
    {
        if (!(downReady[i] && m_down[i]))
        {
            Send(m_sockets[0], m_addresses[i + 1], kFromAp);
            ++missing;
        }
        if (!(upReady[i] && m_up[i]))
        {
            Simulator::Schedule(kWarmUpGap + missing * kWarmUpStagger, &WifiWarmUp::Send, m_sockets[i + 1],
                                m_addresses[0], i);
            ++missing;
        }
    }
    m_missing = missing;
    NS_LOG_INFO(missing << " links not ready yet");
    if (missing == 0)
    {
        m_ready();
    }
    else
    {
        Simulator::Schedule(2 * kWarmUpGap + missing * kWarmUpStagger, &WifiWarmUp::Pass, this);
    }
}

void
WifiWarmUp::Send(Ptr<Socket> socket, Ipv4Address to, uint32_t sender)
{
    uint8_t payload[4] = {static_cast<uint8_t>(sender >> 24), static_cast<uint8_t>(sender >> 16),
                          static_cast<uint8_t>(sender >> 8), static_cast<uint8_t>(sender)};
    for (int i = 0; i < 2; ++i)
    {
        socket->SendTo(Create<Packet>(payload, 4), 0, InetSocketAddress(to, kWarmUpPort));
    }
}

void
WifiWarmUp::Receive(WifiWarmUp* w, uint32_t node, Ptr<Socket> socket)
{
    while (Ptr<Packet> p = socket->Recv())
    {
        uint8_t b[4] = {0, 0, 0, 0};
        p->CopyData(b, 4);
        const uint32_t sender = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
        if (!w->m_counting)
        {
            continue;
        }
        if (node == 0 && sender < w->m_up.size())
        {
            w->m_up[sender] = 1;
        }
        else if (node > 0 && sender == kFromAp)
        {
            w->m_down[node - 1] = 1;
        }
    }
}

} // namespace airgrad
} // namespace ns3
