#ifndef AIRGRAD_WIFI_STATION_TRACER_H
#define AIRGRAD_WIFI_STATION_TRACER_H

#include "round-tracker.h"

#include "ns3/net-device-container.h"
#include "ns3/wifi-phy-state.h"
#include "ns3/wifi-ppdu.h"
#include "ns3/wifi-tx-vector.h"

#include <cstdint>

namespace ns3
{
namespace airgrad
{

/**
 * \brief Feeds a RoundTracker from the Wi-Fi PHYs of the worker stations: each station's
 * transmit time (airtime), the PSDU bytes it sends (air bytes: MAC/IP/UDP headers, acks and
 * retries included) and the MCS of its last QoS data PPDU. Also counts the stations' data PPDUs
 * from round 1 on, and those sent in trigger-based PPDUs (uplink OFDMA). Works on any
 * WifiNetDevice (YANS or spectrum PHY, any MAC set-up), so a program's own BSS can use it.
 */
class WifiStationTracer
{
  public:
    /// Connects to the PHYs of `staDevices` (WifiNetDevices, in worker order).
    WifiStationTracer(RoundTracker& tracker, const NetDeviceContainer& staDevices);
    WifiStationTracer(const WifiStationTracer&) = delete;
    WifiStationTracer& operator=(const WifiStationTracer&) = delete;

    uint64_t DataPpdus() const { return m_dataPpdus; }
    uint64_t TriggerBasedDataPpdus() const { return m_triggerBasedDataPpdus; }

  private:
    static void State(WifiStationTracer* t, uint32_t worker, Time start, Time duration, WifiPhyState state);
    static void TxBegin(WifiStationTracer* t, uint32_t worker, Ptr<const Packet> psdu, double txPowerW);
    static void TxPsduBegin(WifiStationTracer* t, uint32_t worker, WifiConstPsduMap psdus, WifiTxVector tx,
                            double txPowerW);

    RoundTracker& m_tracker;
    uint64_t m_dataPpdus = 0;
    uint64_t m_triggerBasedDataPpdus = 0;
};

} // namespace airgrad
} // namespace ns3

#endif
