#ifndef AIRGRAD_ROUND_ROUND_RECORD_H
#define AIRGRAD_ROUND_ROUND_RECORD_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace airgrad {

/// \brief What a driver measured of the network; all cumulative since the start of the run.
struct NetworkCounters
{
    double simTimeS = 0.0;            ///< simulated time at the end of the round, s
    uint64_t uplinkPayloadBits = 0;   ///< encoded uplink messages sent by workers, bits
    uint64_t downlinkPayloadBits = 0; ///< encoded model messages sent by the server, bits
    uint64_t uplinkAirBytes = 0;      ///< bytes worker radios put on the air (all headers, retries)
    double airtimeS = 0.0;            ///< summed PHY transmit time of the worker radios, s
    double energyJ = 0.0;             ///< worker energy, radio + compute, J
    double radioEnergyJ = 0.0;        ///< of which the Wi-Fi radios, J
    double computeEnergyJ = 0.0;      ///< of which the processors computing gradients, J
};

/// \brief One row of metrics.csv.
struct RoundRecord
{
    int round = 0; ///< 0 is the initial model
    double trainLoss = 0.0;
    double lossGap = 0.0;    ///< f(x) - f*
    double gradNormSq = 0.0; ///< ||grad f(x)||^2
    std::optional<double> testAccuracy;
    NetworkCounters network;
    int updatesApplied = 0; ///< since the previous row
    int updatesLost = 0;    ///< since the previous row: of the selected, lost or later than the deadline
    int workersSelected = 0; ///< since the previous row: workers selected, summed over its rounds
    double meanStaleness = 0.0; ///< since the previous row: rounds between an applied update's model and its round, mean
    long long computeSamples = 0; ///< cumulative: samples the workers' gradients visited
    double computeFlops = 0.0;    ///< cumulative: their floating-point operations
};

/// \brief One worker in one round (a row of workers.csv); quantities are this round's.
struct WorkerRecord
{
    /// applied | skipped (the method sent nothing) | missed-downlink (no model this round) |
    /// late (still computing at the deadline) | lost (sent, not received by the deadline) |
    /// rejected (the server could not take it) | unselected (not chosen: computed and sent nothing) |
    /// depleted (its battery ran out) | waiting (buffered rounds: its update is not in yet)
    std::string status;
    bool selected = true; ///< chosen by the client selection for this round
    uint64_t uplinkPayloadBits = 0;
    uint64_t uplinkAirBytes = 0;
    double airtimeS = 0.0;
    double radioEnergyJ = 0.0;
    double computeEnergyJ = 0.0;
    double snrDb = 0.0;  ///< NaN when the received power comes from distance
    int mcs = -1;        ///< the MCS of its last data transmission; -1 when none or no radio
    int rerequests = 0;  ///< broadcast downlink: times it asked for this round's model again
};

/// \brief Which rounds end with a metrics row (every run.eval_every-th and the last), and the
/// updates applied and lost since the previous row: the accounting every driver shares.
class RowCounter
{
  public:
    struct Updates
    {
        int applied = 0;
        int lost = 0;
        int selected = 0;
        long long staleness = 0; ///< of the applied updates, summed
    };
    RowCounter(int rounds, int evalEvery)
        : m_rounds(rounds),
          m_evalEvery(evalEvery)
    {
    }
    /// Counts `round`'s updates and participants. When the round ends with a row, returns the
    /// counts since the previous row and counts afresh.
    std::optional<Updates> EndRound(int round, int applied, int lost, int selected, long long staleness = 0)
    {
        m_since.applied += applied;
        m_since.lost += lost;
        m_since.selected += selected;
        m_since.staleness += staleness;
        if (round % m_evalEvery != 0 && round != m_rounds)
        {
            return std::nullopt;
        }
        const Updates row = m_since;
        m_since = Updates();
        return row;
    }

  private:
    int m_rounds;
    int m_evalEvery;
    Updates m_since;
};

/// \brief Receives one record per round, in order (writers and progress displays).
class RoundObserver
{
  public:
    virtual ~RoundObserver() = default;
    virtual void OnRound(const RoundRecord& record) = 0;
    /// Every round (also when run.eval_every skips its metrics row), one record per worker.
    virtual void OnWorkers(int round, const std::vector<WorkerRecord>& workers)
    {
        (void)round;
        (void)workers;
    }
};

} // namespace airgrad

#endif
