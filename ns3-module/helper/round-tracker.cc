#include "round-tracker.h"

#include "round/experiment.h"

#include "ns3/abort.h"
#include "ns3/callback.h"
#include "ns3/log.h"
#include "ns3/simulator.h"


namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradRoundTracker");
namespace airgrad
{

void
RoundTracker::Station::MarkRow(double radioJ, double computeJ)
{
    airtimeAtRow = airtimeS;
    airBytesAtRow = airBytes;
    uplinkBytesAtRow = uplinkBytes;
    rerequestsAtRow = rerequests;
    radioAtRow = radioJ;
    computeAtRow = computeJ;
}

RoundTracker::RoundTracker(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer)
    : m_experiment(experiment),
      m_observer(observer),
      m_rows(experiment.Config().rounds, experiment.Config().evalEvery),
      m_stations(static_cast<size_t>(experiment.Workers())),
      m_depletedRounds(static_cast<size_t>(experiment.Workers()), 0)
{
}

void
RoundTracker::Track(const ApplicationContainer& apps)
{
    NS_LOG_FUNCTION(this);
    Ptr<ServerApp> server = DynamicCast<ServerApp>(apps.Get(0));
    NS_ABORT_MSG_IF(!server || apps.GetN() != m_stations.size() + 1,
                    "RoundTracker::Track needs the server and " << m_stations.size()
                                                                << " workers AirgradHelper installed");
    server->TraceConnectWithoutContext("RoundStarted", MakeCallback(&RoundTracker::OnRoundStarted, this));
    server->TraceConnectWithoutContext(
        "ModelSent", MakeBoundCallback(+[](RoundTracker* t, uint32_t, uint32_t bytes, uint32_t recipients) {
                                           t->OnModelSent(bytes, recipients);
                                       },
                                       this));
    server->TraceConnectWithoutContext("RoundEnded", MakeCallback(&RoundTracker::OnRoundEnded, this));
    for (uint32_t m = 0; m < m_stations.size(); ++m)
    {
        Ptr<WorkerApp> app = DynamicCast<WorkerApp>(apps.Get(m + 1));
        app->TraceConnectWithoutContext("Rerequested",
                                        MakeBoundCallback(+[](Station* s, uint32_t) { ++s->rerequests; }, &m_stations[m]));
        app->TraceConnectWithoutContext(
            "UpdateSent", MakeBoundCallback(+[](RoundTracker* t, uint32_t worker, uint32_t, uint32_t bytes) {
                                                t->OnUpdateSent(worker, bytes);
                                            },
                                            this, m));
        // The round in progress when the battery ran out (the server's current round).
        app->TraceConnectWithoutContext("Depleted", MakeBoundCallback(+[](RoundTracker* t, uint32_t worker) {
                                            t->m_depletedRounds[worker] = t->m_experiment.GetServer().Round();
                                        },
                                        this));
        m_apps.push_back(app);
    }
}

void
RoundTracker::OnRoundStarted(uint32_t round)
{
    if (round == 1)
    {
        BeginLearning();
    }
}

void
RoundTracker::BeginLearning()
{
    m_start = Simulator::Now();
    m_learning = true;
    m_wallStart = std::chrono::steady_clock::now();
    m_airtimeAtStart = m_airtimeS;
    m_airBytesAtStart = m_airBytes;
    m_radioAtStart = RadioEnergyJ();
    m_computeAtStart = ComputeEnergyJ();
    for (uint32_t m = 0; m < m_stations.size(); ++m)
    {
        m_stations[m].MarkRow(RadioEnergyJ(m), ComputeEnergyJ(m));
    }
    m_observer.OnRound(m_experiment.Evaluate(0, m_counters, {}));
}

void
RoundTracker::AddAirtime(uint32_t worker, double seconds)
{
    m_airtimeS += seconds;
    m_stations[worker].airtimeS += seconds;
}

void
RoundTracker::AddAirBytes(uint32_t worker, uint64_t bytes)
{
    m_airBytes += bytes;
    m_stations[worker].airBytes += bytes;
}

double
RoundTracker::RadioEnergyJ(uint32_t worker) const
{
    return worker < m_radios.GetN() ? m_radios.Get(worker)->GetTotalEnergyConsumption() : 0.0;
}

double
RoundTracker::ComputeEnergyJ(uint32_t worker) const
{
    Ptr<PowerStateEnergyModel> cpu = m_apps[worker]->GetComputeEnergyModel();
    return cpu ? cpu->GetTotalEnergyConsumption() : 0.0;
}

double
RoundTracker::RadioEnergyJ() const
{
    double sum = 0.0;
    for (uint32_t m = 0; m < m_stations.size(); ++m)
    {
        sum += RadioEnergyJ(m);
    }
    return sum;
}

double
RoundTracker::ComputeEnergyJ() const
{
    double sum = 0.0;
    for (uint32_t m = 0; m < m_stations.size(); ++m)
    {
        sum += ComputeEnergyJ(m);
    }
    return sum;
}

void
RoundTracker::OnModelSent(uint32_t bytes, uint32_t recipients)
{
    m_counters.downlinkPayloadBits += 8ULL * bytes * recipients;
}

void
RoundTracker::OnUpdateSent(uint32_t worker, uint32_t bytes)
{
    m_counters.uplinkPayloadBits += 8ULL * bytes;
    m_stations[worker].uplinkBytes += bytes;
}

void
RoundTracker::OnRoundEnded(uint32_t round, uint32_t applied, uint32_t lost)
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
    if (const auto row = m_rows.EndRound(static_cast<int>(round), static_cast<int>(applied), static_cast<int>(lost),
                                         m_experiment.GetServer().Participants(),
                                         m_experiment.GetServer().LastStaleness()))
    {
        m_observer.OnRound(m_experiment.Evaluate(static_cast<int>(round), c, *row));
    }
}

void
RoundTracker::OnWorkers(uint32_t round)
{
    const ::airgrad::Server& server = m_experiment.GetServer();
    std::vector<::airgrad::WorkerRecord> records(m_stations.size());
    for (uint32_t m = 0; m < records.size(); ++m)
    {
        Station& s = m_stations[m];
        ::airgrad::WorkerRecord& w = records[m];
        const WorkerApp& app = *m_apps[m];
        w.selected = server.Selected(static_cast<int>(m));
        if (app.Depleted() && !server.AppliedLast(static_cast<int>(m)))
        {
            w.status = "depleted";
        }
        else if (server.AppliedLast(static_cast<int>(m)))
        {
            w.status = "applied";
        }
        else if (server.Buffered())
        {
            w.status = "waiting"; // computing, sending, or timed out: its model may be of an earlier round
        }
        else if (!w.selected)
        {
            w.status = "unselected";
        }
        else if (server.LastRejected(static_cast<int>(m)) == round)
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
            w.status = app.SentRound() == round && !app.UsesTcp() ? "lost" : "late";
        }
        const double radioJ = RadioEnergyJ(m);
        const double computeJ = ComputeEnergyJ(m);
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
