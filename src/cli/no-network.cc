// The CLI without ns-3 (-DAIRGRAD_NS3=OFF): CheckNetworkAvailable refuses network.kind = wifi |
// link before a run starts, so these drivers are never reached.
#include "helper/network-drivers.h"

#include <stdexcept>

namespace ns3
{
namespace airgrad
{

bool
NetworkSimulatorBuilt()
{
    return false;
}

NetworkRunStats
RunWifi(::airgrad::Experiment&, ::airgrad::RoundObserver&)
{
    throw std::logic_error("RunWifi in a build without ns-3");
}

NetworkRunStats
RunLink(::airgrad::Experiment&, ::airgrad::RoundObserver&)
{
    throw std::logic_error("RunLink in a build without ns-3");
}

} // namespace airgrad
} // namespace ns3
