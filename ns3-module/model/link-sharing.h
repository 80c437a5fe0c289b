#ifndef AIRGRAD_LINK_SHARING_H
#define AIRGRAD_LINK_SHARING_H

#include "ns3/nstime.h"
#include "ns3/object.h"

#include <cstdint>
#include <utility>

namespace ns3
{
namespace airgrad
{

/**
 * \brief How the abstract link's devices share the air: the channel keeps a number of media,
 * each carrying one transmission at a time and serving the flows that wait on it in the order
 * they asked; a policy says how many media there are, which one a flow uses and when a device
 * may start. A flow is a device (0 = AP, s + 1 = station s) sending on station s's link
 * (on the AP, station M stands for its broadcasts). A new policy is one subclass.
 */
class LinkSharing : public Object
{
  public:
    static TypeId GetTypeId();

    /// Media on a channel with `stations` stations.
    virtual uint32_t Media(uint32_t stations) const = 0;
    /// The medium the flow (`device`, `station`) transmits on.
    virtual uint32_t MediumOf(uint32_t device, uint32_t station, uint32_t stations) const = 0;
    /// Earliest start at or after `now` for `device` (of `devices`) and the time it may use
    /// from there; by default at once, without limit.
    virtual std::pair<Time, Time> Gate(uint32_t device, uint32_t devices, Time now) const;
    /// The most a device may use at once: a frame exchange longer than this never fits.
    virtual Time Longest() const { return Time::Max(); }
};

/// One transmission at a time on the whole channel (contention without collisions).
class SerialLinkSharing : public LinkSharing
{
  public:
    static TypeId GetTypeId();
    uint32_t Media(uint32_t) const override { return 1; }
    uint32_t MediumOf(uint32_t, uint32_t, uint32_t) const override { return 0; }
};

/// A frame of M + 1 slots (the AP's, then one per station); a device sends only within its own
/// slot, as many aggregates as fit.
class TdmaLinkSharing : public LinkSharing
{
  public:
    static TypeId GetTypeId();
    uint32_t Media(uint32_t stations) const override { return stations + 1; }
    uint32_t MediumOf(uint32_t device, uint32_t, uint32_t) const override { return device; }
    std::pair<Time, Time> Gate(uint32_t device, uint32_t devices, Time now) const override;
    Time Longest() const override { return m_slot; }

  private:
    Time m_slot;
};

/// One sub-channel per station, used by that station and by the AP towards it; sub-channels run
/// in parallel, and no medium reaches every station (no broadcasts).
class FdmaLinkSharing : public LinkSharing
{
  public:
    static TypeId GetTypeId();
    uint32_t Media(uint32_t stations) const override { return stations; }
    uint32_t MediumOf(uint32_t device, uint32_t station, uint32_t stations) const override;
};

} // namespace airgrad
} // namespace ns3

#endif
