#ifndef AIRGRAD_HELPER_H
#define AIRGRAD_HELPER_H

#include "airgrad-server-app.h"
#include "airgrad-worker-app.h"
#include "power-state-energy-model.h"

#include "ns3/application-container.h"
#include "ns3/energy-source-container.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <map>
#include <string>
#include <vector>

namespace airgrad
{
class Experiment;
}

namespace ns3
{
namespace airgrad
{

/**
 * \brief Installs an experiment's parameter server and workers on a user's nodes, as
 * BulkSendHelper installs its application: the server on one node, worker m on the m-th node
 * of a container. The nodes need IPv4 addresses first (the applications address each other by
 * the first address of interface 1). The attributes start from the experiment's configuration
 * (rounds, deadline, transport, fragment size, downlink, compute time per sample) and may be
 * overridden before Install. The experiment must outlive the simulation: the applications run
 * its core server and workers.
 *
 * \code
 *   AirgradHelper airgrad(experiment);
 *   airgrad.SetAttribute("Protocol", TypeIdValue(TcpSocketFactory::GetTypeId()));
 *   airgrad.InstallComputeEnergy(sources);       // optional: a processor model per worker
 *   ApplicationContainer apps = airgrad.Install(apNode, staNodes);
 *   apps.Start(Seconds(1));
 * \endcode
 */
class AirgradHelper
{
  public:
    explicit AirgradHelper(::airgrad::Experiment& experiment);

    /// An attribute of the ServerApp (Port, Rounds, RoundDeadline, Protocol, DatagramBytes).
    void SetServerAttribute(const std::string& name, const AttributeValue& value);
    /// An attribute of every WorkerApp (Port, Protocol, DatagramBytes, ComputeTimePerSample, ...).
    void SetWorkerAttribute(const std::string& name, const AttributeValue& value);
    /// An attribute both applications have (Port, Protocol, DatagramBytes), on both.
    void SetAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief A processor energy model (idle 0 W, computing `compute.power_w`) on each source,
     * charged while the worker on that source's node computes. Call before Install. With a
     * client selection (selection.policy, energy.battery_j) the sources also tell the server's
     * selection which workers ran out, and (with batteries) how much each has left.
     */
    DeviceEnergyModelContainer InstallComputeEnergy(const EnergySourceContainer& sources);

    /// The server on `server`, then worker m on `workers.Get(m)`; the container holds them in
    /// that order. `workers` must hold one node per experiment worker.
    ApplicationContainer Install(Ptr<Node> server, const NodeContainer& workers);

    /// The applications draw no ns-3 random numbers (the learning's randomness is the
    /// experiment's seeded core): uses no streams and returns 0.
    int64_t AssignStreams(const NodeContainer& nodes, int64_t stream);

  private:
    ::airgrad::Experiment& m_experiment;
    ObjectFactory m_server;
    ObjectFactory m_worker;
    bool m_broadcast = false; ///< network.downlink = broadcast: to the server's subnet broadcast address
    bool m_computeTimeSet = false; ///< the user set ComputeTimePerSample: not the experiment's
    std::map<uint32_t, Ptr<PowerStateEnergyModel>> m_processors; ///< by node id

    /// With a client selection: availability windows (energy.availability) and, with energy
    /// sources, depletion and batteries (energy.battery_j) are read before each round's choice.
    void FeedSelection(Ptr<ServerApp> server, const NodeContainer& workers, const std::vector<Ptr<WorkerApp>>& apps);
};

} // namespace airgrad
} // namespace ns3

#endif
