// Validation of ns-3's 802.11 medium access as airgrad uses it: saturation throughput of n
// stations against Bianchi's model (IEEE JSAC 2000), computed here. docs/validation.md reports the
// numbers.
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/mobility-helper.h"
#include "ns3/on-off-helper.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/packet-sink.h"
#include "ns3/ssid.h"
#include "ns3/wifi-helper.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-phy.h"
#include "ns3/wifi-phy-state-helper.h"
#include "ns3/yans-wifi-helper.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

namespace {

using namespace ns3;

// 802.11a OFDM at 20 MHz: 54 Mbps data (216 bits per 4 us symbol), ACK at 24 Mbps (96 bits).
constexpr double kSlotS = 9e-6;
constexpr double kSifsS = 16e-6;
constexpr double kDifsS = kSifsS + 2 * kSlotS;
constexpr int kPayloadBytes = 1024; // UDP payload
// MAC header 24 + LLC/SNAP 8 + IPv4 20 + UDP 8 + payload + FCS 4
constexpr int kMpduBytes = 24 + 8 + 20 + 8 + kPayloadBytes + 4;

double
OfdmDurationS(int bytes, int bitsPerSymbol)
{
    const int symbols = static_cast<int>(std::ceil((16.0 + 8.0 * bytes + 6.0) / bitsPerSymbol));
    return 20e-6 + 4e-6 * symbols; // preamble 16 us + SIGNAL 4 us, then the data symbols
}

/**
 * Bianchi's saturation throughput (bits/s of UDP payload) for n stations, basic access, CWmin 15,
 * CWmax 1023, with the paper's slot durations: success Ts = DATA + SIFS + ACK + DIFS, collision
 * Tc = DATA + DIFS (propagation delay 0). `eifsCollisions` charges a collision DATA + EIFS
 * instead (SIFS + ACK at 6 Mbps + DIFS, what bystanders of a corrupted frame wait in 802.11).
 */
double
BianchiThroughput(int n, bool eifsCollisions = false)
{
    const double w = 16.0; // CWmin + 1
    const int m = 6;        // 1024 / 16 = 2^6
    // Solve tau(p) and p(tau) by bisection on tau.
    auto tauOf = [&](double p) {
        return 2.0 * (1.0 - 2.0 * p) / ((1.0 - 2.0 * p) * (w + 1.0) + p * w * (1.0 - std::pow(2.0 * p, m)));
    };
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 200; ++i)
    {
        const double tau = 0.5 * (lo + hi);
        const double p = 1.0 - std::pow(1.0 - tau, n - 1);
        (tauOf(p) > tau ? lo : hi) = tau;
    }
    const double tau = 0.5 * (lo + hi);
    const double ptr = 1.0 - std::pow(1.0 - tau, n);
    const double ps = n * tau * std::pow(1.0 - tau, n - 1) / ptr;
    const double data = OfdmDurationS(kMpduBytes, 216);
    const double ack = OfdmDurationS(14, 96);
    const double ackLowest = OfdmDurationS(14, 24); // 6 Mbps
    const double ts = data + kSifsS + ack + kDifsS;
    const double tc = eifsCollisions ? data + kSifsS + ackLowest + kDifsS : data + kDifsS;
    return ps * ptr * 8.0 * kPayloadBytes / ((1.0 - ptr) * kSlotS + ptr * ps * ts + ptr * (1.0 - ps) * tc);
}

