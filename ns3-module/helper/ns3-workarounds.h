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
class WifiPhy;

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

/*
 * A battery of B joules (energy.battery_j) is the same kStationEnergyJ source, depleted once it
 * has given B: its low-battery threshold is 1 - B / kStationEnergyJ. A source charged with B
 * itself would make ns-3.37's Wi-Fi radio energy model switch itself off early: it predicts the
 * moment its own current empties the source and goes OFF then, for good, and in the runs tried
 * it went OFF with 15% of the battery left and the source never depleted (the radio then drew
 * nothing more). With 1 MJ in the source that moment never comes. The charge a policy sees is
 * what is left above the threshold (BatteryLeftJ).
 */

/**
 * A station whose battery ran out (energy.battery_j): its PHY deaf at once and off 6 ms later,
 * once idle. ns-3.37's default depletion callback switches the PHY off at once, and a PPDU whose
 * preamble it was receiving then reaches its payload and aborts the simulation
 * (WifiPhyStateHelper::SwitchToRx: "Invalid WifiPhy state OFF"); so does switching off while
 * idle, since a weak PPDU's preamble leaves the PHY idle. Until it is off (6 ms) the radio draws
 * its idle current (about 5 mJ) from the empty source, and may still send what its MAC queued.
 */
void SwitchOffSafely(Ptr<WifiPhy> phy);

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
 * An A-MPDU that asks for a Block Ack (normal ack policy) under an agreement that the receiver
 * has not yet established is dropped whole, its MPDUs and its end, as if it had been lost (so is
 * a single QoS Data MPDU or BAR in a trigger-based PPDU, for which HE does the same), and the
 * receiver answers with one DELBA until the sender's next ADDBA Request, so that the two sides
 * set the agreement up again (its ADDBA Response may never be acked: two TCP workers then never
 * connected). In ns-3.37 a recipient's agreement stays
 * pending until the Ack of its ADDBA Response arrives, while the originator already counts it
 * established. When that Ack was lost (per-packet Rayleigh fading at 15 dB loses about 1 frame in
 * 13; a collision does too), the receiver acked each MPDU of the next A-MPDU on its own, the
 * second Ack while the first was on the air ("Invalid WifiPhy state" in SwitchToTx), and
 * HtFrameExchangeManager::EndReceiveAmpdu copied an agreement from its map's end() (std::bad_alloc).
 * Fixed upstream in ns-3.38.
 */
void GuardAmpduWithoutAgreement(const NetDeviceContainer& devices);

/**
 * IPv4 without a queue disc: the device queue suffices, and the default FqCoDel that
 * Ipv4AddressHelper::Assign installs would drop long bursts of fragments.
 */
void UninstallQueueDiscs(const NetDeviceContainer& devices);

} // namespace airgrad
} // namespace ns3

#endif
