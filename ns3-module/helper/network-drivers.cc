#include "network-drivers.h"

#include "round/experiment.h"
#include "round/round-engine.h"

namespace ns3
{
namespace airgrad
{

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