/// Saturated 802.11a uplink of n stations to one AP, measured at the AP over `measureS` seconds.
double
MeasuredThroughput(int n, double measureS)
{
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(static_cast<uint64_t>(n));
    NodeContainer ap(1), stations(static_cast<uint32_t>(n));
    WifiHelper wifi;
    wifi.SetStandard(WIFI_STANDARD_80211a);
    wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager", "DataMode", StringValue("OfdmRate54Mbps"),
                                 "ControlMode", StringValue("OfdmRate24Mbps"));
    YansWifiChannelHelper channel = YansWifiChannelHelper::Default();
    YansWifiPhyHelper phy;
    phy.SetChannel(channel.Create());
    WifiMacHelper mac;
    const Ssid ssid("bianchi");
    mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid), "MaxMissedBeacons", UintegerValue(100000));
    NetDeviceContainer staDevices = wifi.Install(phy, mac, stations);
    mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid));
    NetDeviceContainer apDevice = wifi.Install(phy, mac, ap);
    MobilityHelper mobility;
    mobility.SetPositionAllocator("ns3::GridPositionAllocator", "DeltaX", DoubleValue(1.0), "GridWidth",
                                  UintegerValue(10));
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(ap);
    mobility.Install(stations);
    InternetStackHelper internet;
    internet.Install(ap);
    internet.Install(stations);
    Ipv4AddressHelper addresses;
    addresses.SetBase("10.2.0.0", "255.255.0.0");
    const Ipv4InterfaceContainer apInterface = addresses.Assign(apDevice);
    addresses.Assign(staDevices);

    const uint16_t port = 9;
    PacketSinkHelper sink("ns3::UdpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinkApp = sink.Install(ap);
    OnOffHelper source("ns3::UdpSocketFactory", InetSocketAddress(apInterface.GetAddress(0), port));
    source.SetConstantRate(DataRate(static_cast<uint64_t>(3 * 35e6 / n)), kPayloadBytes); // 3x the fair share
    ApplicationContainer sources = source.Install(stations);
    sources.Start(Seconds(1.0));
    const double start = 2.0;
    uint64_t atStart = 0;
    Ptr<PacketSink> packetSink = DynamicCast<PacketSink>(sinkApp.Get(0));
    Simulator::Schedule(Seconds(start), [&] { atStart = packetSink->GetTotalRx(); });
    Simulator::Stop(Seconds(start + measureS));
    Simulator::Run();
    const double bps = 8.0 * static_cast<double>(packetSink->GetTotalRx() - atStart) / measureS;
    Simulator::Destroy();
    return bps;
}

TEST(Validation, SaturationThroughputMatchesBianchiWithin10Percent)
{
    for (int n : {5, 10, 20})
    {
        const double model = BianchiThroughput(n);
        const double measured = MeasuredThroughput(n, 4.0);
        std::cout << "[bianchi] n = " << n << ": ns-3 " << measured / 1e6 << " Mbit/s, model "
                  << model / 1e6 << " Mbit/s, ratio " << measured / model << " (EIFS collisions: "
                  << measured / BianchiThroughput(n, true) << ")\n";
        EXPECT_NEAR(measured / model, 1.0, 0.10) << n << " stations";
    }
}

/// HE data bits per OFDM symbol at 20 MHz (234 data subcarriers), one spatial stream, MCS 0..11.
constexpr int kHeDbps[12] = {117, 234, 351, 468, 702, 936, 1053, 1170, 1404, 1560, 1755, 1950};

/**
 * The 802.11ax HE SU PPDU duration at 20 MHz, one stream, as the standard defines it with ns-3's
 * defaults: L-STF + L-LTF 16 us, L-SIG + RL-SIG 8 us, HE-SIG-A 8 us, HE-STF 4 us, one HE-LTF 8 us,
 * then ceil((16 + 8 PSDU + 6) / N_DBPS) data symbols of 12.8 us + 3.2 us guard interval.
 */
double
HeSuPpduDurationS(int psduBytes, int mcs)
{
    const double preamble = (16 + 8 + 8 + 4 + 8) * 1e-6;
    const int symbols = static_cast<int>(std::ceil((16.0 + 8.0 * psduBytes + 6.0) / kHeDbps[mcs]));
    return preamble + symbols * 16e-6;
}

/**
 * Airtime of an update of `datagrams` UDP datagrams of `udpBytes` sent in one burst: A-MPDUs
 * filled greedily with subframes (4-byte delimiter + MPDU padded to 4 bytes; MPDU = QoS header 26 +
 * LLC/SNAP 8 + IPv4 20 + UDP 8 + payload + FCS 4) up to 65535 bytes, 64 MPDUs (the Block Ack
 * window) and the 5.484 ms PPDU limit.
 */
