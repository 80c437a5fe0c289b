// airgrad on an 802.11ax BSS built with ns-3's own helpers: four workers train an L2-logistic
// model with Top-K and error feedback; the parameter server sits on the access point.
//   airgrad-wifi-example [--workers=4] [--rounds=30] [--out=DIR]   writes DIR/metrics.csv
#include "ns3/airgrad-module.h"
#include "ns3/command-line.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/mobility-helper.h"
#include "ns3/neighbor-cache-helper.h"
#include "ns3/simulator.h"
#include "ns3/ssid.h"
#include "ns3/yans-wifi-helper.h"

#include <filesystem>

using namespace ns3;
using namespace ns3::airgrad;

int
main(int argc, char* argv[])
{
    ::airgrad::ExperimentConfig learning; // the learning problem, in code: no scenario file
    learning.workers = 4;
    learning.rounds = 30;
    learning.features = 500;
    learning.method.name = "topk-ef";
    learning.roundDeadlineS = 1.0;
    learning.cacheDir = "none";
    std::string out = "airgrad-wifi-example";
    CommandLine cmd(__FILE__);
    cmd.AddValue("workers", "Number of workers (stations)", learning.workers);
    cmd.AddValue("rounds", "Learning rounds", learning.rounds);
    cmd.AddValue("out", "Output directory", out);
    cmd.Parse(argc, argv);
    ::airgrad::Experiment experiment(learning);

    NodeContainer ap(1);
    NodeContainer stations(learning.workers);
    WifiHelper wifi;
    wifi.SetStandard(WIFI_STANDARD_80211ax);
    YansWifiPhyHelper phy;
    phy.SetChannel(YansWifiChannelHelper::Default().Create());
    WifiMacHelper mac;
    mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(Ssid("airgrad")));
    const NetDeviceContainer staDevices = wifi.Install(phy, mac, stations);
    mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(Ssid("airgrad")));
    const NetDeviceContainer devices(wifi.Install(phy, mac, ap), staDevices);
    MobilityHelper mobility;
    mobility.SetPositionAllocator("ns3::GridPositionAllocator", "DeltaX", DoubleValue(5.0));
    mobility.Install(NodeContainer(ap, stations));
    InternetStackHelper().Install(NodeContainer(ap, stations));
    Ipv4AddressHelper("10.1.0.0", "255.255.255.0").Assign(devices);

    AirgradHelper airgrad(experiment);
    ApplicationContainer apps = airgrad.Install(ap.Get(0), stations);
    std::filesystem::create_directories(out);
    ::airgrad::CsvMetricsWriter metrics(out + "/metrics.csv");
    RoundTracker tracker(experiment, metrics);
    tracker.Track(apps);
    apps.Start(Seconds(1)); // the stations have associated by then
    // Association flushes ARP caches in ns-3.37: fill them once it is done.
    Simulator::Schedule(Seconds(0.9), [] { NeighborCacheHelper().PopulateNeighborCache(); });
    apps.Get(0)->TraceConnectWithoutContext("LearningFinished", MakeCallback(+[](uint32_t) { Simulator::Stop(); }));
    Simulator::Run();
    Simulator::Destroy();
    metrics.Commit();
    return 0;
}
