// Who takes part in a round over a simulated network: client selection, and batteries that run out.
#include "test-util.h"

#include "helper/network-drivers.h"
#include "round/experiment.h"
#include "round/round-engine.h"

#include <gtest/gtest.h>

#include <cmath>

namespace airgrad {
namespace {

ExperimentConfig
NetworkConfig(const std::string& kind, int workers)
{
    ExperimentConfig c = SmallConfig("gd", workers);
    c.features = 600; // a 2.4 kB update: two fragments
    c.samples = 100 * workers;
    c.rounds = 12;
    c.networkKind = kind;
    c.roundDeadlineS = 0.2;
    return c;
}

Recorder
RunOver(const ExperimentConfig& c, ns3::airgrad::NetworkRunStats* stats = nullptr)
{
    Experiment e(c);
    Recorder rec;
    const auto s = ns3::airgrad::RunNetwork(e, rec);
    if (stats != nullptr)
    {
        *stats = s;
    }
    return rec;
}

TEST(NetworkSelection, RandomFiveOfTwentyOverTheLinkSendsAQuarterOfTheUplinkAndUnselectedStaySilent)
{
    ExperimentConfig c = NetworkConfig("link", 20);
    c.snrDb = {25.0};
    const Recorder all = RunOver(c);
    c.selectionPolicy = "random";
    c.selectionPerRound = 5;
    const Recorder five = RunOver(c);
    for (size_t r = 1; r < five.rows.size(); ++r)
    {
        EXPECT_LE(five.rows[r].updatesApplied, 5) << r;
        EXPECT_EQ(five.rows[r].workersSelected, 5) << r;
        for (const WorkerRecord& w : five.workerRows[r - 1])
        {
            if (!w.selected)
            {
                EXPECT_EQ(w.status, "unselected");
                EXPECT_EQ(w.uplinkPayloadBits, 0U);
                EXPECT_EQ(w.uplinkAirBytes, 0U); // not even an acknowledgement: it was sent nothing
                EXPECT_EQ(w.airtimeS, 0.0);
                EXPECT_EQ(w.computeEnergyJ, 0.0);
                EXPECT_GT(w.radioEnergyJ, 0.0); // its radio idles, and that costs energy
            }
        }
    }
    EXPECT_EQ(4 * five.rows.back().network.uplinkPayloadBits, all.rows.back().network.uplinkPayloadBits);
    EXPECT_LT(five.rows.back().network.uplinkAirBytes, all.rows.back().network.uplinkAirBytes / 3);
}

TEST(NetworkSelection, BestChannelOverWifiTakesTheNearestStations)
{
    ExperimentConfig c = NetworkConfig("wifi", 6);
    c.distancesM = {40.0, 5.0, 30.0, 8.0, 50.0, 20.0};
    c.selectionPolicy = "best-channel";
    c.selectionPerRound = 2;
    const Recorder rec = RunOver(c);
    for (size_t r = 0; r < rec.workerRows.size(); ++r)
    {
        for (size_t m = 0; m < 6; ++m)
        {
            // The AP heard every station during association: the two nearest have the best SNR.
            EXPECT_EQ(rec.workerRows[r][m].selected, m == 1 || m == 3) << "round " << r + 1 << " worker " << m;
        }
    }
}

/// Every depleted worker stays silent after the round it died in, and spent about its battery.
void
CheckDepletion(const ExperimentConfig& c, const Recorder& rec, const ns3::airgrad::NetworkRunStats& stats)
{
    ASSERT_EQ(stats.depletedRounds.size(), static_cast<size_t>(c.workers));
    int depleted = 0;
    for (int m = 0; m < c.workers; ++m)
    {
        const uint32_t died = stats.depletedRounds[static_cast<size_t>(m)];
        double spent = 0.0;
        for (size_t r = 0; r < rec.workerRows.size(); ++r)
        {
            const WorkerRecord& w = rec.workerRows[r][static_cast<size_t>(m)];
            spent += w.radioEnergyJ + w.computeEnergyJ;
            if (died != 0 && r + 1 > died)
            {
                EXPECT_EQ(w.status, "depleted") << "worker " << m << " round " << r + 1;
                EXPECT_FALSE(w.selected) << "worker " << m << " round " << r + 1;
                EXPECT_EQ(w.uplinkAirBytes, 0U) << "worker " << m << " round " << r + 1;
                EXPECT_EQ(w.radioEnergyJ + w.computeEnergyJ, 0.0) << "a dead battery gives nothing";
            }
        }
        const double battery = c.batteryJ.size() == 1 ? c.batteryJ[0] : c.batteryJ[static_cast<size_t>(m)];
        if (died != 0)
        {
            ++depleted;
            // Its radio draws until it can switch off once idle (docs/selection.md).
            EXPECT_GE(spent, battery * (1.0 - 1e-9)) << "worker " << m;
            EXPECT_LT(spent, battery + 0.05) << "worker " << m;
        }
        else
        {
            EXPECT_LT(spent, battery) << "worker " << m;
        }
    }
    EXPECT_GT(depleted, 0);
    EXPECT_LT(depleted, c.workers);
}

TEST(NetworkSelection, DepletedWorkersStopForGoodOverTheLinkAndOverWifi)
{
    for (const char* kind : {"link", "wifi"})
    {
        ExperimentConfig c = NetworkConfig(kind, 5);
        c.rounds = 30;
        c.secondsPerSample = 1e-3; // 0.1 s of computing at 2 W per round: 0.2 J
        c.batteryJ = {0.5, 40.0, 1.2, 40.0, 0.3};
        ns3::airgrad::NetworkRunStats stats;
        const Recorder rec = RunOver(c, &stats);
        ASSERT_EQ(rec.rows.size(), 31U) << kind;
        CheckDepletion(c, rec, stats);
        EXPECT_NE(stats.depletedRounds[4], 0U) << kind;
        EXPECT_EQ(stats.depletedRounds[1], 0U) << kind;
        EXPECT_LT(rec.rows.back().workersSelected, 5) << kind;
    }
}

TEST(NetworkSelection, EnergySelectionKeepsWorkersAliveLongerThanRandom)
{
    ExperimentConfig c = NetworkConfig("link", 8);
    c.snrDb = {25.0};
    c.rounds = 40;
    c.secondsPerSample = 1e-3;
    c.idleCurrentA = 0.0; // only work costs energy: who is chosen decides who dies
    c.batteryJ = {1.0, 1.3, 1.6, 1.9, 2.2, 2.5, 2.8, 3.1};
    c.selectionPerRound = 2;
    int alive[2] = {0, 0};
    int i = 0;
    for (const char* policy : {"random", "energy"})
    {
        c.selectionPolicy = policy;
        ns3::airgrad::NetworkRunStats stats;
        RunOver(c, &stats);
        for (uint32_t died : stats.depletedRounds)
        {
            alive[i] += died == 0;
        }
        ++i;
    }
    EXPECT_GT(alive[1], alive[0]) << "random keeps " << alive[0] << " of 8, energy " << alive[1];
}

} // namespace
} // namespace airgrad

