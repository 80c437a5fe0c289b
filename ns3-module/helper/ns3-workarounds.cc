#include "ns3-workarounds.h"

#include "ns3/boolean.h"
#include "ns3/ctrl-headers.h"
#include "ns3/double.h"
#include "ns3/he-configuration.h"
#include "ns3/mgt-headers.h"
#include "ns3/ht-frame-exchange-manager.h"
#include "ns3/net-device-queue-interface.h"
#include "ns3/simulator.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-mac-helper.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-phy.h"
#include "ns3/wifi-psdu.h"
#include "ns3/wifi-tx-vector.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <utility>

namespace ns3
{
namespace airgrad
{

namespace
{

void
SwitchOffOnceIdle(Ptr<WifiPhy> phy)
{
    if (phy->IsStateOff())
    {
        return;
    }
    if (phy->IsStateIdle() || phy->IsStateSleep())
    {
        phy->SetOffMode();
        return;
    }
    Simulator::Schedule(std::max(phy->GetDelayUntilIdle(), MicroSeconds(1)), &SwitchOffOnceIdle, phy);
}

/// A receiver's frame exchange manager, and the agreements it has answered with a DELBA.
struct AgreementGuard
{
    Ptr<HtFrameExchangeManager> fem;
    Mac48Address self;
    std::set<std::pair<Mac48Address, uint8_t>> delbaSent; ///< until the sender's next ADDBA Request
};

/// The TID whose Block Ack agreement ns-3.37 dereferences without checking for this frame: that
/// of an A-MPDU's MPDU (passed up alone, with an empty status) or end with the normal (implicit
/// Block Ack) policy, and in a trigger-based PPDU also that of a single QoS Data MPDU or BAR.
std::optional<uint8_t>
TidNeedingAgreement(Ptr<const WifiPsdu> psdu, const WifiTxVector& txVector, const std::vector<bool>& perMpduStatus)
{
    const bool inTbPpdu = txVector.IsUlMu();
    if (perMpduStatus.empty() || psdu->GetNMpdus() > 1 || inTbPpdu)
    {
        for (const uint8_t tid : psdu->GetTids())
        {
            if (psdu->GetAckPolicyForTid(tid) == WifiMacHeader::NORMAL_ACK)
            {
                return tid;
            }
        }
    }
    if (inTbPpdu && psdu->GetNMpdus() == 1 && psdu->GetHeader(0).IsBlockAckReq())
    {
        CtrlBAckRequestHeader bar;
        psdu->GetPayload(0)->PeekHeader(bar);
        return bar.GetTidInfo();
    }
    return std::nullopt;
}

/// A new ADDBA Request from the sender ends the wait for it that a DELBA started.
void
ForgetDelbaOnAddBaRequest(AgreementGuard& guard, Ptr<const WifiPsdu> psdu)
{
    if (psdu->GetNMpdus() != 1 || !psdu->GetHeader(0).IsAction())
    {
        return;
    }
    Ptr<Packet> packet = psdu->GetPayload(0)->Copy();
    WifiActionHeader action;
    packet->RemoveHeader(action);
    if (action.GetCategory() == WifiActionHeader::BLOCK_ACK &&
        action.GetAction().blockAck == WifiActionHeader::BLOCK_ACK_ADDBA_REQUEST)
    {
        MgtAddBaRequestHeader request;
        packet->PeekHeader(request);
        guard.delbaSent.erase({psdu->GetAddr2(), request.GetTid()});
    }
}

/// The PHY's end-of-reception callback, in front of the frame exchange manager's Receive.
void
ReceiveUnlessAgreementPending(std::shared_ptr<AgreementGuard> guard,
                              Ptr<const WifiPsdu> psdu,
                              RxSignalInfo rxSignalInfo,
                              WifiTxVector txVector,
                              std::vector<bool> perMpduStatus)
{
    if (psdu->GetAddr1() == guard->self)
    {
        const Mac48Address sender = psdu->GetAddr2();
        const std::optional<uint8_t> tid = TidNeedingAgreement(psdu, txVector, perMpduStatus);
        if (tid && !guard->fem->GetBaAgreementEstablished(sender, *tid))
        {
            // At the PSDU's end, once per handshake: whether or not the last ADDBA Response
            // reaches the sender, start over.
            if (!perMpduStatus.empty() && guard->delbaSent.insert({sender, *tid}).second)
            {
                Simulator::ScheduleNow(&HtFrameExchangeManager::SendDelbaFrame, guard->fem, sender, *tid, false);
            }
            return;
        }
        ForgetDelbaOnAddBaRequest(*guard, psdu);
    }
    guard->fem->Receive(psdu, rxSignalInfo, txVector, std::move(perMpduStatus));
}

} // namespace

void
GuardAmpduWithoutAgreement(const NetDeviceContainer& devices)
{
    for (uint32_t i = 0; i < devices.GetN(); ++i)
    {
        Ptr<WifiNetDevice> device = DynamicCast<WifiNetDevice>(devices.Get(i));
        Ptr<HtFrameExchangeManager> fem = DynamicCast<HtFrameExchangeManager>(device->GetMac()->GetFrameExchangeManager());
        if (fem)
        {
            auto guard = std::make_shared<AgreementGuard>();
            guard->fem = fem;
            guard->self = device->GetMac()->GetAddress();
            device->GetPhy()->SetReceiveOkCallback(MakeBoundCallback(&ReceiveUnlessAgreementPending, guard));
        }
    }
}

void
SwitchOffSafely(Ptr<WifiPhy> phy)
{
    // Deaf to every new PPDU at once; off once the last one it was receiving (at most one
    // PPDU's length, 5.5 ms) is over and it is idle.
    phy->SetAttribute("RxSensitivity", DoubleValue(1000.0));
    Simulator::Schedule(MilliSeconds(6), &SwitchOffOnceIdle, phy);
}

void
SetOfdmaScheduler(WifiMacHelper& apMac, uint32_t stationsPerPpdu, uint32_t ulPsduBytes)
{
    apMac.SetMultiUserScheduler("ns3::RrMultiUserScheduler", "NStations", UintegerValue(stationsPerPpdu),
                                "EnableUlOfdma", BooleanValue(true), "EnableBsrp", BooleanValue(false),
                                "AccessReqInterval", TimeValue(MilliSeconds(1)), "UlPsduSize",
                                UintegerValue(ulPsduBytes));
}

void
EnableMuEdca(const NetDeviceContainer& apDevice)
{
    Ptr<HeConfiguration> he = DynamicCast<WifiNetDevice>(apDevice.Get(0))->GetHeConfiguration();
    for (const char* timer : {"BeMuEdcaTimer", "BkMuEdcaTimer", "ViMuEdcaTimer", "VoMuEdcaTimer"})
    {
        he->SetAttribute(timer, TimeValue(MicroSeconds(8 * 8192)));
    }
    he->SetAttribute("MuBeAifsn", UintegerValue(0));
}

void
UninstallQueueDiscs(const NetDeviceContainer& devices)
{
    for (uint32_t i = 0; i < devices.GetN(); ++i)
    {
        // Only devices with a queue interface got a queue disc (Ipv4AddressHelper::Assign).
        if (devices.Get(i)->GetObject<NetDeviceQueueInterface>())
        {
            TrafficControlHelper().Uninstall(devices.Get(i));
        }
    }
}

} // namespace airgrad
} // namespace ns3
