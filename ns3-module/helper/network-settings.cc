#include "network-settings.h"

#include "core/rng.h"
#include "round/experiment-config.h"

#include <algorithm>
#include <cmath>

namespace ns3
{
namespace airgrad
{

namespace
{

/// Log-distance reference loss at 1 m: network.reference_loss_db, or free space at the band's
/// lower edge (at 5.15 GHz that is ns-3's own default, 46.6777 dB), dB.
double
ReferenceLossDb(const ::airgrad::ExperimentConfig& config)
{
    const double frequencyHz = config.bandGhz == 2.4 ? 2.4e9 : config.bandGhz == 6.0 ? 5.95e9 : 5.15e9;
    return config.referenceLossDb >= 0.0 ? config.referenceLossDb
                                         : 20.0 * std::log10(4.0 * M_PI * frequencyHz / 299792458.0);
}

/// Station positions around the AP at the origin (circle, or seeded uniform draws in a disc), m.
std::vector<Vector>
StationPositions(const ::airgrad::ExperimentConfig& config)
{
    std::vector<Vector> out;
    ::airgrad::Rng placement = ::airgrad::Rng::Derive(config.seed, 0x91ACEULL);
    for (int m = 0; m < config.workers; ++m)
    {
        double angle = 2.0 * M_PI * m / config.workers;
        double distance = config.distancesM.empty() ? config.distanceM : config.distancesM[static_cast<size_t>(m)];
        if (config.placement == "disc")
        {
            angle = 2.0 * M_PI * placement.Uniform01();
            distance *= std::sqrt(placement.Uniform01()); // uniform over the disc's area
            distance = std::max(distance, 0.1);
        }
        out.emplace_back(distance * std::cos(angle), distance * std::sin(angle), 0.0);
    }
    return out;
}

} // namespace

double
ReceivedPowerForSnrDbm(double snrDb, double widthMhz)
{
    const double noiseW = 1.3803e-23 * 290.0 * widthMhz * 1e6;
    return 10.0 * std::log10(noiseW * 1e3) + kNoiseFigureDb + snrDb;
}

NetworkSettings
NetworkSettings::FromConfig(const ::airgrad::ExperimentConfig& c)
{
    // The scenario library validated every value; here they only change type.
    NetworkSettings s;
    s.generation = c.standard == "ax" ? WifiGeneration::k80211ax
                   : c.standard == "ac" ? WifiGeneration::k80211ac
                                        : WifiGeneration::k80211n;
    s.band = c.bandGhz == 2.4 ? WifiBand::k2_4GHz : c.bandGhz == 6.0 ? WifiBand::k6GHz : WifiBand::k5GHz;
    s.channelWidthMhz = static_cast<uint16_t>(c.channelWidthMhz);
    s.guardIntervalNs = static_cast<uint16_t>(c.guardIntervalNs);
    s.rateControl = c.rateManager == "constant" ? RateControl::kConstant
                    : c.rateManager == "minstrel" ? RateControl::kMinstrel
                                                  : RateControl::kIdeal;
    s.mcs = static_cast<uint8_t>(c.mcs);
    s.spatialStreams = static_cast<uint8_t>(c.spatialStreams);
    s.txPowerDbm = c.txPowerDbm;
    s.maxAmpduBytes = static_cast<uint32_t>(c.maxAmpduBytes);
    s.queuePackets = static_cast<uint32_t>(c.queuePackets);
    s.fragmentBytes = static_cast<uint32_t>(c.fragmentBytes);
    s.tcp = c.transport == "tcp";
    s.snrDb = c.snrDb;
    s.positions = StationPositions(c);
    s.pathLossExponent = c.pathLossExponent;
    s.referenceLossDb = ReferenceLossDb(c);
    s.fading = c.fading == "rayleigh" ? Fading::kRayleigh : c.fading == "nakagami" ? Fading::kNakagami : Fading::kNone;
    s.nakagamiM = c.fading == "rayleigh" ? 1.0 : c.nakagamiM;
    s.ofdma = c.ofdma;
    s.ofdmaStations = static_cast<uint32_t>(c.ofdmaStations);
    s.txCurrentA = c.txCurrentA;
    s.rxCurrentA = c.rxCurrentA;
    s.idleCurrentA = c.idleCurrentA;
    s.voltageV = c.voltageV;
    s.linkRate = c.linkRate == "shannon" ? LinkRate::kShannon : LinkRate::kMcs;
    s.shannonGapDb = c.shannonGapDb;
    s.linkSharing = c.linkSharing == "tdma"   ? LinkSharingKind::kTdma
                    : c.linkSharing == "fdma" ? LinkSharingKind::kFdma
                                              : LinkSharingKind::kSerial;
    s.tdmaSlot = MicroSeconds(static_cast<int64_t>(std::llround(c.tdmaSlotMs * 1e3)));
    s.linkOverhead = c.linkOverheadUs >= 0.0 ? NanoSeconds(std::llround(c.linkOverheadUs * 1e3)) : Seconds(-1);
    return s;
}

} // namespace airgrad
} // namespace ns3
