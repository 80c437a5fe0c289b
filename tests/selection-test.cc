#include "round/experiment.h"
#include "round/round-engine.h"
#include "round/selection.h"
#include "scenario/scenario-config.h"
#include "test-util.h"

#include <gtest/gtest.h>

#include <cmath>

namespace airgrad {
namespace {

/// The participants of one round as worker numbers.
std::vector<uint32_t>
Chosen(Selection& s, uint32_t round, const std::vector<uint32_t>& lastApplied)
{
    std::vector<uint8_t> flags;
    s.Select(round, lastApplied, flags);
    std::vector<uint32_t> out;
    for (uint32_t m = 0; m < flags.size(); ++m)
    {
        if (flags[m])
        {
            out.push_back(m);
        }
    }
    return out;
}

Selection
Make(const std::string& policy, int workers, int perRound)
{
    return Selection(CreateSelectionPolicy(policy), policy == "all", workers, perRound, 42);
}

using List = std::vector<uint32_t>;

TEST(Selection, AllSendsNoFlagsUntilAWorkerIsIneligible)
{
    Selection s = Make("all", 4, 4);
    std::vector<uint8_t> flags = {9};
    s.Select(1, List(4, 0), flags);
    EXPECT_TRUE(flags.empty()); // the model message then carries no selection: bytes as without one
    s.SetAlive(2, false);
    EXPECT_EQ(Chosen(s, 2, List(4, 0)), (List{0, 1, 3}));
    // Any policy that chooses everyone sends no flags either.
    Selection random = Make("random", 4, 4);
    random.Select(1, List(4, 0), flags);
    EXPECT_TRUE(flags.empty());
}

TEST(Selection, RoundRobinCyclesOverTheEligibleByNumber)
{
    Selection s = Make("round-robin", 5, 2);
    s.SetAlive(2, false);
    EXPECT_EQ(Chosen(s, 1, List(5, 0)), (List{0, 1}));
    EXPECT_EQ(Chosen(s, 2, List(5, 0)), (List{3, 4}));
    EXPECT_EQ(Chosen(s, 3, List(5, 0)), (List{0, 1}));
    s.SetAlive(2, true);
    EXPECT_EQ(Chosen(s, 4, List(5, 0)), (List{2, 3}));
    EXPECT_EQ(Chosen(s, 5, List(5, 0)), (List{0, 4}));
}

TEST(Selection, BestChannelTakesTheUnheardFirstThenTheHighestSnr)
{
    Selection s = Make("best-channel", 5, 2);
    s.SetChannelDb(1, 10.0);
    s.SetChannelDb(2, 30.0);
    s.SetChannelDb(3, 20.0);
    s.SetChannelDb(4, 30.0);
    EXPECT_EQ(Chosen(s, 1, List(5, 0)), (List{0, 2})); // 0 never heard; 2 ties 4 and is lower
    s.SetChannelDb(0, 5.0);
    EXPECT_EQ(Chosen(s, 2, List(5, 0)), (List{2, 4}));
    s.SetAlive(4, false);
    EXPECT_EQ(Chosen(s, 3, List(5, 0)), (List{2, 3}));
}

TEST(Selection, AgeTakesTheOldestLastAppliedUpdate)
{
    Selection s = Make("age", 4, 2);
    EXPECT_EQ(Chosen(s, 6, List{5, 1, 3, 1}), (List{1, 3}));
    EXPECT_EQ(Chosen(s, 7, List{5, 6, 3, 6}), (List{0, 2}));
}

TEST(Selection, EnergyTakesTheMostBatteryLeft)
{
    Selection s = Make("energy", 4, 2);
    for (uint32_t m = 0; m < 4; ++m)
    {
        s.SetBatteryJ(m, std::vector<double>{1.0, 5.0, 3.0, 5.0}[m]);
    }
    EXPECT_EQ(Chosen(s, 1, List(4, 0)), (List{1, 3}));
    s.SetAlive(3, false);
    EXPECT_EQ(Chosen(s, 2, List(4, 0)), (List{1, 2}));
    s.SetAlive(1, false);
    s.SetAlive(2, false);
    EXPECT_EQ(Chosen(s, 3, List(4, 0)), (List{0})); // fewer eligible than asked for: all of them
}

TEST(Selection, RandomIsUniformWithoutReplacementOverTheEligible)
{
    // Seeded Monte Carlo: 3 of the 7 eligible (of 8) per round; each is chosen 3/7 of the time.
    Selection s = Make("random", 8, 3);
    s.SetAlive(5, false);
    const int rounds = 20000;
    std::vector<int> counts(8, 0);
    for (int r = 1; r <= rounds; ++r)
    {
        const List chosen = Chosen(s, static_cast<uint32_t>(r), List(8, 0));
        ASSERT_EQ(chosen.size(), 3U);
        for (uint32_t m : chosen)
        {
            ++counts[m];
        }
    }
    EXPECT_EQ(counts[5], 0);
    const double p = 3.0 / 7.0;
    const double sd = std::sqrt(rounds * p * (1.0 - p));
    for (int m = 0; m < 8; ++m)
    {
        if (m != 5)
        {
            EXPECT_NEAR(counts[m], rounds * p, 4.5 * sd) << "worker " << m;
        }
    }
}

TEST(Selection, JainIndexIsOneWhenEvenAndOneOverNForOne)
{
    EXPECT_DOUBLE_EQ(JainIndex({4, 4, 4, 4}), 1.0);
    EXPECT_DOUBLE_EQ(JainIndex({8, 0, 0, 0}), 0.25);
    EXPECT_DOUBLE_EQ(JainIndex({1, 3}), 16.0 / 20.0);
}

/// A user's policy, whole in this file: the highest-numbered eligible workers.
class HighestNumbersPolicy : public SelectionPolicy
{
  public:
    void Choose(uint32_t, const std::vector<WorkerStanding>&, const std::vector<uint32_t>& candidates,
                size_t count, Rng&, std::vector<uint32_t>& chosen) override
    {
        chosen.assign(candidates.end() - static_cast<std::ptrdiff_t>(count), candidates.end());
    }
};

/// A broken policy: chooses one worker twice.
class TwicePolicy : public SelectionPolicy
{
  public:
    void Choose(uint32_t, const std::vector<WorkerStanding>&, const std::vector<uint32_t>& candidates, size_t count,
                Rng&, std::vector<uint32_t>& chosen) override
    {
        chosen.assign(count, candidates.front());
    }
};

TEST(Selection, AUsersPolicyRegistersInOneFileAndRunsFromAScenario)
{
    RegisterSelectionPolicy("highest-numbers", "the highest-numbered eligible workers",
                            [] { return std::make_unique<HighestNumbersPolicy>(); });
    ScenarioValues v = {{"selection.policy", "highest-numbers"}, {"selection.per_round", "2"},
                        {"network.workers", "5"}, {"problem.samples", "200"}, {"problem.features", "10"},
                        {"run.rounds", "3"}, {"run.cache_dir", "none"}};
    Experiment e(ResolveScenario(v).config);
    Recorder rec;
    RunIdeal(e, rec);
    for (const auto& round : rec.workerRows)
    {
        for (uint32_t m = 0; m < 5; ++m)
        {
            EXPECT_EQ(round[m].selected, m >= 3) << m;
            EXPECT_EQ(round[m].status, m >= 3 ? "applied" : "unselected");
        }
    }
    EXPECT_NE(ScenarioHelp().find("highest-numbers"), std::string::npos);

    RegisterSelectionPolicy("twice", "broken", [] { return std::make_unique<TwicePolicy>(); });
    Selection s(CreateSelectionPolicy("twice"), false, 4, 2, 1);
    std::vector<uint8_t> flags;
    EXPECT_THROW(s.Select(1, List(4, 0), flags), std::logic_error);
}

TEST(Selection, ScenarioKeysAreCheckedAgainstEachOther)
{
    auto error = [](ScenarioValues v) {
        try
        {
            ResolveScenario(v);
        }
        catch (const std::invalid_argument& e)
        {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(error({{"selection.policy", "fastest"}}).find("selection.policy"), std::string::npos);
    EXPECT_NE(error({{"selection.policy", "fastest"}}).find("best-channel"), std::string::npos);
    EXPECT_EQ(error({{"selection.per_round", "3"}}), ""); // policy all ignores it (a sweep may vary the policy)
    EXPECT_NE(error({{"selection.policy", "random"}, {"selection.per_round", "2.5"}}).find("whole count"),
              std::string::npos);
    EXPECT_NE(error({{"selection.policy", "random"}, {"selection.per_round", "11"}}).find("at most network.workers"),
              std::string::npos);
    EXPECT_NE(error({{"selection.policy", "best-channel"}}).find("network.kind = ideal"), std::string::npos);
    EXPECT_NE(error({{"selection.policy", "random"}, {"method.name", "cd-adam"}}).find("method.downlink"),
              std::string::npos);
    EXPECT_EQ(error({{"selection.policy", "random"}, {"selection.per_round", "0.25"}}), "");
}

ExperimentConfig
TwentyWorkers(const std::string& policy)
{
    ExperimentConfig c = SmallConfig("gd", 20);
    c.samples = 2000;
    c.rounds = 30;
    c.selectionPolicy = policy;
    c.selectionPerRound = policy == "all" ? 0.0 : 5.0;
    return c;
}

TEST(Selection, RandomFiveOfTwentyAppliesAtMostFiveAndSendsAQuarterOfTheBits)
{
    Recorder all;
    Experiment everyone(TwentyWorkers("all"));
    RunIdeal(everyone, all);
    Recorder five;
    Experiment some(TwentyWorkers("random"));
    RunIdeal(some, five);
    ASSERT_EQ(five.rows.size(), 31U);
    for (size_t r = 1; r < five.rows.size(); ++r)
    {
        EXPECT_LE(five.rows[r].updatesApplied, 5) << r;
        EXPECT_EQ(five.rows[r].workersSelected, 5) << r;
        EXPECT_EQ(all.rows[r].workersSelected, 20) << r;
        int selected = 0;
        for (const WorkerRecord& w : five.workerRows[r - 1])
        {
            selected += w.selected;
            if (!w.selected)
            {
                EXPECT_EQ(w.status, "unselected");
                EXPECT_EQ(w.uplinkPayloadBits, 0U); // it sent nothing
            }
        }
        EXPECT_EQ(selected, 5);
    }
    // GD's updates are all d values: the bits are exactly a quarter, up- and downlink.
    EXPECT_EQ(4 * five.rows.back().network.uplinkPayloadBits, all.rows.back().network.uplinkPayloadBits);
    // Each model message carries 20 selection bits (3 bytes) more than without a selection.
    EXPECT_EQ(4 * (five.rows.back().network.downlinkPayloadBits - 30ULL * 5 * 24),
              all.rows.back().network.downlinkPayloadBits);
    EXPECT_LT(five.rows.back().lossGap, five.rows.front().lossGap);
    // Unselected workers compute nothing.
    EXPECT_EQ(4 * five.rows.back().computeSamples, all.rows.back().computeSamples);
}

TEST(Selection, EverySelectedWorkerWithAllPolicyIsBitIdenticalToNoSelection)
{
    // policy = all builds no Selection; a Selection of every worker must change nothing either.
    ExperimentConfig c = TwentyWorkers("all");
    c.method.name = "topk-ef";
    c.method.kFraction = 0.1;
    Recorder plain;
    Experiment a(c);
    RunIdeal(a, plain);
    Experiment b(c);
    b.GetServer().SetSelection(std::make_unique<Selection>(CreateSelectionPolicy("all"), true, 20, 20, 3));
    Recorder selected;
    RunIdeal(b, selected);
    ASSERT_EQ(plain.rows.size(), selected.rows.size());
    for (size_t r = 0; r < plain.rows.size(); ++r)
    {
        EXPECT_EQ(plain.rows[r].trainLoss, selected.rows[r].trainLoss);
        EXPECT_EQ(plain.rows[r].network.uplinkPayloadBits, selected.rows[r].network.uplinkPayloadBits);
        EXPECT_EQ(plain.rows[r].network.downlinkPayloadBits, selected.rows[r].network.downlinkPayloadBits);
    }
    EXPECT_EQ(a.GetServer().Model(), b.GetServer().Model());
}

} // namespace
} // namespace airgrad

namespace airgrad {
namespace {

TEST(BufferedRounds, StaleUpdatesCountWithTheirWeightAndTheModelGoesToTheIdle)
{
    // Four GD workers, a buffer of 2, weight (1 + s)^-1. Round 1: workers 0 and 1 answer.
    // Round 2 goes to them only; the round-1 updates of 2 and 3 then arrive 1 round stale.
    ExperimentConfig c = SmallConfig("gd", 4);
    c.modelValues = ValueFormat::kFloat64;
    Experiment e(c);
    Server& server = e.GetServer();
    server.SetBuffered(2, 1.0);
    std::vector<std::vector<uint8_t>> updates(4);
    std::vector<uint8_t> model = server.BeginRound();
    for (int m = 0; m < 4; ++m)
    {
        ASSERT_TRUE(server.Selected(m));
        e.GetWorker(m).OnModel(model.data(), model.size(), updates[static_cast<size_t>(m)]);
    }
    ASSERT_TRUE(server.OnUplink(updates[0].data(), updates[0].size()));
    ASSERT_TRUE(server.OnUplink(updates[1].data(), updates[1].size()));
    EXPECT_EQ(server.EndRound(), 2);
    EXPECT_EQ(server.LastStaleness(), 0);

    model = server.BeginRound();
    EXPECT_EQ(server.Participants(), 2);
    EXPECT_TRUE(server.Selected(0) && server.Selected(1) && !server.Selected(2) && !server.Selected(3));
    const Eigen::VectorXd before = server.Model();
    ASSERT_TRUE(server.OnUplink(updates[2].data(), updates[2].size())); // computed at round 1's model
    ASSERT_TRUE(server.OnUplink(updates[3].data(), updates[3].size()));
    EXPECT_FALSE(server.OnUplink(updates[3].data(), updates[3].size())); // one per worker and round
    EXPECT_EQ(server.EndRound(), 2);
    EXPECT_EQ(server.LastStaleness(), 2);
    EXPECT_EQ(server.LastApplied(2), 1U); // the round the worker staged it in: it settles it as applied
    EXPECT_TRUE(server.AppliedLast(3) && !server.AppliedLast(0));

    Eigen::VectorXd g2(c.features), g3(c.features);
    DecodeDense(updates[2].data(), updates[2].size(), g2);
    DecodeDense(updates[3].data(), updates[3].size(), g3);
    const Eigen::VectorXd expected = before - e.Step() * ((0.5 * g2 + 0.5 * g3) / 2.0);
    EXPECT_EQ(server.Model(), expected);

    // A worker timed out gets the next model; an update of its old model is then refused.
    server.TimeOut(0);
    model = server.BeginRound();
    EXPECT_TRUE(server.Selected(0) && !server.Selected(1) && server.Selected(2) && server.Selected(3));
    EXPECT_FALSE(server.OnUplink(updates[0].data(), updates[0].size()));
}

TEST(BufferedRounds, MethodsWithSynchronousMirrorsAreRefused)
{
    for (const char* method : {"diana", "ef21", "gd-sec", "tpc", "lag", "cd-adam"})
    {
        Experiment e(SmallConfig(method, 3));
        EXPECT_THROW(e.GetServer().SetBuffered(2, 0.0), std::invalid_argument) << method;
        ScenarioValues v = {{"run.mode", "buffered"}, {"method.name", method}, {"network.kind", "link"}};
        try
        {
            ResolveScenario(v);
            ADD_FAILURE() << method << " accepted";
        }
        catch (const std::invalid_argument& error)
        {
            EXPECT_NE(std::string(error.what()).find("diana, ef21, gd-sec, tpc, lag, cd-adam"), std::string::npos);
        }
    }
    EXPECT_THROW(ResolveScenario({{"run.mode", "buffered"}}), std::invalid_argument); // network.kind = ideal
    EXPECT_THROW(ResolveScenario({{"run.buffer", "3"}}), std::invalid_argument);      // sync
    EXPECT_THROW(ResolveScenario({{"run.mode", "buffered"}, {"network.kind", "link"}, {"run.buffer", "11"}}),
                 std::invalid_argument);
    EXPECT_NO_THROW(ResolveScenario({{"run.mode", "buffered"}, {"network.kind", "link"}, {"run.buffer", "4"},
                                     {"run.staleness_weight", "poly:0.5"}, {"method.name", "topk"}}));
    // Error feedback settles an applied update in full: a weight below 1 would lose the rest.
    EXPECT_THROW(ResolveScenario({{"run.mode", "buffered"}, {"network.kind", "link"},
                                  {"run.staleness_weight", "poly:0.5"}, {"method.name", "topk-ef"}}),
                 std::invalid_argument);
}

} // namespace
} // namespace airgrad

#include <cstdio>
#include <fstream>

namespace airgrad {
namespace {

std::string
WriteFile(const std::string& name, const std::string& text)
{
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
}

TEST(Availability, WindowsAreReadAndCheckedLineByLine)
{
    const auto windows = LoadAvailability(WriteFile("avail-ok.csv", "worker,start_s,end_s\n2,0,1.5\n\n2,3,4\n0,1,2\n"), 3);
    ASSERT_EQ(windows.size(), 3U);
    const Availability a(windows, 3);
    EXPECT_TRUE(a.Available(2, 0.0));
    EXPECT_FALSE(a.Available(2, 1.5)); // the end is exclusive
    EXPECT_TRUE(a.Available(2, 3.5));
    EXPECT_FALSE(a.Available(0, 0.5));
    EXPECT_TRUE(a.Available(1, 1e9)); // not listed: always
    auto error = [](const std::string& text) {
        try
        {
            LoadAvailability(WriteFile("avail-bad.csv", text), 3);
        }
        catch (const std::runtime_error& e)
        {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(error("worker,start,end\n").find("avail-bad.csv:1: the header must be worker,start_s,end_s"),
              std::string::npos);
    EXPECT_NE(error("worker,start_s,end_s\n3,0,1\n").find(":2: worker '3' is not a worker number 0 .. 2"),
              std::string::npos);
    EXPECT_NE(error("worker,start_s,end_s\n1.5,0,1\n").find("is not a worker number"), std::string::npos);
    EXPECT_NE(error("worker,start_s,end_s\n0,2,1\n").find("0 <= start_s < end_s"), std::string::npos);
    EXPECT_NE(error("worker,start_s,end_s\n0,x,1\n").find("start_s 'x' is not a finite number"), std::string::npos);
    EXPECT_NE(error("worker,start_s,end_s\n0,1\n").find("2 cells"), std::string::npos);
    EXPECT_NE(error("").find(":1:"), std::string::npos);
    EXPECT_THROW(LoadAvailability("/nonexistent/avail.csv", 3), std::runtime_error);
}

TEST(Availability, TheScenarioKeyNeedsANetworkWithTime)
{
    EXPECT_THROW(ResolveScenario({{"energy.availability", "a.csv"}}), std::invalid_argument);
    EXPECT_NO_THROW(ResolveScenario({{"energy.availability", "a.csv"}, {"network.kind", "link"}}));
}

} // namespace
} // namespace airgrad
