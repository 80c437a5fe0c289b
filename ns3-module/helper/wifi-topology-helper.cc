#include "wifi-topology-helper.h"

#include "ns3-workarounds.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/he-configuration.h"
#include "ns3/ht-configuration.h"
#include "ns3/log.h"
#include "ns3/mobility-helper.h"
#include "ns3/mobility-model.h"
#include "ns3/multi-model-spectrum-channel.h"
#include "ns3/propagation-delay-model.h"
#include "ns3/queue-size.h"
#include "ns3/spectrum-wifi-helper.h"
#include "ns3/ssid.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-radio-energy-model-helper.h"
#include "ns3/wifi-radio-energy-model.h"
#include "ns3/yans-wifi-channel.h"
#include "ns3/yans-wifi-helper.h"

#include <algorithm>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradWifiTopologyHelper");
namespace airgrad
{

namespace
{

constexpr uint32_t kUlPsduOverheadBytes = 100; ///< MAC, LLC, IP and UDP or TCP headers around a fragment, rounded up

const char*
BandName(WifiBand band)
{
    return band == WifiBand::k2_4GHz ? "BAND_2_4GHZ" : band == WifiBand::k6GHz ? "BAND_6GHZ" : "BAND_5GHZ";
}

} // namespace

NetDeviceContainer
WifiTopologyHelper::Install(Ptr<Node> ap, const NodeContainer& stations, int64_t stream)
{
    NS_LOG_FUNCTION(this << ap << stations.GetN() << stream);
    Config::SetDefault("ns3::WifiMacQueue::MaxSize", QueueSizeValue(QueueSize(std::to_string(m_s.queuePackets) + "p")));
    Config::SetDefault("ns3::WifiMacQueue::MaxDelay", TimeValue(Seconds(1e6)));
    // OFDMA needs the spectrum PHY (a resource unit is a part of the channel's spectrum); the
    // YANS PHY is faster and does everything else.
    YansWifiPhyHelper yans;
    SpectrumWifiPhyHelper spectrum;
    WifiPhyHelper& phy = m_s.ofdma ? static_cast<WifiPhyHelper&>(spectrum) : yans;
    ConfigurePhy(phy);
    Ptr<PropagationLossModel> loss = MakeLoss(phy);
    if (m_s.ofdma)
    {
        Ptr<MultiModelSpectrumChannel> channel = CreateObject<MultiModelSpectrumChannel>();
        channel->AddPropagationLossModel(loss);
        channel->SetPropagationDelayModel(CreateObject<ConstantSpeedPropagationDelayModel>());
        spectrum.SetChannel(channel);
    }
    else
    {
        Ptr<YansWifiChannel> channel = CreateObject<YansWifiChannel>();
        channel->SetPropagationLossModel(loss);
        channel->SetPropagationDelayModel(CreateObject<ConstantSpeedPropagationDelayModel>());
        yans.SetChannel(channel);
    }
    WifiHelper wifi;
    wifi.SetStandard(m_s.generation == WifiGeneration::k80211ax   ? WIFI_STANDARD_80211ax
                     : m_s.generation == WifiGeneration::k80211ac ? WIFI_STANDARD_80211ac
                                                                  : WIFI_STANDARD_80211n);
    ConfigureRateManager(wifi);
    WifiMacHelper mac;
    const Ssid ssid("airgrad");
    const UintegerValue ampdu(m_s.maxAmpduBytes);
    mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid), "MaxMissedBeacons", UintegerValue(kMaxMissedBeacons),
                "BE_MaxAmpduSize", ampdu);
    NetDeviceContainer staDevices = wifi.Install(phy, mac, stations);
    mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid), "EnableBeaconJitter", BooleanValue(false),
                "BE_MaxAmpduSize", ampdu);
    if (m_s.ofdma)
    {
        SetOfdmaScheduler(mac, m_s.ofdmaStations, m_s.fragmentBytes + kUlPsduOverheadBytes);
    }
    NetDeviceContainer devices = wifi.Install(phy, mac, ap);
    SetGuardIntervals(staDevices);
    SetGuardIntervals(devices);
    GuardAmpduWithoutAgreement(staDevices);
    GuardAmpduWithoutAgreement(devices);
    if (m_s.ofdma)
    {
        EnableMuEdca(devices);
    }
    stream += wifi.AssignStreams(devices, stream);
    stream += wifi.AssignStreams(staDevices, stream);
    loss->AssignStreams(stream); // the fading
    InstallMobility(ap, stations);
    devices.Add(staDevices);
    return devices;
}

void
WifiTopologyHelper::ConfigurePhy(WifiPhyHelper& phy) const
{
    phy.Set("ChannelSettings", StringValue("{0, " + std::to_string(m_s.channelWidthMhz) + ", " + BandName(m_s.band) + ", 0}"));
    // Explicit, so that an SNR does not silently depend on ns-3's defaults.
    phy.Set("TxPowerStart", DoubleValue(m_s.txPowerDbm));
    phy.Set("TxPowerEnd", DoubleValue(m_s.txPowerDbm));
    phy.Set("RxNoiseFigure", DoubleValue(kNoiseFigureDb));
    phy.Set("Antennas", UintegerValue(m_s.spatialStreams));
    phy.Set("MaxSupportedTxSpatialStreams", UintegerValue(m_s.spatialStreams));
    phy.Set("MaxSupportedRxSpatialStreams", UintegerValue(m_s.spatialStreams));
}

