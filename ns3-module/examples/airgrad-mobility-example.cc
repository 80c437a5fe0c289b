// Workers walking away from the access point: each station starts 5 m out and walks radially at
// --speed m/s. IdealWifiManager follows the falling SNR, so the stations' MCS drops and their
// uploads take more airtime round after round: workers.csv shows it (columns mcs, airtime_s).
//   airgrad-mobility-example [--speed=4] [--rounds=40] [--out=DIR]   writes DIR/workers.csv
#include "ns3/airgrad-module.h"
#include "ns3/command-line.h"
#include "ns3/constant-velocity-mobility-model.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/mobility-helper.h"
#include "ns3/neighbor-cache-helper.h"
#include "ns3/simulator.h"
#include "ns3/ssid.h"
#include "ns3/yans-wifi-helper.h"

#include <cmath>
#include <filesystem>

using namespace ns3;
using namespace ns3::airgrad;

int
main(int argc, char* argv[])
{
    ::airgrad::ExperimentConfig learning;
    learning.workers = 4;
    learning.rounds = 40;
    learning.features = 5000; // a 20 kB model: uploads take airtime that the MCS decides
    learning.samples = 1000;
    learning.secondsPerSample = 1e-3; // 0.25 s of computing per round
    learning.roundDeadlineS = 2.0;
    learning.cacheDir = "none";
    double speed = 4.0;
    std::string out = "airgrad-mobility-example";
    CommandLine cmd(__FILE__);
    cmd.AddValue("speed", "Walking speed of every station, m/s", speed);
    cmd.AddValue("rounds", "Learning rounds", learning.rounds);
    cmd.AddValue("out", "Output directory", out);
    cmd.Parse(argc, argv);
    ::airgrad::Experiment experiment(learning);

    NodeContainer ap(1);
    NodeContainer stations(learning.workers);
    WifiHelper wifi;
    wifi.SetStandard(WIFI_STANDARD_80211ax);
    wifi.SetRemoteStationManager("ns3::IdealWifiManager");
    YansWifiPhyHelper phy;
    phy.SetChannel(YansWifiChannelHelper::Default().Create());
    WifiMacHelper mac;
    mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(Ssid("airgrad")));
    const NetDeviceContainer staDevices = wifi.Install(phy, mac, stations);
    mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(Ssid("airgrad")));
    const NetDeviceContainer devices(wifi.Install(phy, mac, ap), staDevices);

    MobilityHelper still;
    still.Install(ap); // at the origin
    MobilityHelper walking;
    walking.SetMobilityModel("ns3::ConstantVelocityMobilityModel");
    walking.Install(stations);
    for (uint32_t m = 0; m < stations.GetN(); ++m)
    {
        const double angle = 2.0 * M_PI * m / stations.GetN();
        Ptr<ConstantVelocityMobilityModel> model = stations.Get(m)->GetObject<ConstantVelocityMobilityModel>();
        model->SetPosition(Vector(5.0 * std::cos(angle), 5.0 * std::sin(angle), 0.0));
        model->SetVelocity(Vector(speed * std::cos(angle), speed * std::sin(angle), 0.0));
    }
    InternetStackHelper().Install(NodeContainer(ap, stations));
    Ipv4AddressHelper("10.1.0.0", "255.255.255.0").Assign(devices);

    AirgradHelper airgrad(experiment);
    ApplicationContainer apps = airgrad.Install(ap.Get(0), stations);
    std::filesystem::create_directories(out);
    ::airgrad::CsvWorkersWriter workers(out + "/workers.csv");
    RoundTracker tracker(experiment, workers);
    tracker.Track(apps);
    const WifiStationTracer radios(tracker, staDevices); // airtime, air bytes and MCS
    apps.Start(Seconds(1));
    // Association flushes ARP caches in ns-3.37: fill them once it is done.
    Simulator::Schedule(Seconds(0.9), [] { NeighborCacheHelper().PopulateNeighborCache(); });
    apps.Get(0)->TraceConnectWithoutContext("LearningFinished", MakeCallback(+[](uint32_t) { Simulator::Stop(); }));
    Simulator::Run();
    Simulator::Destroy();
    workers.Commit();
    return 0;
}
