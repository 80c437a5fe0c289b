#ifndef AIRGRAD_LINK_NET_DEVICE_H
#define AIRGRAD_LINK_NET_DEVICE_H

#include "power-state-energy-model.h"

#include "ns3/mac48-address.h"
#include "ns3/net-device.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <vector>

namespace ns3
{

class Node;
class Packet;

namespace airgrad
{

class LinkChannel;

/**
 * \brief The abstract link's net device: a queue per peer, and nothing else. The channel decides
 * when a queue may transmit, how long that takes and which frames survive.
 * On the access point there is one queue per station and one for broadcasts; on a station, one
 * queue to the AP.
 */
class LinkNetDevice : public NetDevice
{
  public:
    /// A queued frame: an IP packet (MAC framing is added by the channel's size accounting).
    struct Frame
    {
        Ptr<Packet> packet;
        uint16_t protocol = 0;
        uint32_t retries = 0;
    };
    /// Radio energy states (index into the energy model's powers).
    enum RadioState
    {
        kIdle = 0,
        kTx = 1,
        kRx = 2
    };

    static TypeId GetTypeId();
    LinkNetDevice();

    /// Connects to the channel; the first device attached is the AP, then station 0, 1, ...
    void Attach(Ptr<LinkChannel> channel);
    void SetRadioEnergyModel(Ptr<PowerStateEnergyModel> model) { m_radio = model; }
    void SetRadioState(RadioState state);
    /// Frames waiting for `station` (on the AP; station M: broadcasts) or for the AP (on station `station`).
    std::deque<Frame>& Queue(uint32_t station);
    /// Hands a received frame up the stack.
    void Deliver(const Frame& frame, Mac48Address from);

    // NetDevice
    void SetIfIndex(const uint32_t index) override { m_ifIndex = index; }
    uint32_t GetIfIndex() const override { return m_ifIndex; }
    Ptr<Channel> GetChannel() const override;
    void SetAddress(Address address) override { m_address = Mac48Address::ConvertFrom(address); }
    Address GetAddress() const override { return m_address; }
    bool SetMtu(const uint16_t mtu) override;
    uint16_t GetMtu() const override { return m_mtu; }
    bool IsLinkUp() const override { return true; }
    void AddLinkChangeCallback(Callback<void>) override {} // the link never goes down
    bool IsBroadcast() const override { return true; }
    Address GetBroadcast() const override { return Mac48Address::GetBroadcast(); }
    bool IsMulticast() const override { return false; }
    Address GetMulticast(Ipv4Address) const override { return Mac48Address::GetBroadcast(); }
    Address GetMulticast(Ipv6Address) const override { return Mac48Address::GetBroadcast(); }
    bool IsBridge() const override { return false; }
    bool IsPointToPoint() const override { return false; }
    bool Send(Ptr<Packet> packet, const Address& dest, uint16_t protocol) override;
    bool SendFrom(Ptr<Packet> packet, const Address& source, const Address& dest, uint16_t protocol) override;
    Ptr<Node> GetNode() const override { return m_node; }
    void SetNode(Ptr<Node> node) override { m_node = node; }
    bool NeedsArp() const override { return true; }
    void SetReceiveCallback(NetDevice::ReceiveCallback cb) override { m_rx = cb; }
    void SetPromiscReceiveCallback(NetDevice::PromiscReceiveCallback) override {}
    bool SupportsSendFrom() const override { return false; }

  protected:
    void DoDispose() override;

  private:
    Ptr<LinkChannel> m_channel;
    Ptr<Node> m_node;
    Ptr<PowerStateEnergyModel> m_radio;
    Mac48Address m_address;
    uint32_t m_ifIndex = 0;
    uint32_t m_index = 0; ///< on the channel: 0 = AP, s + 1 = station s
    uint16_t m_mtu = 1500;
    uint32_t m_maxQueuePackets = 0;
    std::vector<std::deque<Frame>> m_queues;
    NetDevice::ReceiveCallback m_rx;
    TracedCallback<Ptr<const Packet>> m_queueDrop;
};

} // namespace airgrad
} // namespace ns3

#endif
