#include "network-drivers.h"

#include "round/experiment.h"
#include "round/round-engine.h"

#include <stdexcept>

namespace ns3
{
namespace airgrad
{

void
CheckNetworkAvailable(const std::string& kind)
{
    if (kind != "ideal" && !NetworkSimulatorBuilt())
    {
        throw std::invalid_argument("network.kind = '" + kind + "' needs ns-3, and this build has none "
                                    "(configured with -DAIRGRAD_NS3=OFF, or ns-3 3.37 not found); allowed "
                                    "here: ideal. Install ns-3 (scripts/setup) and rebuild (scripts/build)");
    }
}

NetworkRunStats
RunNetwork(::airgrad::Experiment& experiment, ::airgrad::RoundObserver& observer)
{
    const std::string& kind = experiment.Config().networkKind;
    if (kind == "wifi")
    {
        return RunWifi(experiment, observer);
    }
    if (kind == "link")
    {
        return RunLink(experiment, observer);
    }
    ::airgrad::RunIdeal(experiment, observer);
    return {};
}

} // namespace airgrad
} // namespace ns3
