#include "wifi-uplink-snr.h"

#include "ns3/log.h"
#include "ns3/wifi-mac-header.h"
#include "ns3/wifi-net-device.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradWifiUplinkSnr");
namespace airgrad
{

WifiUplinkSnr::WifiUplinkSnr(Ptr<NetDevice> apDevice, const NetDeviceContainer& stations, Report report)
    : m_report(std::move(report))
{
    NS_LOG_FUNCTION(this << stations.GetN());
    for (uint32_t s = 0; s < stations.GetN(); ++s)
    {
        m_stations[Mac48Address::ConvertFrom(stations.Get(s)->GetAddress())] = s;
    }
    DynamicCast<WifiNetDevice>(apDevice)->GetPhy()->TraceConnectWithoutContext(
        "MonitorSnifferRx", MakeBoundCallback(&WifiUplinkSnr::Received, this));
}

void
WifiUplinkSnr::Received(WifiUplinkSnr* self, Ptr<const Packet> packet, uint16_t, WifiTxVector, MpduInfo,
                        SignalNoiseDbm signalNoise, uint16_t)
{
    WifiMacHeader header;
    if (packet->PeekHeader(header) == 0 || header.IsCtl()) // control frames (ACK, CTS) carry no transmitter
    {
        return;
    }
    const auto it = self->m_stations.find(header.GetAddr2());
    if (it != self->m_stations.end())
    {
        self->m_report(it->second, signalNoise.signal - signalNoise.noise);
    }
}

} // namespace airgrad
} // namespace ns3
