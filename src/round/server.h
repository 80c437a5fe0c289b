#ifndef AIRGRAD_ROUND_SERVER_H
#define AIRGRAD_ROUND_SERVER_H

#include "codec/message.h"
#include "method/method.h"
#include "round/selection.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace airgrad {

/**
 * \brief The parameter server: selects the round's participants (all workers without a Selection),
 * broadcasts the model with the roster, keeps the updates that arrive in time, and
 * at the end of the round applies them in worker order (so the result does not depend on arrival
 * order) and lets the method step the model, followed by the proximal step of
 * R(x) = l1 ||x||_1 + (l2/2) ||x||^2 when either is > 0: x <- soft(x, step l1) / (1 + step l2).
 * Passive: a driver calls it.
 */
class Server
{
  public:
    Server(Eigen::VectorXd x0, std::unique_ptr<ServerCodec> codec, double step, int workers,
           ValueFormat modelValues, double l1 = 0.0, double l2 = 0.0);

    /// Client selection from the next round on (without one, every worker takes part).
    void SetSelection(std::unique_ptr<Selection> selection) { m_selection = std::move(selection); }
    /// The selection, where drivers report channels, batteries and eligibility (null: none).
    Selection* GetSelection() const { return m_selection.get(); }

    /**
     * \brief Buffered (semi-asynchronous, FedBuff-like) rounds: a round ends once `buffer`
     * updates are in, whatever model each was computed at; an update computed `s` rounds ago
     * counts with weight (1 + s)^-stalenessExponent. Its model goes only to the workers whose
     * update it applied and those a driver timed out (TimeOut), all of them idle until an eligible
     * round sends them one (round 1: everyone). Throws
     * std::invalid_argument for a method whose mirrored state assumes synchronous rounds.
     */
    void SetBuffered(int buffer, double stalenessExponent);
    bool Buffered() const { return m_buffer > 0; }
    /// The updates the current buffered round waits for: run.buffer, or fewer when fewer
    /// workers are eligible (0: synchronous rounds).
    int RoundBuffer() const { return m_roundBuffer; }
    /// Buffered rounds: worker m's last model is a deadline old with no update of it applied;
    /// the next round's model goes to it (and an update of the old model is no longer taken).
    void TimeOut(int m) { m_idle[static_cast<size_t>(m)] = 1; }
    /// Buffered rounds: whether worker m is waiting for a model (none sent since its last update).
    bool Idle(int m) const { return m_idle[static_cast<size_t>(m)] != 0; }

    /// Starts the next round (rounds count from 1) and returns its model message.
    const std::vector<uint8_t>& BeginRound();

    /// Whether worker m takes part in the current round (buffered: is sent its model).
    bool Selected(int m) const { return m_roster.Selects(static_cast<uint32_t>(m)); }
    /// Workers taking part in the current round (buffered: sent its model).
    int Participants() const { return m_participants; }
    /// Whether the last EndRound applied an update of worker m.
    bool AppliedLast(int m) const { return m_applied[static_cast<size_t>(m)] != 0; }
    /// The rounds by which the updates the last EndRound applied were stale, summed (0 in synchronous rounds).
    long long LastStaleness() const { return m_lastStaleness; }
    /// Per worker, the rounds it was selected for so far.
    const std::vector<long long>& TimesSelected() const { return m_timesSelected; }
    /**
     * \brief An uplink message arrived before the deadline. Returns false, keeping nothing, when it
     * is corrupt, of another round, from an unknown or unselected worker, or a duplicate; or, counted as
     * rejected, when it is of a type this method cannot take.
     */
    bool OnUplink(const uint8_t* data, size_t size);

    /// Applies the kept updates, steps, and returns how many were applied. A kept update whose body
    /// does not decode is rejected (as if lost): the run goes on.
    int EndRound();

    const Eigen::VectorXd& Model() const { return m_x; }
    uint32_t Round() const { return m_round; }
    /// Steps the model has taken (rounds ended): the model message of round r carries the model after r - 1.
    uint32_t Steps() const { return m_steps; }
    int Workers() const { return static_cast<int>(m_received.size()); }
    const ServerCodec& Codec() const { return *m_codec; }
    /// Round of the model at which worker m's last applied update was computed (0 = none; in
    /// synchronous rounds the round that applied it).
    uint32_t LastApplied(int m) const { return m_roster.lastApplied[static_cast<size_t>(m)]; }
    /// Round of worker m's last update that arrived but could not be taken (0 = none).
    uint32_t LastRejected(int m) const { return m_lastRejected[static_cast<size_t>(m)]; }
    /// Updates rejected so far.
    long long Rejected() const { return m_rejected; }

  private:
    /// Buffered rounds: this round's recipients into the roster's selection.
    void SelectRecipients();

    Eigen::VectorXd m_x;
    std::unique_ptr<ServerCodec> m_codec;
    double m_step;
    ValueFormat m_modelValues;
    uint32_t m_round = 0;
    uint32_t m_steps = 0;
    std::vector<std::vector<uint8_t>> m_received; ///< per worker, this round's message bytes
    std::vector<MessageHeader> m_headers;         ///< per worker, its message's header (checked in OnUplink)
    std::vector<uint8_t> m_has;                   ///< per worker: an update was kept this round
    Roster m_roster;                              ///< last applied rounds and this round's selection
    std::unique_ptr<Selection> m_selection;
    int m_participants = 0;
    std::vector<long long> m_timesSelected;
    int m_buffer = 0;                   ///< buffered rounds: updates per round; 0 = synchronous
    int m_roundBuffer = 0;              ///< this round's: at most the eligible workers
    double m_stalenessExponent = 0.0;
    std::vector<uint32_t> m_sentRound;  ///< buffered: per worker, the round of the last model sent to it
    std::vector<uint8_t> m_idle;        ///< buffered: per worker, waits for a model (applied, timed out, or none yet)
    std::vector<uint8_t> m_applied;     ///< per worker: the last EndRound applied its update
    long long m_lastStaleness = 0;
    std::vector<uint32_t> m_lastRejected;         ///< per worker: round of its last rejected update
    long long m_rejected = 0;
    std::vector<uint8_t> m_modelMessage;
    double m_l1;
    double m_l2;
};

} // namespace airgrad

#endif
