#ifndef AIRGRAD_WIFI_DRIVER_H
#define AIRGRAD_WIFI_DRIVER_H

// Deliberately free of ns-3 headers: the CLI and tests include this without paying for them.

#include <cstdint>

namespace airgrad
{
class Experiment;
class RoundObserver;
} // namespace airgrad

namespace ns3
{
namespace airgrad
{

/// \brief What a Wi-Fi run cost the simulator.
struct WifiRunStats
{
    uint64_t events = 0;         ///< ns-3 events executed, association and warm-up included
    double learningStartS = 0.0; ///< simulated time at which round 1 began, s
    uint32_t radiosOff = 0;      ///< station radio energy models in the OFF state at the end (they stop counting)
};

/**
 * \brief Runs an experiment's rounds over ns-3 Wi-Fi: one 802.11ax access point (the server) and
 * a station per worker at network.distance_m on a circle, 5 GHz, network.channel_width_mhz,
 * log-distance path loss (exponent 3, 46.68 dB at 1 m), the ideal rate manager, UDP with
 * application-level fragmentation, and a Wi-Fi radio energy model per station.
 *
 * Rounds start once every station has associated; sim_time_s, airtime, air bytes and energy count
 * from that moment. Airtime is the sum of the worker radios' TX state durations; uplink air bytes
 * the sizes of the PSDUs they transmit (MAC/IP/UDP headers and retries included); energy their
 * radio energy only. Reports round 0 and every round to `observer`.
 * Throws std::runtime_error when the stations do not associate within 10 simulated seconds.
 */
WifiRunStats RunWifi(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer);

} // namespace airgrad
} // namespace ns3

#endif
