#include "round-harness.h"

#include "core/rng.h"
#include "round/experiment.h"

#include "ns3/basic-energy-source-helper.h"
#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/log.h"
#include "ns3/net-device-queue-interface.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradRoundHarness");
namespace airgrad
{

namespace
{

constexpr uint16_t kPort = 9000;
constexpr int kConnectLimitS = 60; ///< TCP: simulated seconds the workers get to connect

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

} // namespace

double
ReceivedPowerForSnrDbm(double snrDb, double widthMhz)
{
    const double noiseW = 1.3803e-23 * 290.0 * widthMhz * 1e6;
    return 10.0 * std::log10(noiseW * 1e3) + kNoiseFigureDb + snrDb;
}

double
ReferenceLossDb(const ::airgrad::ExperimentConfig& config)
{
    const double frequencyHz = config.bandGhz == 2.4 ? 2.4e9 : config.bandGhz == 6.0 ? 5.95e9 : 5.15e9;
    return config.referenceLossDb >= 0.0 ? config.referenceLossDb
                                         : 20.0 * std::log10(4.0 * M_PI * frequencyHz / 299792458.0);
}

std::vector<Vector>
StationPositions(const ::airgrad::ExperimentConfig& config)
{
    std::vector<Vector> out;
    ::airgrad::Rng placement = ::airgrad::Rng::Derive(config.seed, 0x91ACEULL);
    for (int m = 0; m < config.workers; ++m)
    {
        double angle = 2.0 * M_PI * m / config.workers;
        double distance = config.distancesM.empty() ? config.distanceM : config.distancesM[static_cast<size_t>(m)];
        if (config.placement == "disc")
        {
            angle = 2.0 * M_PI * placement.Uniform01();
            distance *= std::sqrt(placement.Uniform01()); // uniform over the disc's area
            distance = std::max(distance, 0.1);
        }
        out.emplace_back(distance * std::cos(angle), distance * std::sin(angle), 0.0);
    }
    return out;
}

RoundHarness::RoundHarness(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer)
    : m_experiment(experiment),
      m_observer(observer),
      m_rows(experiment.Config().rounds, experiment.Config().evalEvery)
{
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(experiment.Config().seed + 1);
    ap.Create(1);
    stations.Create(static_cast<uint32_t>(experiment.Workers()));
    m_stations.resize(stations.GetN());
    const std::vector<double>& snr = experiment.Config().snrDb;
    for (size_t m = 0; m < m_stations.size(); ++m)
    {
        m_stations[m].snrDb = snr.empty() ? std::nan("") : snr[snr.size() == 1 ? 0 : m];
    }
}

RoundHarness::~RoundHarness()
{
    Simulator::Destroy();
}

void
RoundHarness::InstallInternet(const NetDeviceContainer& apDevice, const NetDeviceContainer& staDevices)
{
    InternetStackHelper internet;
    internet.Install(ap);
    internet.Install(stations);
    Ipv4AddressHelper addresses("10.1.0.0", "255.255.0.0");
    apInterface = addresses.Assign(apDevice);
    staInterfaces = addresses.Assign(staDevices);
    for (const NetDeviceContainer* devices : {&apDevice, &staDevices})
    {
        for (uint32_t i = 0; i < devices->GetN(); ++i)
        {
            // Only devices with a queue interface got a queue disc (Ipv4AddressHelper::Assign).
            if (devices->Get(i)->GetObject<NetDeviceQueueInterface>())
            {
                TrafficControlHelper().Uninstall(devices->Get(i));
            }
        }
    }
}

EnergySourceContainer
RoundHarness::InstallEnergySources()
{
    const ::airgrad::ExperimentConfig& config = m_experiment.Config();
    BasicEnergySourceHelper source;
    // 1 MJ lasts about 10 simulated days of transmitting. Far larger budgets break ns-3: the energy
    // model's time to depletion, Seconds(energy / (current * voltage)), overflows Time's int64
    // nanoseconds and every transmission is then marked truncated (no station can associate).
    source.Set("BasicEnergySourceInitialEnergyJ", DoubleValue(1e6));
    source.Set("BasicEnergySupplyVoltageV", DoubleValue(config.voltageV));
    EnergySourceContainer sources = source.Install(stations);
    for (uint32_t i = 0; i < sources.GetN(); ++i)
    {
        Ptr<PowerStateEnergyModel> cpu = CreateObject<PowerStateEnergyModel>();
        cpu->SetStatePowers({0.0, config.computePowerW}); // idle, computing
        cpu->SetEnergySource(sources.Get(i));
        sources.Get(i)->AppendDeviceEnergyModel(cpu);
        m_processors.push_back(cpu);
    }
    return sources;
}

void
RoundHarness::InstallApplications()
{
    const ::airgrad::ExperimentConfig& config = m_experiment.Config();
    const int workers = m_experiment.Workers();
    m_server = CreateObject<ServerApp>();
    m_server->SetAttribute("Port", UintegerValue(kPort));
    m_server->SetAttribute("DatagramBytes", UintegerValue(static_cast<uint32_t>(config.fragmentBytes)));
    m_server->SetAttribute("Rounds", UintegerValue(static_cast<uint32_t>(config.rounds)));
    m_server->SetAttribute("RoundDeadline", TimeValue(Seconds(config.roundDeadlineS)));
    m_server->SetAttribute("Tcp", BooleanValue(config.transport == "tcp"));
    std::vector<Address> workerAddresses;
    for (int m = 0; m < workers; ++m)
    {
        workerAddresses.emplace_back(InetSocketAddress(staInterfaces.GetAddress(static_cast<uint32_t>(m)), kPort));
    }
    m_server->Setup(&m_experiment.GetServer(), workerAddresses);
    if (config.downlink == "broadcast")
    {
        m_server->SetBroadcast(InetSocketAddress(Ipv4Address("10.1.255.255"), kPort));
    }
    ap.Get(0)->AddApplication(m_server);
    m_server->SetStartTime(Seconds(0));
    m_server->TraceConnectWithoutContext(
        "ModelSent", MakeBoundCallback(+[](RoundHarness* h, uint32_t, uint32_t bytes, uint32_t recipients) {
                                           h->OnModelSent(bytes, recipients);
                                       },
                                       this));
    m_server->TraceConnectWithoutContext(
        "RoundEnded", MakeCallback(&RoundHarness::OnRoundEnded, this));
    // The applications never stop the simulation: the CLI's run ends with learning.
    m_server->TraceConnectWithoutContext("LearningFinished",
                                         MakeCallback(static_cast<void (*)(uint32_t)>([](uint32_t) { Simulator::Stop(); })));

    const std::vector<double> speed = SpeedFactors(config);
    for (int m = 0; m < workers; ++m)
    {
        Ptr<WorkerApp> app = CreateObject<WorkerApp>();
        app->SetAttribute("Server", AddressValue(InetSocketAddress(apInterface.GetAddress(0), kPort)));
        app->SetAttribute("Port", UintegerValue(kPort));
        app->SetAttribute("DatagramBytes", UintegerValue(static_cast<uint32_t>(config.fragmentBytes)));
        app->SetAttribute("Tcp", BooleanValue(config.transport == "tcp"));
        const double perSample = config.flopsPerSecond > 0.0
                                     ? m_experiment.GetWorker(m).FlopsPerSample() / config.flopsPerSecond
                                     : config.secondsPerSample;
        app->SetAttribute("ComputeTimePerSample", TimeValue(Seconds(perSample * speed[static_cast<size_t>(m)])));
        app->SetComputeEnergyModel(m_processors[static_cast<size_t>(m)]);
        if (config.downlink == "broadcast")
        {
            app->SetAttribute("RerequestTimeout", TimeValue(MicroSeconds(std::llround(config.rerequestTimeoutMs * 1e3))));
            app->TraceConnectWithoutContext(
                "Rerequested", MakeBoundCallback(+[](Station* s, uint32_t) { ++s->rerequests; },
                                                 &m_stations[static_cast<size_t>(m)]));
        }
        app->SetWorker(&m_experiment.GetWorker(m));
        app->TraceConnectWithoutContext(
            "UpdateSent", MakeBoundCallback(+[](RoundHarness* h, uint32_t station, uint32_t, uint32_t bytes) {
                                                h->OnUpdateSent(station, bytes);
                                            },
                                            this, static_cast<uint32_t>(m)));
        m_apps.push_back(app);
        stations.Get(static_cast<uint32_t>(m))->AddApplication(app);
        app->SetStartTime(Seconds(0));
    }
}

void
RoundHarness::StartLearning()
{
    if (m_experiment.Config().transport != "tcp")
    {
        BeginLearning();
        return;
    }
    // Connections are part of the set-up, like association: round 1 starts once all are open.
    m_server->SetAllConnectedCallback([this]() {
        Simulator::Cancel(m_connectLimit);
        BeginLearning();
    });
    for (const Ptr<WorkerApp>& app : m_apps)
    {
        app->Connect();
    }
    m_connectLimit = Simulator::Schedule(Seconds(kConnectLimitS), [this]() {
        m_unconnected = static_cast<uint32_t>(m_apps.size()) - m_server->Connected();
        Simulator::Stop();
    });
}

void
RoundHarness::BeginLearning()
{
    m_start = Simulator::Now();
    m_learning = true;
    m_wallStart = std::chrono::steady_clock::now();
    m_airtimeAtStart = m_airtimeS;
    m_airBytesAtStart = m_airBytes;
    m_radioAtStart = RadioEnergyJ();
    m_computeAtStart = ComputeEnergyJ();
    auto radio = m_radios.Begin();
    for (size_t m = 0; m < m_stations.size(); ++m, ++radio)
    {
        Station& s = m_stations[m];
        s.MarkRow((*radio)->GetTotalEnergyConsumption(), m_processors[m]->GetTotalEnergyConsumption());
    }
    m_observer.OnRound(m_experiment.Evaluate(0, m_counters, 0, 0));
    m_server->StartRounds();
}

void
RoundHarness::AddAirtime(uint32_t station, double seconds)
{
    m_airtimeS += seconds;
    m_stations[station].airtimeS += seconds;
}

void
RoundHarness::AddAirBytes(uint32_t station, uint64_t bytes)
{
    m_airBytes += bytes;
    m_stations[station].airBytes += bytes;
}

void
RoundHarness::CheckAllRoundsRan(const char* network) const
{
    if (m_unconnected > 0)
    {
        throw std::runtime_error(std::to_string(m_unconnected) + " of " + std::to_string(m_apps.size()) +
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

double
RoundHarness::RadioEnergyJ() const
{
    double sum = 0.0;
    for (auto it = m_radios.Begin(); it != m_radios.End(); ++it)
    {
        sum += (*it)->GetTotalEnergyConsumption();
    }
    return sum;
}

double
RoundHarness::ComputeEnergyJ() const
{
    double sum = 0.0;
    for (const auto& p : m_processors)
    {
        sum += p->GetTotalEnergyConsumption();
    }
    return sum;
}

void
RoundHarness::OnModelSent(uint32_t bytes, uint32_t recipients)
{
    m_counters.downlinkPayloadBits += 8ULL * bytes * recipients;
}

void
RoundHarness::OnUpdateSent(uint32_t station, uint32_t bytes)
{
    m_counters.uplinkPayloadBits += 8ULL * bytes;
    m_stations[station].uplinkBytes += bytes;
}

void
RoundHarness::OnRoundEnded(uint32_t round, uint32_t applied, uint32_t lost)
{
    NS_LOG_FUNCTION(this << round << applied << lost);
    ::airgrad::NetworkCounters& c = m_counters;
    c.simTimeS = (Simulator::Now() - m_start).GetSeconds();
    c.airtimeS = m_airtimeS - m_airtimeAtStart;
    c.uplinkAirBytes = m_airBytes - m_airBytesAtStart;
    c.radioEnergyJ = RadioEnergyJ() - m_radioAtStart;
    c.computeEnergyJ = ComputeEnergyJ() - m_computeAtStart;
    c.energyJ = c.radioEnergyJ + c.computeEnergyJ;
    OnWorkers(round);
    m_learningWallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_wallStart).count();
    if (const auto row = m_rows.EndRound(static_cast<int>(round), static_cast<int>(applied), static_cast<int>(lost)))
    {
        m_observer.OnRound(m_experiment.Evaluate(static_cast<int>(round), c, row->applied, row->lost));
    }
}

void
RoundHarness::OnWorkers(uint32_t round)
{
    std::vector<::airgrad::WorkerRecord> records(m_stations.size());
    auto radio = m_radios.Begin();
    for (size_t m = 0; m < records.size(); ++m, ++radio)
    {
        Station& s = m_stations[m];
        ::airgrad::WorkerRecord& w = records[m];
        const WorkerApp& app = *m_apps[m];
        if (m_experiment.GetServer().LastApplied(static_cast<int>(m)) == round)
        {
            w.status = "applied";
        }
        else if (m_experiment.GetServer().LastRejected(static_cast<int>(m)) == round)
        {
            w.status = "rejected";
        }
        else if (app.ModelRound() != round)
        {
            w.status = "missed-downlink";
        }
        else if (app.SkippedRound() == round)
        {
            w.status = "skipped";
        }
        else
        {
            // TCP loses nothing while its connection holds: an update sent but not applied was
            // still on its way at the deadline.
            w.status = app.SentRound() == round && m_experiment.Config().transport == "udp" ? "lost" : "late";
        }
        const double radioJ = (*radio)->GetTotalEnergyConsumption();
        const double computeJ = m_processors[m]->GetTotalEnergyConsumption();
        w.uplinkPayloadBits = 8ULL * (s.uplinkBytes - s.uplinkBytesAtRow);
        w.uplinkAirBytes = s.airBytes - s.airBytesAtRow;
        w.airtimeS = s.airtimeS - s.airtimeAtRow;
        w.radioEnergyJ = radioJ - s.radioAtRow;
        w.computeEnergyJ = computeJ - s.computeAtRow;
        w.snrDb = s.snrDb;
        w.mcs = s.mcs;
        w.rerequests = s.rerequests - s.rerequestsAtRow;
        s.MarkRow(radioJ, computeJ);
    }
    m_observer.OnWorkers(static_cast<int>(round), records);
}

} // namespace airgrad
} // namespace ns3
