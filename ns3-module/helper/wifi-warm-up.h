#ifndef AIRGRAD_WIFI_WARM_UP_H
#define AIRGRAD_WIFI_WARM_UP_H

#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/nstime.h"
#include "ns3/socket.h"

#include <functional>
#include <vector>

namespace ns3
{
namespace airgrad
{

/**
 * \brief Gets a BSS ready for learning: waits until every station has associated, then sends
 * warm-up datagrams both ways until every link is ready (ns-3.37 workarounds):
 *  - Block Ack agreements are set up on the first data frames of each direction; set up during
 *    a round, they stranded a downlink A-MPDU in a station's reorder buffer for ~20 rounds, and
 *    even agreements set up beforehand can leave a station's buffer stuck behind a sequence gap
 *    for a while. So a link is ready when it has an ESTABLISHED agreement both ways *and* has
 *    since delivered a datagram each way.
 *  - The neighbour caches are filled statically on each pass: otherwise a burst of fragments
 *    overflows ARP's 3-packet pending queue and a failed resolution marks the AP dead for 100 s;
 *    and every link change (association) flushes the ARP cache, static entries included.
 * The datagrams use UDP port 9 on every node.
 */
class WifiWarmUp
{
  public:
    /// `devices`: the AP's device, then the stations' (as WifiTopologyHelper::Install returns
    /// them), with IPv4 addresses on them.
    explicit WifiWarmUp(const NetDeviceContainer& devices);

    /// Polls from 1 ms on; calls `ready` once every link is ready, or `failed` when the stations
    /// have not associated within 60 simulated seconds of this call, or the links have not
    /// become ready within 60 s after that.
    void Start(std::function<void()> ready, std::function<void()> failed);
    /// Stations associated when association ended (or gave up).
    uint32_t Associated() const { return m_associated; }
    /// Links (or unassociated stations) not ready when the warm-up gave up; 0 once ready.
    uint32_t Missing() const { return m_missing; }

  private:
    static constexpr uint32_t kFromAp = 0xFFFFFFFF;

    uint32_t Stations() const { return m_devices.GetN() - 1; }
    uint32_t CountAssociated() const;
    void WaitForAssociation();
    void Pass();
    /// Two datagrams (with more than one frame queued the MAC sets up Block Ack) naming the sender.
    static void Send(Ptr<Socket> socket, Ipv4Address to, uint32_t sender);
    static void Receive(WifiWarmUp* w, uint32_t node, Ptr<Socket> socket);

    NetDeviceContainer m_devices;
    std::vector<Ipv4Address> m_addresses; ///< of m_devices
    std::vector<Ptr<Socket>> m_sockets; ///< [0] the AP, [i + 1] station i
    std::vector<uint8_t> m_down;        ///< per station: a datagram from the AP arrived
    std::vector<uint8_t> m_up;          ///< per station: its datagram reached the AP
    bool m_counting = false;            ///< deliveries count only once all agreements exist
    Time m_start;                       ///< Start was called
    Time m_passStart;                   ///< the first pass (all stations associated)
    uint32_t m_associated = 0;
    uint32_t m_missing = 0;
    std::function<void()> m_ready;
    std::function<void()> m_failed;
};

} // namespace airgrad
} // namespace ns3

#endif
