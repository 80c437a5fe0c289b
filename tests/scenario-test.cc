#include "scenario/scenario-config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace airgrad {
namespace {

class ScenarioTest : public ::testing::Test
{
  protected:
    std::string Write(const std::string& text)
    {
        std::ofstream(m_path) << text;
        return m_path;
    }
    void TearDown() override { std::remove(m_path.c_str()); }

    /// The message of the std::invalid_argument that loading throws.
    std::string Error(const std::string& text, const std::vector<std::string>& overrides = {})
    {
        try
        {
            LoadScenario(Write(text), overrides);
        }
        catch (const std::invalid_argument& e)
        {
            return e.what();
        }
        ADD_FAILURE() << "no error for:\n" << text;
        return "";
    }

    // One file per test: ctest runs the tests as parallel processes.
    std::string m_path = ::testing::TempDir() + "airgrad-scenario-" +
                         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".ini";
};

void
ExpectMentions(const std::string& message, const std::vector<std::string>& parts)
{
    for (const auto& p : parts)
    {
        EXPECT_NE(message.find(p), std::string::npos) << "'" << p << "' missing from: " << message;
    }
}

TEST_F(ScenarioTest, DefaultsAreTheDocumentedOnes)
{
    const Scenario s = LoadScenario(Write(""), {});
    const ExperimentConfig defaults;
    EXPECT_EQ(s.config.rounds, defaults.rounds);
    EXPECT_EQ(s.config.method.name, "gd");
    EXPECT_EQ(s.config.networkKind, "ideal");
    EXPECT_EQ(s.resolved.size(), ScenarioKeys().size());
    // Every key's documented default parses into the struct's default.
    for (const auto& [key, value] : s.resolved)
    {
        for (const auto& k : ScenarioKeys())
        {
            if (k.key == key)
            {
                EXPECT_EQ(value, k.defaultValue);
                EXPECT_FALSE(k.help.empty()) << key;
            }
        }
    }
    // The key table's default strings and ExperimentConfig's defaults must agree, field by field.
    EXPECT_EQ(s.config.name, defaults.name);
    EXPECT_EQ(s.config.seed, defaults.seed);
    EXPECT_EQ(s.config.problemType, defaults.problemType);
    EXPECT_EQ(s.config.noise, defaults.noise);
    EXPECT_EQ(s.config.conditionNumber, defaults.conditionNumber);
    EXPECT_EQ(s.config.method.kFraction, defaults.method.kFraction);
    EXPECT_EQ(s.config.method.k, defaults.method.k);
    EXPECT_EQ(s.config.step, defaults.step);
    EXPECT_EQ(s.config.distanceM, defaults.distanceM);
    EXPECT_EQ(s.config.fragmentBytes, defaults.fragmentBytes);
    EXPECT_EQ(s.config.modelValues, defaults.modelValues);
    EXPECT_EQ(s.config.roundDeadlineS, defaults.roundDeadlineS);
    EXPECT_EQ(s.config.secondsPerSample, defaults.secondsPerSample);
    EXPECT_EQ(s.config.samples, defaults.samples);
    EXPECT_EQ(s.config.testSamples, defaults.testSamples);
    EXPECT_EQ(s.config.features, defaults.features);
    EXPECT_EQ(s.config.l2, defaults.l2);
    EXPECT_EQ(s.config.workers, defaults.workers);
    EXPECT_EQ(s.config.channelWidthMhz, defaults.channelWidthMhz);
}

TEST_F(ScenarioTest, FileValuesAndOverridesApplyInOrder)
{
    const Scenario s = LoadScenario(Write("[run]\nrounds = 7\n[method]\nname = topk-ef\nk = 3\n"),
                                    {"run.rounds=9", "network.kind=wifi"});
    EXPECT_EQ(s.config.rounds, 9);
    EXPECT_EQ(s.config.method.name, "topk-ef");
    EXPECT_EQ(s.config.method.k, 3);
    EXPECT_EQ(s.config.networkKind, "wifi");
}

TEST_F(ScenarioTest, UnknownKeyInFileOrOverride)
{
    ExpectMentions(Error("[network]\nsnr = 5\n"), {"unknown key", "network.snr", "allowed keys", "network.workers"});
    ExpectMentions(Error("", {"method.nme=gd"}), {"unknown key", "method.nme", "allowed keys"});
    ExpectMentions(Error("", {"rounds"}), {"--set", "'rounds'", "section.key=value"});
}

TEST_F(ScenarioTest, UnparsableAndOutOfRangeValues)
{
    ExpectMentions(Error("[run]\nrounds = ten\n"), {"run.rounds", "'ten'", "an integer in [1, "});
    ExpectMentions(Error("[run]\nrounds = 0\n"), {"run.rounds", "'0'", "an integer in [1, "});
    ExpectMentions(Error("[method]\nk_fraction = 1.5\n"), {"method.k_fraction", "'1.5'", "(0, 1]"});
    ExpectMentions(Error("[method]\nk_fraction = 0\n"), {"method.k_fraction", "'0'"});
    ExpectMentions(Error("[method]\nstep = fast\n"), {"method.step", "'fast'"});
    ExpectMentions(Error("[network]\nchannel_width_mhz = 30\n"), {"network.channel_width_mhz", "'30'", "20 | 40 | 80 | 160"});
    ExpectMentions(Error("[network]\nkind = lte\n"), {"network.kind", "'lte'", "ideal | wifi"});
    ExpectMentions(Error("[network]\ndistance_m = -1\n"), {"network.distance_m", "'-1'"});
    ExpectMentions(Error("[problem]\nnoise = nan\n"), {"problem.noise", "'nan'"});
    ExpectMentions(Error("[problem]\nl2 = 0\n"), {"problem.l2", "logistic"});
    ExpectMentions(Error("[problem]\nsamples = 5\n[network]\nworkers = 10\n"), {"problem.samples", "'5'", "network.workers"});
    ExpectMentions(Error("[run]\nname = ../x\n"), {"run.name", "'../x'"});
}

TEST_F(ScenarioTest, SnrIsEmptyOneValueOrOnePerWorker)
{
    EXPECT_TRUE(LoadScenario(Write(""), {}).config.snrDb.empty());
    EXPECT_EQ(LoadScenario(Write("[network]\nsnr_db = 12.5\n"), {}).config.snrDb, std::vector<double>{12.5});
    EXPECT_EQ(LoadScenario(Write("[network]\nworkers = 3\nsnr_db = 5, 15,25\n"), {}).config.snrDb,
              (std::vector<double>{5, 15, 25}));
    ExpectMentions(Error("[network]\nworkers = 3\nsnr_db = 5,15\n"), {"network.snr_db", "'5,15'", "network.workers = 3"});
    ExpectMentions(Error("[network]\nsnr_db = 5,,15\n"), {"network.snr_db", "'5,,15'", "comma-separated"});
    ExpectMentions(Error("[network]\nsnr_db = loud\n"), {"network.snr_db", "'loud'"});
    ExpectMentions(Error("[network]\nsnr_db = 500\n"), {"network.snr_db", "'500'", "[-10, 80]"});
}

TEST_F(ScenarioTest, UnknownMethodNamesTheAllowedOnes)
{
    ExpectMentions(Error("[method]\nname = adam\n"), {"method.name", "'adam'", "gd, topk, topk-ef"});
}

TEST_F(ScenarioTest, MissingFile)
{
    try
    {
        LoadScenario("/nonexistent/airgrad.ini", {});
        FAIL();
    }
    catch (const std::invalid_argument& e)
    {
        ExpectMentions(e.what(), {"/nonexistent/airgrad.ini", "cannot be read"});
    }
}

TEST_F(ScenarioTest, HelpListsEveryKeyWithItsDefaultAndUnit)
{
    const std::string help = ScenarioHelp();
    ExpectMentions(help, {"[network]", "round_deadline_s = 10 (s)", "channel_width_mhz = 20 (MHz)",
                          "seconds_per_sample = 2e-6 (s/sample)"});
    for (const auto& k : ScenarioKeys())
    {
        EXPECT_NE(help.find(k.key.substr(k.key.find('.') + 1) + " = "), std::string::npos) << k.key;
    }
}

} // namespace
} // namespace airgrad
