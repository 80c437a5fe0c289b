#include "round-harness.h"

#include "ns3-workarounds.h"

#include "round/experiment.h"

#include "ns3/basic-energy-source-helper.h"
#include "ns3/basic-energy-source.h"
#include "ns3/double.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"

#include <stdexcept>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradRoundHarness");
namespace airgrad
{

namespace
{
constexpr int kConnectLimitS = 60; ///< TCP: simulated seconds the workers get to connect
} // namespace

NetDeviceContainer
StationDevices(const NetDeviceContainer& devices)
{
    NetDeviceContainer out;
    for (uint32_t i = 1; i < devices.GetN(); ++i)
    {
        out.Add(devices.Get(i));
    }
    return out;
}

RoundHarness::RoundHarness(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer)
    : settings(NetworkSettings::FromConfig(experiment.Config())),
      tracker(experiment, observer),
      m_experiment(experiment),
      m_helper(experiment)
{
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(experiment.Config().seed + 1);
    ap.Create(1);
    stations.Create(static_cast<uint32_t>(experiment.Workers()));
    for (uint32_t m = 0; m < stations.GetN() && !settings.snrDb.empty(); ++m)
    {
        tracker.SetSnrDb(m, settings.StationSnrDb(m));
    }
}

RoundHarness::~RoundHarness()
{
    Simulator::Destroy();
}

void
RoundHarness::InstallInternet(const NetDeviceContainer& devices)
{
    InternetStackHelper internet;
    internet.Install(ap);
    internet.Install(stations);
    Ipv4AddressHelper addresses("10.1.0.0", "255.255.0.0");
    addresses.Assign(devices);
    UninstallQueueDiscs(devices);
}

EnergySourceContainer
RoundHarness::InstallEnergySources()
{
    BasicEnergySourceHelper source;
    source.Set("BasicEnergySourceInitialEnergyJ", DoubleValue(kStationEnergyJ));
    source.Set("BasicEnergySupplyVoltageV", DoubleValue(m_experiment.Config().voltageV));
    if (!m_experiment.BatteriesJ().empty())
    {
        // A battery's depletion is checked every 10 ms, besides at every state change.
        source.Set("PeriodicEnergyUpdateInterval", TimeValue(MilliSeconds(10)));
    }
    EnergySourceContainer sources = source.Install(stations);
    m_helper.InstallComputeEnergy(sources);
    for (uint32_t m = 0; m < sources.GetN(); ++m)
    {
        m_sources.push_back(sources.Get(m));
    }
    return sources;
}

void
RoundHarness::ChargeBatteries()
{
    const std::vector<double>& batteries = m_experiment.BatteriesJ();
    for (uint32_t m = 0; m < batteries.size(); ++m)
    {
        // Full when learning starts (association and warm-up, which the rows leave out too, drew
        // from it before), and depleted once it has given batteries[m] (ns3-workarounds.h).
        Ptr<BasicEnergySource> source = DynamicCast<BasicEnergySource>(m_sources[m]);
        source->UpdateEnergySource();
        source->SetInitialEnergy(kStationEnergyJ);
        source->SetAttribute("BasicEnergyLowBatteryThreshold", DoubleValue(1.0 - batteries[m] / kStationEnergyJ));
        // Never recharged: above the default 15% high threshold it would count as recharged at once.
        source->SetAttribute("BasicEnergyHighBatteryThreshold", DoubleValue(1.0));
    }
}

void
RoundHarness::StartLearning()
{
    NS_LOG_FUNCTION(this);
    ChargeBatteries();
    ApplicationContainer apps = m_helper.Install(ap.Get(0), stations);
    tracker.Track(apps);
    m_server = DynamicCast<ServerApp>(apps.Get(0));
    // The applications never stop the simulation: the CLI's run ends with learning.
    m_server->TraceConnectWithoutContext("LearningFinished",
                                         MakeCallback(static_cast<void (*)(uint32_t)>([](uint32_t) { Simulator::Stop(); })));
    if (settings.tcp)
    {
        // Connections are part of the set-up, like association: round 1 starts once all are open.
        m_connectLimit = Simulator::Schedule(Seconds(kConnectLimitS), [this]() {
            m_unconnected = static_cast<uint32_t>(m_experiment.Workers()) - m_server->Connected();
            Simulator::Stop();
        });
        m_server->TraceConnectWithoutContext(
            "RoundStarted", MakeBoundCallback(+[](EventId* limit, uint32_t) { Simulator::Cancel(*limit); }, &m_connectLimit));
    }
}

void
RoundHarness::CheckAllRoundsRan(const char* network) const
{
    if (m_unconnected > 0)
    {
        throw std::runtime_error(std::to_string(m_unconnected) + " of " + std::to_string(m_experiment.Workers()) +
                                 " workers could not open their TCP connection to the server within " +
                                 std::to_string(kConnectLimitS) +
                                 " s; raise network.snr_db or use network.transport = udp");
    }
    const int done = m_experiment.GetServer().Round();
    if (done < m_experiment.Config().rounds)
    {
        throw std::runtime_error(std::string("the ") + network + " simulation stopped after round " +
                                 std::to_string(done) + " of " + std::to_string(m_experiment.Config().rounds));
    }
}

} // namespace airgrad
} // namespace ns3
