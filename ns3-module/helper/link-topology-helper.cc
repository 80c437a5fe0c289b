#include "link-topology-helper.h"

#include "link-sharing.h"
#include "power-state-energy-model.h"

#include "ns3/erp-ofdm-phy.h"
#include "ns3/he-phy.h"
#include "ns3/ht-phy.h"
#include "ns3/log.h"
#include "ns3/ofdm-phy.h"
#include "ns3/table-based-error-rate-model.h"
#include "ns3/uinteger.h"
#include "ns3/vht-phy.h"
#include "ns3/wifi-phy.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradLinkTopologyHelper");
namespace airgrad
{

namespace
{

/// What IdealWifiManager's default BerThreshold asks of an MCS.
constexpr double kBerThreshold = 1e-6;

/// What every station's link shares: the PHY's error model, band and timing.
struct LinkPhy
{
    Ptr<TableBasedErrorRateModel> errors;
    WifiPhyBand band;
    WifiTxVector broadcastTx;
    Time sifs;
    Time gap;     ///< medium idle after each exchange
    double split; ///< FDMA: stations per channel; else 1
};

/// The data TXVECTOR for `mcs` of the configured standard over `widthMhz` with `nss` streams
/// (802.11n: the HT-MCS index says the streams).
WifiTxVector
DataTxVector(const NetworkSettings& s, uint8_t mcs, uint16_t widthMhz, uint8_t nss)
{
    WifiTxVector tx;
    if (s.generation == WifiGeneration::k80211ax)
    {
        tx.SetMode(HePhy::GetHeMcs(mcs));
        tx.SetPreambleType(WIFI_PREAMBLE_HE_SU);
        tx.SetGuardInterval(s.guardIntervalNs != 0 ? s.guardIntervalNs : 3200);
    }
    else
    {
        const bool vht = s.generation == WifiGeneration::k80211ac;
        tx.SetMode(vht ? VhtPhy::GetVhtMcs(mcs) : HtPhy::GetHtMcs(mcs));
        tx.SetPreambleType(vht ? WIFI_PREAMBLE_VHT_SU : WIFI_PREAMBLE_HT_MF);
        tx.SetGuardInterval(s.guardIntervalNs != 0 ? s.guardIntervalNs : 800);
    }
    tx.SetChannelWidth(widthMhz);
    tx.SetNss(s.generation == WifiGeneration::k80211n ? static_cast<uint8_t>(mcs / 8 + 1) : nss);
    return tx;
}

/// The SNR each stream of `tx` sees, as ns-3 models it: with A antennas and N streams, the
/// receive diversity gain A / N of an AWGN error model (the ideal manager's estimate agrees).
double
StreamSnr(const NetworkSettings& s, double snr, const WifiTxVector& tx)
{
    return snr * s.spatialStreams / tx.GetNss();
}

/// The fastest valid MCS and stream count whose BER-1e-6 SNR threshold lies below the SNR per
/// stream (MCS 0 if none), as IdealWifiManager chooses; or the constant MCS on every stream.
WifiTxVector
ChooseTxVector(const NetworkSettings& s, const ErrorRateModel& errors, double snrDb)
{
    const uint16_t width = s.channelWidthMhz;
    if (s.rateControl == RateControl::kConstant)
    {
        return DataTxVector(s, s.mcs, width, s.spatialStreams);
    }
    WifiTxVector best = DataTxVector(s, 0, width, 1);
    uint64_t bestRate = 0;
    const double snr = std::pow(10.0, snrDb / 10.0);
    // 802.11n numbers MCSs across streams (HT-MCS 8 s .. 8 s + 7 for s + 1 streams).
    const bool ht = s.generation == WifiGeneration::k80211n;
    const int top = s.generation == WifiGeneration::k80211ax ? 11 : !ht ? 9 : 8 * s.spatialStreams - 1;
    for (uint8_t nss = 1; nss <= (ht ? 1 : s.spatialStreams); ++nss)
    {
        for (int mcs = 0; mcs <= top; ++mcs)
        {
            const WifiTxVector tx = DataTxVector(s, static_cast<uint8_t>(mcs), width, nss);
            if (!tx.IsValid())
            {
                continue; // e.g. VHT-MCS 9 at 20 MHz with one stream
            }
            const uint64_t rate = tx.GetMode().GetDataRate(tx);
            if (rate > bestRate && errors.CalculateSnr(tx, kBerThreshold) < StreamSnr(s, snr, tx))
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
BroadcastTxVector(const NetworkSettings& s)
{
    WifiTxVector tx;
    tx.SetMode(s.band == WifiBand::k2_4GHz ? ErpOfdmPhy::GetErpOfdmRate6Mbps() : OfdmPhy::GetOfdmRate6Mbps());
    tx.SetPreambleType(WIFI_PREAMBLE_LONG);
    tx.SetChannelWidth(20);
    return tx;
}

/// A compressed block ack at the control rate the data modulation allows: its non-HT reference
/// rate (BPSK 6, QPSK 12, else 24 Mb/s, the highest basic rate).
Time
BlockAckDuration(const NetworkSettings& s, const WifiTxVector& data, WifiPhyBand band)
{
    const uint16_t constellation = data.GetMode().GetConstellationSize();
    const bool erp = s.band == WifiBand::k2_4GHz;
    WifiTxVector control;
    control.SetMode(constellation <= 2   ? (erp ? ErpOfdmPhy::GetErpOfdmRate6Mbps() : OfdmPhy::GetOfdmRate6Mbps())
                    : constellation <= 4 ? (erp ? ErpOfdmPhy::GetErpOfdmRate12Mbps() : OfdmPhy::GetOfdmRate12Mbps())
                                         : (erp ? ErpOfdmPhy::GetErpOfdmRate24Mbps() : OfdmPhy::GetOfdmRate24Mbps()));
    control.SetPreambleType(WIFI_PREAMBLE_LONG);
    control.SetChannelWidth(20);
    return WifiPhy::CalculateTxDuration(LinkChannel::kBlockAckBytes, control, band);
}

Ptr<LinkSharing>
MakeSharing(const NetworkSettings& s)
{
    switch (s.linkSharing)
    {
    case LinkSharingKind::kTdma: {
        Ptr<TdmaLinkSharing> tdma = CreateObject<TdmaLinkSharing>();
        tdma->SetAttribute("Slot", TimeValue(s.tdmaSlot));
        return tdma;
    }
    case LinkSharingKind::kFdma:
        return CreateObject<FdmaLinkSharing>();
    default:
        return CreateObject<SerialLinkSharing>();
    }
}

/// Station `s`'s link at `snrDb` (its sub-channel's with FDMA) and its MCS (-1: Shannon).
std::pair<LinkChannel::LinkProfile, int>
MakeProfile(const NetworkSettings& s, const LinkPhy& phy, double snrDb)
{
    const double snr = std::pow(10.0, snrDb / 10.0);
    const WifiTxVector tx = ChooseTxVector(s, *phy.errors, snrDb);
    const Time preamble = WifiPhy::CalculatePhyPreambleAndHeaderDuration(tx);
    const double split = phy.split;
    LinkChannel::LinkProfile profile;
    int mcs = -1;
    if (s.linkRate == LinkRate::kShannon)
    {
        const double bitsPerS = s.channelWidthMhz * 1e6 / split * std::log2(1.0 + snr / std::pow(10.0, s.shannonGapDb / 10.0));
        profile.ppduDuration = [preamble, bitsPerS](uint32_t bytes) { return preamble + Seconds(8.0 * bytes / bitsPerS); };
        profile.mpduErrorRate = [](uint32_t) { return 0.0; };
    }
    else
    {
        mcs = tx.GetMode().GetMcsValue();
        // A sub-channel of 1/M of the tones takes M times as many data symbols.
        const WifiPhyBand band = phy.band;
        profile.ppduDuration = [tx, band, preamble, split](uint32_t bytes) {
            return preamble + (WifiPhy::CalculateTxDuration(bytes, tx, band) - preamble) * split;
        };
        const double streamSnr = StreamSnr(s, snr, tx);
        profile.mpduErrorRate = [errors = phy.errors, tx, streamSnr](uint32_t bytes) {
            return 1.0 - errors->GetChunkSuccessRate(tx.GetMode(), tx, streamSnr, 8ULL * bytes);
        };
    }
    // A 20 MHz broadcast collects the noise of 20 MHz only.
    const double broadcastSnr = snr * s.channelWidthMhz / 20.0;
    profile.broadcastErrorRate = [errors = phy.errors, broadcastTx = phy.broadcastTx, broadcastSnr](uint32_t bytes) {
        return 1.0 - errors->GetChunkSuccessRate(broadcastTx.GetMode(), broadcastTx, broadcastSnr, 8ULL * bytes);
    };
    profile.sifs = phy.sifs;
    profile.blockAck = BlockAckDuration(s, tx, phy.band);
    profile.gap = phy.gap;
    return {std::move(profile), mcs};
}

/// Throws when station `station`'s largest frame, with its block ack or as a broadcast, does not
/// fit a TDMA slot.
void
CheckTdmaSlot(const NetworkSettings& s, const LinkPhy& phy, const LinkChannel::LinkProfile& profile, uint32_t station)
{
    const uint32_t largest = LinkChannel::SubframeBytes(s.fragmentBytes + 28); // + IPv4 and UDP headers
    const Time exchange = profile.ppduDuration(largest) + profile.sifs + profile.blockAck + profile.gap;
    const Time broadcast = WifiPhy::CalculateTxDuration(largest, phy.broadcastTx, phy.band) + phy.gap;
    if (std::max(exchange, broadcast) > s.tdmaSlot)
    {
        throw std::runtime_error("network.tdma_slot_ms = " + std::to_string(s.tdmaSlot.GetSeconds() * 1e3) +
                                 " is too short: worker " + std::to_string(station) + "'s " +
                                 std::to_string(s.fragmentBytes) + "-byte fragments need " +
                                 std::to_string(std::max(exchange, broadcast).GetSeconds() * 1e3) +
                                 " ms with their block ack; raise it or lower network.fragment_bytes");
    }
}

} // namespace

NetDeviceContainer
LinkTopologyHelper::Install(Ptr<Node> ap, const NodeContainer& stations, int64_t stream)
{
    NS_LOG_FUNCTION(this << ap << stations.GetN() << stream);
    m_channel = CreateObject<LinkChannel>();
    m_channel->SetSharing(MakeSharing(m_s));
    m_channel->SetAttribute("MaxAggregateBytes", UintegerValue(m_s.maxAmpduBytes));
    m_channel->SetAttribute("MaxPpduDuration",
                            TimeValue(MicroSeconds(m_s.generation == WifiGeneration::k80211n ? 10000 : 5484)));
    m_channel->AssignStreams(stream);
    NetDeviceContainer devices;
    for (uint32_t n = 0; n <= stations.GetN(); ++n)
    {
        Ptr<LinkNetDevice> device = CreateObject<LinkNetDevice>();
        device->SetAddress(Mac48Address::Allocate());
        device->SetAttribute("MaxQueuePackets", UintegerValue(m_s.queuePackets));
        (n == 0 ? ap : stations.Get(n - 1))->AddDevice(device);
        device->Attach(m_channel);
        devices.Add(device);
    }
    // Each worker's link, the same both ways. FDMA: 1/M of the width, and the transmit power on
    // 1/M of the noise bandwidth gives 10 log10 M dB more SNR.
    LinkPhy phy;
    phy.band = m_s.band == WifiBand::k2_4GHz ? WIFI_PHY_BAND_2_4GHZ
               : m_s.band == WifiBand::k6GHz ? WIFI_PHY_BAND_6GHZ
                                             : WIFI_PHY_BAND_5GHZ;
    phy.split = m_s.linkSharing == LinkSharingKind::kFdma ? stations.GetN() : 1.0;
    phy.sifs = MicroSeconds(m_s.band == WifiBand::k2_4GHz ? 10 : 16);
    const Time slot = MicroSeconds(9);
    phy.errors = CreateObject<TableBasedErrorRateModel>();
    const std::vector<double> snrsDb = ChannelSnrsDb();
    phy.broadcastTx = BroadcastTxVector(m_s);
    // Contention (serial): AIFS of best effort and the mean backoff with CWmin 15.
    phy.gap = !m_s.linkOverhead.IsNegative()                   ? m_s.linkOverhead
              : m_s.linkSharing == LinkSharingKind::kSerial ? phy.sifs + slot * 3 + slot * 15 / 2
                                                            : Time();
    m_channel->SetBroadcast([tx = phy.broadcastTx, band = phy.band](uint32_t bytes) {
        return WifiPhy::CalculateTxDuration(bytes, tx, band);
    },
                            phy.gap);
    m_snrsDb.clear();
    m_mcs.clear();
    for (uint32_t s = 0; s < stations.GetN(); ++s)
    {
        m_snrsDb.push_back(snrsDb[s] + 10.0 * std::log10(phy.split));
        auto [profile, mcs] = MakeProfile(m_s, phy, m_snrsDb.back());
        m_mcs.push_back(mcs);
        if (m_s.linkSharing == LinkSharingKind::kTdma)
        {
            CheckTdmaSlot(m_s, phy, profile, s);
        }
        m_channel->SetProfile(s, std::move(profile));
    }
    return devices;
}

std::vector<double>
LinkTopologyHelper::ChannelSnrsDb() const
{
    std::vector<double> out;
    for (uint32_t m = 0; m < m_s.positions.size(); ++m)
    {
        if (!m_s.snrDb.empty())
        {
            out.push_back(m_s.StationSnrDb(m));
            continue;
        }
        const Vector& p = m_s.positions[m];
        const double noiseDbm = ReceivedPowerForSnrDbm(0.0, m_s.channelWidthMhz);
        const double d = std::max(std::hypot(p.x, p.y), 1.0); // ns-3's log-distance: no loss below 1 m
        out.push_back(m_s.txPowerDbm - m_s.referenceLossDb - 10.0 * m_s.pathLossExponent * std::log10(d) - noiseDbm);
    }
    return out;
}

DeviceEnergyModelContainer
LinkTopologyHelper::InstallRadioEnergy(const NetDeviceContainer& staDevices, const EnergySourceContainer& sources) const
{
    DeviceEnergyModelContainer radios;
    for (uint32_t s = 0; s < staDevices.GetN(); ++s)
    {
        Ptr<PowerStateEnergyModel> radio = CreateObject<PowerStateEnergyModel>();
        radio->SetStatePowers({m_s.idleCurrentA * m_s.voltageV, m_s.txCurrentA * m_s.voltageV,
                               m_s.rxCurrentA * m_s.voltageV}); // LinkNetDevice::RadioState
        radio->SetEnergySource(sources.Get(s));
        sources.Get(s)->AppendDeviceEnergyModel(radio);
        DynamicCast<LinkNetDevice>(staDevices.Get(s))->SetRadioEnergyModel(radio);
        radios.Add(radio);
    }
    return radios;
}

} // namespace airgrad
} // namespace ns3
