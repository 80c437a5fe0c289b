#ifndef AIRGRAD_LINK_TOPOLOGY_HELPER_H
#define AIRGRAD_LINK_TOPOLOGY_HELPER_H

#include "network-settings.h"

#include "link-channel.h"

#include "ns3/device-energy-model-container.h"
#include "ns3/energy-source-container.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"

#include <utility>
#include <vector>

namespace ns3
{
namespace airgrad
{

/**
 * \brief The abstract link as the drivers build it: one LinkChannel, a LinkNetDevice on the AP
 * and on each station. Per station, the SNR (set, or from the log-distance path loss at its
 * position) gives the MCS (as ns-3's IdealWifiManager chooses it, or the settings' constant one)
 * or a Shannon rate; PPDU durations and frame error rates come from ns-3's Wi-Fi PHY and its
 * table-based error model; the air is shared serially, by TDMA or by FDMA.
 */
class LinkTopologyHelper
{
  public:
    explicit LinkTopologyHelper(NetworkSettings settings) : m_s(std::move(settings)) {}

    /// The channel and devices (the AP's first, then the stations'); the channel's error draws
    /// use stream `stream`. Throws std::runtime_error when a TDMA slot cannot hold a fragment.
    NetDeviceContainer Install(Ptr<Node> ap, const NodeContainer& stations, int64_t stream);
    Ptr<LinkChannel> GetChannel() const { return m_channel; }
    /// Per station, as Install chose them: the link's SNR (FDMA: on its sub-channel), dB, and
    /// its MCS (-1 with Shannon rates).
    const std::vector<double>& SnrsDb() const { return m_snrsDb; }
    const std::vector<int>& Mcs() const { return m_mcs; }
    /// A radio energy model per station device (idle, transmit and receive currents).
    DeviceEnergyModelContainer InstallRadioEnergy(const NetDeviceContainer& staDevices,
                                                  const EnergySourceContainer& sources) const;

  private:
    /// Per station: the SNR over the whole channel, dB.
    std::vector<double> ChannelSnrsDb() const;

    const NetworkSettings m_s;
    Ptr<LinkChannel> m_channel;
    std::vector<double> m_snrsDb;
    std::vector<int> m_mcs;
};

} // namespace airgrad
} // namespace ns3

#endif
