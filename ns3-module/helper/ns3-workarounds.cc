#include "ns3-workarounds.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/he-configuration.h"
#include "ns3/ht-frame-exchange-manager.h"
#include "ns3/net-device-queue-interface.h"
#include "ns3/simulator.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-mac-helper.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-phy.h"
#include "ns3/wifi-psdu.h"

#include <algorithm>

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

/// The PHY's end-of-reception callback, in front of the frame exchange manager's Receive.
void
ReceiveUnlessAgreementPending(Ptr<HtFrameExchangeManager> fem,
                              Mac48Address self,
                              Ptr<const WifiPsdu> psdu,
                              RxSignalInfo rxSignalInfo,
                              WifiTxVector txVector,
                              std::vector<bool> perMpduStatus)
{
    // Part of an A-MPDU to us: one of its MPDUs (passed up alone, with an empty status) or its end.
    if ((perMpduStatus.empty() || psdu->GetNMpdus() > 1) && psdu->GetAddr1() == self)
    {
        for (const uint8_t tid : psdu->GetTids())
        {
            if (psdu->GetAckPolicyForTid(tid) == WifiMacHeader::NORMAL_ACK &&
                !fem->GetBaAgreementEstablished(psdu->GetAddr2(), tid))
            {
                if (!perMpduStatus.empty())
                {
                    // Whether or not its last ADDBA Response reaches the sender, start over.
                    Simulator::ScheduleNow(&HtFrameExchangeManager::SendDelbaFrame, fem, psdu->GetAddr2(), tid, false);
                }
                return;
            }
        }
    }
    fem->Receive(psdu, rxSignalInfo, txVector, std::move(perMpduStatus));
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
            device->GetPhy()->SetReceiveOkCallback(
                MakeBoundCallback(&ReceiveUnlessAgreementPending, fem, device->GetMac()->GetAddress()));
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
