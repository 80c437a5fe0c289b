#ifndef AIRGRAD_ROUND_TRACKER_H
#define AIRGRAD_ROUND_TRACKER_H

#include "airgrad-server-app.h"
#include "airgrad-worker-app.h"

#include "round/round-record.h"

#include "ns3/application-container.h"
#include "ns3/device-energy-model-container.h"
#include "ns3/nstime.h"

#include <chrono>
#include <cmath>
#include <vector>

namespace airgrad
{
class Experiment;
class RoundObserver;
} // namespace airgrad

namespace ns3
{
namespace airgrad
{

/**
 * \brief Builds metrics and workers.csv rows from the applications' trace sources and the radio
 * traces a network reports to it, and hands them to a RoundObserver (the core's CSV writers,
 * or a user's): round 0 when round 1 starts, then a row at every round's end (every
 * run.eval_every rounds) and the per-worker records of every round. Simulated time, airtime,
 * air bytes and energy count from round 1's start; the network's traffic before it (association,
 * warm-up) is left out.
 *
 * The network's own traces feed it through AddAirtime, AddAirBytes and SetMcs: the radios are
 * the topology's business (RunWifi connects the Wi-Fi PHY's, RunLink the link channel's).
 */
class RoundTracker
{
  public:
    RoundTracker(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer);
    RoundTracker(const RoundTracker&) = delete;
    RoundTracker& operator=(const RoundTracker&) = delete;

    /// Follows the applications AirgradHelper::Install returned (server, then workers); before
    /// they start.
    void Track(const ApplicationContainer& apps);
    /// The workers' radio energy models, in worker order (without them radio energy is 0 J).
    void SetRadios(DeviceEnergyModelContainer radios) { m_radios = radios; }

    /// What a worker's radio did, from the network's traces.
    void AddAirtime(uint32_t worker, double seconds);
    void AddAirBytes(uint32_t worker, uint64_t bytes);
    void SetMcs(uint32_t worker, int mcs) { m_stations[worker].mcs = mcs; }
    /// The SNR workers.csv reports (default nan: unknown), dB.
    void SetSnrDb(uint32_t worker, double snrDb) { m_stations[worker].snrDb = snrDb; }

    /// Whether round 1 has begun, and when.
    bool Learning() const { return m_learning; }
    Time LearningStart() const { return m_start; }
    /// Wall-clock seconds from round 1's start to the last round's end.
    double LearningWallS() const { return m_learningWallS; }
    /// Per worker, the round in which its energy source ran out (0: never).
    const std::vector<uint32_t>& DepletedRounds() const { return m_depletedRounds; }

  private:
    struct Station
    {
        double airtimeS = 0.0;     ///< since the simulation began
        uint64_t airBytes = 0;     ///< since the simulation began
        uint64_t uplinkBytes = 0;  ///< encoded updates handed to the socket
        int mcs = -1;
        double snrDb = std::nan("");
        int rerequests = 0;        ///< broadcast downlink: models asked for again
        int rerequestsAtRow = 0;
        double airtimeAtRow = 0.0; ///< the same at the last round end
        uint64_t airBytesAtRow = 0;
        uint64_t uplinkBytesAtRow = 0;
        double radioAtRow = 0.0;
        double computeAtRow = 0.0;

        /// The counts at a row's end, from which the next row's are differences.
        void MarkRow(double radioJ, double computeJ);
    };

    void OnRoundStarted(uint32_t round);
    void BeginLearning();
    double RadioEnergyJ(uint32_t worker) const;
    double ComputeEnergyJ(uint32_t worker) const;
    double RadioEnergyJ() const;
    double ComputeEnergyJ() const;
    void OnModelSent(uint32_t bytes, uint32_t recipients);
    void OnUpdateSent(uint32_t worker, uint32_t bytes);
    void OnRoundEnded(uint32_t round, uint32_t applied, uint32_t lost);
    /// Classifies every worker's update of `round` and hands the per-worker records on.
    void OnWorkers(uint32_t round);

    ::airgrad::Experiment& m_experiment;
    ::airgrad::RoundObserver& m_observer;
    ::airgrad::NetworkCounters m_counters;
    ::airgrad::RowCounter m_rows;
    DeviceEnergyModelContainer m_radios;
    std::vector<Ptr<WorkerApp>> m_apps;
    std::vector<Station> m_stations;
    std::vector<uint32_t> m_depletedRounds;
    double m_airtimeS = 0.0;
    uint64_t m_airBytes = 0;
    Time m_start;
    bool m_learning = false;
    std::chrono::steady_clock::time_point m_wallStart;
    double m_learningWallS = 0.0;
    double m_airtimeAtStart = 0.0;
    uint64_t m_airBytesAtStart = 0;
    double m_radioAtStart = 0.0;
    double m_computeAtStart = 0.0;
};

} // namespace airgrad
} // namespace ns3

#endif
