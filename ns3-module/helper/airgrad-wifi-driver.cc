#include "network-drivers.h"

#include "round-harness.h"

#include "round/experiment.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/mobility-helper.h"
#include "ns3/mobility-model.h"
#include "ns3/neighbor-cache-helper.h"
#include "ns3/originator-block-ack-agreement.h"
#include "ns3/qos-txop.h"
#include "ns3/block-ack-manager.h"
#include "ns3/pointer.h"
#include "ns3/propagation-delay-model.h"
#include "ns3/propagation-loss-model.h"
#include "ns3/queue-size.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/ssid.h"
#include "ns3/sta-wifi-mac.h"
#include "ns3/string.h"
#include "ns3/he-configuration.h"
#include "ns3/ht-configuration.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-mac-queue.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-phy-state-helper.h"
#include "ns3/wifi-radio-energy-model-helper.h"
#include "ns3/wifi-psdu.h"
#include "ns3/wifi-radio-energy-model.h"
#include "ns3/multi-model-spectrum-channel.h"
#include "ns3/spectrum-wifi-helper.h"
#include "ns3/yans-wifi-channel.h"
#include "ns3/yans-wifi-helper.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradWifiDriver");
namespace airgrad
{

namespace
{

// Stations never move out of range, so a run of missed beacons is contention, not departure. With
// ns-3's default (10) dozens of stations disassociate about 1.1 s in; StaWifiMac::Disassociated then
// switches the PHY off, and the Wi-Fi radio energy model, for which OFF is final, stops counting
// although the station re-associates and keeps transmitting.
constexpr uint32_t kMaxMissedBeacons = 100000;
constexpr uint16_t kWarmUpPort = 9;
const Time kWarmUpGap = MilliSeconds(50);
const Time kWarmUpStagger = MilliSeconds(2); // uplink warm-ups sent at once collide and fail
const Time kWarmUpLimit = Seconds(60);
constexpr uint32_t kUlPsduOverheadBytes = 100; ///< MAC, LLC, IP and UDP or TCP headers around a fragment, rounded up

/**
 * Warm-up traffic between association and round 1. Block Ack agreements are set up on the first
 * data frames of each direction; set up during a round, they stranded a downlink A-MPDU in a
 * station's reorder buffer for ~20 rounds (ns-3.37), and even agreements set up beforehand can
 * leave a station's buffer stuck behind a sequence gap for a while. So learning starts only when
 * every link, both ways, has an ESTABLISHED agreement *and* has since delivered a datagram.
 * The neighbour caches are filled statically on each pass: otherwise a burst of fragments
 * overflows ARP's 3-packet pending queue and a failed resolution marks the AP dead for 100 s; and
 * in ns-3.37 every link change (association) flushes the ARP cache, static entries included.
 */
struct WarmUp
{
    static constexpr uint32_t kFromAp = 0xFFFFFFFF;
    std::vector<Ptr<Socket>> sockets; ///< [0] the AP, [i + 1] station i
    std::vector<uint8_t> down;        ///< per station: a datagram from the AP arrived
    std::vector<uint8_t> up;          ///< per station: its datagram reached the AP
    bool counting = false;            ///< deliveries count only once all agreements exist

    /// Two datagrams (with more than one frame queued the MAC sets up Block Ack) naming the sender.
    static void Send(Ptr<Socket> socket, Ipv4Address to, uint32_t sender)
    {
        uint8_t payload[4] = {static_cast<uint8_t>(sender >> 24), static_cast<uint8_t>(sender >> 16),
                              static_cast<uint8_t>(sender >> 8), static_cast<uint8_t>(sender)};
        for (int i = 0; i < 2; ++i)
        {
            socket->SendTo(Create<Packet>(payload, 4), 0, InetSocketAddress(to, kWarmUpPort));
        }
    }

    static void Receive(WarmUp* w, uint32_t node, Ptr<Socket> socket)
    {
        while (Ptr<Packet> p = socket->Recv())
        {
            uint8_t b[4] = {0, 0, 0, 0};
            p->CopyData(b, 4);
            const uint32_t sender = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) |
                                    (uint32_t{b[2]} << 8) | b[3];
            if (!w->counting)
            {
                continue;
            }
            if (node == 0 && sender < w->up.size())
            {
                w->up[sender] = 1;
            }
            else if (node > 0 && sender == kFromAp)
            {
                w->down[node - 1] = 1;
            }
        }
    }
};

uint32_t
CountAssociated(const NetDeviceContainer& staDevices)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < staDevices.GetN(); ++i)
    {
        n += DynamicCast<StaWifiMac>(DynamicCast<WifiNetDevice>(staDevices.Get(i))->GetMac())->IsAssociated()
                 ? 1
                 : 0;
    }
    return n;
}

} // namespace

