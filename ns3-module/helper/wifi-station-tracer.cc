#include "wifi-station-tracer.h"

#include "ns3/log.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-phy-state-helper.h"
#include "ns3/wifi-phy.h"
#include "ns3/wifi-psdu.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradWifiStationTracer");
namespace airgrad
{

WifiStationTracer::WifiStationTracer(RoundTracker& tracker, const NetDeviceContainer& staDevices)
    : m_tracker(tracker),
      m_stations(staDevices.GetN())
{
    for (uint32_t i = 0; i < staDevices.GetN(); ++i)
    {
        Station* s = &m_stations[i];
        *s = {this, i};
        Ptr<WifiPhy> phy = DynamicCast<WifiNetDevice>(staDevices.Get(i))->GetPhy();
        phy->GetState()->TraceConnectWithoutContext(
            "State", MakeBoundCallback(+[](Station* s, Time, Time duration, WifiPhyState state) {
                if (state == WifiPhyState::TX)
                {
                    s->tracer->m_tracker.AddAirtime(s->worker, duration.GetSeconds());
                }
            },
                                       s));
        phy->TraceConnectWithoutContext("PhyTxBegin", MakeBoundCallback(+[](Station* s, Ptr<const Packet> p, double) {
            s->tracer->m_tracker.AddAirBytes(s->worker, p->GetSize());
        },
                                                                        s));
        phy->TraceConnectWithoutContext(
            "PhyTxPsduBegin", MakeBoundCallback(+[](Station* s, WifiConstPsduMap psdus, WifiTxVector tx, double) {
                WifiStationTracer& t = *s->tracer;
                const auto it = psdus.begin();
                if (t.m_tracker.Learning() && it != psdus.end() && it->second->GetHeader(0).HasData())
                {
                    ++t.m_dataPpdus;
                    t.m_triggerBasedDataPpdus += tx.GetPreambleType() == WIFI_PREAMBLE_HE_TB;
                }
                // A trigger-based PPDU's mode depends on the station's resource unit (its STA-ID).
                if (it != psdus.end() && it->second->GetHeader(0).IsQosData())
                {
                    const WifiMode mode = tx.GetMode(it->first);
                    if (mode.GetModulationClass() >= WIFI_MOD_CLASS_HT)
                    {
                        t.m_tracker.SetMcs(s->worker, mode.GetMcsValue());
                    }
                }
            },
                                                s));
    }
}

} // namespace airgrad
} // namespace ns3
