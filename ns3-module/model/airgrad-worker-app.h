#ifndef AIRGRAD_WORKER_APP_H
#define AIRGRAD_WORKER_APP_H

#include "power-state-energy-model.h"
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
class Worker;
}

namespace ns3
{

class Socket;
class Packet;

namespace airgrad
{

/**
 * \brief A learning worker on a station: receives the model (UDP fragments, or messages on a TCP
 * connection), computes its update with the core ::airgrad::Worker, waits the compute time, and
 * uploads the encoded bytes the same way.
 */
class WorkerApp : public Application
{
  public:
    static TypeId GetTypeId();
    WorkerApp();

    /// The core worker this application runs (not owned; must outlive the simulation).
    void SetWorker(::airgrad::Worker* worker);
    /// The processor's energy model: computing from a model's arrival until the update is sent.
    /// When its source is depleted the worker stops for good (Depleted).
    void SetComputeEnergyModel(Ptr<PowerStateEnergyModel> model);
    /// Whether the worker's energy source ran out (it then computes and sends nothing more).
    bool Depleted() const { return m_depleted; }
    /// Round of the last model received, of the last update sent, of the last round skipped (0: none).
    uint32_t ModelRound() const { return m_modelRound; }
    uint32_t SentRound() const { return m_sentRound; }
    uint32_t SkippedRound() const { return m_skippedRound; }
    /// Whether the Protocol attribute is TCP's (valid once started).
    bool UsesTcp() const { return m_tcp; }
    /// The processor's energy model (null: compute energy not modelled).
    Ptr<PowerStateEnergyModel> GetComputeEnergyModel() const { return m_computeEnergy; }

    /// Signature of the UpdateSent trace: round, encoded message size in bytes.
    typedef void (*UpdateSentCallback)(uint32_t round, uint32_t bytes);
    /// Signature of the Rerequested trace: the round whose model the worker asked for again.
    typedef void (*RerequestedCallback)(uint32_t round);
    /// Signature of the Depleted trace: the worker's number.
    typedef void (*DepletedCallback)(uint32_t worker);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;
    void HandleRead(Ptr<Socket> socket);
    /// A whole model arrived: compute the update and schedule its upload.
    void ModelArrived(uint32_t round, const std::vector<uint8_t>& model);
    /// TCP transport: opens the connection to the server (again after any failure, until stopped).
    void Connect();
    void ConnectLater();
    void SendUpdate(uint32_t round);
    /// The energy source ran out: stop computing, sending and reconnecting.
    void Deplete();
    /// Broadcast downlink: asks the server for `round`'s model unless it arrived or was asked for.
    void Rerequest(uint32_t round);

    ::airgrad::Worker* m_worker = nullptr;
    Address m_server;            ///< server address and port
    uint16_t m_port = 0;         ///< local port for the model
    uint32_t m_datagramBytes = 0;
    Time m_computeTimePerSample;
    Time m_rerequestTimeout;     ///< 0: unicast downlink, no re-requests
    TypeId m_protocol;
    bool m_tcp = false;          ///< m_protocol is TCP's
    bool m_running = false;
    bool m_depleted = false;
    EventId m_connectEvent;
    MessageStream m_stream;      ///< TCP transport: the connection to the server
    uint32_t m_requestedRound = 0;
    EventId m_rerequestEvent;
    Ptr<PowerStateEnergyModel> m_computeEnergy;
    uint32_t m_modelRound = 0;
    uint32_t m_sentRound = 0;
    uint32_t m_skippedRound = 0;
    Ptr<Socket> m_socket;
    EventId m_sendEvent;
    MessageReassembler m_model;
    std::vector<uint8_t> m_update;
    std::vector<uint8_t> m_chunk; ///< scratch: one fragment's data
    TracedCallback<uint32_t, uint32_t> m_updateSent;
    TracedCallback<uint32_t> m_rerequested;
    TracedCallback<uint32_t> m_depletedTrace;
};

} // namespace airgrad
} // namespace ns3

#endif
