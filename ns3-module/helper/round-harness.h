#ifndef AIRGRAD_ROUND_HARNESS_H
#define AIRGRAD_ROUND_HARNESS_H

// What the CLI's network drivers share: the seeds, the AP and station nodes, the IP stack, the
// energy sources, the applications (AirgradHelper) and their rows (RoundTracker); a driver adds
// the devices (a topology helper) and their traces. A program of its own needs none of this.

#include "airgrad-helper.h"
#include "network-settings.h"
#include "round-tracker.h"

#include "ns3/energy-source-container.h"
#include "ns3/event-id.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"

namespace airgrad
{
class Experiment;
class RoundObserver;
} // namespace airgrad

namespace ns3
{
namespace airgrad
{

/// The station devices of a container that holds the AP's first (as the topology helpers return them).
NetDeviceContainer StationDevices(const NetDeviceContainer& devices);

class RoundHarness
{
  public:
    /// Seeds ns-3 from the run seed (RngRun = seed + 1) and creates the AP node and a station
    /// node per worker.
    RoundHarness(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer);
    /// Destroys the simulation, so that no node or channel outlives a run, even one that threw:
    /// the one Simulator::Destroy of the drivers.
    ~RoundHarness();
    RoundHarness(const RoundHarness&) = delete;
    RoundHarness& operator=(const RoundHarness&) = delete;

    const NetworkSettings settings; ///< the scenario's [network] section, typed
    NodeContainer ap;
    NodeContainer stations;
    RoundTracker tracker;

    /// IPv4 on the devices (the AP's first; 10.1.0.0/16) without queue discs.
    void InstallInternet(const NetDeviceContainer& devices);
    /// An energy source per station at network.voltage_v with a processor model on it.
    EnergySourceContainer InstallEnergySources();
    /// Charges each station's battery (energy.battery_j) and installs and starts the
    /// applications now (round 1 begins at once, or with TCP once every
    /// worker has connected: within 60 simulated seconds, or the simulation stops); the
    /// simulation stops when learning ends.
    void StartLearning();
    /// Throws std::runtime_error naming the last round when fewer than run.rounds rounds ended,
    /// or the workers whose TCP connection never opened.
    void CheckAllRoundsRan(const char* network) const;

  private:
    /// energy.battery_j: each station's source from then on.
    void ChargeBatteries();

    ::airgrad::Experiment& m_experiment;
    AirgradHelper m_helper;
    Ptr<ServerApp> m_server;
    std::vector<Ptr<EnergySource>> m_sources; ///< per station (an EnergySourceContainer is an Object: never copied)
    EventId m_connectLimit;
    uint32_t m_unconnected = 0; ///< TCP: workers not connected when the limit passed
};

} // namespace airgrad
} // namespace ns3

#endif