Ptr<PropagationLossModel>
WifiTopologyHelper::MakeLoss(WifiPhyHelper& phy)
{
    Ptr<NakagamiPropagationLossModel> fading;
    if (m_s.fading != Fading::kNone)
    {
        fading = CreateObject<NakagamiPropagationLossModel>();
        fading->SetAttribute("m0", DoubleValue(m_s.nakagamiM));
        fading->SetAttribute("m1", DoubleValue(m_s.nakagamiM));
        fading->SetAttribute("m2", DoubleValue(m_s.nakagamiM));
    }
    Ptr<PropagationLossModel> loss;
    if (m_s.snrDb.empty())
    {
        Ptr<LogDistancePropagationLossModel> pathLoss = CreateObject<LogDistancePropagationLossModel>();
        pathLoss->SetAttribute("Exponent", DoubleValue(m_s.pathLossExponent));
        pathLoss->SetAttribute("ReferenceLoss", DoubleValue(m_s.referenceLossDb));
        loss = pathLoss;
    }
    else
    {
        // ns-3 detects a preamble only above 4 dB SNR *and* -82 dBm; the latter would hide every
        // link below about 12 dB at 20 MHz. In SNR mode the SNR alone decides.
        phy.SetPreambleDetectionModel("ns3::ThresholdPreambleDetectionModel", "MinimumRssi", DoubleValue(-200.0));
        // Links are set once the nodes have mobility models; unset pairs (station to station)
        // get the weakest worker's loss, so stations still hear each other and contend.
        m_snrLoss = CreateObject<MatrixPropagationLossModel>();
        const double weakest = *std::min_element(m_s.snrDb.begin(), m_s.snrDb.end());
        m_snrLoss->SetDefaultLoss(m_s.txPowerDbm - ReceivedPowerForSnrDbm(weakest, m_s.channelWidthMhz));
        loss = m_snrLoss;
    }
    if (fading)
    {
        loss->SetNext(fading);
    }
    return loss;
}

void
WifiTopologyHelper::ConfigureRateManager(WifiHelper& wifi) const
{
    if (m_s.rateControl == RateControl::kConstant)
    {
        const std::string family = m_s.generation == WifiGeneration::k80211ax   ? "HeMcs"
                                   : m_s.generation == WifiGeneration::k80211ac ? "VhtMcs"
                                                                                : "HtMcs";
        wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager", "DataMode",
                                     StringValue(family + std::to_string(m_s.mcs)), "ControlMode",
                                     StringValue(family + "0"));
        return;
    }
    wifi.SetRemoteStationManager(m_s.rateControl == RateControl::kMinstrel ? "ns3::MinstrelHtWifiManager"
                                                                           : "ns3::IdealWifiManager");
}

void
WifiTopologyHelper::SetGuardIntervals(const NetDeviceContainer& devices) const
{
    if (m_s.guardIntervalNs == 0)
    {
        return;
    }
    for (uint32_t i = 0; i < devices.GetN(); ++i)
    {
        Ptr<WifiNetDevice> device = DynamicCast<WifiNetDevice>(devices.Get(i));
        if (m_s.generation == WifiGeneration::k80211ax)
        {
            device->GetHeConfiguration()->SetGuardInterval(NanoSeconds(m_s.guardIntervalNs));
        }
        else
        {
            device->GetHtConfiguration()->SetShortGuardIntervalSupported(m_s.guardIntervalNs == 400);
        }
    }
}

void
WifiTopologyHelper::InstallMobility(Ptr<Node> ap, const NodeContainer& stations) const
{
    MobilityHelper mobility;
    Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
    positions->Add(Vector(0.0, 0.0, 0.0));
    for (const Vector& position : m_s.positions)
    {
        positions->Add(position);
    }
    mobility.SetPositionAllocator(positions);
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(ap);
    mobility.Install(stations);
    if (m_snrLoss)
    {
        Ptr<MobilityModel> apPosition = ap->GetObject<MobilityModel>();
        for (uint32_t m = 0; m < stations.GetN(); ++m)
        {
            m_snrLoss->SetLoss(apPosition, stations.Get(m)->GetObject<MobilityModel>(),
                               m_s.txPowerDbm - ReceivedPowerForSnrDbm(m_s.StationSnrDb(m), m_s.channelWidthMhz));
        }
    }
}

DeviceEnergyModelContainer
WifiTopologyHelper::InstallRadioEnergy(const NetDeviceContainer& staDevices, const EnergySourceContainer& sources) const
{
    WifiRadioEnergyModelHelper radio;
    radio.Set("TxCurrentA", DoubleValue(m_s.txCurrentA));
    radio.Set("RxCurrentA", DoubleValue(m_s.rxCurrentA));
    radio.Set("IdleCurrentA", DoubleValue(m_s.idleCurrentA));
    radio.Set("CcaBusyCurrentA", DoubleValue(m_s.idleCurrentA));
    const DeviceEnergyModelContainer models = radio.Install(staDevices, sources);
    for (uint32_t s = 0; s < staDevices.GetN(); ++s)
    {
        Ptr<WifiRadioEnergyModel> model = DynamicCast<WifiRadioEnergyModel>(models.Get(s));
        model->SetEnergyDepletionCallback(
            MakeBoundCallback(&SwitchOffSafely, DynamicCast<WifiNetDevice>(staDevices.Get(s))->GetPhy()));
        model->SetEnergyRechargedCallback(MakeCallback(+[]() {})); // a battery is never recharged
    }
    return models;
}

} // namespace airgrad
} // namespace ns3

