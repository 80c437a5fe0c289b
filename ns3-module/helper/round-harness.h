#ifndef AIRGRAD_ROUND_HARNESS_H
#define AIRGRAD_ROUND_HARNESS_H

// What every network driver shares: the nodes, the IP stack, the energy sources with a processor
// model per station, the server and worker applications, per-station tallies, and the metrics and
// workers.csv rows at each round's end. A driver adds devices, radios and their traces.

#include "model/airgrad-server-app.h"
#include "model/airgrad-worker-app.h"
#include "model/power-state-energy-model.h"

#include "round/round-record.h"

#include "ns3/device-energy-model-container.h"
#include "ns3/energy-source-container.h"
#include "ns3/event-id.h"
#include "ns3/ipv4-interface-container.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/vector.h"

#include <chrono>
#include <vector>

namespace airgrad
{
class Experiment;
struct ExperimentConfig;
class RoundObserver;
} // namespace airgrad

namespace ns3
{
namespace airgrad
{

/// ns-3's default receiver noise figure, dB.
constexpr double kNoiseFigureDb = 7.0;
/// Received power giving `snrDb` over `widthMhz`, with thermal noise as ns-3 computes it
/// (k T B at 290 K) plus the noise figure, dBm.
double ReceivedPowerForSnrDbm(double snrDb, double widthMhz);
/// Log-distance reference loss at 1 m: network.reference_loss_db, or free space at the band's
/// lower edge (at 5.15 GHz that is ns-3's own default, 46.6777 dB), dB.
double ReferenceLossDb(const ::airgrad::ExperimentConfig& config);
/// Station positions around the AP at the origin (circle, or seeded uniform draws in a disc), m.
std::vector<Vector> StationPositions(const ::airgrad::ExperimentConfig& config);

class RoundHarness
{
  public:
    /// Seeds ns-3 from the run seed and creates the AP node and a station node per worker.
    RoundHarness(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer);
    /// Destroys the simulation, so that no node or channel outlives a run, even one that threw:
    /// the one Simulator::Destroy of the drivers.
    ~RoundHarness();
    RoundHarness(const RoundHarness&) = delete;
    RoundHarness& operator=(const RoundHarness&) = delete;

    NodeContainer ap;
    NodeContainer stations;
    Ipv4InterfaceContainer apInterface;
    Ipv4InterfaceContainer staInterfaces;

    /// IPv4 on the devices (10.1.0.0/16), without a queue disc: the device queue suffices and the
    /// default FqCoDel would drop long bursts of fragments.
    void InstallInternet(const NetDeviceContainer& apDevice, const NetDeviceContainer& staDevices);
    /// A 1 MJ energy source per station at network.voltage_v with the processor's model on it.
    EnergySourceContainer InstallEnergySources();
    /// The station radios' energy models, in station order, each on that station's source.
    void SetRadios(DeviceEnergyModelContainer radios) { m_radios = radios; }
    /// Server and worker applications, with their traces wired to the tallies.
    void InstallApplications();
    /// Round 0's row, then round 1 starts now; counts start here. With TCP transport the workers
    /// first connect, and all this happens once every connection is open.
    void StartLearning();
    /// Simulated time at which round 1 began.
    Time LearningStart() const { return m_start; }
    /// Whether round 1 has begun.
    bool Learning() const { return m_learning; }
    /// Wall-clock seconds from StartLearning to the last round's end (setup and association excluded).
    double LearningWallS() const { return m_learningWallS; }

    /// What a station's radio did, for the driver's traces.
    void AddAirtime(uint32_t station, double seconds);
    void AddAirBytes(uint32_t station, uint64_t bytes);
    void SetMcs(uint32_t station, int mcs) { m_stations[station].mcs = mcs; }
    /// The SNR workers.csv reports (default: network.snr_db, or nan in distance mode).
    void SetSnrDb(uint32_t station, double snrDb) { m_stations[station].snrDb = snrDb; }

    /// Throws std::runtime_error naming the last round when fewer than run.rounds rounds ended,
    /// or the workers whose TCP connection never opened.
    void CheckAllRoundsRan(const char* network) const;

  private:
    struct Station
    {
        double airtimeS = 0.0;     ///< since the simulation began
        uint64_t airBytes = 0;     ///< since the simulation began
        uint64_t uplinkBytes = 0;  ///< encoded updates handed to the socket
        int mcs = -1;
        double snrDb = 0.0;
        int rerequests = 0;        ///< broadcast downlink: models asked for again
        int rerequestsAtRow = 0;
        double airtimeAtRow = 0.0; ///< the same at the last round end
        uint64_t airBytesAtRow = 0;
        uint64_t uplinkBytesAtRow = 0;
        double radioAtRow = 0.0;
        double computeAtRow = 0.0;

        /// The counts at a row's end, from which the next row's are differences.
        void MarkRow(double radioJ, double computeJ)
        {
            airtimeAtRow = airtimeS;
            airBytesAtRow = airBytes;
            uplinkBytesAtRow = uplinkBytes;
            rerequestsAtRow = rerequests;
            radioAtRow = radioJ;
            computeAtRow = computeJ;
        }
    };

    void BeginLearning();
    double RadioEnergyJ() const;
    double ComputeEnergyJ() const;
    void OnModelSent(uint32_t bytes, uint32_t recipients);
    void OnUpdateSent(uint32_t station, uint32_t bytes);
    void OnRoundEnded(uint32_t round, uint32_t applied, uint32_t lost);
    /// Classifies every worker's update of `round` and hands the per-worker records on.
    void OnWorkers(uint32_t round);

    ::airgrad::Experiment& m_experiment;
    ::airgrad::RoundObserver& m_observer;
    ::airgrad::NetworkCounters m_counters;
    DeviceEnergyModelContainer m_radios;
    std::vector<Ptr<PowerStateEnergyModel>> m_processors;
    Ptr<ServerApp> m_server;
    std::vector<Ptr<WorkerApp>> m_apps;
    std::vector<Station> m_stations;
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
    EventId m_connectLimit;
    uint32_t m_unconnected = 0; ///< TCP: workers not connected when the limit passed
    ::airgrad::RowCounter m_rows;
};

} // namespace airgrad
} // namespace ns3

#endif
