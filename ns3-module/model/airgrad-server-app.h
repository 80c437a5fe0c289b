#ifndef AIRGRAD_SERVER_APP_H
#define AIRGRAD_SERVER_APP_H

#include "message-reassembler.h"
#include "message-stream.h"

#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"

#include <vector>

namespace airgrad
{
class Server;
}

namespace ns3
{

class Socket;

namespace airgrad
{

/**
 * \brief The parameter server (on the access point in the CLI's networks). Each round it sends the model to every worker
 * the core server's selection chose (unicast UDP fragments, or a message on each worker's TCP connection; a broadcast
 * reaches every worker, and the unselected only read the roster), keeps the updates that are complete before the
 * deadline, and ends the round when every selected one is in or the deadline passes; then the next round starts at once.
 * In buffered rounds (::airgrad::Server::SetBuffered) a round ends once the buffer is full, takes updates of any model
 * it sent, and times out the workers whose model is a deadline old.
 * Round 1 begins when the application starts (UDP) or once every worker has connected (TCP):
 * start the workers no later than the server. AirgradHelper installs it.
 */
class ServerApp : public Application
{
  public:
    static TypeId GetTypeId();
    ServerApp();

    /// The core server (not owned; must outlive the simulation) and the workers' addresses.
    void Setup(::airgrad::Server* server, std::vector<Address> workers);
    /// Broadcast downlink: the model goes once to `to` (a broadcast address) instead of to each
    /// worker; a worker that asks again gets it by unicast while the round is open.
    void SetBroadcast(Address to) { m_broadcast = to; }
    /// TCP transport: workers whose connection is open.
    uint32_t Connected() const;

    /// Signature of the RoundStarted trace: the round.
    typedef void (*RoundStartedCallback)(uint32_t round);
    /// Signature of the ModelSent trace: round, message bytes, number of recipients.
    typedef void (*ModelSentCallback)(uint32_t round, uint32_t bytes, uint32_t recipients);
    /// Signature of the RoundEnded trace: round, updates applied, updates lost or late.
    typedef void (*RoundEndedCallback)(uint32_t round, uint32_t applied, uint32_t lost);
    /// Signature of the LearningFinished trace: the number of rounds that ran.
    typedef void (*LearningFinishedCallback)(uint32_t rounds);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;
    void StartRound();
    void EndRound();
    void HandleRead(Ptr<Socket> socket);
    void HandleAccept(Ptr<Socket> socket, const Address& from);
    /// Whether an update of `round`'s model is still taken.
    bool Accepting(uint32_t round) const;
    /// A whole update of `round` arrived (the message names its sender).
    void UpdateArrived(uint32_t round, const std::vector<uint8_t>& update);

    ::airgrad::Server* m_server = nullptr;
    std::vector<Address> m_workers;
    Address m_broadcast;                       ///< empty: unicast downlink
    const std::vector<uint8_t>* m_model = nullptr; ///< this round's model message
    uint16_t m_port = 0;
    uint32_t m_datagramBytes = 0;
    uint32_t m_rounds = 0;
    Time m_deadline;
    TypeId m_protocol;
    bool m_tcp = false;      ///< m_protocol is TCP's
    Ptr<Socket> m_socket;                      ///< UDP socket, or TCP listening socket
    std::vector<MessageStream> m_streams;      ///< TCP: per worker
    EventId m_deadlineEvent;
    EventId m_startEvent;
    std::vector<MessageReassembler> m_uplinks; ///< per worker
    std::vector<uint8_t> m_chunk;              ///< scratch: one fragment's data
    uint32_t m_arrived = 0;
    std::vector<Time> m_sentAt; ///< per worker: when its last model was sent
    TracedCallback<uint32_t> m_roundStarted;
    TracedCallback<uint32_t, uint32_t, uint32_t> m_modelSent;
    TracedCallback<uint32_t, uint32_t, uint32_t> m_roundEnded;
    TracedCallback<uint32_t> m_learningFinished;
};

} // namespace airgrad
} // namespace ns3

#endif
