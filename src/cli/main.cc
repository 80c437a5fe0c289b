// The airgrad executable: run a scenario, list what exists, document every key.

#include "cli/directory-lock.h"
#include "cli/progress.h"
#include "cli/sweep.h"
#include "helper/network-drivers.h"
#include "method/method-factory.h"
#include "round/experiment.h"
#include "round/metrics-writer.h"
#include "scenario/scenario-config.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace airgrad {
namespace {

constexpr int kUsageError = 2;
constexpr int kNonFinite = 3; ///< the loss or gradient became NaN or infinite: the run stopped

/// Thrown by the observer at the first metrics row whose train loss or gradient norm is not finite.
class NonFiniteRow : public std::runtime_error
{
  public:
    NonFiniteRow(int round, const std::string& what)
        : std::runtime_error(what),
          m_round(round)
    {
    }
    int Round() const { return m_round; }

  private:
    int m_round;
};

const char* kUsage = "usage: airgrad run SCENARIO.ini [--set section.key=value]... [--out DIR]\n"
                     "       airgrad sweep SWEEP.ini [--jobs N] [--out DIR] (see sweep --help)\n"
                     "       airgrad list\n"
                     "       airgrad --help | run --help | --version\n";

void
PrintRunHelp()
{
    std::cout << kUsage << "\n"
              << "airgrad run: train with the scenario's method over its network and write\n"
                 "DIR/metrics.csv (one row per round) and DIR/run.json (configuration and summary).\n"
                 "DIR defaults to results/<run.name>. Progress goes to stderr.\n\n"
                 "  --set section.key=value   override a scenario key (repeatable)\n"
                 "  --out DIR                 output directory\n\n"
                 "Scenario keys (INI sections; 'key = default (unit)'):\n"
              << ScenarioHelp();
}

void
PrintList()
{
    const auto item = [](const std::string& name, const std::string& meaning) {
        std::cout << "  " << name << std::string(name.size() < 14 ? 14 - name.size() : 1, ' ') << meaning << "\n";
    };
    std::cout << "method.name:\n";
    for (const auto& m : MethodCatalogue())
    {
        item(m.name, m.description);
    }
    // From the tables the scenario parser checks, so that the listing cannot drift from it.
    for (const auto& key : ChoiceKeys())
    {
        std::cout << key << ":\n";
        for (const auto& c : ChoicesOf(key))
        {
            item(c.value, c.meaning);
        }
    }
}

/// Sends each record to several observers.
class Fanout : public RoundObserver
{
  public:
    explicit Fanout(std::vector<RoundObserver*> targets)
        : m_targets(std::move(targets))
    {
    }
    void OnRound(const RoundRecord& r) override
    {
        // A diverged model only gives NaN from here on: stop, and keep the rows before it.
        if (!std::isfinite(r.trainLoss) || !std::isfinite(r.gradNormSq))
        {
            std::ostringstream what;
            what << "round " << r.round << ": the train loss is " << r.trainLoss << " and the squared gradient norm "
                 << r.gradNormSq << "; the model diverged";
            throw NonFiniteRow(r.round, what.str());
        }
        for (RoundObserver* t : m_targets)
        {
            t->OnRound(r);
        }
        m_last = r;
    }
    void OnWorkers(int round, const std::vector<WorkerRecord>& workers) override
    {
        for (RoundObserver* t : m_targets)
        {
            t->OnWorkers(round, workers);
        }
    }
    const RoundRecord& Last() const { return m_last; }

  private:
    std::vector<RoundObserver*> m_targets;
    RoundRecord m_last;
};

/// The process's peak resident memory so far (Linux reports ru_maxrss in KiB).
double
PeakResidentBytes()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return 1024.0 * static_cast<double>(usage.ru_maxrss);
}

