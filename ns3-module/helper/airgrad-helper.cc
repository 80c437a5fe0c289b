#include "airgrad-helper.h"

#include "core/rng.h"
#include "round/experiment.h"

#include "ns3/abort.h"
#include "ns3/basic-energy-source.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <memory>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradHelper");
namespace airgrad
{

namespace
{

/// Per-worker compute-time factors: the configured list, log-normal draws, or all 1.
std::vector<double>
SpeedFactors(const ::airgrad::ExperimentConfig& c)
{
    if (!c.speedFactors.empty())
    {
        return c.speedFactors;
    }
    std::vector<double> out(static_cast<size_t>(c.workers), 1.0);
    if (c.speedSigma > 0.0)
    {
        ::airgrad::Rng rng = ::airgrad::Rng::Derive(c.seed, 0x5EED5ULL);
        for (double& f : out)
        {
            f = std::exp(c.speedSigma * rng.Normal());
        }
    }
    return out;
}

/// The node's first address on interface 1 (interface 0 is the loopback).
Ipv4InterfaceAddress
NodeAddress(Ptr<Node> node)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    NS_ABORT_MSG_IF(!ipv4 || ipv4->GetNInterfaces() < 2 || ipv4->GetNAddresses(1) == 0,
                    "AirgradHelper::Install: node " << node->GetId()
                                                    << " has no IPv4 address; assign addresses first");
    return ipv4->GetAddress(1, 0);
}

} // namespace

AirgradHelper::AirgradHelper(::airgrad::Experiment& experiment)
    : m_experiment(experiment)
{
    const ::airgrad::ExperimentConfig& config = experiment.Config();
    m_server.SetTypeId(ServerApp::GetTypeId());
    m_worker.SetTypeId(WorkerApp::GetTypeId());
    SetAttribute("DatagramBytes", UintegerValue(static_cast<uint32_t>(config.fragmentBytes)));
    SetAttribute("Protocol", TypeIdValue(config.transport == "tcp" ? TcpSocketFactory::GetTypeId()
                                                                   : UdpSocketFactory::GetTypeId()));
    m_server.Set("Rounds", UintegerValue(static_cast<uint32_t>(config.rounds)));
    m_server.Set("RoundDeadline", TimeValue(Seconds(config.roundDeadlineS)));
    m_broadcast = config.downlink == "broadcast";
    if (m_broadcast)
    {
        m_worker.Set("RerequestTimeout", TimeValue(MicroSeconds(std::llround(config.rerequestTimeoutMs * 1e3))));
    }
}

void
AirgradHelper::SetServerAttribute(const std::string& name, const AttributeValue& value)
{
    m_server.Set(name, value);
}

void
AirgradHelper::SetWorkerAttribute(const std::string& name, const AttributeValue& value)
{
    m_computeTimeSet = m_computeTimeSet || name == "ComputeTimePerSample";
    m_worker.Set(name, value);
}

void
AirgradHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_server.Set(name, value);
    m_worker.Set(name, value);
}

DeviceEnergyModelContainer
AirgradHelper::InstallComputeEnergy(const EnergySourceContainer& sources)
{
    DeviceEnergyModelContainer out;
    for (uint32_t i = 0; i < sources.GetN(); ++i)
    {
        Ptr<EnergySource> source = sources.Get(i);
        Ptr<PowerStateEnergyModel> cpu = CreateObject<PowerStateEnergyModel>();
        cpu->SetStatePowers({0.0, m_experiment.Config().computePowerW}); // idle, computing
        cpu->SetEnergySource(source);
        source->AppendDeviceEnergyModel(cpu);
        m_processors[source->GetNode()->GetId()] = cpu;
        out.Add(cpu);
    }
    return out;
}