namespace airgrad {
namespace {

TEST(NetworkBuffered, ABufferOfEveryWorkerIsSyncBitForBit)
{
    for (const char* kind : {"link", "wifi", "link with batteries"})
    {
        ExperimentConfig c = NetworkConfig(kind == std::string("wifi") ? "wifi" : "link", 6);
        c.method.name = "topk";
        c.method.kFraction = 0.1;
        c.snrDb = {20.0};
        if (kind == std::string("link with batteries"))
        {
            c.secondsPerSample = 1e-3;
            c.batteryJ = {0.4, 40.0, 0.9, 40.0, 40.0, 40.0}; // two die mid-round: both modes wait them out
        }
        const Recorder sync = RunOver(c);
        if (!c.batteryJ.empty())
        {
            ASSERT_EQ(sync.workerRows.back()[0].status, "depleted");
            ASSERT_EQ(sync.workerRows.back()[2].status, "depleted");
        }
        c.mode = "buffered";
        c.stalenessExponent = 0.5; // no update is stale: no weight below 1
        const Recorder buffered = RunOver(c);
        ASSERT_EQ(sync.rows.size(), buffered.rows.size()) << kind;
        for (size_t r = 0; r < sync.rows.size(); ++r)
        {
            const RoundRecord& a = sync.rows[r];
            const RoundRecord& b = buffered.rows[r];
            EXPECT_EQ(a.trainLoss, b.trainLoss) << kind << " round " << r;
            EXPECT_EQ(a.network.simTimeS, b.network.simTimeS) << kind << " round " << r;
            EXPECT_EQ(a.network.uplinkPayloadBits, b.network.uplinkPayloadBits) << kind;
            EXPECT_EQ(a.network.downlinkPayloadBits, b.network.downlinkPayloadBits) << kind;
            EXPECT_EQ(a.network.energyJ, b.network.energyJ) << kind;
            EXPECT_EQ(a.updatesApplied, b.updatesApplied) << kind;
            EXPECT_EQ(a.updatesLost, b.updatesLost) << kind << " round " << r;
            EXPECT_EQ(b.meanStaleness, 0.0) << kind;
        }
    }
}

TEST(NetworkBuffered, ASmallerBufferMakesRoundsShorterWithStragglers)
{
    ExperimentConfig c = NetworkConfig("link", 10);
    c.method.name = "topk-ef";
    c.method.kFraction = 0.1;
    c.snrDb = {25.0};
    c.rounds = 30;
    c.roundDeadlineS = 2.0;
    c.secondsPerSample = 2e-4; // 20 ms per round at speed 1
    c.speedSigma = 1.0;        // lognormal:1 stragglers
    const Recorder sync = RunOver(c);
    c.mode = "buffered";
    c.buffer = 4;
    const Recorder buffered = RunOver(c);
    double staleness = 0.0;
    for (size_t r = 1; r < buffered.rows.size(); ++r)
    {
        EXPECT_EQ(buffered.rows[r].updatesApplied, 4) << r;
        staleness += buffered.rows[r].meanStaleness;
    }
    const double syncRound = sync.rows.back().network.simTimeS / c.rounds;
    const double bufferedRound = buffered.rows.back().network.simTimeS / c.rounds;
    EXPECT_LT(bufferedRound, 0.5 * syncRound) << "sync " << syncRound << " s, buffered " << bufferedRound << " s";
    EXPECT_GT(staleness, 0.0); // the slow workers' updates arrive rounds late, and count
    EXPECT_LT(buffered.rows.back().lossGap, buffered.rows.front().lossGap);
}

} // namespace
} // namespace airgrad

