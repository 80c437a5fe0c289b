#ifndef AIRGRAD_WIFI_UPLINK_SNR_H
#define AIRGRAD_WIFI_UPLINK_SNR_H

#include "ns3/mac48-address.h"
#include "ns3/net-device-container.h"
#include "ns3/packet.h"
#include "ns3/wifi-phy.h"

#include <functional>
#include <map>

namespace ns3
{
namespace airgrad
{

/**
 * \brief Reports, for each station, the SNR at which the access point received its last frame:
 * what the server knows of each uplink channel (for selection.policy = best-channel). It reads
 * the AP PHY's MonitorSnifferRx trace (signal minus noise of every received MPDU, fading and
 * interference included) and names the station by the frame's transmitter address.
 */
class WifiUplinkSnr
{
  public:
    /// Told (station number in `stations`, SNR in dB) at every frame the AP receives from it.
    using Report = std::function<void(uint32_t station, double snrDb)>;

    WifiUplinkSnr(Ptr<NetDevice> apDevice, const NetDeviceContainer& stations, Report report);
    WifiUplinkSnr(const WifiUplinkSnr&) = delete;
    WifiUplinkSnr& operator=(const WifiUplinkSnr&) = delete;

  private:
    static void Received(WifiUplinkSnr* self, Ptr<const Packet> packet, uint16_t channelFreqMhz, WifiTxVector tx,
                         MpduInfo mpdu, SignalNoiseDbm signalNoise, uint16_t staId);

    std::map<Mac48Address, uint32_t> m_stations;
    Report m_report;
};

} // namespace airgrad
} // namespace ns3

#endif