ApplicationContainer
AirgradHelper::Install(Ptr<Node> server, const NodeContainer& workers)
{
    const ::airgrad::ExperimentConfig& config = m_experiment.Config();
    NS_ABORT_MSG_IF(workers.GetN() != static_cast<uint32_t>(m_experiment.Workers()),
                    "AirgradHelper::Install: " << workers.GetN() << " worker nodes for an experiment of "
                                               << m_experiment.Workers() << " workers");
    NS_LOG_FUNCTION(this << server->GetId() << workers.GetN());
    Ptr<ServerApp> serverApp = m_server.Create<ServerApp>();
    UintegerValue port;
    serverApp->GetAttribute("Port", port);
    const auto serverPort = static_cast<uint16_t>(port.Get());
    std::vector<Address> workerAddresses;
    std::vector<Ptr<WorkerApp>> workerApps;
    for (uint32_t m = 0; m < workers.GetN(); ++m)
    {
        workerApps.push_back(m_worker.Create<WorkerApp>());
        workerApps.back()->GetAttribute("Port", port);
        workerAddresses.emplace_back(InetSocketAddress(NodeAddress(workers.Get(m)).GetLocal(),
                                                       static_cast<uint16_t>(port.Get())));
    }
    serverApp->Setup(&m_experiment.GetServer(), workerAddresses);
    const Ipv4InterfaceAddress serverAddress = NodeAddress(server);
    if (m_broadcast)
    {
        serverApp->SetBroadcast(InetSocketAddress(serverAddress.GetBroadcast(), serverPort));
    }
    server->AddApplication(serverApp);
    ApplicationContainer apps(serverApp);

    const std::vector<double> speed = SpeedFactors(config);
    for (uint32_t m = 0; m < workers.GetN(); ++m)
    {
        Ptr<WorkerApp> app = workerApps[m];
        ::airgrad::Worker& worker = m_experiment.GetWorker(static_cast<int>(m));
        app->SetAttribute("Server", AddressValue(InetSocketAddress(serverAddress.GetLocal(), serverPort)));
        if (!m_computeTimeSet)
        {
            const double perSample = config.flopsPerSecond > 0.0 ? worker.FlopsPerSample() / config.flopsPerSecond
                                                                 : config.secondsPerSample;
            app->SetAttribute("ComputeTimePerSample", TimeValue(Seconds(perSample * speed[m])));
        }
        const auto processor = m_processors.find(workers.Get(m)->GetId());
        if (processor != m_processors.end())
        {
            app->SetComputeEnergyModel(processor->second);
        }
        app->SetWorker(&worker);
        workers.Get(m)->AddApplication(app);
        apps.Add(app);
    }
    FeedSelection(serverApp, workers, workerApps);
    return apps;
}

namespace
{

void
WorkerDepleted(::airgrad::Selection* selection, uint32_t worker)
{
    selection->SetAlive(worker, false);
}

/// What a source gives before it is depleted: above its low-battery threshold (a BasicEnergySource's), J.
double
BatteryLeftJ(Ptr<EnergySource> source)
{
    DoubleValue threshold(0.0);
    if (DynamicCast<BasicEnergySource>(source))
    {
        source->GetAttribute("BasicEnergyLowBatteryThreshold", threshold);
    }
    return (source->GetEnergyFraction() - threshold.Get()) * source->GetInitialEnergy();
}

/// Before each round's selection: every battery's charge, as the devices would report it.
void
ReadBatteries(::airgrad::Selection* selection, std::shared_ptr<const std::vector<Ptr<EnergySource>>> sources,
              uint32_t)
{
    for (uint32_t m = 0; m < sources->size(); ++m)
    {
        selection->SetBatteryJ(m, BatteryLeftJ((*sources)[m]));
    }
}

/// Before each round's selection: who is within an availability window now.
void
ReadAvailability(::airgrad::Selection* selection, const ::airgrad::Availability* availability,
                 std::shared_ptr<Time> start, uint32_t round)
{
    if (round == 1)
    {
        *start = Simulator::Now();
    }
    const double seconds = (Simulator::Now() - *start).GetSeconds();
    for (uint32_t m = 0; m < static_cast<uint32_t>(selection->Workers()); ++m)
    {
        selection->SetAvailable(m, availability->Available(m, seconds));
    }
}

} // namespace

void
AirgradHelper::FeedSelection(Ptr<ServerApp> server, const NodeContainer& workers,
                             const std::vector<Ptr<WorkerApp>>& apps)
{
    ::airgrad::Selection* selection = m_experiment.GetServer().GetSelection();
    if (selection != nullptr && m_experiment.GetAvailability() != nullptr)
    {
        server->TraceConnectWithoutContext("RoundStarted",
                                           MakeBoundCallback(&ReadAvailability, selection, m_experiment.GetAvailability(),
                                                             std::make_shared<Time>()));
    }
    if (selection == nullptr || m_processors.empty())
    {
        return;
    }
    // A depleted worker is never selected again. The server learns it at once (and the battery
    // levels below): a report that costs no airtime.
    // Shared with the callback: the helper may go before the simulation runs.
    auto batteries = std::make_shared<std::vector<Ptr<EnergySource>>>();
    for (uint32_t m = 0; m < workers.GetN(); ++m)
    {
        apps[m]->TraceConnectWithoutContext("Depleted", MakeBoundCallback(&WorkerDepleted, selection));
        const auto processor = m_processors.find(workers.Get(m)->GetId());
        NS_ABORT_MSG_IF(processor == m_processors.end(),
                        "AirgradHelper: worker " << m << "'s node has no energy source from InstallComputeEnergy");
        batteries->push_back(processor->second->GetEnergySource());
    }
    if (!m_experiment.BatteriesJ().empty())
    {
        server->TraceConnectWithoutContext(
            "RoundStarted",
            MakeBoundCallback(&ReadBatteries, selection, std::shared_ptr<const std::vector<Ptr<EnergySource>>>(batteries)));
    }
}

int64_t
AirgradHelper::AssignStreams(const NodeContainer&, int64_t)
{
    return 0;
}

} // namespace airgrad
} // namespace ns3
