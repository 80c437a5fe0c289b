// The abstract link (network.kind = link): learning is untouched by a lossless link, and time,
// airtime, energy and loss move as its model says they must.
#include "test-util.h"

#include "helper/network-drivers.h"
#include "method/method-factory.h"
#include "round/experiment.h"
#include "round/round-engine.h"

#include <ns3/config.h>
#include <ns3/simulator.h>

#include <gtest/gtest.h>

#include <stdexcept>

namespace airgrad {
namespace {

ExperimentConfig
LinkConfig(const std::string& method, int workers = 3)
{
    ExperimentConfig c = SmallConfig(method, workers);
    c.features = 600; // a 2.4 kB update: two fragments
    c.samples = 600;
    c.rounds = 15;
    c.networkKind = "link";
    c.snrDb = {25.0};
    return c;
}

struct LinkRun
{
    Recorder rec;
    explicit LinkRun(const ExperimentConfig& c)
    {
        Experiment e(c);
        ns3::airgrad::RunLink(e, rec);
    }
    const NetworkCounters& Last() const { return rec.rows.back().network; }
    int Lost() const { return rec.Lost(); }
};

TEST(LinkDriver, LosslessRunsOfEveryMethodGiveTheIdealLearningCurveExactly)
{
    for (const MethodInfo& info : MethodCatalogue())
    {
        Experiment ideal(LinkConfig(info.name));
        Recorder a;
        RunIdeal(ideal, a);
        const LinkRun link(LinkConfig(info.name));
        const Recorder& b = link.rec;
        ASSERT_EQ(a.rows.size(), b.rows.size()) << info.name;
        for (size_t i = 0; i < a.rows.size(); ++i)
        {
            ASSERT_EQ(b.rows[i].updatesLost, 0) << info.name << " round " << i;
            EXPECT_EQ(a.rows[i].trainLoss, b.rows[i].trainLoss) << info.name << " round " << i;
            EXPECT_EQ(a.rows[i].network.uplinkPayloadBits, b.rows[i].network.uplinkPayloadBits) << info.name;
        }
    }
}

TEST(LinkDriver, RadioEnergyIsTransmitPowerTimesAirtimeWhenOnlyTransmittingCosts)
{
    ExperimentConfig c = LinkConfig("gd");
    c.idleCurrentA = 0.0;
    c.rxCurrentA = 0.0;
    c.txCurrentA = 0.5;
    c.voltageV = 3.0;
    const LinkRun run(c);
    ASSERT_GT(run.Last().airtimeS, 0.0);
    EXPECT_NEAR(run.Last().radioEnergyJ, 1.5 * run.Last().airtimeS, 1e-12);
    // Receiving the model costs energy too: with a receive current, energy grows beyond that.
    c.rxCurrentA = 0.3;
    const LinkRun withRx(c);
    EXPECT_GT(withRx.Last().radioEnergyJ, run.Last().radioEnergyJ + 1e-6);
}

TEST(LinkDriver, LowerSnrAndNarrowerChannelsAreSlower)
{
    double previous = 0.0;
    for (double snr : {30.0, 15.0, 5.0})
    {
        ExperimentConfig c = LinkConfig("gd");
        c.snrDb = {snr};
        const LinkRun run(c);
        EXPECT_GT(run.Last().simTimeS, previous) << "SNR " << snr;
        EXPECT_EQ(run.Lost(), 0) << "SNR " << snr;
        previous = run.Last().simTimeS;
    }
    ExperimentConfig wide = LinkConfig("gd"), narrow = LinkConfig("gd");
    wide.channelWidthMhz = 80;
    EXPECT_LT(LinkRun(wide).Last().airtimeS, LinkRun(narrow).Last().airtimeS);
    // Shannon: a larger gap to capacity, a lower rate.
    ExperimentConfig close = LinkConfig("gd"), far = LinkConfig("gd");
    close.linkRate = far.linkRate = "shannon";
    far.shannonGapDb = 9.0;
    EXPECT_LT(LinkRun(close).Last().airtimeS, LinkRun(far).Last().airtimeS);
}

TEST(LinkDriver, AnMcsAboveWhatTheSnrCarriesLosesFramesAndUpdates)
{
    ExperimentConfig c = LinkConfig("gd");
    c.rounds = 4;
    c.snrDb = {12.0};
    c.roundDeadlineS = 0.2;
    c.rateManager = "constant";
    c.mcs = 11; // 1024-QAM needs about 35 dB
    const LinkRun run(c);
    EXPECT_EQ(run.Lost(), c.rounds * c.workers);
    for (const auto& round : run.rec.workerRows)
    {
        for (const auto& w : round)
        {
            EXPECT_NE(w.status, "applied");
            EXPECT_EQ(w.mcs, 11);
        }
    }
    // The MCS the ideal choice makes at 12 dB delivers everything.
    c.rateManager = "ideal";
    EXPECT_EQ(LinkRun(c).Lost(), 0);
}

TEST(LinkDriver, SharingSerialTdmaAndFdma)
{
    ExperimentConfig c = LinkConfig("gd", 4);
    c.rounds = 5;
    const LinkRun serial(c);
    c.linkSharing = "tdma";
    c.tdmaSlotMs = 2.0;
    const LinkRun tdma(c);
    c.linkSharing = "fdma";
    const LinkRun fdma(c);
    for (const LinkRun* run : {&serial, &tdma, &fdma})
    {
        EXPECT_EQ(run->Lost(), 0);
        EXPECT_EQ(run->Last().uplinkPayloadBits, serial.Last().uplinkPayloadBits);
    }
    // TDMA waits for its slots; nobody waits for anybody in FDMA, but each sub-channel carries a
    // quarter of the rate at 6 dB more SNR, so each PPDU lasts longer.
    EXPECT_GT(tdma.Last().simTimeS, serial.Last().simTimeS);
    EXPECT_GT(fdma.Last().airtimeS, serial.Last().airtimeS);
    for (size_t m = 0; m < 4; ++m)
    {
        EXPECT_NEAR(fdma.rec.workerRows[0][m].snrDb, 25.0 + 10.0 * std::log10(4.0), 1e-12);
    }
    // A slot too short for one fragment is refused with the key's name.
    c.linkSharing = "tdma";
    c.tdmaSlotMs = 0.1;
    try
    {
        LinkRun tooShort(c);
        ADD_FAILURE() << "no error for a 0.1 ms slot";
    }
    catch (const std::runtime_error& e)
    {
        EXPECT_NE(std::string(e.what()).find("network.tdma_slot_ms"), std::string::npos) << e.what();
    }
}

/// Start (time steps), sender (0 = AP, s + 1 = station s), duration and frames (0 = block ack) of
/// every PPDU of a run.
struct Ppdu
{
    int64_t start;
    uint32_t sender;
    int64_t duration;
    uint32_t frames;
};
std::vector<Ppdu> g_ppdus;

void
RecordPpdu(uint32_t sender, uint32_t, uint32_t, ns3::Time duration, uint32_t frames, uint32_t)
{
    g_ppdus.push_back({ns3::Simulator::Now().GetTimeStep(), sender, duration.GetTimeStep(), frames});
}

TEST(LinkDriver, TdmaSendsOnlyInTheSendersSlotAndFinishesItsExchangeThere)
{
    // A frame of M + 1 slots from t = 0: slot o of every frame is device o's (0 = the AP). A data
    // PPDU starts in its sender's slot, and it and its block ack end by that slot's end. A station
    // has its update queued (0.3 ms of compute) before its slot comes, so it starts at the slot's
    // first instant.
    ExperimentConfig c = LinkConfig("gd", 4);
    c.rounds = 6;
    c.linkSharing = "tdma";
    c.tdmaSlotMs = 2.0;
    g_ppdus.clear();
    // Connected at t = 0, once RunLink has built the channel and before any application starts.
    ns3::Simulator::Schedule(ns3::Seconds(0), [] {
        ns3::Config::ConnectWithoutContext("/ChannelList/*/$ns3::airgrad::LinkChannel/Transmission",
                                           ns3::MakeCallback(&RecordPpdu));
    });
    const LinkRun run(c);
    EXPECT_EQ(run.Lost(), 0);
    const int64_t slot = ns3::MilliSeconds(2).GetTimeStep();
    const int64_t frame = slot * (c.workers + 1);
    int data = 0;
    int64_t lastSlot = -1;
    std::vector<int> bySender(static_cast<size_t>(c.workers + 1), 0);
    for (size_t i = 0; i < g_ppdus.size(); ++i)
    {
        const Ppdu& p = g_ppdus[i];
        if (p.frames == 0)
        {
            continue; // a block ack: checked with its data PPDU
        }
        ++data;
        ++bySender[p.sender];
        const int64_t slotStart = p.start / slot * slot;
        EXPECT_EQ(p.start % frame / slot, static_cast<int64_t>(p.sender)) << "PPDU " << i << " at " << p.start;
        EXPECT_LE(p.start + p.duration, slotStart + slot) << "PPDU " << i;
        if (p.sender > 0 && slotStart != lastSlot)
        {
            EXPECT_EQ(p.start, slotStart) << "station " << p.sender - 1 << " waited into its slot";
        }
        lastSlot = slotStart;
        if (i + 1 < g_ppdus.size() && g_ppdus[i + 1].frames == 0)
        {
            const Ppdu& ack = g_ppdus[i + 1];
            EXPECT_GE(ack.start, p.start + p.duration);
            EXPECT_LE(ack.start + ack.duration, slotStart + slot) << "block ack of PPDU " << i;
        }
    }
    EXPECT_GE(data, c.rounds * (2 * c.workers)); // per round: a model down and an update up per worker
    for (int n : bySender)
    {
        EXPECT_GT(n, 0);
    }
}

std::vector<std::pair<uint32_t, int64_t>> g_roundEnds, g_finished; // (round, time step)

TEST(LinkDriver, TheServerSignalsTheEndOfLearningOnceAndLeavesStoppingToTheProgram)
{
    // LearningFinished fires once, with run.rounds, at the last round's end; the CLI's harness
    // stops the simulation from it (the application itself never calls Simulator::Stop).
    ExperimentConfig c = LinkConfig("gd", 3);
    c.rounds = 4;
    g_roundEnds.clear();
    g_finished.clear();
    // RunLink installs the applications 1 ns in; round 1 ends milliseconds later.
    ns3::Simulator::Schedule(ns3::NanoSeconds(2), [] {
        const std::string server = "/NodeList/*/ApplicationList/*/$ns3::airgrad::ServerApp/";
        ns3::Config::ConnectWithoutContext(server + "RoundEnded", ns3::MakeCallback(+[](uint32_t r, uint32_t, uint32_t) {
                                               g_roundEnds.emplace_back(r, ns3::Simulator::Now().GetTimeStep());
                                           }));
        ns3::Config::ConnectWithoutContext(server + "LearningFinished", ns3::MakeCallback(+[](uint32_t r) {
                                               g_finished.emplace_back(r, ns3::Simulator::Now().GetTimeStep());
                                           }));
    });
    const LinkRun run(c);
    ASSERT_EQ(g_roundEnds.size(), 4U);
    ASSERT_EQ(g_finished.size(), 1U);
    EXPECT_EQ(g_finished[0], g_roundEnds.back());
    EXPECT_EQ(g_finished[0].first, 4U);
}

TEST(LinkDriver, DistanceModeGivesDecreasingSnrAndMcs)
{
    ExperimentConfig c = LinkConfig("gd");
    c.rounds = 2;
    c.snrDb.clear();
    c.distancesM = {2.0, 10.0, 40.0};
    const LinkRun run(c);
    const auto& w = run.rec.workerRows.back();
    EXPECT_GT(w[0].snrDb, w[1].snrDb);
    EXPECT_GT(w[1].snrDb, w[2].snrDb);
    EXPECT_GT(w[0].mcs, w[2].mcs);
    // 16.02 dBm - 46.68 dB - 30 log10(10) dB against -174 + 10 log10(20e6) + 7 dBm of noise.
    EXPECT_NEAR(w[1].snrDb, 16.0206 - 46.6777 - 30.0 - (-174.0 + 73.0103 + 7.0), 0.05);
}

} // namespace
} // namespace airgrad

