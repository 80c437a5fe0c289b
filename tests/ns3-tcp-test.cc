// TCP transport (network.transport = tcp) over both drivers: learning is untouched while the
// connections hold, and what the MAC gives up on TCP sends again.
#include "test-util.h"

#include "helper/network-drivers.h"
#include "round/experiment.h"
#include "round/round-engine.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace airgrad {
namespace {

ExperimentConfig
TcpConfig(const std::string& method, const std::string& network)
{
    ExperimentConfig c = SmallConfig(method, 3);
    c.features = 600; // a 2.4 kB update: two segments
    c.samples = 600;
    c.rounds = 10;
    c.networkKind = network;
    c.snrDb = {25.0};
    c.transport = "tcp";
    return c;
}

Recorder
RunOver(const ExperimentConfig& c)
{
    Experiment e(c);
    Recorder rec;
    ns3::airgrad::RunNetwork(e, rec);
    return rec;
}

TEST(TcpTransport, LosslessRunsGiveTheIdealLearningCurveOverBothDrivers)
{
    for (const std::string network : {"link", "wifi"})
    {
        for (const std::string method : {"gd", "diana", "topk-ef"})
        {
            ExperimentConfig c = TcpConfig(method, network);
            Experiment ideal(c);
            Recorder a;
            RunIdeal(ideal, a);
            const Recorder tcp = RunOver(c);
            c.transport = "udp";
            const Recorder udp = RunOver(c);
            ASSERT_EQ(a.rows.size(), tcp.rows.size()) << network << " " << method;
            for (size_t i = 0; i < a.rows.size(); ++i)
            {
                ASSERT_EQ(tcp.rows[i].updatesLost, 0) << network << " " << method << " round " << i;
                EXPECT_EQ(a.rows[i].trainLoss, tcp.rows[i].trainLoss) << network << " " << method << " round " << i;
                EXPECT_EQ(tcp.rows[i].network.uplinkPayloadBits, udp.rows[i].network.uplinkPayloadBits);
                EXPECT_EQ(tcp.rows[i].network.downlinkPayloadBits, udp.rows[i].network.downlinkPayloadBits);
            }
            // The stations also send TCP acknowledgements and TCP/IP headers: more bytes on the air.
            EXPECT_GT(tcp.rows.back().network.uplinkAirBytes, udp.rows.back().network.uplinkAirBytes)
                << network << " " << method;
        }
    }
}

TEST(TcpTransport, RetransmitsWhatTheMacGaveUpOn)
{
    // HE-MCS 7 at 18.6 dB: each 1.4 kB frame fails most tries, and after 7 retries the MAC drops
    // some; UDP loses those updates, TCP sends the segments again.
    ExperimentConfig c = TcpConfig("gd", "link");
    c.workers = 6;
    c.rounds = 8;
    c.snrDb = {18.6};
    c.rateManager = "constant";
    c.mcs = 7;
    c.roundDeadlineS = 10.0;
    const Recorder tcp = RunOver(c);
    c.transport = "udp";
    const Recorder udp = RunOver(c);
    EXPECT_GT(udp.Lost(), 0);
    EXPECT_EQ(tcp.Lost(), 0);
    Experiment ideal(c);
    Recorder a;
    RunIdeal(ideal, a);
    ASSERT_EQ(a.rows.size(), tcp.rows.size());
    EXPECT_EQ(a.rows.back().trainLoss, tcp.rows.back().trainLoss);
}

TEST(TcpTransport, AnUpdateStillOnItsWayAtTheDeadlineIsLateNotLost)
{
    ExperimentConfig c = TcpConfig("gd", "link");
    c.rounds = 3;
    c.snrDb = {18.3};
    c.rateManager = "constant";
    c.mcs = 7;
    c.roundDeadlineS = 0.05; // shorter than TCP's 1 s minimum retransmission timeout
    const Recorder tcp = RunOver(c);
    int late = 0;
    for (const auto& round : tcp.workerRows)
    {
        for (const auto& w : round)
        {
            EXPECT_NE(w.status, "lost");
            late += w.status == "late";
        }
    }
    EXPECT_GT(late, 0);
}

TEST(TcpTransport, WorkersThatCannotConnectGiveAClearError)
{
    ExperimentConfig c = TcpConfig("gd", "link");
    c.snrDb = {15.0}; // HE-MCS 7 carries nothing here, not even a SYN
    c.rateManager = "constant";
    c.mcs = 7;
    try
    {
        RunOver(c);
        ADD_FAILURE() << "no error";
    }
    catch (const std::runtime_error& e)
    {
        EXPECT_NE(std::string(e.what()).find("could not open their TCP connection"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace airgrad
