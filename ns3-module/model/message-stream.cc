#include "message-stream.h"

#include "ns3/abort.h"
#include "ns3/callback.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradMessageStream");
namespace airgrad
{

bool
IsTcpProtocol(TypeId protocol, const char* application)
{
    const bool tcp = protocol == TcpSocketFactory::GetTypeId();
    NS_ABORT_MSG_IF(!tcp && protocol != UdpSocketFactory::GetTypeId(),
                    application << "'s Protocol is " << protocol.GetName()
                                << "; allowed: ns3::UdpSocketFactory | ns3::TcpSocketFactory");
    return tcp;
}

void
MessageStream::Attach(Ptr<Socket> socket, OnMessage onMessage)
{
    Close();
    m_socket = socket;
    m_onMessage = std::move(onMessage);
    m_socket->SetRecvCallback(MakeCallback(&MessageStream::Receive, this));
    m_socket->SetSendCallback(MakeBoundCallback(+[](MessageStream* s, Ptr<Socket>, uint32_t) { s->Push(); }, this));
}

void
MessageStream::Close()
{
    if (m_socket)
    {
        // Forget the socket first: closing it may call the owner's close callback, which calls here.
        Ptr<Socket> socket = m_socket;
        m_socket = nullptr;
        socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
        socket->Close();
    }
    m_queue.clear();
    m_sent = 0;
    m_framer = StreamFramer();
}

void
MessageStream::Send(uint32_t round, uint16_t sender, const std::vector<uint8_t>& message)
{
    m_queue.resize(m_sent > 0 ? 1 : 0); // m_sent > 0: the front is partly sent
    m_queue.emplace_back();
    AppendFrame(m_queue.back(), round, sender, message);
    Push();
}

void
MessageStream::Push()
{
    while (m_socket && !m_queue.empty())
    {
        const std::vector<uint8_t>& front = m_queue.front();
        const uint32_t room = m_socket->GetTxAvailable();
        if (room == 0)
        {
            return; // the send callback calls again when the socket frees space
        }
        const auto size = static_cast<uint32_t>(std::min<size_t>(room, front.size() - m_sent));
        const int taken = m_socket->Send(front.data() + m_sent, size, 0);
        if (taken <= 0)
        {
            return;
        }
        m_sent += static_cast<size_t>(taken);
        if (m_sent == front.size())
        {
            m_queue.pop_front();
            m_sent = 0;
        }
    }
}

void
MessageStream::Receive(Ptr<Socket> socket)
{
    Ptr<Packet> packet;
    while ((packet = socket->Recv()))
    {
        m_chunk.resize(packet->GetSize());
        packet->CopyData(m_chunk.data(), m_chunk.size());
        m_framer.Add(m_chunk.data(), m_chunk.size());
        while (m_framer.Next())
        {
            m_onMessage(m_framer.Round(), m_framer.Sender(), m_framer.Message());
        }
    }
}

} // namespace airgrad
} // namespace ns3