namespace airgrad {
namespace {

TEST(LinkDriver, SpatialStreamsCutAirtimeAsInWifi)
{
    ExperimentConfig c = LinkConfig("gd", 1);
    c.features = 1000; // a 4 kB update
    c.rounds = 5;
    double oneStream = 0.0;
    for (int streams : {1, 2, 3})
    {
        c.spatialStreams = streams;
        c.networkKind = "link";
        const double link = LinkRun(c).Last().airtimeS;
        c.networkKind = "wifi";
        Experiment e(c);
        Recorder rec;
        ns3::airgrad::RunWifi(e, rec);
        const double wifi = rec.rows.back().network.airtimeS;
        EXPECT_NEAR(link / wifi, 1.0, 0.05) << streams << " streams";
        if (streams == 1)
        {
            oneStream = link;
        }
        else
        {
            EXPECT_LT(link, 0.7 * oneStream) << streams << " streams";
        }
    }
}

} // namespace
} // namespace airgrad

namespace airgrad {
namespace {

uint64_t
Rerequests(const Recorder& rec)
{
    uint64_t n = 0;
    for (const auto& round : rec.workerRows)
    {
        for (const WorkerRecord& w : round)
        {
            n += static_cast<uint64_t>(w.rerequests);
        }
    }
    return n;
}

TEST(LinkDriver, BroadcastDownlinkSendsTheModelOnceAndResendsWhatWasMissed)
{
    ExperimentConfig c = LinkConfig("topk-ef", 4);
    c.rounds = 10;
    Experiment ideal(c);
    Recorder reference;
    RunIdeal(ideal, reference);
    const uint64_t modelBits = reference.rows[1].network.downlinkPayloadBits / c.workers;

    c.downlink = "broadcast";
    for (const char* kind : {"link", "wifi"})
    {
        c.networkKind = kind;
        Experiment e(c);
        Recorder rec;
        ns3::airgrad::RunNetwork(e, rec);
        EXPECT_EQ(rec.rows.back().network.downlinkPayloadBits, c.rounds * modelBits) << kind << ": once per round";
        EXPECT_EQ(Rerequests(rec), 0U) << kind;
        for (size_t i = 0; i < rec.rows.size(); ++i)
        {
            EXPECT_EQ(rec.rows[i].trainLoss, reference.rows[i].trainLoss) << kind << " round " << i;
        }
    }

    // At 1 dB the 6 Mb/s broadcast loses frames: workers ask again, get the model by unicast and
    // every update is still applied, so learning is unchanged.
    c.networkKind = "link";
    c.snrDb = {1.0};
    c.roundDeadlineS = 0.5;
    const LinkRun run(c);
    const uint64_t asked = Rerequests(run.rec);
    EXPECT_GT(asked, 0U);
    EXPECT_EQ(run.Lost(), 0);
    EXPECT_GT(run.Last().downlinkPayloadBits, c.rounds * modelBits);
    EXPECT_LE(run.Last().downlinkPayloadBits, (c.rounds + asked) * modelBits);
    for (size_t i = 0; i < run.rec.rows.size(); ++i)
    {
        EXPECT_EQ(run.rec.rows[i].trainLoss, reference.rows[i].trainLoss) << "round " << i;
    }
    EXPECT_EQ(run.Last().downlinkPayloadBits % modelBits, 0U) << "whole models only";
    std::cout << "[broadcast] 1 dB, 4 workers, 10 rounds: " << asked << " re-requests, downlink "
              << run.Last().downlinkPayloadBits << " bits (" << c.rounds * modelBits << " broadcast)\n";
}

} // namespace
} // namespace airgrad
