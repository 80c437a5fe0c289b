#include "link-sharing.h"

#include "ns3/abort.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradLinkSharing");
namespace airgrad
{

NS_OBJECT_ENSURE_REGISTERED(LinkSharing);
NS_OBJECT_ENSURE_REGISTERED(SerialLinkSharing);
NS_OBJECT_ENSURE_REGISTERED(TdmaLinkSharing);
NS_OBJECT_ENSURE_REGISTERED(FdmaLinkSharing);

TypeId
LinkSharing::GetTypeId()
{
    static TypeId tid = TypeId("ns3::airgrad::LinkSharing").SetParent<Object>().SetGroupName("Airgrad");
    return tid;
}

std::pair<Time, Time>
LinkSharing::Gate(uint32_t, uint32_t, Time now) const
{
    return {now, Time::Max()};
}

TypeId
SerialLinkSharing::GetTypeId()
{
    static TypeId tid = TypeId("ns3::airgrad::SerialLinkSharing")
                            .SetParent<LinkSharing>()
                            .SetGroupName("Airgrad")
                            .AddConstructor<SerialLinkSharing>();
    return tid;
}

TypeId
TdmaLinkSharing::GetTypeId()
{
    static TypeId tid = TypeId("ns3::airgrad::TdmaLinkSharing")
                            .SetParent<LinkSharing>()
                            .SetGroupName("Airgrad")
                            .AddConstructor<TdmaLinkSharing>()
                            .AddAttribute("Slot",
                                          "Length of each device's slot, s.",
                                          TimeValue(MilliSeconds(4)),
                                          MakeTimeAccessor(&TdmaLinkSharing::m_slot),
                                          MakeTimeChecker(NanoSeconds(1)));
    return tid;
}

std::pair<Time, Time>
TdmaLinkSharing::Gate(uint32_t device, uint32_t devices, Time now) const
{
    NS_LOG_FUNCTION(this << device << devices << now);
    // Slot o of every frame of (M + 1) slots belongs to device o.
    const int64_t slot = m_slot.GetTimeStep();
    const int64_t frame = slot * static_cast<int64_t>(devices);
    const int64_t offset = slot * device;
    const int64_t t = now.GetTimeStep();
    const int64_t k = t < offset ? -1 : (t - offset) / frame;
    const int64_t start = k * frame + offset;
    if (k >= 0 && t < start + slot)
    {
        return {now, TimeStep(start + slot - t)};
    }
    return {TimeStep(start + frame), m_slot};
}

TypeId
FdmaLinkSharing::GetTypeId()
{
    static TypeId tid = TypeId("ns3::airgrad::FdmaLinkSharing")
                            .SetParent<LinkSharing>()
                            .SetGroupName("Airgrad")
                            .AddConstructor<FdmaLinkSharing>();
    return tid;
}

uint32_t
FdmaLinkSharing::MediumOf(uint32_t, uint32_t station, uint32_t stations) const
{
    NS_ABORT_MSG_IF(station == stations, "the link cannot broadcast with FDMA sharing");
    return station;
}

} // namespace airgrad
} // namespace ns3
