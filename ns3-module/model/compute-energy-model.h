#ifndef AIRGRAD_COMPUTE_ENERGY_MODEL_H
#define AIRGRAD_COMPUTE_ENERGY_MODEL_H

#include "ns3/device-energy-model.h"
#include "ns3/energy-source.h"
#include "ns3/nstime.h"
#include "ns3/traced-value.h"

namespace ns3
{
namespace airgrad
{

/**
 * \brief Energy of a worker's processor: PowerW while computing a gradient, nothing otherwise,
 * drawn from the node's energy source next to the Wi-Fi radio (current = power / voltage).
 * States: 0 idle, 1 computing.
 */
class ComputeEnergyModel : public DeviceEnergyModel
{
  public:
    static TypeId GetTypeId();
    ComputeEnergyModel();

    void SetEnergySource(Ptr<EnergySource> source) override;
    /// Joules spent computing so far (up to now).
    double GetTotalEnergyConsumption() const override;
    void ChangeState(int newState) override;
    void HandleEnergyDepletion() override {}
    void HandleEnergyRecharged() override {}
    void HandleEnergyChanged() override {}
    bool IsComputing() const { return m_computing; }

  private:
    double DoGetCurrentA() const override;
    void DoDispose() override;

    Ptr<EnergySource> m_source;
    double m_powerW;
    bool m_computing = false;
    Time m_since;                        ///< when the current state began
    TracedValue<double> m_totalEnergyJ;  ///< up to m_since
};

} // namespace airgrad
} // namespace ns3

#endif
