#ifndef AIRGRAD_NETWORK_SETTINGS_H
#define AIRGRAD_NETWORK_SETTINGS_H

// The [network] section as typed values: parsed once from the scenario's configuration
// (NetworkSettings::FromConfig), then read by the topology helpers and drivers, which compare
// no strings (AirgradHelper takes the applications' settings from the experiment itself). A
// program that builds its own network can fill one in code.

#include "ns3/nstime.h"
#include "ns3/vector.h"

#include <cstdint>
#include <vector>

namespace airgrad
{
struct ExperimentConfig;
}

namespace ns3
{
namespace airgrad
{

enum class WifiGeneration
{
    k80211n,
    k80211ac,
    k80211ax
};
enum class WifiBand
{
    k2_4GHz,
    k5GHz,
    k6GHz
};
enum class RateControl
{
    kIdeal,    ///< ns-3's IdealWifiManager (the link: its choice, from the SNR)
    kMinstrel, ///< MinstrelHtWifiManager (Wi-Fi only)
    kConstant  ///< one MCS (`mcs`)
};
enum class Fading
{
    kNone,
    kRayleigh,
    kNakagami
};
enum class LinkRate
{
    kMcs,    ///< 802.11 MCS tables, PPDU durations and error rates from ns-3's Wi-Fi PHY
    kShannon ///< the Shannon capacity minus a gap, error-free
};
enum class LinkSharingKind
{
    kSerial,
    kTdma,
    kFdma
};

/// ns-3's default receiver noise figure, dB.
constexpr double kNoiseFigureDb = 7.0;
/// Received power giving `snrDb` over `widthMhz`, with thermal noise as ns-3 computes it
/// (k T B at 290 K) plus the noise figure, dBm.
double ReceivedPowerForSnrDbm(double snrDb, double widthMhz);

/// \brief The radio and link settings of one BSS: an access point and its stations.
struct NetworkSettings
{
    // Radio (Wi-Fi and the abstract link)
    WifiGeneration generation = WifiGeneration::k80211ax;
    WifiBand band = WifiBand::k5GHz;
    uint16_t channelWidthMhz = 20;
    uint16_t guardIntervalNs = 0; ///< 0 = ns-3's default (ax 3200, n/ac 800)
    RateControl rateControl = RateControl::kIdeal;
    uint8_t mcs = 0;              ///< with RateControl::kConstant
    uint8_t spatialStreams = 1;   ///< antennas and streams of every radio
    double txPowerDbm = 16.0206;
    uint32_t maxAmpduBytes = 65535;
    uint32_t queuePackets = 100000; ///< frames per transmit queue
    uint32_t fragmentBytes = 1400;  ///< the applications' datagrams (OFDMA and TDMA size for them)
    bool tcp = false;               ///< the applications' transport is TCP (the harness waits for connections)
    std::vector<double> snrDb;      ///< per station (set SNRs); empty: from the path loss
    std::vector<Vector> positions;  ///< per station, m; the AP stands at the origin
    double pathLossExponent = 3.0;
    double referenceLossDb = 46.6777; ///< log-distance loss at 1 m
    Fading fading = Fading::kNone;
    double nakagamiM = 1.0;
    bool ofdma = false;             ///< Wi-Fi, ax: DL and UL OFDMA, round-robin scheduler
    uint32_t ofdmaStations = 4;
    // Radio energy (ns-3's WifiRadioEnergyModel currents)
    double txCurrentA = 0.38;
    double rxCurrentA = 0.313;
    double idleCurrentA = 0.273;
    double voltageV = 3.0;
    // The abstract link
    LinkRate linkRate = LinkRate::kMcs;
    double shannonGapDb = 3.0;
    LinkSharingKind linkSharing = LinkSharingKind::kSerial;
    Time tdmaSlot = MilliSeconds(4);
    Time linkOverhead = Seconds(-1); ///< medium time per transmission beyond the PPDU; < 0 = auto

    /// The scenario's [network] keys, typed.
    static NetworkSettings FromConfig(const ::airgrad::ExperimentConfig& config);
    /// Station `s`'s set SNR (one value for all, or one each), dB.
    double StationSnrDb(uint32_t s) const { return snrDb[snrDb.size() == 1 ? 0 : s]; }
};

} // namespace airgrad
} // namespace ns3

#endif
