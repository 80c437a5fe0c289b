#include "airgrad-server-app.h"

#include "airgrad-fragment-header.h"

#include "codec/message.h"
#include "round/server.h"

#include "ns3/abort.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"
#include "ns3/udp-socket-factory.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AirgradServerApp");
namespace airgrad
{

NS_OBJECT_ENSURE_REGISTERED(ServerApp);

TypeId
ServerApp::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::airgrad::ServerApp")
            .SetParent<Application>()
            .SetGroupName("Airgrad")
            .AddConstructor<ServerApp>()
            .AddAttribute("Port",
                          "Local port on which updates arrive (UDP), or on which the server listens (TCP).",
                          UintegerValue(9000),
                          MakeUintegerAccessor(&ServerApp::m_port),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("DatagramBytes",
                          "UDP payload per fragment including the 14-byte fragment header, or "
                          "with TCP the TCP segment size, bytes.",
                          UintegerValue(1400),
                          MakeUintegerAccessor(&ServerApp::m_datagramBytes),
                          MakeUintegerChecker<uint32_t>(FragmentHeader::kSize + 1, 65507))
            .AddAttribute("Protocol",
                          "The transport: ns3::UdpSocketFactory (the model and updates in "
                          "fragments) or ns3::TcpSocketFactory (a connection from each worker, "
                          "opened when it starts; round 1 waits for all).",
                          TypeIdValue(UdpSocketFactory::GetTypeId()),
                          MakeTypeIdAccessor(&ServerApp::m_protocol),
                          MakeTypeIdChecker())
            .AddAttribute("Rounds",
                          "Number of rounds; LearningFinished fires after the last one.",
                          UintegerValue(1),
                          MakeUintegerAccessor(&ServerApp::m_rounds),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("RoundDeadline",
                          "Updates complete later than this after the round began are not "
                          "applied, s.",
                          TimeValue(Seconds(30)),
                          MakeTimeAccessor(&ServerApp::m_deadline),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddTraceSource("RoundStarted",
                            "A round began; its model is sent next (round).",
                            MakeTraceSourceAccessor(&ServerApp::m_roundStarted),
                            "ns3::airgrad::ServerApp::RoundStartedCallback")
            .AddTraceSource("ModelSent",
                            "The model of a round was handed to the socket (round, bytes, "
                            "recipients).",
                            MakeTraceSourceAccessor(&ServerApp::m_modelSent),
                            "ns3::airgrad::ServerApp::ModelSentCallback")
            .AddTraceSource("RoundEnded",
                            "A round was applied (round, updates applied, updates lost or late).",
                            MakeTraceSourceAccessor(&ServerApp::m_roundEnded),
                            "ns3::airgrad::ServerApp::RoundEndedCallback")
            .AddTraceSource("LearningFinished",
                            "The last round (attribute Rounds) ended: the application sends "
                            "nothing more. It never stops the simulator; the program that runs "
                            "it decides (rounds).",
                            MakeTraceSourceAccessor(&ServerApp::m_learningFinished),
                            "ns3::airgrad::ServerApp::LearningFinishedCallback");
    return tid;
}

ServerApp::ServerApp() = default;

void
ServerApp::Setup(::airgrad::Server* server, std::vector<Address> workers)
{
    m_server = server;
    m_workers = std::move(workers);
    // A fragment may claim any size: buffer at most what an update of this dimension can be.
    m_uplinks.assign(m_workers.size(),
                     MessageReassembler(static_cast<uint32_t>(
                         ::airgrad::MaxMessageBytes(static_cast<uint32_t>(server->Model().size())))));
    m_streams = std::vector<MessageStream>(m_workers.size()); // never resized: streams call back into themselves
    m_sentAt.assign(m_workers.size(), Time(0));
}

uint32_t
ServerApp::Connected() const
{
    uint32_t n = 0;
    for (const MessageStream& s : m_streams)
    {
        n += s.Connected();
    }
    return n;
}

void
ServerApp::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_socket = nullptr;
    for (MessageStream& s : m_streams)
    {
        s.Close();
    }
    m_server = nullptr;
    m_model = nullptr;
    Application::DoDispose();
}

void
ServerApp::StartApplication()
{
    NS_LOG_FUNCTION(this);
    NS_ABORT_MSG_IF(m_server == nullptr, "ServerApp started without a server");
    m_tcp = IsTcpProtocol(m_protocol, "ServerApp");
    if (m_tcp)
    {
        m_socket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
        m_socket->SetAttribute("SegmentSize", UintegerValue(m_datagramBytes)); // accepted sockets inherit it
        NS_ABORT_MSG_IF(m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0 || m_socket->Listen() != 0,
                        "ServerApp cannot listen on TCP port " << m_port);
        m_socket->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                    MakeCallback(&ServerApp::HandleAccept, this));
        return;
    }
    m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    NS_ABORT_MSG_IF(m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0,
                    "ServerApp cannot bind UDP port " << m_port);
    m_socket->SetAllowBroadcast(true);
    m_socket->SetRecvCallback(MakeCallback(&ServerApp::HandleRead, this));
    StartRound();
}

void
ServerApp::StopApplication()
{
    NS_LOG_FUNCTION(this);
    Simulator::Cancel(m_deadlineEvent);
    Simulator::Cancel(m_startEvent);
    for (MessageStream& s : m_streams)
    {
        s.Close();
    }
    if (m_socket)
    {
        m_socket->Close();
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    }
}

void
ServerApp::StartRound()
{
    NS_LOG_FUNCTION(this);
    m_roundStarted(static_cast<uint32_t>(m_server->Round() + 1));
    const std::vector<uint8_t>& model = m_server->BeginRound();
    m_model = &model;
    m_arrived = 0;
    if (m_tcp)
    {
        uint32_t recipients = 0;
        for (uint32_t m = 0; m < m_streams.size(); ++m)
        {
            // a worker between connections misses this round; an unselected one is not sent it
            if (m_streams[m].Connected() && m_server->Selected(static_cast<int>(m)))
            {
                m_streams[m].Send(m_server->Round(), FragmentHeader::kServer, model);
                m_sentAt[m] = Simulator::Now();
                ++recipients;
            }
        }
        m_modelSent(m_server->Round(), static_cast<uint32_t>(model.size()), recipients);
    }
    else if (!m_broadcast.IsInvalid())
    {
        SendFragmented(m_socket, m_broadcast, m_server->Round(), FragmentHeader::kServer, model, m_datagramBytes);
        m_modelSent(m_server->Round(), static_cast<uint32_t>(model.size()), 1);
    }
    else
    {
        uint32_t recipients = 0;
        for (uint32_t m = 0; m < m_workers.size(); ++m)
        {
            if (m_server->Selected(static_cast<int>(m))) // the model goes to the participants only
            {
                SendFragmented(m_socket, m_workers[m], m_server->Round(), FragmentHeader::kServer, model,
                               m_datagramBytes);
                m_sentAt[m] = Simulator::Now();
                ++recipients;
            }
        }
        m_modelSent(m_server->Round(), static_cast<uint32_t>(model.size()), recipients);
    }
    // A synchronous round nobody takes part in (every worker depleted) ends at once; a buffered
    // one waits for the updates still on their way.
    const bool waits = m_server->Buffered() || m_server->Participants() > 0;
    m_deadlineEvent = Simulator::Schedule(waits ? m_deadline : Time(0), &ServerApp::EndRound, this);
}

void
ServerApp::EndRound()
{
    Simulator::Cancel(m_deadlineEvent);
    const auto applied = static_cast<uint32_t>(m_server->EndRound());
    const uint32_t round = m_server->Round();
    // Lost: of the selected workers, those not applied; buffered, those whose model is a
    // deadline old with nothing applied (they get the next model).
    uint32_t lost = 0;
    if (!m_server->Buffered())
    {
        lost = static_cast<uint32_t>(m_server->Participants()) - applied;
    }
    else
    {
        for (uint32_t m = 0; m < m_workers.size(); ++m)
        {
            // A model still out (not idle) for a deadline: lost once, and the worker idle again.
            if (!m_server->Idle(static_cast<int>(m)) && Simulator::Now() - m_sentAt[m] >= m_deadline)
            {
                m_server->TimeOut(static_cast<int>(m));
                ++lost;
            }
        }
    }
    m_roundEnded(round, applied, lost);
    NS_LOG_INFO("round " << round << " ended: " << applied << " updates applied, " << lost << " lost ("
                         << m_workers.size() << " workers)");
    if (round < m_rounds)
    {
        m_startEvent = Simulator::ScheduleNow(&ServerApp::StartRound, this);
    }
    else
    {
        m_learningFinished(round);
    }
}

void
ServerApp::HandleRead(Ptr<Socket> socket)
{
    Ptr<Packet> packet;
    Address from;
    while ((packet = socket->RecvFrom(from)))
    {
        FragmentHeader header;
        packet->RemoveHeader(header);
        if (header.m_sender >= m_uplinks.size() || !Accepting(header.m_round))
        {
            continue; // unknown sender, or a straggler of a finished round
        }
        if (header.m_count == 0)
        {
            // A worker missed part of the broadcast model: unicast it while the round is open.
            SendFragmented(m_socket, m_workers[header.m_sender], header.m_round, FragmentHeader::kServer, *m_model,
                           m_datagramBytes);
            m_modelSent(header.m_round, static_cast<uint32_t>(m_model->size()), 1);
            continue;
        }
        m_chunk.resize(packet->GetSize());
        packet->CopyData(m_chunk.data(), m_chunk.size());
        MessageReassembler& uplink = m_uplinks[header.m_sender];
        if (uplink.Add(header.m_round, header.m_index, header.m_count, header.m_messageBytes,
                       m_chunk.data(), m_chunk.size()))
        {
            UpdateArrived(header.m_round, uplink.Message());
        }
    }
}

void
ServerApp::UpdateArrived(uint32_t round, const std::vector<uint8_t>& update)
{
    NS_LOG_FUNCTION(this << round << update.size());
    if (!Accepting(round))
    {
        return; // a straggler of a finished round
    }
    const int enough = m_server->Buffered() ? m_server->RoundBuffer() : m_server->Participants();
    if (m_server->OnUplink(update.data(), update.size()) && ++m_arrived == static_cast<uint32_t>(enough))
    {
        EndRound();
    }
}

bool
ServerApp::Accepting(uint32_t round) const
{
    // Synchronous rounds take updates of the open round only; buffered ones of any model sent.
    return m_deadlineEvent.IsRunning() &&
           (m_server->Buffered() ? round >= 1 && round <= m_server->Round() : round == m_server->Round());
}

void
ServerApp::HandleAccept(Ptr<Socket> socket, const Address& from)
{
    const Ipv4Address peer = InetSocketAddress::ConvertFrom(from).GetIpv4();
    uint32_t worker = 0;
    while (worker < m_workers.size() && InetSocketAddress::ConvertFrom(m_workers[worker]).GetIpv4() != peer)
    {
        ++worker;
    }
    if (worker == m_workers.size())
    {
        socket->Close(); // not one of our workers
        return;
    }
    // A worker that reconnects replaces its old connection (and whatever was queued on it).
    m_streams[worker].Attach(socket, [this](uint32_t round, uint16_t, const std::vector<uint8_t>& update) {
        UpdateArrived(round, update);
    });
    auto closed = MakeBoundCallback(+[](ServerApp* app, uint32_t w, Ptr<Socket> s) {
        if (app->m_streams[w].Owns(s))
        {
            app->m_streams[w].Close();
        }
    }, this, worker);
    socket->SetCloseCallbacks(closed, closed);
    if (m_server->Round() == 0 && Connected() == m_workers.size()) // round 1 waits for all
    {
        StartRound();
    }
}

} // namespace airgrad
} // namespace ns3
