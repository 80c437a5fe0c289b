#include "link-channel.h"

#include "ns3/abort.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradLinkChannel");
namespace airgrad
{

NS_OBJECT_ENSURE_REGISTERED(LinkChannel);

TypeId
LinkChannel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::airgrad::LinkChannel")
            .SetParent<Channel>()
            .SetGroupName("Airgrad")
            .AddConstructor<LinkChannel>()
            .AddAttribute("RetryLimit",
                          "Retransmissions of a failed frame before it is dropped.",
                          UintegerValue(7),
                          MakeUintegerAccessor(&LinkChannel::m_retryLimit),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("MaxAggregateBytes",
                          "Bytes of subframes one PPDU may carry (the A-MPDU limit); 0 = one frame each.",
                          UintegerValue(65535),
                          MakeUintegerAccessor(&LinkChannel::m_maxAggregateBytes),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("MaxPpduDuration",
                          "Longest PPDU an aggregate may make (802.11ax and ac: 5.484 ms).",
                          TimeValue(MicroSeconds(5484)),
                          MakeTimeAccessor(&LinkChannel::m_maxPpdu),
                          MakeTimeChecker(MicroSeconds(1)))
            .AddTraceSource("Transmission",
                            "A PPDU ended (sender, station, PSDU bytes, duration, frames, failed).",
                            MakeTraceSourceAccessor(&LinkChannel::m_transmission),
                            "ns3::airgrad::LinkChannel::TransmissionCallback")
            .AddTraceSource("RetryDrop",
                            "A frame failed more often than the retry limit allows.",
                            MakeTraceSourceAccessor(&LinkChannel::m_retryDrop),
                            "ns3::Packet::TracedCallback");
    return tid;
}

LinkChannel::LinkChannel()
    : m_sharing(CreateObject<SerialLinkSharing>()),
      m_uniform(CreateObject<UniformRandomVariable>())
{
}

uint32_t
LinkChannel::SubframeBytes(uint32_t packetBytes)
{
    return (packetBytes + kFrameOverheadBytes + 3) / 4 * 4;
}

void
LinkChannel::SetSharing(Ptr<LinkSharing> sharing)
{
    m_sharing = sharing;
    ResetMedia();
}

void
LinkChannel::ResetMedia()
{
    const size_t stations = m_devices.empty() ? 0 : m_devices.size() - 1;
    m_media.assign(m_sharing->Media(static_cast<uint32_t>(stations)), Medium());
}

void
LinkChannel::SetBroadcast(std::function<Time(uint32_t)> duration, Time gap)
{
    m_broadcastDuration = std::move(duration);
    m_broadcastGap = gap;
}

void
LinkChannel::SetProfile(uint32_t station, LinkProfile profile)
{
    if (station >= m_profiles.size())
    {
        m_profiles.resize(station + 1);
    }
    m_profiles[station] = std::move(profile);
}

int64_t
LinkChannel::AssignStreams(int64_t stream)
{
    m_uniform->SetStream(stream);
    return 1;
}

uint32_t
LinkChannel::Attach(Ptr<LinkNetDevice> device)
{
    const uint32_t index = static_cast<uint32_t>(m_devices.size());
    m_devices.push_back(device);
    m_index[Mac48Address::ConvertFrom(device->GetAddress())] = index;
    m_active.assign(2 * (m_devices.size() - 1) + 1, 0); // AP: per station and broadcast; stations
    ResetMedia();
    return index;
}

int
LinkChannel::IndexOf(Mac48Address address) const
{
    const auto it = m_index.find(address);
    return it == m_index.end() ? -1 : static_cast<int>(it->second);
}

Ptr<NetDevice>
LinkChannel::GetDevice(std::size_t i) const
{
    return m_devices.at(i);
}

LinkChannel::Medium&
LinkChannel::MediumOf(const Flow& flow)
{
    const auto stations = static_cast<uint32_t>(m_devices.size() - 1);
    return m_media[m_sharing->MediumOf(flow.device, flow.station, stations)];
}

uint32_t
LinkChannel::FlowIndex(const Flow& flow) const
{
    return flow.device == 0 ? flow.station : static_cast<uint32_t>(m_devices.size()) + flow.station;
}

std::pair<Time, Time>
LinkChannel::Gate(const Flow& flow, Time now) const
{
    return m_sharing->Gate(flow.device, static_cast<uint32_t>(m_devices.size()), now);
}

void
LinkChannel::Wake(uint32_t device, uint32_t station)
{
    const Flow flow{device, station};
    uint8_t& active = m_active[FlowIndex(flow)];
    if (active)
    {
        return;
    }
    active = 1;
    Medium& medium = MediumOf(flow);
    medium.waiting.push_back(flow);
    if (!medium.busy)
    {
        StartNext(medium);
    }
}

void
LinkChannel::StartNext(Medium& medium)
{
    if (medium.waiting.empty())
    {
        return;
    }
    const Flow flow = medium.waiting.front();
    medium.waiting.pop_front();
    medium.busy = true;
    const Time start = Gate(flow, Simulator::Now()).first;
    Simulator::Schedule(start - Simulator::Now(), &LinkChannel::Transmit, this, flow);
}

void
LinkChannel::Transmit(Flow flow)
{
    NS_LOG_FUNCTION(this << flow.device << flow.station);
    if (flow.station + 1 == m_devices.size())
    {
        TransmitBroadcast(flow);
        return;
    }
    const LinkProfile& profile = m_profiles.at(flow.station);
    std::deque<LinkNetDevice::Frame>& queue = m_devices[flow.device]->Queue(flow.station);
    NS_ABORT_MSG_IF(queue.empty(), "a link flow was scheduled with an empty queue");
    const Time budget = Gate(flow, Simulator::Now()).second;
    // The largest aggregate from the head of the queue within the byte, PPDU and slot limits.
    std::vector<LinkNetDevice::Frame> frames;
    uint32_t psdu = 0;
    Time duration;
    while (!queue.empty())
    {
        const uint32_t next = psdu + SubframeBytes(queue.front().packet->GetSize());
        const Time d = profile.ppduDuration(next);
        const bool first = frames.empty();
        if (!first && (next > m_maxAggregateBytes || d > m_maxPpdu))
        {
            break;
        }
        const Time exchange = d + profile.sifs + profile.blockAck + profile.gap;
        if (exchange > budget)
        {
            NS_ABORT_MSG_IF(first && budget == m_sharing->Longest(),
                            "a " << queue.front().packet->GetSize() << "-byte frame needs "
                                 << exchange.As(Time::US) << " with its block ack, more than a TDMA slot ("
                                 << m_sharing->Longest().As(Time::US) << ")");
            break;
        }
        psdu = next;
        duration = d;
        frames.push_back(std::move(queue.front()));
        queue.pop_front();
    }
    if (frames.empty())
    {
        // The rest of this slot is too short: wait for the next one.
        Simulator::Schedule(Gate(flow, Simulator::Now() + budget).first - Simulator::Now(), &LinkChannel::Transmit,
                            this, flow);
        return;
    }
    std::vector<uint8_t> ok(frames.size());
    for (size_t i = 0; i < frames.size(); ++i)
    {
        const double per = profile.mpduErrorRate(SubframeBytes(frames[i].packet->GetSize()));
        ok[i] = per <= 0.0 || m_uniform->GetValue() >= per;
    }
    SetRadios(flow, true, LinkNetDevice::kTx, LinkNetDevice::kRx);
    const uint32_t failed = static_cast<uint32_t>(std::count(ok.begin(), ok.end(), 0));
    m_transmission(flow.device, flow.station, psdu, duration, static_cast<uint32_t>(frames.size()), failed);
    Simulator::Schedule(duration, &LinkChannel::EndTransmission, this, flow, std::move(frames), std::move(ok));
}

void
LinkChannel::TransmitBroadcast(Flow flow)
{
    std::deque<LinkNetDevice::Frame>& queue = m_devices[0]->Queue(flow.station);
    NS_ABORT_MSG_IF(queue.empty(), "a link flow was scheduled with an empty queue");
    const uint32_t bytes = queue.front().packet->GetSize() + kBroadcastOverheadBytes;
    const Time duration = m_broadcastDuration(bytes);
    const Time budget = Gate(flow, Simulator::Now()).second;
    if (duration + m_broadcastGap > budget)
    {
        NS_ABORT_MSG_IF(budget == m_sharing->Longest(), "a " << bytes << "-byte broadcast does not fit a TDMA slot");
        Simulator::Schedule(Gate(flow, Simulator::Now() + budget).first - Simulator::Now(), &LinkChannel::Transmit,
                            this, flow);
        return;
    }
    LinkNetDevice::Frame frame = std::move(queue.front());
    queue.pop_front();
    std::vector<uint8_t> ok(m_devices.size() - 1);
    for (size_t s = 0; s < ok.size(); ++s)
    {
        const double per = m_profiles[s].broadcastErrorRate(bytes);
        ok[s] = per <= 0.0 || m_uniform->GetValue() >= per;
        m_devices[s + 1]->SetRadioState(LinkNetDevice::kRx);
    }
    m_transmission(0, flow.station, bytes, duration, 1, static_cast<uint32_t>(std::count(ok.begin(), ok.end(), 0)));
    Simulator::Schedule(duration, &LinkChannel::EndBroadcast, this, flow, std::move(frame), std::move(ok));
}

void
LinkChannel::EndBroadcast(Flow flow, LinkNetDevice::Frame frame, std::vector<uint8_t> ok)
{
    const Mac48Address from = Mac48Address::ConvertFrom(m_devices[0]->GetAddress());
    for (size_t s = 0; s < ok.size(); ++s)
    {
        m_devices[s + 1]->SetRadioState(LinkNetDevice::kIdle);
        if (ok[s])
        {
            m_devices[s + 1]->Deliver({frame.packet->Copy(), frame.protocol, 0}, from);
        }
    }
    Simulator::Schedule(m_broadcastGap, &LinkChannel::Release, this, flow);
}

void
LinkChannel::EndTransmission(Flow flow, std::vector<LinkNetDevice::Frame> frames, std::vector<uint8_t> ok)
{
    SetRadios(flow, true, LinkNetDevice::kIdle, LinkNetDevice::kIdle);
    Ptr<LinkNetDevice> sender = m_devices[flow.device];
    Ptr<LinkNetDevice> receiver = m_devices[flow.device == 0 ? flow.station + 1 : 0];
    const Mac48Address from = Mac48Address::ConvertFrom(sender->GetAddress());
    std::deque<LinkNetDevice::Frame>& queue = sender->Queue(flow.station);
    // Failed frames go back to the head of the queue in their order.
    for (size_t i = frames.size(); i-- > 0;)
    {
        if (ok[i])
        {
            continue;
        }
        if (++frames[i].retries > m_retryLimit)
        {
            m_retryDrop(frames[i].packet);
        }
        else
        {
            queue.push_front(frames[i]);
        }
    }
    for (size_t i = 0; i < frames.size(); ++i)
    {
        if (ok[i])
        {
            receiver->Deliver(frames[i], from);
        }
    }
    Simulator::Schedule(m_profiles[flow.station].sifs, &LinkChannel::StartBlockAck, this, flow);
}

void
LinkChannel::SetRadios(Flow flow, bool forward, LinkNetDevice::RadioState sender, LinkNetDevice::RadioState receiver)
{
    const uint32_t data = flow.device;
    const uint32_t peer = flow.device == 0 ? flow.station + 1 : 0;
    m_devices[forward ? data : peer]->SetRadioState(sender);
    m_devices[forward ? peer : data]->SetRadioState(receiver);
}

void
LinkChannel::StartBlockAck(Flow flow)
{
    const Time duration = m_profiles[flow.station].blockAck;
    SetRadios(flow, false, LinkNetDevice::kTx, LinkNetDevice::kRx);
    m_transmission(flow.device == 0 ? flow.station + 1 : 0, flow.station, kBlockAckBytes, duration, 0, 0);
    Simulator::Schedule(duration, &LinkChannel::EndBlockAck, this, flow);
}

void
LinkChannel::EndBlockAck(Flow flow)
{
    SetRadios(flow, false, LinkNetDevice::kIdle, LinkNetDevice::kIdle);
    Simulator::Schedule(m_profiles[flow.station].gap, &LinkChannel::Release, this, flow);
}

void
LinkChannel::Release(Flow flow)
{
    Medium& medium = MediumOf(flow);
    medium.busy = false;
    uint8_t& active = m_active[FlowIndex(flow)];
    active = 0;
    if (!m_devices[flow.device]->Queue(flow.station).empty())
    {
        active = 1;
        medium.waiting.push_back(flow); // round robin: behind the queues that asked meanwhile
    }
    StartNext(medium);
}

void
LinkChannel::DoDispose()
{
    m_devices.clear();
    m_index.clear();
    m_profiles.clear();
    m_media.clear();
    Channel::DoDispose();
}

} // namespace airgrad
} // namespace ns3
