#include "compute-energy-model.h"

#include "ns3/double.h"
#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"

namespace ns3
{
namespace airgrad
{

NS_OBJECT_ENSURE_REGISTERED(ComputeEnergyModel);

TypeId
ComputeEnergyModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::airgrad::ComputeEnergyModel")
            .SetParent<DeviceEnergyModel>()
            .SetGroupName("Airgrad")
            .AddConstructor<ComputeEnergyModel>()
            .AddAttribute("PowerW",
                          "Power drawn while computing a gradient, W.",
                          DoubleValue(2.0),
                          MakeDoubleAccessor(&ComputeEnergyModel::m_powerW),
                          MakeDoubleChecker<double>(0.0))
            .AddTraceSource("TotalEnergyConsumption",
                            "Energy spent computing up to the last state change, J.",
                            MakeTraceSourceAccessor(&ComputeEnergyModel::m_totalEnergyJ),
                            "ns3::TracedValueCallback::Double");
    return tid;
}

ComputeEnergyModel::ComputeEnergyModel()
    : m_powerW(2.0),
      m_totalEnergyJ(0.0)
{
}

void
ComputeEnergyModel::SetEnergySource(Ptr<EnergySource> source)
{
    m_source = source;
}

double
ComputeEnergyModel::GetTotalEnergyConsumption() const
{
    const double running = m_computing ? m_powerW * (Simulator::Now() - m_since).GetSeconds() : 0.0;
    return m_totalEnergyJ + running;
}

void
ComputeEnergyModel::ChangeState(int newState)
{
    const bool computing = newState != 0;
    if (computing == m_computing)
    {
        return;
    }
    if (m_source)
    {
        m_source->UpdateEnergySource(); // the source integrates the old current up to now
    }
    m_totalEnergyJ = GetTotalEnergyConsumption();
    m_since = Simulator::Now();
    m_computing = computing;
}

double
ComputeEnergyModel::DoGetCurrentA() const
{
    if (!m_computing || !m_source)
    {
        return 0.0;
    }
    return m_powerW / m_source->GetSupplyVoltage();
}

void
ComputeEnergyModel::DoDispose()
{
    m_source = nullptr;
    DeviceEnergyModel::DoDispose();
}

} // namespace airgrad
} // namespace ns3
