// RunWifi: the CLI's Wi-Fi run, composed of the module's helpers.

#include "network-drivers.h"
#include "round-harness.h"
#include "wifi-station-tracer.h"
#include "wifi-topology-helper.h"
#include "wifi-uplink-snr.h"
#include "wifi-warm-up.h"

#include "round/experiment.h"

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/wifi-radio-energy-model.h"

#include <memory>
#include <stdexcept>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradWifiDriver");
namespace airgrad
{

namespace
{

void
CheckWarmUp(const WifiWarmUp& warmUp, uint32_t workers)
{
    if (warmUp.Associated() < workers)
    {
        throw std::runtime_error("only " + std::to_string(warmUp.Associated()) + " of " + std::to_string(workers) +
                                 " stations associated with the access point within 60 s; "
                                 "reduce network.distance_m or network.workers");
    }
    if (warmUp.Missing() > 0)
    {
        throw std::runtime_error(std::to_string(warmUp.Missing()) +
                                 " Wi-Fi links (or unassociated stations) were still not ready "
                                 "after 60 s of warm-up; reduce network.workers or raise "
                                 "network.snr_db");
    }
}

} // namespace

bool
NetworkSimulatorBuilt()
{
    return true;
}

NetworkRunStats
RunWifi(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer)
{
    NS_LOG_FUNCTION_NOARGS();
    RoundHarness harness(experiment, observer);
    WifiTopologyHelper wifi(harness.settings);
    const NetDeviceContainer devices = wifi.Install(harness.ap.Get(0), harness.stations, 100);
    const NetDeviceContainer staDevices = StationDevices(devices);
    harness.InstallInternet(devices);
    const DeviceEnergyModelContainer radios = wifi.InstallRadioEnergy(staDevices, harness.InstallEnergySources());
    harness.tracker.SetRadios(radios);
    const WifiStationTracer tracer(harness.tracker, staDevices);
    std::unique_ptr<WifiUplinkSnr> uplinkSnr;
    if (::airgrad::Selection* selection = experiment.GetServer().GetSelection())
    {
        uplinkSnr = std::make_unique<WifiUplinkSnr>(
            devices.Get(0), staDevices, [selection](uint32_t m, double snrDb) { selection->SetChannelDb(m, snrDb); });
    }

    WifiWarmUp warmUp(devices);
    warmUp.Start([&harness]() { harness.StartLearning(); }, []() { Simulator::Stop(); });
    Simulator::Run();
    NetworkRunStats stats;
    stats.dataPpdus = tracer.DataPpdus();
    stats.triggerBasedDataPpdus = tracer.TriggerBasedDataPpdus();
    stats.events = Simulator::GetEventCount();
    stats.learningWallS = harness.tracker.LearningWallS();
    stats.learningStartS = harness.tracker.LearningStart().GetSeconds();
    if (!experiment.BatteriesJ().empty())
    {
        stats.depletedRounds = harness.tracker.DepletedRounds();
    }
    for (auto it = radios.Begin(); it != radios.End(); ++it)
    {
        stats.radiosOff += DynamicCast<WifiRadioEnergyModel>(*it)->GetCurrentState() == WifiPhyState::OFF;
    }
    CheckWarmUp(warmUp, static_cast<uint32_t>(experiment.Workers()));
    harness.CheckAllRoundsRan("Wi-Fi");
    return stats;
}

} // namespace airgrad
} // namespace ns3
