#ifndef AIRGRAD_POWER_STATE_ENERGY_MODEL_H
#define AIRGRAD_POWER_STATE_ENERGY_MODEL_H

#include "ns3/device-energy-model.h"
#include "ns3/energy-source.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"

#include <vector>

namespace ns3
{
namespace airgrad
{

/**
 * \brief A device that draws a fixed power in each of a few states from the node's energy source
 * (current = power / supply voltage). A worker's processor is {0 W idle, P W computing}; the
 * abstract link's radio is {idle, transmitting, receiving}. When the source is depleted the
 * device is off for good: it draws nothing more, ignores state changes and fires Depleted.
 */
class PowerStateEnergyModel : public DeviceEnergyModel
{
  public:
    static TypeId GetTypeId();
    PowerStateEnergyModel();

    /// Power in each state, W; the state is an index into this list and starts at 0.
    void SetStatePowers(std::vector<double> watts);
    void SetEnergySource(Ptr<EnergySource> source) override;
    Ptr<EnergySource> GetEnergySource() const { return m_source; }
    /// Joules spent so far (up to now).
    double GetTotalEnergyConsumption() const override;
    void ChangeState(int newState) override;
    void HandleEnergyDepletion() override;
    void HandleEnergyRecharged() override {}
    void HandleEnergyChanged() override {}
    int State() const { return m_state; }
    /// Whether the source ran out (the device is then off).
    bool Depleted() const { return m_depleted; }

  private:
    double DoGetCurrentA() const override;
    void DoDispose() override;

    Ptr<EnergySource> m_source;
    std::vector<double> m_powerW{0.0};
    int m_state = 0;
    Time m_since;                        ///< when the current state began
    TracedValue<double> m_totalEnergyJ;  ///< up to m_since (all of it once depleted)
    bool m_depleted = false;
    TracedCallback<> m_depletedTrace;
};

} // namespace airgrad
} // namespace ns3

#endif