double
UpdateAirtimeFormulaS(int datagrams, int udpBytes, int mcs, int* ppdus)
{
    const int mpdu = 26 + 8 + 20 + 8 + udpBytes + 4;
    const int subframe = 4 + (mpdu + 3) / 4 * 4;
    double total = 0.0;
    *ppdus = 0;
    for (int left = datagrams; left > 0;)
    {
        int n = 0;
        while (n < left && n < 64 && (n + 1) * subframe - (subframe - 4 - mpdu) <= 65535 &&
               HeSuPpduDurationS((n + 1) * subframe - (subframe - 4 - mpdu), mcs) <= 5.484e-3)
        {
            ++n;
        }
        const int psdu = n * subframe - (subframe - 4 - mpdu); // the last subframe is not padded
        total += HeSuPpduDurationS(psdu, mcs);
        left -= n;
        ++*ppdus;
    }
    return total;
}

/// One 802.11ax station sends `datagrams` x `udpBytes` to the AP in one burst at constant HE MCS;
/// returns the station's PHY transmit time for that burst.
double
MeasuredUpdateAirtimeS(int datagrams, int udpBytes, int mcs, int* ppdus)
{
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(1);
    NodeContainer ap(1), station(1);
    WifiHelper wifi;
    wifi.SetStandard(WIFI_STANDARD_80211ax);
    wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager", "DataMode",
                                 StringValue("HeMcs" + std::to_string(mcs)), "ControlMode", StringValue("HeMcs0"));
    YansWifiChannelHelper channel = YansWifiChannelHelper::Default();
    YansWifiPhyHelper phy;
    phy.SetChannel(channel.Create());
    phy.Set("ChannelSettings", StringValue("{0, 20, BAND_5GHZ, 0}"));
    WifiMacHelper mac;
    const Ssid ssid("airtime");
    mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid), "MaxMissedBeacons", UintegerValue(100000));
    NetDeviceContainer staDevice = wifi.Install(phy, mac, station);
    mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid));
    NetDeviceContainer apDevice = wifi.Install(phy, mac, ap);
    MobilityHelper mobility;
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(ap);
    mobility.Install(station);
    InternetStackHelper internet;
    internet.Install(ap);
    internet.Install(station);
    Ipv4AddressHelper addresses;
    addresses.SetBase("10.3.0.0", "255.255.0.0");
    const Ipv4InterfaceContainer apInterface = addresses.Assign(apDevice);
    addresses.Assign(staDevice);
    PacketSinkHelper sink("ns3::UdpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 9));
    sink.Install(ap);
    Ptr<Socket> socket = Socket::CreateSocket(station.Get(0), UdpSocketFactory::GetTypeId());
    socket->Connect(InetSocketAddress(apInterface.GetAddress(0), 9));
    // Warm-up: ARP and the Block Ack agreement, then the burst alone on the medium.
    for (int i = 0; i < 8; ++i)
    {
        Simulator::Schedule(Seconds(1.0) + MilliSeconds(10 * i), [socket, udpBytes] { socket->Send(Create<Packet>(udpBytes)); });
    }
    const Time burst = Seconds(2.0);
    Simulator::Schedule(burst, [socket, datagrams, udpBytes] {
        for (int i = 0; i < datagrams; ++i)
        {
            socket->Send(Create<Packet>(udpBytes));
        }
    });
    struct Tx
    {
        double airtimeS = 0.0;
        int ppdus = 0;
        Time from;
    } tx;
    tx.from = burst;
    Ptr<WifiPhy> staPhy = DynamicCast<WifiNetDevice>(staDevice.Get(0))->GetPhy();
    staPhy->GetState()->TraceConnectWithoutContext(
        "State", MakeBoundCallback(+[](Tx* t, Time start, Time duration, WifiPhyState state) {
            if (state == WifiPhyState::TX && start >= t->from)
            {
                t->airtimeS += duration.GetSeconds();
                ++t->ppdus;
            }
        },
                                   &tx));
    Simulator::Stop(Seconds(3.0));
    Simulator::Run();
    Simulator::Destroy();
    *ppdus = tx.ppdus;
    return tx.airtimeS;
}