#include <fstream>

namespace airgrad {
namespace {

TEST(NetworkSelection, AWorkerIsChosenOnlyWithinItsAvailabilityWindows)
{
    ExperimentConfig c = NetworkConfig("link", 4);
    c.snrDb = {25.0};
    c.rounds = 20;
    c.availabilityFile = ::testing::TempDir() + "availability.csv";
    // worker 0 until 5 ms, worker 1 from 15 ms on; 2 and 3 always (a round takes about 1.5 ms)
    std::ofstream(c.availabilityFile) << "worker,start_s,end_s\n0,0,0.005\n1,0.015,100\n";
    const Recorder rec = RunOver(c);
    int seen0 = 0, seen1 = 0;
    for (size_t r = 0; r < rec.workerRows.size(); ++r)
    {
        const double start = rec.rows[r].network.simTimeS; // round r + 1 began when round r ended
        const auto& w = rec.workerRows[r];
        EXPECT_EQ(w[0].selected, start < 0.005) << "round " << r + 1 << " at " << start << " s";
        EXPECT_EQ(w[1].selected, start >= 0.015) << "round " << r + 1 << " at " << start << " s";
        EXPECT_TRUE(w[2].selected && w[3].selected);
        EXPECT_EQ(w[0].status, w[0].selected ? "applied" : "unselected");
        seen0 += w[0].selected;
        seen1 += w[1].selected;
    }
    EXPECT_GT(seen0, 0);
    EXPECT_GT(seen1, 0);
    EXPECT_LT(seen0 + seen1, 2 * c.rounds);
}

} // namespace
} // namespace airgrad
