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
    : m_tracker(tracker)
{
    NS_LOG_FUNCTION(this << staDevices.GetN());
    for (uint32_t i = 0; i < staDevices.GetN(); ++i)
    {
        Ptr<WifiPhy> phy = DynamicCast<WifiNetDevice>(staDevices.Get(i))->GetPhy();
        phy->GetState()->TraceConnectWithoutContext("State", MakeBoundCallback(&WifiStationTracer::State, this, i));
        phy->TraceConnectWithoutContext("PhyTxBegin", MakeBoundCallback(&WifiStationTracer::TxBegin, this, i));
        phy->TraceConnectWithoutContext("PhyTxPsduBegin", MakeBoundCallback(&WifiStationTracer::TxPsduBegin, this, i));
    }
}

void
WifiStationTracer::State(WifiStationTracer* t, uint32_t worker, Time, Time duration, WifiPhyState state)
{
    if (state == WifiPhyState::TX)
    {
        t->m_tracker.AddAirtime(worker, duration.GetSeconds());
    }
}

void
WifiStationTracer::TxBegin(WifiStationTracer* t, uint32_t worker, Ptr<const Packet> psdu, double)
{
    t->m_tracker.AddAirBytes(worker, psdu->GetSize());
}

void
WifiStationTracer::TxPsduBegin(WifiStationTracer* t, uint32_t worker, WifiConstPsduMap psdus, WifiTxVector tx, double)
{
    const auto it = psdus.begin();
    if (it == psdus.end())
    {
        return;
    }
    if (t->m_tracker.Learning() && it->second->GetHeader(0).HasData())
    {
        ++t->m_dataPpdus;
        t->m_triggerBasedDataPpdus += tx.GetPreambleType() == WIFI_PREAMBLE_HE_TB;
    }
    // A trigger-based PPDU's mode depends on the station's resource unit (its STA-ID).
    if (it->second->GetHeader(0).IsQosData())
    {
        const WifiMode mode = tx.GetMode(it->first);
        if (mode.GetModulationClass() >= WIFI_MOD_CLASS_HT)
        {
            t->m_tracker.SetMcs(worker, mode.GetMcsValue());
        }
    }
}

} // namespace airgrad
} // namespace ns3
