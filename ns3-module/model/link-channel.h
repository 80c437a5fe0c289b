#ifndef AIRGRAD_LINK_CHANNEL_H
#define AIRGRAD_LINK_CHANNEL_H

#include "link-net-device.h"
#include "link-sharing.h"

#include "ns3/channel.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <functional>
#include <map>
#include <vector>

namespace ns3
{

namespace airgrad
{

/**
 * \brief The abstract link's medium: a star of stations around an access point, each link with
 * its own PPDU duration and MPDU error rate (a LinkProfile, the same both ways), and a
 * LinkSharing policy that says how the devices share the air (serial, TDMA or FDMA).
 * A transmission carries an aggregate of queued frames to one receiver (up to the byte and
 * duration limits), each frame survives independently with 1 - PER, failed frames go back to the
 * head of the queue until the retry limit; a SIFS later the receiver sends a block ack, and the
 * medium then stays idle for the profile's gap (contention) before the next transmission.
 */
class LinkChannel : public Channel
{
  public:
    /// One station's link as both directions see it.
    struct LinkProfile
    {
        std::function<Time(uint32_t psduBytes)> ppduDuration; ///< on air, preamble included
        std::function<double(uint32_t mpduBytes)> mpduErrorRate;
        Time sifs;     ///< between a PPDU and its block ack
        Time blockAck; ///< the receiver's acknowledgement, on air
        Time gap;      ///< medium idle after the block ack (contention: AIFS and backoff)
        /// Error rate of a broadcast frame of this many bytes (the AP's basic rate) at this station.
        std::function<double(uint32_t frameBytes)> broadcastErrorRate;
    };
    /// Bytes a broadcast frame occupies beyond its IP packet: LLC/SNAP 8, MAC header 24, FCS 4.
    static constexpr uint32_t kBroadcastOverheadBytes = 36;
    /// Size of a compressed block ack frame, bytes.
    static constexpr uint32_t kBlockAckBytes = 32;
    /// Signature of the Transmission trace: sender (0 = AP, s + 1 = station s), station of the
    /// link, PSDU bytes, PPDU duration, frames sent, frames failed (a block ack: no frames).
    typedef void (*TransmissionCallback)(uint32_t sender, uint32_t station, uint32_t psduBytes,
                                         Time duration, uint32_t frames, uint32_t failed);

    /// Bytes a frame occupies in an A-MPDU beyond its IP packet: LLC/SNAP 8, QoS MAC header 26,
    /// FCS 4, delimiter 4 (then padded to a multiple of 4).
    static constexpr uint32_t kFrameOverheadBytes = 42;
    static uint32_t SubframeBytes(uint32_t packetBytes);

    static TypeId GetTypeId();
    LinkChannel();

    /// How the devices share the air (default: serial); set before the first frame.
    void SetSharing(Ptr<LinkSharing> sharing);
    /// Broadcasts from the AP: one frame per PPDU lasting `duration(frame bytes)`, no
    /// acknowledgement, each station receiving it with its own error rate; then `gap` idle.
    void SetBroadcast(std::function<Time(uint32_t frameBytes)> duration, Time gap);
    /// Station `station`'s link; every station needs one before the simulation starts.
    void SetProfile(uint32_t station, LinkProfile profile);
    int64_t AssignStreams(int64_t stream);

    /// Called by devices: the first device is the AP.
    uint32_t Attach(Ptr<LinkNetDevice> device);
    /// Device index of a MAC address (0 = AP), or -1.
    int IndexOf(Mac48Address address) const;
    /// A device has frames for `station`'s link in its queue.
    void Wake(uint32_t device, uint32_t station);

    std::size_t GetNDevices() const override { return m_devices.size(); }
    Ptr<NetDevice> GetDevice(std::size_t i) const override;

  protected:
    void DoDispose() override;

  private:
    struct Flow
    {
        uint32_t device;  ///< 0 = AP, s + 1 = station s
        uint32_t station; ///< whose link; M = the AP's broadcasts
    };
    struct Medium
    {
        bool busy = false;
        std::deque<Flow> waiting;
    };

    /// The media the sharing policy asks for; before any frame.
    void ResetMedia();
    Medium& MediumOf(const Flow& flow);
    uint32_t FlowIndex(const Flow& flow) const;
    /// Earliest start at or after `now` for `flow` and the time it may use from there.
    std::pair<Time, Time> Gate(const Flow& flow, Time now) const;
    void StartNext(Medium& medium);
    void Transmit(Flow flow);
    void TransmitBroadcast(Flow flow);
    void EndBroadcast(Flow flow, LinkNetDevice::Frame frame, std::vector<uint8_t> ok);
    void EndTransmission(Flow flow, std::vector<LinkNetDevice::Frame> frames, std::vector<uint8_t> ok);
    /// Radio states of the flow's two ends: forward = the flow's device sends (data), else its peer (block ack).
    void SetRadios(Flow flow, bool forward, LinkNetDevice::RadioState sender, LinkNetDevice::RadioState receiver);
    void StartBlockAck(Flow flow);
    void EndBlockAck(Flow flow);
    void Release(Flow flow);

    Ptr<LinkSharing> m_sharing;
    uint32_t m_retryLimit = 7;
    uint32_t m_maxAggregateBytes = 65535;
    Time m_maxPpdu;
    std::vector<Ptr<LinkNetDevice>> m_devices;
    std::map<Mac48Address, uint32_t> m_index;
    std::vector<LinkProfile> m_profiles;
    std::function<Time(uint32_t)> m_broadcastDuration;
    Time m_broadcastGap;
    std::vector<Medium> m_media;
    std::vector<uint8_t> m_active; ///< per flow: waiting or transmitting
    Ptr<UniformRandomVariable> m_uniform;
    TracedCallback<uint32_t, uint32_t, uint32_t, Time, uint32_t, uint32_t> m_transmission;
    TracedCallback<Ptr<const Packet>> m_retryDrop;
};

} // namespace airgrad
} // namespace ns3

#endif