TEST(Validation, AirtimeOfA100kBUpdateMatchesTheHePpduFormulaWithin5Percent)
{
    // 100 kB as airgrad sends it: 73 fragments of 1386 bytes of message (1400-byte datagrams).
    const int datagrams = 73, udpBytes = 1400;
    for (int mcs : {0, 5, 9})
    {
        int ppdusModel = 0, ppdusMeasured = 0;
        const double model = UpdateAirtimeFormulaS(datagrams, udpBytes, mcs, &ppdusModel);
        const double measured = MeasuredUpdateAirtimeS(datagrams, udpBytes, mcs, &ppdusMeasured);
        std::cout << "[airtime] HE-MCS " << mcs << ": ns-3 " << measured * 1e3 << " ms in " << ppdusMeasured
                  << " PPDUs, formula " << model * 1e3 << " ms in " << ppdusModel << " PPDUs, ratio "
                  << measured / model << "\n";
        EXPECT_NEAR(measured / model, 1.0, 0.05) << "HE-MCS " << mcs;
    }
}

} // namespace

// The abstract link against full Wi-Fi for one worker: per round, the worker's airtime (its update's
// PPDUs and its block acks for the model) and the round's duration.
#include "helper/network-drivers.h"
#include "round/experiment.h"
#include "test-util.h"

namespace airgrad {
namespace {

struct PerRound
{
    double airtimeS = 0.0; ///< the worker's, mean per round
    double roundS = 0.0;   ///< simulated time, mean per round
    int mcs = -1;
};

PerRound
MeanPerRound(const ExperimentConfig& c)
{
    Experiment e(c);
    Recorder rec;
    ns3::airgrad::RunNetwork(e, rec);
    PerRound out;
    for (const auto& round : rec.workerRows)
    {
        out.airtimeS += round[0].airtimeS / rec.workerRows.size();
        out.mcs = round[0].mcs;
    }
    out.roundS = rec.rows.back().network.simTimeS / c.rounds;
    for (const RoundRecord& r : rec.rows)
    {
        EXPECT_EQ(r.updatesLost, 0) << c.networkKind << " round " << r.round;
    }
    return out;
}

TEST(Validation, TheLinkMatchesWifiAirtimePerRoundWithin15PercentForOneWorker)
{
    for (double snr : {5.0, 15.0, 25.0})
    {
        ExperimentConfig c = SmallConfig("gd", 1);
        c.features = 6000; // a 24 kB update in 18 fragments; above the Newton limit, so no slow f*
        c.samples = 200;
        c.testSamples = 0;
        c.rounds = 10;
        c.snrDb = {snr};
        c.networkKind = "wifi";
        const PerRound wifi = MeanPerRound(c);
        c.networkKind = "link";
        const PerRound link = MeanPerRound(c);
        std::cout << "[link vs wifi] SNR " << snr << " dB: MCS wifi " << wifi.mcs << " link " << link.mcs
                  << "; airtime per round wifi " << wifi.airtimeS * 1e3 << " ms, link " << link.airtimeS * 1e3
                  << " ms (ratio " << link.airtimeS / wifi.airtimeS << "); round wifi " << wifi.roundS * 1e3
                  << " ms, link " << link.roundS * 1e3 << " ms (ratio " << link.roundS / wifi.roundS << ")\n";
        EXPECT_EQ(link.mcs, wifi.mcs) << "SNR " << snr;
        EXPECT_NEAR(link.airtimeS / wifi.airtimeS, 1.0, 0.15) << "SNR " << snr;
        EXPECT_NEAR(link.roundS / wifi.roundS, 1.0, 0.15) << "SNR " << snr;
    }
}

} // namespace
} // namespace airgrad
