// The same applications over a wired network: the workers share a 100 Mb/s CSMA LAN, whose
// router reaches the parameter server over a point-to-point bottleneck (--bottleneck, default
// 2 Mb/s). Nothing here is Wi-Fi: the module's applications run over any IP network.
//   airgrad-csma-example [--bottleneck=2Mbps] [--rounds=20] [--out=DIR]   writes DIR/metrics.csv
#include "ns3/airgrad-module.h"
#include "ns3/command-line.h"
#include "ns3/csma-helper.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <filesystem>

using namespace ns3;
using namespace ns3::airgrad;

int
main(int argc, char* argv[])
{
    ::airgrad::ExperimentConfig learning;
    learning.workers = 4;
    learning.rounds = 20;
    learning.features = 500;
    learning.method.name = "topk-ef";
    learning.roundDeadlineS = 1.0;
    learning.cacheDir = "none";
    std::string bottleneck = "2Mbps";
    std::string out = "airgrad-csma-example";
    CommandLine cmd(__FILE__);
    cmd.AddValue("bottleneck", "Data rate of the router-server link", bottleneck);
    cmd.AddValue("rounds", "Learning rounds", learning.rounds);
    cmd.AddValue("out", "Output directory", out);
    cmd.Parse(argc, argv);
    ::airgrad::Experiment experiment(learning);

    NodeContainer server(1);
    NodeContainer router(1);
    NodeContainer workers(learning.workers);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue(bottleneck));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    const NetDeviceContainer wan = p2p.Install(server.Get(0), router.Get(0));
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    const NetDeviceContainer lan = csma.Install(NodeContainer(router, workers));
    InternetStackHelper().Install(NodeContainer(server, router, workers));
    Ipv4AddressHelper("10.2.0.0", "255.255.255.0").Assign(wan);
    Ipv4AddressHelper("10.1.0.0", "255.255.255.0").Assign(lan);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    AirgradHelper airgrad(experiment);
    ApplicationContainer apps = airgrad.Install(server.Get(0), workers);
    std::filesystem::create_directories(out);
    ::airgrad::CsvMetricsWriter metrics(out + "/metrics.csv");
    RoundTracker tracker(experiment, metrics);
    tracker.Track(apps);
    apps.Start(Seconds(0.1));
    apps.Get(0)->TraceConnectWithoutContext("LearningFinished", MakeCallback(+[](uint32_t) { Simulator::Stop(); }));
    Simulator::Run();
    Simulator::Destroy();
    metrics.Commit();
    return 0;
}