bool
NetworkSimulatorBuilt()
{
    return true;
}

NetworkRunStats
RunWifi(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer)
{
    const ::airgrad::ExperimentConfig& config = experiment.Config();
    const int workers = experiment.Workers();
    RoundHarness harness(experiment, observer);
    const NodeContainer& ap = harness.ap;
    const NodeContainer& stations = harness.stations;
    // The round deadline, not the MAC, decides what is too late; flow control keeps the queue short.
    Config::SetDefault("ns3::WifiMacQueue::MaxSize",
                       QueueSizeValue(QueueSize(std::to_string(config.queuePackets) + "p")));
    Config::SetDefault("ns3::WifiMacQueue::MaxDelay", TimeValue(Seconds(1e6)));

    // OFDMA needs the spectrum PHY (a resource unit is a part of the channel's spectrum); the
    // YANS PHY is faster and does everything else.
    YansWifiPhyHelper yans;
    SpectrumWifiPhyHelper spectrum;
    WifiPhyHelper& phy = config.ofdma ? static_cast<WifiPhyHelper&>(spectrum) : yans;
    const std::string band = config.bandGhz == 2.4 ? "BAND_2_4GHZ" : config.bandGhz == 6.0 ? "BAND_6GHZ" : "BAND_5GHZ";
    phy.Set("ChannelSettings", StringValue("{0, " + std::to_string(config.channelWidthMhz) + ", " + band + ", 0}"));
    // Explicit, so that an SNR does not silently depend on ns-3's defaults.
    const double txPowerDbm = config.txPowerDbm;
    phy.Set("TxPowerStart", DoubleValue(txPowerDbm));
    phy.Set("TxPowerEnd", DoubleValue(txPowerDbm));
    phy.Set("RxNoiseFigure", DoubleValue(kNoiseFigureDb));
    phy.Set("Antennas", UintegerValue(static_cast<uint32_t>(config.spatialStreams)));
    phy.Set("MaxSupportedTxSpatialStreams", UintegerValue(static_cast<uint32_t>(config.spatialStreams)));
    phy.Set("MaxSupportedRxSpatialStreams", UintegerValue(static_cast<uint32_t>(config.spatialStreams)));
    Ptr<MatrixPropagationLossModel> snrLoss;
    Ptr<PropagationLossModel> loss;   // path loss (distance mode) or the set SNRs
    Ptr<NakagamiPropagationLossModel> fading;
    if (config.fading != "none")
    {
        fading = CreateObject<NakagamiPropagationLossModel>();
        const double m = config.fading == "rayleigh" ? 1.0 : config.nakagamiM;
        fading->SetAttribute("m0", DoubleValue(m));
        fading->SetAttribute("m1", DoubleValue(m));
        fading->SetAttribute("m2", DoubleValue(m));
    }
    if (config.snrDb.empty())
    {
        Ptr<LogDistancePropagationLossModel> pathLoss = CreateObject<LogDistancePropagationLossModel>();
        pathLoss->SetAttribute("Exponent", DoubleValue(config.pathLossExponent));
        pathLoss->SetAttribute("ReferenceLoss", DoubleValue(ReferenceLossDb(config)));
        loss = pathLoss;
    }
    else
    {
        // ns-3 detects a preamble only above 4 dB SNR *and* -82 dBm; the latter would hide every
        // link below about 12 dB at 20 MHz. In SNR mode the SNR alone decides.
        phy.SetPreambleDetectionModel("ns3::ThresholdPreambleDetectionModel", "MinimumRssi",
                                      DoubleValue(-200.0));
        // Links are set once the nodes have mobility models; unset pairs (station to station)
        // get the weakest worker's loss, so stations still hear each other and contend.
        snrLoss = CreateObject<MatrixPropagationLossModel>();
        snrLoss->SetDefaultLoss(txPowerDbm - ReceivedPowerForSnrDbm(
                                                  *std::min_element(config.snrDb.begin(), config.snrDb.end()),
                                                  config.channelWidthMhz));
        loss = snrLoss;
    }
    if (fading)
    {
        loss->SetNext(fading);
    }
    if (config.ofdma)
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
    wifi.SetStandard(config.standard == "ax"   ? WIFI_STANDARD_80211ax
                     : config.standard == "ac" ? WIFI_STANDARD_80211ac
                                               : WIFI_STANDARD_80211n);
    if (config.rateManager == "constant")
    {
        const std::string family = config.standard == "ax" ? "HeMcs" : config.standard == "ac" ? "VhtMcs" : "HtMcs";
        wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager", "DataMode",
                                     StringValue(family + std::to_string(config.mcs)), "ControlMode",
                                     StringValue(family + "0"));
    }
    else
    {
        wifi.SetRemoteStationManager(config.rateManager == "minstrel" ? "ns3::MinstrelHtWifiManager"
                                                                      : "ns3::IdealWifiManager");
    }
    WifiMacHelper mac;
    const Ssid ssid("airgrad");
    const UintegerValue ampdu(static_cast<uint64_t>(config.maxAmpduBytes));
    mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid), "MaxMissedBeacons", UintegerValue(kMaxMissedBeacons),
                "BE_MaxAmpduSize", ampdu);
    NetDeviceContainer staDevices = wifi.Install(phy, mac, stations);
    mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid), "EnableBeaconJitter", BooleanValue(false),
                "BE_MaxAmpduSize", ampdu);
    if (config.ofdma)
    {
        // The AP asks for the channel every 1 ms, so that it triggers uplinks while its own queue
        // is empty (while the workers upload). No buffer status poll: 3.37's round-robin scheduler
        // follows a poll with a basic trigger only when the AP has downlink frames queued, and
        // rounds stalled for seconds. A station whose buffer status is unknown gets room for one
        // fragment.
        mac.SetMultiUserScheduler("ns3::RrMultiUserScheduler", "NStations",
                                  UintegerValue(static_cast<uint32_t>(config.ofdmaStations)), "EnableUlOfdma",
                                  BooleanValue(true), "EnableBsrp", BooleanValue(false), "AccessReqInterval",
                                  TimeValue(MilliSeconds(1)), "UlPsduSize",
                                  UintegerValue(static_cast<uint32_t>(config.fragmentBytes) + kUlPsduOverheadBytes));
    }
    NetDeviceContainer apDevice = wifi.Install(phy, mac, ap);
    if (config.guardIntervalNs != 0)
    {
        for (NetDeviceContainer* devices : {&staDevices, &apDevice})
        {
            for (uint32_t i = 0; i < devices->GetN(); ++i)
            {
                Ptr<WifiNetDevice> device = DynamicCast<WifiNetDevice>(devices->Get(i));
                if (config.standard == "ax")
                {
                    device->GetHeConfiguration()->SetGuardInterval(NanoSeconds(config.guardIntervalNs));
                }
                else
                {
                    device->GetHtConfiguration()->SetShortGuardIntervalSupported(config.guardIntervalNs == 400);
                }
            }
        }
    }
    if (config.ofdma)
    {
        // MU EDCA (AIFSN 0: contention disabled) for 65.5 ms after each trigger: without it the
        // stations won the channel by contention for nearly every update and OFDMA carried none.
        Ptr<HeConfiguration> he = DynamicCast<WifiNetDevice>(apDevice.Get(0))->GetHeConfiguration();
        for (const char* timer : {"BeMuEdcaTimer", "BkMuEdcaTimer", "ViMuEdcaTimer", "VoMuEdcaTimer"})
        {
            he->SetAttribute(timer, TimeValue(MicroSeconds(8 * 8192)));
        }
        he->SetAttribute("MuBeAifsn", UintegerValue(0));
    }
    int64_t stream = 100;
    stream += wifi.AssignStreams(apDevice, stream);
    stream += wifi.AssignStreams(staDevices, stream);
    loss->AssignStreams(stream); // the fading

    MobilityHelper mobility;
    Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
    positions->Add(Vector(0.0, 0.0, 0.0));
    for (const Vector& position : StationPositions(config))
    {
        positions->Add(position);
    }
    mobility.SetPositionAllocator(positions);
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(ap);
    mobility.Install(stations);
    if (snrLoss)
    {
        Ptr<MobilityModel> apPosition = ap.Get(0)->GetObject<MobilityModel>();
        for (int m = 0; m < workers; ++m)
        {
            const double snr = config.snrDb.size() == 1 ? config.snrDb[0] : config.snrDb[static_cast<size_t>(m)];
            snrLoss->SetLoss(apPosition, stations.Get(static_cast<uint32_t>(m))->GetObject<MobilityModel>(),
                             txPowerDbm - ReceivedPowerForSnrDbm(snr, config.channelWidthMhz));
        }
    }

    harness.InstallInternet(apDevice, staDevices);
    const Ipv4InterfaceContainer& apInterface = harness.apInterface;
    const Ipv4InterfaceContainer& staInterfaces = harness.staInterfaces;
    EnergySourceContainer sources = harness.InstallEnergySources();
    WifiRadioEnergyModelHelper radio;
    radio.Set("TxCurrentA", DoubleValue(config.txCurrentA));
    radio.Set("RxCurrentA", DoubleValue(config.rxCurrentA));
    radio.Set("IdleCurrentA", DoubleValue(config.idleCurrentA));
    radio.Set("CcaBusyCurrentA", DoubleValue(config.idleCurrentA));
    const DeviceEnergyModelContainer radios = radio.Install(staDevices, sources);
    harness.SetRadios(radios);

    NetworkRunStats stats;
    struct StationTrace
    {
        RoundHarness* harness;
        NetworkRunStats* stats;
        uint32_t station;
    };
    std::vector<StationTrace> traces(staDevices.GetN());
    for (uint32_t i = 0; i < staDevices.GetN(); ++i)
    {
        Ptr<WifiPhy> staPhy = DynamicCast<WifiNetDevice>(staDevices.Get(i))->GetPhy();
        StationTrace* st = &traces[i];
        *st = {&harness, &stats, i};
        staPhy->GetState()->TraceConnectWithoutContext(
            "State",
            MakeBoundCallback(
                +[](StationTrace* s, Time, Time duration, WifiPhyState state) {
                    if (state == WifiPhyState::TX)
                    {
                        s->harness->AddAirtime(s->station, duration.GetSeconds());
                    }
                },
                st));
        staPhy->TraceConnectWithoutContext(
            "PhyTxBegin",
            MakeBoundCallback(+[](StationTrace* s, Ptr<const Packet> p, double) {
                s->harness->AddAirBytes(s->station, p->GetSize());
            },
                              st));
        staPhy->TraceConnectWithoutContext(
            "PhyTxPsduBegin",
            MakeBoundCallback(+[](StationTrace* s, WifiConstPsduMap psdus, WifiTxVector tx, double) {
                const auto it = psdus.begin();
                if (s->harness->Learning() && it != psdus.end() && it->second->GetHeader(0).HasData())
                {
                    ++s->stats->dataPpdus;
                    s->stats->triggerBasedDataPpdus += tx.GetPreambleType() == WIFI_PREAMBLE_HE_TB;
                }
                // A trigger-based PPDU's mode depends on the station's resource unit (its STA-ID).
                if (it != psdus.end() && it->second->GetHeader(0).IsQosData())
                {
                    const WifiMode mode = tx.GetMode(it->first);
                    if (mode.GetModulationClass() >= WIFI_MOD_CLASS_HT)
                    {
                        s->harness->SetMcs(s->station, mode.GetMcsValue());
                    }
                }
            },
                              st));
    }
    harness.InstallApplications();

    WarmUp warmUp;
    warmUp.down.assign(stations.GetN(), 0);
    warmUp.up.assign(stations.GetN(), 0);
    for (uint32_t n = 0; n <= stations.GetN(); ++n)
    {
        Ptr<Node> node = n == 0 ? ap.Get(0) : stations.Get(n - 1);
        Ptr<Socket> socket = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), kWarmUpPort));
        socket->SetRecvCallback(MakeBoundCallback(&WarmUp::Receive, &warmUp, n));
        warmUp.sockets.push_back(socket);
    }
    uint32_t associated = 0;
    uint32_t warmUpMissing = 0; // links still not delivering when the warm-up gave up
    Ptr<WifiMac> apMac = DynamicCast<WifiNetDevice>(apDevice.Get(0))->GetMac();
    auto established = [](Ptr<WifiMac> originator, Mac48Address recipient) {
        return originator->GetQosTxop(AC_BE)->GetBaManager()->ExistsAgreementInState(
            recipient, 0, OriginatorBlockAckAgreement::ESTABLISHED);
    };
    Time warmUpStart;
    std::function<void()> runWarmUp;
    runWarmUp = [&]() {
        if (warmUpStart.IsZero())
        {
            warmUpStart = Simulator::Now();
        }
        // In a crowd, stations can lose and regain association: that resets their Block Ack
        // agreements and flushes their ARP caches again. Wait for all, then refresh the caches.
        if (Simulator::Now() - warmUpStart > kWarmUpLimit)
        {
            warmUpMissing = std::max<uint32_t>(1, staDevices.GetN() - CountAssociated(staDevices));
            Simulator::Stop();
            return;
        }
        if (CountAssociated(staDevices) < staDevices.GetN())
        {
            Simulator::Schedule(MilliSeconds(10), runWarmUp);
            return;
        }
        NeighborCacheHelper().PopulateNeighborCache();
        // A link is ready when its agreement is established now and, counted from the first time
        // all were, it delivered a datagram.
        std::vector<uint8_t> downReady(stations.GetN()), upReady(stations.GetN());
        bool allEstablished = true;
        for (uint32_t i = 0; i < stations.GetN(); ++i)
        {
            Ptr<WifiMac> staMac = DynamicCast<WifiNetDevice>(staDevices.Get(i))->GetMac();
            downReady[i] = established(apMac, staMac->GetAddress());
            upReady[i] = established(staMac, apMac->GetAddress());
            allEstablished = allEstablished && downReady[i] && upReady[i];
        }
        warmUp.counting = warmUp.counting || allEstablished;
        uint32_t missing = 0;
        for (uint32_t i = 0; i < stations.GetN(); ++i)
        {
            if (!(downReady[i] && warmUp.down[i]))
            {
                WarmUp::Send(warmUp.sockets[0], staInterfaces.GetAddress(i), WarmUp::kFromAp);
                ++missing;
            }
            if (!(upReady[i] && warmUp.up[i]))
            {
                Simulator::Schedule(kWarmUpGap + missing * kWarmUpStagger, &WarmUp::Send,
                                    warmUp.sockets[i + 1], apInterface.GetAddress(0), i);
                ++missing;
            }
        }
        warmUpMissing = missing;
        if (missing == 0)
        {
            harness.StartLearning();
        }
        else
        {
            Simulator::Schedule(2 * kWarmUpGap + missing * kWarmUpStagger, runWarmUp);
        }
    };

    // Poll for association every 10 ms (beacons come every 102.4 ms); learning starts when all are in.
    const Time associationLimit = Seconds(60);
    std::function<void()> waitForAssociation;
    waitForAssociation = [&]() {
        associated = CountAssociated(staDevices);
        if (associated == staDevices.GetN())
        {
            Simulator::ScheduleNow(runWarmUp);
        }
        else if (Simulator::Now() >= associationLimit)
        {
            Simulator::Stop();
        }
        else
        {
            Simulator::Schedule(MilliSeconds(10), waitForAssociation);
        }
    };
    Simulator::Schedule(MilliSeconds(1), waitForAssociation);

    Simulator::Run();
    stats.events = Simulator::GetEventCount();
    stats.learningWallS = harness.LearningWallS();
    stats.learningStartS = harness.LearningStart().GetSeconds();
    for (auto it = radios.Begin(); it != radios.End(); ++it)
    {
        stats.radiosOff += DynamicCast<WifiRadioEnergyModel>(*it)->GetCurrentState() == WifiPhyState::OFF;
    }
    if (associated < static_cast<uint32_t>(workers))
    {
        throw std::runtime_error("only " + std::to_string(associated) + " of " +
                                 std::to_string(workers) +
                                 " stations associated with the access point within 60 s; "
                                 "reduce network.distance_m or network.workers");
    }
    if (warmUpMissing > 0)
    {
        throw std::runtime_error(std::to_string(warmUpMissing) +
                                 " Wi-Fi links (or unassociated stations) were still not ready "
                                 "after 60 s of warm-up; reduce network.workers or raise "
                                 "network.snr_db");
    }
    harness.CheckAllRoundsRan("Wi-Fi");
    return stats;
}

} // namespace airgrad
} // namespace ns3
