#ifndef AIRGRAD_NS3_WORKAROUNDS_H
#define AIRGRAD_NS3_WORKAROUNDS_H

// Each place where airgrad works around a behaviour of ns-3.37 that would otherwise distort a
// learning run, with what it works around. The Block Ack and ARP problems of the first frames
// after association are handled by WifiWarmUp (wifi-warm-up.h).

#include "ns3/net-device-container.h"

#include <cstdint>

namespace ns3
{

class WifiMacHelper;

namespace airgrad
{

/**
 * Missed beacons before a station gives up its association. Stations never move out of range
 * in the drivers' topologies, so a run of missed beacons is contention, not departure. With
 * ns-3's default (10) dozens of stations disassociate about 1.1 s in; StaWifiMac::Disassociated
 * then switches the PHY off, and the Wi-Fi radio energy model, for which OFF is final, stops
 * counting although the station re-associates and keeps transmitting.
 */
constexpr uint32_t kMaxMissedBeacons = 100000;

/**
 * Initial energy of every station's source, J. 1 MJ lasts about 10 simulated days of
 * transmitting. Far larger budgets break ns-3: the energy model's time to depletion,
 * Seconds(energy / (current * voltage)), overflows Time's int64 nanoseconds and every
 * transmission is then marked truncated (no station can associate).
 */
constexpr double kStationEnergyJ = 1e6;

/**
 * Uplink OFDMA with 3.37's round-robin multi-user scheduler (RrMultiUserScheduler): the AP asks
 * for the channel every 1 ms, so that it triggers uplinks while its own queue is empty (while
 * the workers upload). No buffer status poll: 3.37's scheduler follows a poll with a basic
 * trigger only when the AP has downlink frames queued, and rounds stalled for seconds. A
 * station whose buffer status is unknown gets room for one `ulPsduBytes` PSDU.
 */
void SetOfdmaScheduler(WifiMacHelper& apMac, uint32_t stationsPerPpdu, uint32_t ulPsduBytes);

/**
 * MU EDCA (AIFSN 0: contention disabled) for 65.5 ms after each trigger. Without it the
 * stations won the channel by contention for nearly every update and OFDMA carried none.
 */
void EnableMuEdca(const NetDeviceContainer& apDevice);

/**
 * IPv4 without a queue disc: the device queue suffices, and the default FqCoDel that
 * Ipv4AddressHelper::Assign installs would drop long bursts of fragments.
 */
void UninstallQueueDiscs(const NetDeviceContainer& devices);

} // namespace airgrad
} // namespace ns3

#endif
