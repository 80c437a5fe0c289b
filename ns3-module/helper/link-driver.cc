// RunLink: the CLI's abstract-link run, composed of the module's helpers.

#include "link-topology-helper.h"
#include "network-drivers.h"
#include "round-harness.h"

#include "round/experiment.h"

#include "ns3/log.h"
#include "ns3/neighbor-cache-helper.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradLinkDriver");
namespace airgrad
{

namespace
{

/// The link's transmissions by stations (not the AP's) count as those stations' airtime and bytes.
void
CountStationTransmission(RoundTracker* tracker, uint32_t sender, uint32_t station, uint32_t psduBytes, Time duration,
                         uint32_t, uint32_t)
{
    if (sender != 0)
    {
        tracker->AddAirtime(station, duration.GetSeconds());
        tracker->AddAirBytes(station, psduBytes);
    }
}

} // namespace

NetworkRunStats
RunLink(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer)
{
    NS_LOG_FUNCTION_NOARGS();
    RoundHarness harness(experiment, observer);
    LinkTopologyHelper link(harness.settings);
    const NetDeviceContainer devices = link.Install(harness.ap.Get(0), harness.stations, 100);
    const NetDeviceContainer staDevices = StationDevices(devices);
    ::airgrad::Selection* selection = experiment.GetServer().GetSelection();
    for (uint32_t s = 0; s < staDevices.GetN(); ++s)
    {
        harness.tracker.SetSnrDb(s, link.SnrsDb()[s]);
        harness.tracker.SetMcs(s, link.Mcs()[s]);
        if (selection != nullptr)
        {
            selection->SetChannelDb(s, link.SnrsDb()[s]); // the link has no fading: its SNR is what the AP sees
        }
    }
    harness.InstallInternet(devices);
    harness.tracker.SetRadios(link.InstallRadioEnergy(staDevices, harness.InstallEnergySources()));
    link.GetChannel()->TraceConnectWithoutContext("Transmission",
                                                  MakeBoundCallback(&CountStationTransmission, &harness.tracker));
    // No ARP on the air: every neighbour is known from the start.
    NeighborCacheHelper().PopulateNeighborCache(link.GetChannel());
    // Applications start 1 ns in, after the simulation has initialised the nodes.
    Simulator::Schedule(NanoSeconds(1), &RoundHarness::StartLearning, &harness);
    Simulator::Run();
    NetworkRunStats stats;
    stats.events = Simulator::GetEventCount();
    stats.learningWallS = harness.tracker.LearningWallS();
    if (!experiment.BatteriesJ().empty())
    {
        stats.depletedRounds = harness.tracker.DepletedRounds();
    }
    harness.CheckAllRoundsRan("link");
    return stats;
}

} // namespace airgrad
} // namespace ns3
