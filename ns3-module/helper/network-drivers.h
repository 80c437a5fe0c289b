#ifndef AIRGRAD_NETWORK_DRIVERS_H
#define AIRGRAD_NETWORK_DRIVERS_H

// Deliberately free of ns-3 headers: the CLI and tests include this without paying for them.

#include <cstdint>
#include <string>
#include <vector>

namespace airgrad
{
class Experiment;
class RoundObserver;
} // namespace airgrad

namespace ns3
{
namespace airgrad
{

/// \brief What a network run cost the simulator.
struct NetworkRunStats
{
    uint64_t events = 0;         ///< ns-3 events executed, association and warm-up included
    double learningStartS = 0.0; ///< simulated time at which round 1 began, s
    double learningWallS = 0.0;  ///< wall-clock time from round 1's start to the last round's end, s
    uint32_t radiosOff = 0;      ///< Wi-Fi: station radio energy models in the OFF state at the end (they stop counting)
    uint64_t dataPpdus = 0;      ///< Wi-Fi: station PPDUs carrying data, from round 1
    uint64_t triggerBasedDataPpdus = 0; ///< Wi-Fi: those sent in a trigger-based PPDU (uplink OFDMA)
    std::vector<uint32_t> depletedRounds; ///< per worker, the round its battery ran out in (0: never); empty: no batteries
};

/**
 * \brief Runs an experiment's rounds over ns-3 Wi-Fi: one access point (the server) and a station
 * per worker, with the standard, band, width, guard interval, rate manager, aggregation, streams,
 * placement or set SNRs, fading and energy currents of the network.* keys; UDP with
 * application-level fragmentation, or TCP (network.transport); optionally OFDMA with ns-3's
 * round-robin multi-user scheduler on the spectrum PHY (network.ofdma); a Wi-Fi radio energy
 * model and a processor model per station.
 *
 * Rounds start once every station has associated, a warm-up has made every link ready and, with
 * TCP, every worker has connected;
 * sim_time_s, airtime, air bytes and energy count from that moment. Airtime is the sum of the
 * worker radios' TX state durations; uplink air bytes the sizes of the PSDUs they transmit
 * (MAC/IP/UDP headers, acks and retries included); energy their radio plus processor energy.
 * Reports round 0 and every round to `observer`. Throws std::runtime_error when the stations do
 * not associate, the links do not become ready or the TCP connections do not open within 60
 * simulated seconds each.
 */
NetworkRunStats RunWifi(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer);

/**
 * \brief Runs an experiment's rounds over the abstract link (network.kind = link): the same
 * nodes, IP stack, applications and energy sources as RunWifi, but each station has a
 * LinkNetDevice on one LinkChannel. Per worker, the SNR (network.snr_db, or from distance as
 * RunWifi computes the received power) gives the MCS (as ns-3's IdealWifiManager chooses it) or
 * a Shannon rate; PPDU durations and frame error rates come from ns-3's Wi-Fi PHY and its
 * table-based error model; the medium is shared serially, by TDMA or by FDMA
 * (network.link_sharing). Airtime, air bytes and energy are counted as in RunWifi; a station's
 * radio draws the transmit current while it sends, the receive current while a PPDU for it is
 * on the air and the idle current otherwise (it does not overhear others' frames).
 * Learning starts at once (with TCP, once every worker has connected): the link needs no association.
 */
NetworkRunStats RunLink(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer);

/// Whether this build has the ns-3 drivers (RunWifi, RunLink): false when configured with
/// -DAIRGRAD_NS3=OFF or without ns-3.
bool NetworkSimulatorBuilt();
/// Throws std::invalid_argument naming network.kind when this build cannot run `kind`.
void CheckNetworkAvailable(const std::string& kind);

/// Runs the experiment over the network its network.kind names: ideal (the core's RunIdeal; no
/// simulator, empty stats), wifi or link.
NetworkRunStats RunNetwork(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer);

} // namespace airgrad
} // namespace ns3

#endif
