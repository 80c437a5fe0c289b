#ifndef AIRGRAD_WIFI_TOPOLOGY_HELPER_H
#define AIRGRAD_WIFI_TOPOLOGY_HELPER_H

#include "network-settings.h"

#include "ns3/device-energy-model-container.h"
#include "ns3/energy-source-container.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/propagation-loss-model.h"

#include <utility>

namespace ns3
{

class WifiHelper;
class WifiMacHelper;
class WifiPhyHelper;

namespace airgrad
{

/**
 * \brief One 802.11n/ac/ax BSS as the drivers build it, with ns-3's own helpers: an access point
 * at the origin and stations at the settings' positions (constant-position mobility), the
 * standard, band, width, guard interval, rate manager, aggregation and streams of the settings,
 * log-distance path loss or set SNRs (a matrix loss model), optional Nakagami/Rayleigh fading,
 * and with OFDMA the spectrum PHY and the round-robin multi-user scheduler (otherwise the faster
 * YANS PHY). Sets the WifiMacQueue defaults (size: queuePackets; no delay limit: the round
 * deadline, not the MAC, decides what is too late).
 */
class WifiTopologyHelper
{
  public:
    explicit WifiTopologyHelper(NetworkSettings settings) : m_s(std::move(settings)) {}

    /// Devices on `ap` and `stations`, positioned; random streams assigned from `stream`.
    /// Returns the AP's device first, then the stations'.
    NetDeviceContainer Install(Ptr<Node> ap, const NodeContainer& stations, int64_t stream);
    /// ns-3's Wi-Fi radio energy model on each station device, with the settings' currents.
    DeviceEnergyModelContainer InstallRadioEnergy(const NetDeviceContainer& staDevices,
                                                  const EnergySourceContainer& sources) const;

  private:
    void ConfigurePhy(WifiPhyHelper& phy) const;
    /// The path loss or set-SNR model, with the fading after it; the SNR mode tunes `phy`.
    Ptr<PropagationLossModel> MakeLoss(WifiPhyHelper& phy);
    void ConfigureRateManager(WifiHelper& wifi) const;
    void SetGuardIntervals(const NetDeviceContainer& devices) const;
    void InstallMobility(Ptr<Node> ap, const NodeContainer& stations) const;

    const NetworkSettings m_s;
    Ptr<MatrixPropagationLossModel> m_snrLoss; ///< set-SNR mode: the loss of each AP-station pair
};

} // namespace airgrad
} // namespace ns3

#endif
