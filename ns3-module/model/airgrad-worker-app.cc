#include "airgrad-worker-app.h"

#include "airgrad-fragment-header.h"

#include "codec/message.h"
#include "round/worker.h"

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

NS_LOG_COMPONENT_DEFINE("AirgradWorkerApp");
namespace airgrad
{

NS_OBJECT_ENSURE_REGISTERED(WorkerApp);

TypeId
WorkerApp::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::airgrad::WorkerApp")
            .SetParent<Application>()
            .SetGroupName("Airgrad")
            .AddConstructor<WorkerApp>()
            .AddAttribute("Server",
                          "Address and port of the parameter server.",
                          AddressValue(),
                          MakeAddressAccessor(&WorkerApp::m_server),
                          MakeAddressChecker())
            .AddAttribute("Port",
                          "Local UDP port on which the model arrives (unused with TCP).",
                          UintegerValue(9000),
                          MakeUintegerAccessor(&WorkerApp::m_port),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("DatagramBytes",
                          "UDP payload per fragment including the 14-byte fragment header, or "
                          "with TCP the TCP segment size, bytes.",
                          UintegerValue(1400),
                          MakeUintegerAccessor(&WorkerApp::m_datagramBytes),
                          MakeUintegerChecker<uint32_t>(FragmentHeader::kSize + 1, 65507))
            .AddAttribute("Protocol",
                          "The transport, as the server's: ns3::UdpSocketFactory (fragments) or "
                          "ns3::TcpSocketFactory (a connection to the server, opened at start and "
                          "again whenever it closes).",
                          TypeIdValue(UdpSocketFactory::GetTypeId()),
                          MakeTypeIdAccessor(&WorkerApp::m_protocol),
                          MakeTypeIdChecker())
            .AddAttribute("ComputeTimePerSample",
                          "Compute time per sample the update's gradients visit, s; the update "
                          "is sent this long times the samples after the model arrived.",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&WorkerApp::m_computeTimePerSample),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("RerequestTimeout",
                          "Broadcast downlink: a model still incomplete this long after its last "
                          "fragment arrived is asked for again (so is one with a fragment missing "
                          "before one that arrived); 0 = unicast downlink, never ask.",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&WorkerApp::m_rerequestTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddTraceSource("Rerequested",
                            "The worker asked for a round's model again (round).",
                            MakeTraceSourceAccessor(&WorkerApp::m_rerequested),
                            "ns3::airgrad::WorkerApp::RerequestedCallback")
            .AddTraceSource("Depleted",
                            "The worker's energy source ran out; it computes and sends nothing more "
                            "(worker).",
                            MakeTraceSourceAccessor(&WorkerApp::m_depletedTrace),
                            "ns3::airgrad::WorkerApp::DepletedCallback")
            .AddTraceSource("UpdateSent",
                            "An encoded update was handed to the socket (round, bytes).",
                            MakeTraceSourceAccessor(&WorkerApp::m_updateSent),
                            "ns3::airgrad::WorkerApp::UpdateSentCallback");
    return tid;
}

WorkerApp::WorkerApp()
    : m_model(0) // takes nothing until SetWorker gives the dimension
{
}

void
WorkerApp::SetWorker(::airgrad::Worker* worker)
{
    m_worker = worker;
    m_model = MessageReassembler(static_cast<uint32_t>(::airgrad::MaxMessageBytes(static_cast<uint32_t>(worker->Dimension()))));
}

void
WorkerApp::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_running = false;
    m_socket = nullptr;
    m_stream.Close();
    m_worker = nullptr;
    m_computeEnergy = nullptr;
    Application::DoDispose();
}

void
WorkerApp::StartApplication()
{
    NS_LOG_FUNCTION(this);
    NS_ABORT_MSG_IF(m_worker == nullptr, "WorkerApp started without a worker");
    m_running = true;
    m_tcp = IsTcpProtocol(m_protocol, "WorkerApp");
    if (m_tcp)
    {
        Connect();
        return;
    }
    m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    NS_ABORT_MSG_IF(m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0,
                    "WorkerApp cannot bind UDP port " << m_port);
    m_socket->SetRecvCallback(MakeCallback(&WorkerApp::HandleRead, this));
}

void
WorkerApp::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_running = false;
    Simulator::Cancel(m_sendEvent);
    Simulator::Cancel(m_rerequestEvent);
    Simulator::Cancel(m_connectEvent);
    m_stream.Close();
    if (m_socket)
    {
        m_socket->Close();
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    }
}

void
WorkerApp::HandleRead(Ptr<Socket> socket)
{
    Ptr<Packet> packet;
    Address from;
    while ((packet = socket->RecvFrom(from)))
    {
        FragmentHeader header;
        packet->RemoveHeader(header);
        m_chunk.resize(packet->GetSize());
        packet->CopyData(m_chunk.data(), m_chunk.size());
        if (header.m_sender != FragmentHeader::kServer)
        {
            continue;
        }
        if (!m_model.Add(header.m_round, header.m_index, header.m_count, header.m_messageBytes,
                         m_chunk.data(), m_chunk.size()))
        {
            // Broadcast fragments come in order and are never retried: a gap is a loss.
            if (!m_rerequestTimeout.IsZero() && !m_model.Complete(header.m_round))
            {
                Simulator::Cancel(m_rerequestEvent);
                if (m_model.MissingBefore(header.m_round, header.m_index))
                {
                    Rerequest(header.m_round);
                }
                else
                {
                    m_rerequestEvent = Simulator::Schedule(m_rerequestTimeout, &WorkerApp::Rerequest, this,
                                                           header.m_round);
                }
            }
            continue;
        }
        ModelArrived(header.m_round, m_model.Message());
    }
}

