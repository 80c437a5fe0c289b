#ifndef AIRGRAD_MESSAGE_STREAM_H
#define AIRGRAD_MESSAGE_STREAM_H

#include "stream-framer.h"

#include "ns3/ptr.h"
#include "ns3/type-id.h"

#include <deque>
#include <functional>
#include <vector>

namespace ns3
{

class Socket;

namespace airgrad
{

/// Whether an application's Protocol attribute asks for TCP (ns3::TcpSocketFactory) rather than
/// UDP (ns3::UdpSocketFactory); aborts naming `application` for any other socket factory.
bool IsTcpProtocol(TypeId protocol, const char* application);

/**
 * \brief Whole messages over one connected TCP socket, both ways: framed by AppendFrame, handed
 * to the socket as its send buffer frees up, and cut back into messages on arrival.
 */
class MessageStream
{
  public:
    /// Called for each message that arrived: round, sender, message bytes.
    using OnMessage = std::function<void(uint32_t, uint16_t, const std::vector<uint8_t>&)>;

    /// Takes over a connected socket (its receive and send callbacks) and forgets any earlier one.
    void Attach(Ptr<Socket> socket, OnMessage onMessage);
    /// Closes the socket, if any, and forgets what was queued or half received.
    void Close();
    bool Connected() const { return m_socket != nullptr; }
    /// Whether `socket` is the one this stream uses (a closed old one no longer is).
    bool Owns(Ptr<Socket> socket) const { return m_socket == socket; }

    /**
     * \brief Queues a message. A newer message replaces queued ones the socket has not started
     * taking (an old round's model or update is worthless once a newer one exists); the one it
     * has started must finish, or the stream would lose its framing.
     */
    void Send(uint32_t round, uint16_t sender, const std::vector<uint8_t>& message);

  private:
    void Push();
    void Receive(Ptr<Socket> socket);

    Ptr<Socket> m_socket;
    OnMessage m_onMessage;
    std::deque<std::vector<uint8_t>> m_queue; ///< framed messages; the front may be partly sent
    size_t m_sent = 0;                        ///< bytes of the front the socket has taken
    StreamFramer m_framer;
    std::vector<uint8_t> m_chunk; ///< scratch: one received packet
};

} // namespace airgrad
} // namespace ns3

#endif