JsonObject
SummaryJson(const RoundRecord& r)
{
    JsonObject s;
    s.Add("rounds", static_cast<long long>(r.round))
        .Add("sim_time_s", r.network.simTimeS)
        .Add("train_loss", r.trainLoss)
        .Add("loss_gap", r.lossGap)
        .Add("grad_norm_sq", r.gradNormSq);
    if (r.testAccuracy)
    {
        s.Add("test_accuracy", *r.testAccuracy);
    }
    s.Add("uplink_payload_bits", static_cast<long long>(r.network.uplinkPayloadBits))
        .Add("downlink_payload_bits", static_cast<long long>(r.network.downlinkPayloadBits))
        .Add("uplink_air_bytes", static_cast<long long>(r.network.uplinkAirBytes))
        .Add("airtime_s", r.network.airtimeS)
        .Add("energy_j", r.network.energyJ)
        .Add("compute_samples", r.computeSamples)
        .Add("compute_flops", r.computeFlops);
    return s;
}

int
Run(int argc, char** argv)
{
    po::options_description opts;
    opts.add_options()("help,h", "")("set", po::value<std::vector<std::string>>()->composing(), "")(
        "out", po::value<std::string>(), "")("scenario", po::value<std::string>(), "");
    po::positional_options_description positional;
    positional.add("scenario", 1);
    po::variables_map vm;
    try
    {
        po::store(po::command_line_parser(argc, argv).options(opts).positional(positional).run(), vm);
    }
    catch (const po::error& e)
    {
        std::cerr << "airgrad run: " << e.what() << "\n" << kUsage;
        return kUsageError;
    }
    if (vm.count("help"))
    {
        PrintRunHelp();
        return 0;
    }
    if (!vm.count("scenario"))
    {
        std::cerr << "airgrad run: missing SCENARIO.ini\n" << kUsage;
        return kUsageError;
    }
    if (const char* sweep = std::getenv("AIRGRAD_SWEEP_PID"))
    {
        // A point of a sweep ends with it, even when the sweep is killed outright.
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (std::to_string(getppid()) != sweep)
        {
            return 1; // the sweep ended before this point started
        }
    }
    const std::string scenarioPath = vm["scenario"].as<std::string>();
    const auto overrides = vm.count("set") ? vm["set"].as<std::vector<std::string>>()
                                           : std::vector<std::string>{};
    Scenario scenario;
    try
    {
        scenario = LoadScenario(scenarioPath, overrides);
        ns3::airgrad::CheckNetworkAvailable(scenario.config.networkKind);
    }
    catch (const std::invalid_argument& e)
    {
        std::cerr << "airgrad: error: " << e.what() << "\n";
        return kUsageError;
    }
    const ExperimentConfig& config = scenario.config;
    const fs::path out = vm.count("out") ? fs::path(vm["out"].as<std::string>())
                                         : fs::path("results") / config.name;
    // The output directory must take files before the set-up (which may take minutes) runs.
    {
        std::error_code ec;
        fs::create_directories(out, ec);
        const fs::path probe = out / ".airgrad-write-test";
        if (!ec && !std::ofstream(probe))
        {
            ec = std::make_error_code(std::errc::permission_denied);
        }
        std::error_code ignored;
        fs::remove(probe, ignored);
        if (ec)
        {
            std::cerr << "airgrad: error: output directory " << out << " (--out, or results/run.name) cannot be "
                      << "written: " << ec.message() << "\n";
            return kUsageError;
        }
    }
    // One run per directory: two writing the same files would rename each other's away.
    DirectoryLock lock;
    std::string holder;
    if (!lock.Acquire((out / ".lock").string(), holder))
    {
        std::cerr << "airgrad: error: output directory " << out << " (--out, or results/run.name) is being "
                  << "written by another airgrad run (" << holder << "); wait for it or choose another --out\n";
        return kUsageError;
    }

    const auto started = std::chrono::steady_clock::now();
    std::unique_ptr<Experiment> experiment;
    try
    {
        experiment = std::make_unique<Experiment>(config);
    }
    catch (const std::exception& e) // a bad key, or a data file that cannot be read as its format
    {
        std::cerr << "airgrad: error: " << e.what() << "\n";
        return kUsageError;
    }
    if (std::isfinite(experiment->FStar()) || std::isfinite(experiment->SmoothnessL()))
    {
        std::cerr << "airgrad: f* and L " << (experiment->OptimumSource() == "cache" ? "from the cache" : experiment->OptimumSource())
                  << (experiment->CacheEntry().empty() ? std::string() : " (" + experiment->CacheEntry() + ")") << "\n";
    }
    if (config.method.name == "topk-ef" && config.problemType == "logistic" && config.step == 0.0 &&
        experiment->SparseData())
    {
        // Measured on scenarios/sparse-logistic.ini (d = 1e5, ideal link, 200 rounds): 1/L left a
        // loss gap of 0.081 at K = 5% and grew it to 2.9 at K = 1%; sqrt(K/d)/L reached 0.0052 and
        // 0.020. On dense data 1/L is the faster of the two, so it stays the rule.
        const double k = static_cast<double>(ResolveK(config.method, experiment->Dimension()));
        std::cerr << "airgrad: note: method.step = auto is 1/L = " << experiment->Step()
                  << " for topk-ef; on sparse logistic data it stalled or diverged in our runs, where sqrt(K/d)/L = "
                  << std::sqrt(k / static_cast<double>(experiment->Dimension())) * experiment->Step()
                  << " converged (set method.step to it)\n";
    }

    // A directory with run.json holds a finished run: drop an old one before writing anything.
    std::error_code ec;
    fs::remove(out / "run.json", ec);
    fs::remove(out / "metrics.csv", ec);
    fs::remove(out / "workers.csv", ec);

    CsvMetricsWriter csv((out / "metrics.csv").string());
    CsvWorkersWriter workersCsv((out / "workers.csv").string());
    const bool simulated = config.networkKind != "ideal";
    ProgressReporter progress(config.rounds, simulated);
    Fanout fanout({&csv, &workersCsv, &progress});
    std::cerr << "airgrad: " << config.name << ": " << config.method.name << " on " << config.problemType
              << " (d = " << experiment->Dimension() << ", M = " << config.workers << ") over "
              << config.networkKind << ", " << config.rounds << " rounds -> " << out.string() << "\n";
    const auto roundsStarted = std::chrono::steady_clock::now();
    ns3::airgrad::NetworkRunStats networkStats;
    try
    {
        networkStats = ns3::airgrad::RunNetwork(*experiment, fanout);
    }
    catch (const NonFiniteRow& e)
    {
        progress.Finish();
        csv.Commit(); // the rows before the stop; no run.json: the run did not finish
        workersCsv.Commit();
        std::cerr << "airgrad: stopped at " << e.what() << " (method.step = " << experiment->Step()
                  << "; a smaller method.step may help); " << (out / "metrics.csv").string()
                  << " keeps the rows before round " << e.Round() << "\n";
        return kNonFinite;
    }
    progress.Finish();
    csv.Commit();
    workersCsv.Commit();
    const auto now = std::chrono::steady_clock::now();
    const double wall = std::chrono::duration<double>(now - started).count();
    const double simulationWall = std::chrono::duration<double>(now - roundsStarted).count();

    JsonObject resolved;
    for (const auto& [key, value] : scenario.resolved)
    {
        resolved.Add(key, value);
    }
    JsonObject derived;
    derived.Add("dimension", static_cast<long long>(experiment->Dimension()))
        .Add("step", experiment->Step())
        .Add("smoothness_L", experiment->SmoothnessL())
        .Add("f_star", experiment->FStar())
        .Add("f_star_grad_norm", experiment->FStarGradNorm())
        .Add("f_star_source", experiment->OptimumSource())
        .Add("f_star_cache_entry", experiment->CacheEntry())
        .Add("f_star_solver_steps", static_cast<long long>(experiment->Optimum().newtonSteps))
        .Add("f_star_operator_products", experiment->Optimum().operatorProducts)
        .Add("train_data_bytes", experiment->TrainBytes())
        .Add("flops_per_sample", experiment->GetWorker(0).FlopsPerSample());
    for (const auto& [key, value] : DerivedMethodValues(config.method, experiment->Dimension(), config.workers))
    {
        derived.Add(key, value);
    }
    derived.Add("local_steps", static_cast<long long>(LocalSteps(config.method)));
    JsonObject data;
    long long trainSamples = 0;
    for (int m = 0; m < experiment->Workers(); ++m)
    {
        trainSamples += experiment->GetWorker(m).Samples();
    }
    data.Add("train_samples", trainSamples).Add("classes", static_cast<long long>(experiment->Classes()));
    if (experiment->Classes() > 0)
    {
        data.Add("label_histograms", experiment->LabelHistograms());
    }
    JsonObject timing;
    timing.Add("setup_wall_s", wall - simulationWall)
        .Add("setup_data_s", experiment->Times().dataS)
        .Add("setup_smoothness_s", experiment->Times().smoothnessS)
        .Add("setup_f_star_s", experiment->Times().optimumS)
        .Add("rounds_wall_s", simulationWall)
        .Add("rounds_per_wall_s", static_cast<double>(config.rounds) / simulationWall)
        .Add("peak_rss_bytes", PeakResidentBytes());
    if (simulated)
    {
        timing.Add("ns3_events", static_cast<long long>(networkStats.events))
            .Add("ns3_events_per_wall_s", static_cast<double>(networkStats.events) / simulationWall)
            .Add("learning_start_sim_s", networkStats.learningStartS)
            .Add("learning_wall_s", networkStats.learningWallS)
            .Add("rounds_per_learning_wall_s", static_cast<double>(config.rounds) / networkStats.learningWallS)
            .Add("radio_energy_models_off", static_cast<long long>(networkStats.radiosOff))
            .Add("station_data_ppdus", static_cast<long long>(networkStats.dataPpdus))
            .Add("trigger_based_data_ppdus", static_cast<long long>(networkStats.triggerBasedDataPpdus));
    }
    const Server& server = experiment->GetServer();
    JsonObject selection;
    selection.Add("policy", config.selectionPolicy)
        .Add("times_selected", server.TimesSelected())
        .Add("jain_index", JainIndex(server.TimesSelected()));
    if (!networkStats.depletedRounds.empty())
    {
        std::vector<long long> depleted(networkStats.depletedRounds.begin(), networkStats.depletedRounds.end());
        selection.Add("batteries_j", experiment->BatteriesJ())
            .Add("depleted_round", depleted)
            .Add("workers_depleted",
                 static_cast<long long>(depleted.size() - static_cast<size_t>(std::count(depleted.begin(), depleted.end(), 0))));
    }
    JsonObject run;
    run.Add("airgrad_version", AIRGRAD_VERSION)
        .Add("git_commit", AIRGRAD_GIT_COMMIT)
        .Add("scenario_file", scenarioPath)
        .Add("seed", static_cast<long long>(config.seed))
        .Add("wall_clock_s", wall)
        .Add("config", resolved)
        .Add("derived", derived)
        .Add("timing", timing)
        .Add("data", data)
        .Add("selection", selection)
        .Add("summary", SummaryJson(fanout.Last()).Add("updates_rejected", server.Rejected()));
    WriteFileAtomically((out / "run.json").string(), run.ToString() + "\n");
    std::cerr << "airgrad: done in " << wall << " s; wrote " << (out / "metrics.csv").string() << " and "
              << (out / "run.json").string() << "\n";
    return 0;
}

} // namespace
} // namespace airgrad

int
main(int argc, char** argv)
{
    using namespace airgrad;
    const std::string command = argc > 1 ? argv[1] : "";
    try
    {
        if (command == "run")
        {
            return Run(argc - 1, argv + 1);
        }
        if (command == "sweep")
        {
            return RunSweepCommand(argc - 1, argv + 1);
        }
        if (command == "list")
        {
            PrintList();
            return 0;
        }
        if (command == "--help" || command == "-h" || command == "help")
        {
            std::cout << "airgrad " << AIRGRAD_VERSION
                      << ": which gradient-compression method trains fastest, and with the least\n"
                         "energy, over a given radio link?\n\n";
            PrintRunHelp();
            return 0;
        }
        if (command == "--version")
        {
            std::cout << "airgrad " << AIRGRAD_VERSION << " (" << AIRGRAD_GIT_COMMIT << ")\n";
            return 0;
        }
        std::cerr << (command.empty() ? std::string("airgrad: missing command")
                                      : "airgrad: unknown command '" + command + "'")
                  << "\n"
                  << kUsage;
        return kUsageError;
    }
    catch (const std::exception& e)
    {
        std::cerr << "\nairgrad: error: " << e.what() << "\n";
        return 1;
    }
}
