#include "power-state-energy-model.h"

#include "ns3/abort.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradPowerStateEnergyModel");
namespace airgrad
{

NS_OBJECT_ENSURE_REGISTERED(PowerStateEnergyModel);

TypeId
PowerStateEnergyModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::airgrad::PowerStateEnergyModel")
            .SetParent<DeviceEnergyModel>()
            .SetGroupName("Airgrad")
            .AddConstructor<PowerStateEnergyModel>()
            .AddTraceSource("TotalEnergyConsumption",
                            "Energy spent up to the last state change, J.",
                            MakeTraceSourceAccessor(&PowerStateEnergyModel::m_totalEnergyJ),
                            "ns3::TracedValueCallback::Double")
            .AddTraceSource("Depleted",
                            "The energy source ran out: the device is off from now on.",
                            MakeTraceSourceAccessor(&PowerStateEnergyModel::m_depletedTrace),
                            "ns3::TracedCallback::Void");
    return tid;
}

PowerStateEnergyModel::PowerStateEnergyModel()
    : m_totalEnergyJ(0.0)
{
}

void
PowerStateEnergyModel::SetStatePowers(std::vector<double> watts)
{
    NS_ABORT_MSG_IF(watts.empty(), "PowerStateEnergyModel needs at least one state");
    m_powerW = std::move(watts);
}

void
PowerStateEnergyModel::SetEnergySource(Ptr<EnergySource> source)
{
    m_source = source;
}

double
PowerStateEnergyModel::GetTotalEnergyConsumption() const
{
    if (m_depleted)
    {
        return m_totalEnergyJ;
    }
    return m_totalEnergyJ + m_powerW[static_cast<size_t>(m_state)] * (Simulator::Now() - m_since).GetSeconds();
}

void
PowerStateEnergyModel::HandleEnergyDepletion()
{
    NS_LOG_FUNCTION(this);
    if (m_depleted)
    {
        return;
    }
    m_totalEnergyJ = GetTotalEnergyConsumption();
    m_since = Simulator::Now();
    m_depleted = true;
    m_depletedTrace();
}

void
PowerStateEnergyModel::ChangeState(int newState)
{
    NS_LOG_FUNCTION(this << newState);
    NS_ABORT_MSG_IF(newState < 0 || static_cast<size_t>(newState) >= m_powerW.size(),
                    "PowerStateEnergyModel has no state " << newState);
    if (newState == m_state || m_depleted)
    {
        return;
    }
    if (m_source)
    {
        m_source->UpdateEnergySource(); // the source integrates the old current up to now
    }
    if (m_depleted) // that update found the source empty
    {
        return;
    }
    m_totalEnergyJ = GetTotalEnergyConsumption();
    m_since = Simulator::Now();
    m_state = newState;
}

double
PowerStateEnergyModel::DoGetCurrentA() const
{
    return m_source && !m_depleted ? m_powerW[static_cast<size_t>(m_state)] / m_source->GetSupplyVoltage() : 0.0;
}

void
PowerStateEnergyModel::DoDispose()
{
    m_source = nullptr;
    DeviceEnergyModel::DoDispose();
}

} // namespace airgrad
} // namespace ns3