void
WorkerApp::ModelArrived(uint32_t round, const std::vector<uint8_t>& model)
{
    if (m_depleted)
    {
        return;
    }
    Simulator::Cancel(m_rerequestEvent);
    m_worker->OnModel(model.data(), model.size(), m_update);
    m_modelRound = round;
    if (!m_worker->Selected())
    {
        NS_LOG_INFO("round " << round << ": not selected; computes and sends nothing");
        if (m_sendEvent.IsRunning() && m_computeEnergy)
        {
            m_computeEnergy->ChangeState(0); // an earlier round's update still computing is dropped
        }
        Simulator::Cancel(m_sendEvent);
        return;
    }
    NS_LOG_INFO("round " << round << ": model of " << model.size() << " bytes arrived; an update of "
                         << m_update.size() << " bytes after " << m_worker->LastSamples() << " samples");
    // A newer model supersedes an update still being computed.
    Simulator::Cancel(m_sendEvent);
    m_sendEvent = Simulator::Schedule(m_computeTimePerSample * static_cast<int64_t>(m_worker->LastSamples()),
                                      &WorkerApp::SendUpdate, this, round);
    if (m_computeEnergy)
    {
        m_computeEnergy->ChangeState(1);
    }
}

void
WorkerApp::Connect()
{
    if (!m_running)
    {
        return;
    }
    Ptr<Socket> socket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    socket->SetAttribute("SegmentSize", UintegerValue(m_datagramBytes));
    NS_ABORT_MSG_IF(socket->Bind() != 0 || socket->Connect(m_server) != 0, "WorkerApp cannot open a TCP socket");
    socket->SetConnectCallback(
        MakeBoundCallback(+[](WorkerApp* app, Ptr<Socket> s) {
            app->m_stream.Attach(s, [app](uint32_t round, uint16_t sender, const std::vector<uint8_t>& model) {
                if (sender == FragmentHeader::kServer)
                {
                    app->ModelArrived(round, model);
                }
            });
        }, this),
        MakeBoundCallback(+[](WorkerApp* app, Ptr<Socket>) { app->ConnectLater(); }, this));
    // Whatever closes the connection (the server, or TCP giving up on a retransmission), open another.
    auto closed = MakeBoundCallback(+[](WorkerApp* app, Ptr<Socket> s) {
        if (app->m_stream.Owns(s))
        {
            app->m_stream.Close();
            app->ConnectLater();
        }
    }, this);
    socket->SetCloseCallbacks(closed, closed);
}

void
WorkerApp::ConnectLater()
{
    if (m_running && !m_connectEvent.IsRunning())
    {
        m_connectEvent = Simulator::Schedule(MilliSeconds(100), &WorkerApp::Connect, this);
    }
}

void
WorkerApp::Rerequest(uint32_t round)
{
    NS_LOG_FUNCTION(this << round);
    if (m_requestedRound == round || m_modelRound >= round || m_depleted)
    {
        return;
    }
    m_requestedRound = round;
    FragmentHeader header; // no fragments: a request
    header.m_round = round;
    header.m_sender = static_cast<uint16_t>(m_worker->Id());
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(header);
    m_socket->SendTo(packet, 0, m_server);
    m_rerequested(round);
}

void
WorkerApp::SetComputeEnergyModel(Ptr<PowerStateEnergyModel> model)
{
    m_computeEnergy = model;
    model->TraceConnectWithoutContext("Depleted", MakeCallback(&WorkerApp::Deplete, this));
}

void
WorkerApp::Deplete()
{
    NS_LOG_FUNCTION(this);
    NS_LOG_INFO("worker " << m_worker->Id() << ": energy source depleted after round " << m_modelRound);
    m_depleted = true;
    m_running = false; // no reconnection either
    Simulator::Cancel(m_sendEvent);
    Simulator::Cancel(m_rerequestEvent);
    Simulator::Cancel(m_connectEvent);
    m_depletedTrace(m_worker->Id());
}

void
WorkerApp::SendUpdate(uint32_t round)
{
    NS_LOG_FUNCTION(this << round);
    if (m_computeEnergy)
    {
        m_computeEnergy->ChangeState(0);
    }
    if (m_depleted) // the source ran out while it computed
    {
        return;
    }
    if (m_update.empty())
    {
        m_skippedRound = round;
        return; // the method sends nothing this round (LAG, GD-SEC skip-empty)
    }
    m_sentRound = round;
    if (m_tcp)
    {
        m_stream.Send(round, static_cast<uint16_t>(m_worker->Id()), m_update);
    }
    else
    {
        SendFragmented(m_socket, m_server, round, static_cast<uint16_t>(m_worker->Id()), m_update,
                       m_datagramBytes);
    }
    m_updateSent(round, static_cast<uint32_t>(m_update.size()));
}

} // namespace airgrad
} // namespace ns3
