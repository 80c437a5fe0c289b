#include "network-drivers.h"
#include "round-harness.h"

#include "model/airgrad-link.h"

#include "round/experiment.h"

#include "ns3/erp-ofdm-phy.h"
#include "ns3/he-phy.h"
#include "ns3/ht-phy.h"
#include "ns3/log.h"
#include "ns3/neighbor-cache-helper.h"
#include "ns3/ofdm-phy.h"
#include "ns3/simulator.h"
#include "ns3/table-based-error-rate-model.h"
#include "ns3/uinteger.h"
#include "ns3/vht-phy.h"
#include "ns3/wifi-phy.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradLinkDriver");
namespace airgrad
{

namespace
{

/// What IdealWifiManager's default BerThreshold asks of an MCS.
constexpr double kBerThreshold = 1e-6;

/// Per worker: the SNR over the whole channel, dB (set, or from the log-distance path loss).
std::vector<double>
StationSnrsDb(const ::airgrad::ExperimentConfig& c)
{
    std::vector<double> out;
    if (!c.snrDb.empty())
    {
        for (int m = 0; m < c.workers; ++m)
        {
            out.push_back(c.snrDb[c.snrDb.size() == 1 ? 0 : static_cast<size_t>(m)]);
        }
        return out;
    }
    const double noiseDbm = ReceivedPowerForSnrDbm(0.0, c.channelWidthMhz);
    for (const Vector& p : StationPositions(c))
    {
        const double d = std::max(std::hypot(p.x, p.y), 1.0); // ns-3's log-distance: no loss below 1 m
        out.push_back(c.txPowerDbm - ReferenceLossDb(c) - 10.0 * c.pathLossExponent * std::log10(d) - noiseDbm);
    }
    return out;
}

/// The data TXVECTOR for `mcs` of the configured standard over `widthMhz` with `nss` streams
/// (802.11n: the HT-MCS index says the streams).
WifiTxVector
DataTxVector(const ::airgrad::ExperimentConfig& c, uint8_t mcs, uint16_t widthMhz, uint8_t nss)
{
    WifiTxVector tx;
    if (c.standard == "ax")
    {
        tx.SetMode(HePhy::GetHeMcs(mcs));
        tx.SetPreambleType(WIFI_PREAMBLE_HE_SU);
        tx.SetGuardInterval(static_cast<uint16_t>(c.guardIntervalNs != 0 ? c.guardIntervalNs : 3200));
    }
    else
    {
        tx.SetMode(c.standard == "ac" ? VhtPhy::GetVhtMcs(mcs) : HtPhy::GetHtMcs(mcs));
        tx.SetPreambleType(c.standard == "ac" ? WIFI_PREAMBLE_VHT_SU : WIFI_PREAMBLE_HT_MF);
        tx.SetGuardInterval(static_cast<uint16_t>(c.guardIntervalNs != 0 ? c.guardIntervalNs : 800));
    }
    tx.SetChannelWidth(widthMhz);
    tx.SetNss(c.standard == "n" ? static_cast<uint8_t>(mcs / 8 + 1) : nss);
    return tx;
}

/// The SNR each stream of `tx` sees, as ns-3 models it: with A antennas and N streams, the
/// receive diversity gain A / N of an AWGN error model (the ideal manager's estimate agrees).
double
StreamSnr(const ::airgrad::ExperimentConfig& c, double snr, const WifiTxVector& tx)
{
    return snr * c.spatialStreams / tx.GetNss();
}

/// The fastest valid MCS and stream count whose BER-1e-6 SNR threshold lies below the SNR per
/// stream (MCS 0 if none), as IdealWifiManager chooses; or network.mcs on every stream with
/// rate_manager = constant.
WifiTxVector
ChooseTxVector(const ::airgrad::ExperimentConfig& c, const ErrorRateModel& errors, double snrDb, uint16_t widthMhz)
{
    const auto streams = static_cast<uint8_t>(c.spatialStreams);
    if (c.rateManager == "constant")
    {
        return DataTxVector(c, static_cast<uint8_t>(c.mcs), widthMhz, streams);
    }
    WifiTxVector best = DataTxVector(c, 0, widthMhz, 1);
    uint64_t bestRate = 0;
    const double snr = std::pow(10.0, snrDb / 10.0);
    // 802.11n numbers MCSs across streams (HT-MCS 8 s .. 8 s + 7 for s + 1 streams).
    const int top = c.standard == "ax" ? 11 : c.standard == "ac" ? 9 : 8 * streams - 1;
    for (uint8_t nss = 1; nss <= (c.standard == "n" ? 1 : streams); ++nss)
    {
        for (int mcs = 0; mcs <= top; ++mcs)
        {
            const WifiTxVector tx = DataTxVector(c, static_cast<uint8_t>(mcs), widthMhz, nss);
            if (!tx.IsValid())
            {
                continue; // e.g. VHT-MCS 9 at 20 MHz with one stream
            }
            const uint64_t rate = tx.GetMode().GetDataRate(tx);
            if (rate > bestRate && errors.CalculateSnr(tx, kBerThreshold) < StreamSnr(c, snr, tx))
            {
                best = tx;
                bestRate = rate;
            }
        }
    }
    return best;
}

/// The AP's broadcast TXVECTOR: the lowest basic rate, 6 Mb/s OFDM (ERP-OFDM at 2.4 GHz), 20 MHz.
WifiTxVector
BroadcastTxVector(const ::airgrad::ExperimentConfig& c)
{
    WifiTxVector tx;
    tx.SetMode(c.bandGhz == 2.4 ? ErpOfdmPhy::GetErpOfdmRate6Mbps() : OfdmPhy::GetOfdmRate6Mbps());
    tx.SetPreambleType(WIFI_PREAMBLE_LONG);
    tx.SetChannelWidth(20);
    return tx;
}

/// A compressed block ack at the control rate the data modulation allows: its non-HT reference
/// rate (BPSK 6, QPSK 12, else 24 Mb/s, the highest basic rate).
Time
BlockAckDuration(const ::airgrad::ExperimentConfig& c, const WifiTxVector& data, WifiPhyBand band)
{
    const uint16_t constellation = data.GetMode().GetConstellationSize();
    const bool erp = c.bandGhz == 2.4;
    WifiTxVector control;
    control.SetMode(constellation <= 2   ? (erp ? ErpOfdmPhy::GetErpOfdmRate6Mbps() : OfdmPhy::GetOfdmRate6Mbps())
                    : constellation <= 4 ? (erp ? ErpOfdmPhy::GetErpOfdmRate12Mbps() : OfdmPhy::GetOfdmRate12Mbps())
                                         : (erp ? ErpOfdmPhy::GetErpOfdmRate24Mbps() : OfdmPhy::GetOfdmRate24Mbps()));
    control.SetPreambleType(WIFI_PREAMBLE_LONG);
    control.SetChannelWidth(20);
    return WifiPhy::CalculateTxDuration(LinkChannel::kBlockAckBytes, control, band);
}

} // namespace

NetworkRunStats
RunLink(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer)
{
    const ::airgrad::ExperimentConfig& config = experiment.Config();
    RoundHarness harness(experiment, observer);
    const uint32_t stations = harness.stations.GetN();

    Ptr<LinkChannel> channel = CreateObject<LinkChannel>();
    const LinkChannel::Sharing sharing = config.linkSharing == "tdma"   ? LinkChannel::Sharing::kTdma
                                         : config.linkSharing == "fdma" ? LinkChannel::Sharing::kFdma
                                                                        : LinkChannel::Sharing::kSerial;
    const Time slotTime = MicroSeconds(static_cast<int64_t>(std::llround(config.tdmaSlotMs * 1e3)));
    channel->SetSharing(sharing, slotTime);
    channel->SetAttribute("MaxAggregateBytes", UintegerValue(static_cast<uint64_t>(config.maxAmpduBytes)));
    channel->SetAttribute("MaxPpduDuration", TimeValue(MicroSeconds(config.standard == "n" ? 10000 : 5484)));
    channel->AssignStreams(100);
    NetDeviceContainer apDevice, staDevices;
    for (uint32_t n = 0; n <= stations; ++n)
    {
        Ptr<LinkNetDevice> device = CreateObject<LinkNetDevice>();
        device->SetAddress(Mac48Address::Allocate());
        device->SetAttribute("MaxQueuePackets", UintegerValue(static_cast<uint32_t>(config.queuePackets)));
        Ptr<Node> node = n == 0 ? harness.ap.Get(0) : harness.stations.Get(n - 1);
        node->AddDevice(device);
        device->Attach(channel);
        (n == 0 ? apDevice : staDevices).Add(device);
    }

    // Each worker's link, the same both ways. FDMA: 1/M of the width, and the transmit power on
    // 1/M of the noise bandwidth gives 10 log10 M dB more SNR.
    const WifiPhyBand band = config.bandGhz == 2.4 ? WIFI_PHY_BAND_2_4GHZ
                             : config.bandGhz == 6.0 ? WIFI_PHY_BAND_6GHZ
                                                     : WIFI_PHY_BAND_5GHZ;
    const double split = sharing == LinkChannel::Sharing::kFdma ? stations : 1.0;
    const Time sifs = MicroSeconds(config.bandGhz == 2.4 ? 10 : 16);
    const Time slot = MicroSeconds(9);
    const uint16_t width = static_cast<uint16_t>(config.channelWidthMhz);
    Ptr<TableBasedErrorRateModel> errors = CreateObject<TableBasedErrorRateModel>();
    const std::vector<double> snrsDb = StationSnrsDb(config);
    const WifiTxVector broadcastTx = BroadcastTxVector(config);
    // Contention (serial): AIFS of best effort and the mean backoff with CWmin 15.
    const Time contentionGap = config.linkOverheadUs >= 0.0 ? NanoSeconds(std::llround(config.linkOverheadUs * 1e3))
                               : sharing == LinkChannel::Sharing::kSerial ? sifs + slot * 3 + slot * 15 / 2
                                                                          : Time();
    channel->SetBroadcast([broadcastTx, band](uint32_t bytes) { return WifiPhy::CalculateTxDuration(bytes, broadcastTx, band); },
                          contentionGap);
    for (uint32_t s = 0; s < stations; ++s)
    {
        const double snrDb = snrsDb[s] + 10.0 * std::log10(split);
        const double snr = std::pow(10.0, snrDb / 10.0);
        harness.SetSnrDb(s, snrDb);
        const WifiTxVector tx = ChooseTxVector(config, *errors, snrDb, width);
        const Time preamble = WifiPhy::CalculatePhyPreambleAndHeaderDuration(tx);
        LinkChannel::LinkProfile profile;
        if (config.linkRate == "shannon")
        {
            const double bitsPerS = config.channelWidthMhz * 1e6 / split *
                                    std::log2(1.0 + snr / std::pow(10.0, config.shannonGapDb / 10.0));
            profile.ppduDuration = [preamble, bitsPerS](uint32_t bytes) {
                return preamble + Seconds(8.0 * bytes / bitsPerS);
            };
            profile.mpduErrorRate = [](uint32_t) { return 0.0; };
        }
        else
        {
            harness.SetMcs(s, tx.GetMode().GetMcsValue());
            // A sub-channel of 1/M of the tones takes M times as many data symbols.
            profile.ppduDuration = [tx, band, preamble, split](uint32_t bytes) {
                return preamble + (WifiPhy::CalculateTxDuration(bytes, tx, band) - preamble) * split;
            };
            const double streamSnr = StreamSnr(config, snr, tx);
            profile.mpduErrorRate = [errors, tx, streamSnr](uint32_t bytes) {
                return 1.0 - errors->GetChunkSuccessRate(tx.GetMode(), tx, streamSnr, 8ULL * bytes);
            };
        }
        // A 20 MHz broadcast collects the noise of 20 MHz only.
        const double broadcastSnr = snr * config.channelWidthMhz / 20.0;
        profile.broadcastErrorRate = [errors, broadcastTx, broadcastSnr](uint32_t bytes) {
            return 1.0 - errors->GetChunkSuccessRate(broadcastTx.GetMode(), broadcastTx, broadcastSnr, 8ULL * bytes);
        };
        profile.sifs = sifs;
        profile.blockAck = BlockAckDuration(config, tx, band);
        profile.gap = contentionGap;
        // TDMA: the largest frame must fit a slot with its block ack, or as a broadcast.
        const uint32_t largest = LinkChannel::SubframeBytes(static_cast<uint32_t>(config.fragmentBytes) + 28); // + IPv4 and UDP headers
        const Time exchange = profile.ppduDuration(largest) + profile.sifs + profile.blockAck + profile.gap;
        const Time broadcast = WifiPhy::CalculateTxDuration(largest, broadcastTx, band) + contentionGap;
        if (sharing == LinkChannel::Sharing::kTdma && std::max(exchange, broadcast) > slotTime)
        {
            throw std::runtime_error("network.tdma_slot_ms = " + std::to_string(config.tdmaSlotMs) + " is too short: worker " +
                                     std::to_string(s) + "'s " + std::to_string(config.fragmentBytes) +
                                     "-byte fragments need " + std::to_string(std::max(exchange, broadcast).GetSeconds() * 1e3) +
                                     " ms with their block ack; raise it or lower network.fragment_bytes");
        }
        channel->SetProfile(s, std::move(profile));
    }

    harness.InstallInternet(apDevice, staDevices);
    EnergySourceContainer sources = harness.InstallEnergySources();
    DeviceEnergyModelContainer radios;
    for (uint32_t s = 0; s < stations; ++s)
    {
        Ptr<PowerStateEnergyModel> radio = CreateObject<PowerStateEnergyModel>();
        radio->SetStatePowers({config.idleCurrentA * config.voltageV, config.txCurrentA * config.voltageV,
                               config.rxCurrentA * config.voltageV}); // LinkNetDevice::RadioState
        radio->SetEnergySource(sources.Get(s));
        sources.Get(s)->AppendDeviceEnergyModel(radio);
        DynamicCast<LinkNetDevice>(staDevices.Get(s))->SetRadioEnergyModel(radio);
        radios.Add(radio);
    }
    harness.SetRadios(radios);
    channel->TraceConnectWithoutContext(
        "Transmission",
        MakeBoundCallback(+[](RoundHarness* h, uint32_t sender, uint32_t station, uint32_t psduBytes, Time duration,
                              uint32_t, uint32_t) {
            if (sender != 0)
            {
                h->AddAirtime(station, duration.GetSeconds());
                h->AddAirBytes(station, psduBytes);
            }
        },
                          &harness));
    harness.InstallApplications();
    // No ARP on the air: every neighbour is known from the start.
    NeighborCacheHelper().PopulateNeighborCache(channel);
    // The applications start at 0 s, in events queued when the simulation initialises the nodes.
    Simulator::Schedule(NanoSeconds(1), &RoundHarness::StartLearning, &harness);
    Simulator::Run();
    NetworkRunStats stats;
    stats.events = Simulator::GetEventCount();
    stats.learningWallS = harness.LearningWallS();
    harness.CheckAllRoundsRan("link");
    return stats;
}

} // namespace airgrad
} // namespace ns3
