#include "round/server.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace airgrad {

Server::Server(Eigen::VectorXd x0, std::unique_ptr<ServerCodec> codec, double step, int workers,
               ValueFormat modelValues, double l1, double l2)
    : m_x(std::move(x0)),
      m_codec(std::move(codec)),
      m_step(step),
      m_modelValues(modelValues),
      m_received(static_cast<size_t>(workers)),
      m_headers(static_cast<size_t>(workers)),
      m_has(static_cast<size_t>(workers), 0),
      m_lastRejected(static_cast<size_t>(workers), 0),
      m_l1(l1),
      m_l2(l2)
{
    m_roster.lastApplied.assign(static_cast<size_t>(workers), 0);
    m_timesSelected.assign(static_cast<size_t>(workers), 0);
    m_applied.assign(static_cast<size_t>(workers), 0);
    if ((l1 > 0.0 || l2 > 0.0) && !m_codec->SupportsProx())
    {
        throw std::invalid_argument("problem.l1 > 0 and problem.l2_prox = true need a method with a "
                                    "proximal server step; cd-adam and amsgrad have none");
    }
}

void
Server::SetBuffered(int buffer, double stalenessExponent)
{
    if (!m_codec->SupportsBuffered())
    {
        throw std::invalid_argument("run.mode = buffered: this method's mirrored state assumes synchronous rounds");
    }
    m_buffer = buffer;
    m_stalenessExponent = stalenessExponent;
    m_sentRound.assign(m_received.size(), 0);
    m_idle.assign(m_received.size(), 1);
}

void
Server::SelectRecipients()
{
    // To every idle worker (applied, timed out, or none sent yet) that is eligible now; the others
    // stay idle until they are (a depleted one for good).
    m_roster.selected.assign(m_received.size(), 0);
    int eligibleWorkers = 0;
    for (size_t m = 0; m < m_received.size(); ++m)
    {
        const bool eligible = !m_selection || m_selection->Standing(static_cast<uint32_t>(m)).eligible;
        eligibleWorkers += eligible;
        if (eligible && m_idle[m])
        {
            m_roster.selected[m] = 1;
            m_sentRound[m] = m_round;
            m_idle[m] = 0;
        }
    }
    // A buffer the eligible workers cannot fill would wait out every deadline (as sync with M).
    m_roundBuffer = std::min(m_buffer, eligibleWorkers);
    if (std::find(m_roster.selected.begin(), m_roster.selected.end(), 0) == m_roster.selected.end())
    {
        m_roster.selected.clear(); // everyone: the message carries no selection, as in synchronous rounds
    }
}

const std::vector<uint8_t>&
Server::BeginRound()
{
    ++m_round;
    std::fill(m_has.begin(), m_has.end(), 0);
    if (Buffered())
    {
        SelectRecipients();
    }
    else if (m_selection)
    {
        m_selection->Select(m_round, m_roster.lastApplied, m_roster.selected);
    }
    m_participants = 0;
    for (int m = 0; m < Workers(); ++m)
    {
        if (Selected(m))
        {
            ++m_participants;
            ++m_timesSelected[static_cast<size_t>(m)];
        }
    }
    MessageHeader h;
    h.round = m_round;
    h.sender = kServerSender;
    h.format = m_modelValues;
    m_codec->EncodeDownlink(h, m_roster, m_x, m_modelMessage);
    return m_modelMessage;
}

bool
Server::OnUplink(const uint8_t* data, size_t size)
{
    MessageHeader h;
    try
    {
        h = ReadHeader(data, size);
    }
    catch (const std::runtime_error&)
    {
        return false;
    }
    if (h.type == MessageType::kModel || h.type == MessageType::kModelDelta || h.sender >= m_received.size() ||
        m_has[h.sender] || h.dimension != static_cast<uint32_t>(m_x.size()))
    {
        return false;
    }
    // Synchronous: an update of this round from a selected worker. Buffered: of the last model
    // sent to its worker, whichever round that was.
    if (Buffered() ? h.round == 0 || h.round != m_sentRound[h.sender] : h.round != m_round || !m_roster.Selects(h.sender))
    {
        return false;
    }
    if (!m_codec->AcceptsType(h.type))
    {
        m_lastRejected[h.sender] = m_round;
        ++m_rejected;
        return false;
    }
    m_received[h.sender].assign(data, data + size);
    m_headers[h.sender] = h;
    m_has[h.sender] = 1;
    return true;
}

int
Server::EndRound()
{
    // A method that averages over everyone who computed divides by the buffer in buffered rounds.
    m_codec->BeginRound(Buffered() ? m_roundBuffer : m_participants);
    int applied = 0;
    m_lastStaleness = 0;
    std::fill(m_applied.begin(), m_applied.end(), 0);
    for (size_t m = 0; m < m_received.size(); ++m)
    {
        if (m_has[m])
        {
            const uint32_t staleness = m_round - m_headers[m].round;
            const double weight = staleness == 0 ? 1.0 : std::pow(1.0 + staleness, -m_stalenessExponent);
            try
            {
                // Checked in OnUplink: the codec decodes without reading the header or CRC again.
                m_codec->Accept(static_cast<uint32_t>(m),
                                CheckedMessage{m_received[m].data(), m_received[m].size(), m_headers[m]}, weight);
            }
            catch (const std::runtime_error&)
            {
                // A valid CRC over a body the method cannot decode: one bad worker, not the run's end.
                m_lastRejected[m] = m_round;
                ++m_rejected;
                continue;
            }
            m_roster.lastApplied[m] = m_headers[m].round; // the round the worker staged it in
            m_applied[m] = 1;
            if (Buffered())
            {
                m_idle[m] = 1;
            }
            m_lastStaleness += staleness;
            ++applied;
        }
    }
    m_codec->Step(m_x);
    ++m_steps;
    if (m_l1 > 0.0)
    {
        const double t = m_step * m_l1; // prox of t ||x||_1: soft thresholding
        m_x = m_x.array().sign() * (m_x.array().abs() - t).max(0.0);
    }
    if (m_l2 > 0.0)
    {
        m_x /= 1.0 + m_step * m_l2; // prox of (t/2) ||x||^2 (after soft thresholding: the prox of both)
    }
    return applied;
}

} // namespace airgrad
