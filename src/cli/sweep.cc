// airgrad sweep: a grid of scenario points, each run as its own `airgrad run` process.
//
// Layout of DIR: sweep.ini (a copy of the sweep file), sweep.csv (the index), and one directory per
// point, named by its swept values, holding scenario.ini (the point's complete scenario), log.txt
// (the run's stderr), metrics.csv and run.json. A point is finished exactly when its run.json
// exists and its scenario.ini is the one the sweep file gives now: `airgrad run` writes run.json
// last and atomically, so a killed sweep resumes where it stopped, and an edited one re-runs.

#include "cli/sweep.h"

#include "helper/network-drivers.h"

#include "cli/directory-lock.h"

#include "data/loaders.h"

#include "round/metrics-writer.h"
#include "scenario/scenario-config.h"

#include <boost/program_options.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

extern char** environ;

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace airgrad {
namespace {

constexpr int kUsageError = 2;

/// The signal that asked the sweep to stop (0: none): the loop stops its points and waits for them.
volatile std::sig_atomic_t g_stopSignal = 0;

extern "C" void
OnStopSignal(int signal)
{
    g_stopSignal = signal;
}
const char* kSweepUsage =
    "usage: airgrad sweep SWEEP.ini [--jobs N] [--out DIR] [--max-points N]\n"
    "       airgrad sweep SWEEP.ini [--out DIR] --emit-commands FILE | --emit-slurm FILE\n"
    "       airgrad sweep --collect DIR\n";

struct Point
{
    std::string name;                                        ///< directory name
    std::vector<std::pair<std::string, std::string>> values; ///< swept key, value
    fs::path dir;
    std::string status = "pending"; ///< pending | running | done | failed
};

std::string
ReadFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The complete scenario of a point, as an INI file with every key.
std::string
PointScenario(const SweepSpec& spec, const Point& point)
{
    ScenarioValues values = spec.base;
    for (const auto& [key, value] : point.values)
    {
        values[key] = value;
    }
    const Scenario s = ResolveScenario(values);
    std::ostringstream out;
    std::string section;
    for (const auto& [key, value] : s.resolved)
    {
        const std::string sec = key.substr(0, key.find('.'));
        if (sec != section)
        {
            out << (section.empty() ? "" : "\n") << "[" << sec << "]\n";
            section = sec;
        }
        out << key.substr(key.find('.') + 1) << " = " << value << "\n";
    }
    return out.str();
}

std::vector<Point>
MakePoints(const SweepSpec& spec, const fs::path& out)
{
    std::vector<Point> points;
    for (const ScenarioValues& values : SweepPoints(spec))
    {
        Point p;
        for (const auto& [key, list] : spec.axes) // name in axis order, not map order
        {
            const std::string& v = values.at(key);
            p.values.emplace_back(key, v);
            p.name += (p.name.empty() ? "" : "+") + key + "=" + v;
        }
        if (p.name.empty())
        {
            p.name = "point";
        }
        p.dir = out / p.name;
        // Finished only if it ran this very scenario: an edited sweep file re-runs its points.
        p.status = fs::exists(p.dir / "run.json") &&
                           ReadFile(p.dir / "scenario.ini") == PointScenario(spec, p)
                       ? "done"
                       : "pending";
        points.push_back(p);
    }
    return points;
}

/// The first metrics row meeting each target, and the run's wall-clock seconds.
struct PointResult
{
    double wallS = NAN;
    std::vector<std::vector<std::string>> atTarget; ///< per target: the cost columns, or empties
};

const std::vector<std::string> kCostColumns = {"round", "sim_time_s", "airtime_s", "energy_j",
                                               "uplink_payload_bits"};

PointResult
ReadResult(const Point& p, const std::vector<SweepTarget>& targets)
{
    PointResult r;
    r.atTarget.assign(targets.size(), std::vector<std::string>(kCostColumns.size()));
    if (p.status != "done")
    {
        return r;
    }
    const std::string json = ReadFile(p.dir / "run.json");
    const auto at = json.find("\"wall_clock_s\": ");
    if (at != std::string::npos)
    {
        r.wallS = std::strtod(json.c_str() + at + 16, nullptr);
    }
    std::ifstream in(p.dir / "metrics.csv");
    std::string line;
    std::getline(in, line);
    const auto header = SplitCsvLine(line);
    auto column = [&](const std::string& name) {
        for (size_t i = 0; i < header.size(); ++i)
        {
            if (header[i] == name)
            {
                return i;
            }
        }
        throw std::runtime_error((p.dir / "metrics.csv").string() + " has no column " + name);
    };
    std::vector<size_t> metricColumn, costColumn;
    for (const auto& t : targets)
    {
        metricColumn.push_back(column(t.metric));
    }
    for (const auto& c : kCostColumns)
    {
        costColumn.push_back(column(c));
    }
    std::vector<bool> reached(targets.size(), false);
    while (std::getline(in, line))
    {
        const auto row = SplitCsvLine(line);
        for (size_t t = 0; t < targets.size(); ++t)
        {
            const std::string& cell = row.at(metricColumn[t]);
            if (reached[t] || cell.empty())
            {
                continue;
            }
            const double v = std::strtod(cell.c_str(), nullptr);
            if (targets[t].metric == "loss_gap" ? v <= targets[t].value : v >= targets[t].value)
            {
                reached[t] = true;
                for (size_t c = 0; c < kCostColumns.size(); ++c)
                {
                    r.atTarget[t][c] = row.at(costColumn[c]);
                }
            }
        }
    }
    return r;
}

void
WriteIndex(const SweepSpec& spec, const std::vector<Point>& points, const fs::path& out)
{
    std::ostringstream csv;
    csv << "point";
    for (const auto& [key, list] : spec.axes)
    {
        csv << "," << key;
    }
    csv << ",status,wall_clock_s";
    for (const auto& t : spec.targets)
    {
        csv << "," << t.metric << "_target";
        for (const auto& c : kCostColumns)
        {
            csv << "," << (c == "round" ? std::string("rounds") : c) << "_to_" << t.metric;
        }
    }
    csv << "\n";
    for (const Point& p : points)
    {
        const PointResult r = ReadResult(p, spec.targets);
        csv << p.name;
        for (const auto& [key, value] : p.values)
        {
            csv << "," << value;
        }
        csv << "," << (p.status == "running" ? "pending" : p.status) << ","
            << (std::isnan(r.wallS) ? "" : FormatNumber(r.wallS));
        for (size_t t = 0; t < spec.targets.size(); ++t)
        {
            csv << "," << FormatNumber(spec.targets[t].value);
            for (const auto& cell : r.atTarget[t])
            {
                csv << "," << cell;
            }
        }
        csv << "\n";
    }
    WriteFileAtomically((out / "sweep.csv").string(), csv.str());
}

std::string
FormatDuration(double s)
{
    char buf[32];
    if (s >= 3600)
    {
        std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s / 3600), static_cast<int>(s / 60) % 60);
    }
    else
    {
        std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s / 60), static_cast<int>(s) % 60);
    }
    return buf;
}

/// The executable running now, so that children run the same build.
std::string
SelfPath()
{
    return fs::canonical("/proc/self/exe").string();
}

pid_t
Spawn(const Point& p)
{
    // The running binary itself, even if a rebuild has replaced the file since the sweep began.
    const std::string exe = "/proc/self/exe";
    const std::string scenario = (p.dir / "scenario.ini").string();
    const std::string dir = p.dir.string();
    const std::string log = (p.dir / "log.txt").string();
    std::vector<std::string> args = {exe, "run", scenario, "--out", dir};
    std::vector<char*> argv;
    for (auto& a : args)
    {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 2, 1);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
    {
        throw std::runtime_error("cannot start " + exe + ": " + std::strerror(rc));
    }
    return pid;
}

/// Writes every point's scenario.ini (atomically) and the copy of the sweep file.
void
Prepare(const std::string& sweepPath, const SweepSpec& spec, const std::vector<Point>& points,
        const fs::path& out)
{
    fs::create_directories(out);
    WriteFileAtomically((out / "sweep.ini").string(), ReadFile(sweepPath));
    for (const Point& p : points)
    {
        if (p.status == "done")
        {
            continue;
        }
        fs::create_directories(p.dir);
        fs::remove(p.dir / "run.json"); // from an older version of the sweep file
        WriteFileAtomically((p.dir / "scenario.ini").string(), PointScenario(spec, p));
    }
}

std::string
ShellQuote(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
    {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

std::string
PointCommand(const Point& p)
{
    const fs::path dir = fs::absolute(p.dir);
    return ShellQuote(SelfPath()) + " run " + ShellQuote((dir / "scenario.ini").string()) + " --out " +
           ShellQuote(dir.string()) + " > " + ShellQuote((dir / "log.txt").string()) + " 2>&1";
}

int
Execute(const SweepSpec& spec, std::vector<Point>& points, const fs::path& out, int jobs)
{
    std::vector<size_t> pending;
    for (size_t i = 0; i < points.size(); ++i)
    {
        if (points[i].status != "done")
        {
            pending.push_back(i);
        }
    }
    const size_t skipped = points.size() - pending.size();
    std::cerr << "airgrad sweep: " << points.size() << " points, " << skipped
              << " already finished, running " << pending.size() << " with " << jobs << " jobs -> "
              << out.string() << "\n";
    const bool terminal = isatty(2) != 0;
    const auto started = std::chrono::steady_clock::now();
    // Stopped by a signal, the sweep stops its running points and waits for them, so that none
    // outlives it; killed outright (SIGKILL), its points are stopped by the kernel (run's
    // PR_SET_PDEATHSIG, asked for by AIRGRAD_SWEEP_PID).
    struct sigaction stop = {};
    stop.sa_handler = OnStopSignal;
    sigemptyset(&stop.sa_mask);
    for (int signal : {SIGTERM, SIGINT, SIGHUP})
    {
        sigaction(signal, &stop, nullptr);
    }
    setenv("AIRGRAD_SWEEP_PID", std::to_string(getpid()).c_str(), 1);
    std::map<pid_t, size_t> running;
    size_t next = 0, finishedNow = 0, failed = 0;
    auto lastPrint = std::chrono::steady_clock::now() - std::chrono::hours(1);
    auto progress = [&](bool force) {
        const auto now = std::chrono::steady_clock::now();
        if (!force && now - lastPrint < std::chrono::seconds(terminal ? 1 : 10))
        {
            return;
        }
        lastPrint = now;
        size_t done = 0;
        for (const Point& p : points)
        {
            done += p.status == "done" ? 1 : 0;
        }
        const double elapsed = std::chrono::duration<double>(now - started).count();
        std::string eta = "?";
        if (finishedNow > 0)
        {
            const double left = static_cast<double>(pending.size() - finishedNow);
            eta = FormatDuration(elapsed / static_cast<double>(finishedNow) * left);
        }
        std::fprintf(stderr, "%ssweep: %zu/%zu done, %zu running, %zu failed, elapsed %s, ETA %s%s",
                     terminal ? "\r\033[K" : "", done, points.size(), running.size(), failed,
                     FormatDuration(elapsed).c_str(), eta.c_str(), terminal ? "" : "\n");
        std::fflush(stderr);
    };
    while ((next < pending.size() || !running.empty()) && g_stopSignal == 0)
    {
        while (running.size() < static_cast<size_t>(jobs) && next < pending.size() && g_stopSignal == 0)
        {
            Point& p = points[pending[next++]];
            running[Spawn(p)] = static_cast<size_t>(&p - points.data());
            p.status = "running";
            progress(true);
        }
        int status = 0;
        const pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0)
        {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            progress(false);
            continue;
        }
        const auto it = running.find(pid);
        if (it == running.end())
        {
            continue;
        }
        Point& p = points[it->second];
        running.erase(it);
        ++finishedNow;
        const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && fs::exists(p.dir / "run.json");
        p.status = ok ? "done" : "failed";
        if (!ok)
        {
            ++failed;
            std::fprintf(stderr, "%ssweep: point %s failed; see %s\n", terminal ? "\r\033[K" : "",
                         p.name.c_str(), (p.dir / "log.txt").c_str());
        }
        WriteIndex(spec, points, out);
        progress(true);
    }
    if (g_stopSignal != 0)
    {
        for (const auto& [pid, index] : running)
        {
            kill(pid, SIGTERM);
        }
        for (const auto& [pid, index] : running)
        {
            int status = 0;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            {
            }
            points[index].status = fs::exists(points[index].dir / "run.json") ? "done" : "pending";
        }
        WriteIndex(spec, points, out);
        std::fprintf(stderr, "%sairgrad sweep: stopped by signal %d; %zu running point(s) stopped; the same "
                     "command resumes\n", terminal ? "\r\033[K" : "", static_cast<int>(g_stopSignal), running.size());
        return 128 + g_stopSignal;
    }
    WriteIndex(spec, points, out);
    if (terminal)
    {
        std::fputc('\n', stderr);
    }
    std::cerr << "airgrad sweep: wrote " << (out / "sweep.csv").string() << (failed ? "; " : "")
              << (failed ? std::to_string(failed) + " point(s) failed" : "") << "\n";
    return failed == 0 ? 0 : 1;
}

} // namespace

int
RunSweepCommand(int argc, char** argv)
{
    po::options_description opts;
    opts.add_options()("help,h", "")("jobs,j", po::value<int>()->default_value(1), "")(
        "out", po::value<std::string>(), "")("collect", po::value<std::string>(), "")(
        "emit-commands", po::value<std::string>(), "")("emit-slurm", po::value<std::string>(), "")(
        "max-points", po::value<long long>()->default_value(kDefaultMaxSweepPoints), "")(
        "sweep", po::value<std::string>(), "");
    po::positional_options_description positional;
    positional.add("sweep", 1);
    po::variables_map vm;
    try
    {
        po::store(po::command_line_parser(argc, argv).options(opts).positional(positional).run(), vm);
    }
    catch (const po::error& e)
    {
        std::cerr << "airgrad sweep: " << e.what() << "\n" << kSweepUsage;
        return kUsageError;
    }
    if (vm.count("help"))
    {
        std::cout << kSweepUsage << "\n"
                  << "A sweep file is a scenario plus a [sweep] section of comma-separated lists\n"
                     "(e.g. network.snr_db = 5,15,25 and method.name = gd,topk-ef); the grid is their\n"
                     "product. An optional [target] section sets loss_gap and/or test_accuracy.\n"
                     "Every point is validated before any runs. Each point runs as its own process\n"
                     "into DIR/<key=value+...>/; a re-run skips finished points (those with\n"
                     "run.json) and runs the others again. DIR/sweep.csv has one row per point:\n"
                     "its values, status, wall seconds, and the rounds, sim time, airtime, energy\n"
                     "and uplink bits at which each target was first reached (empty if never).\n\n"
                     "  --jobs N              points run at once (default 1)\n"
                     "  --max-points N        refuse a grid of more points (default 10000)\n"
                     "  --out DIR             default results/<run.name>-sweep\n"
                     "  --emit-commands FILE  write one shell command per unfinished point (for GNU\n"
                     "                        parallel, also with --sshloginfile on a shared file\n"
                     "                        system), run nothing; then use --collect\n"
                     "  --emit-slurm FILE     write a Slurm array job over those commands\n"
                     "  --collect DIR         rebuild DIR/sweep.csv from the point directories\n";
        return 0;
    }
    const int jobs = vm["jobs"].as<int>();
    if (jobs < 1 || jobs > 256)
    {
        std::cerr << "airgrad: error: --jobs = " << jobs << " is invalid; allowed: 1 .. 256\n";
        return kUsageError;
    }
    const long long maxPoints = vm["max-points"].as<long long>();
    if (maxPoints < 1)
    {
        std::cerr << "airgrad: error: --max-points = " << maxPoints << " is invalid; allowed: 1 or more\n";
        return kUsageError;
    }
    std::string sweepPath;
    fs::path out;
    if (vm.count("collect"))
    {
        out = vm["collect"].as<std::string>();
        sweepPath = (out / "sweep.ini").string();
    }
    else if (vm.count("sweep"))
    {
        sweepPath = vm["sweep"].as<std::string>();
    }
    else
    {
        std::cerr << "airgrad sweep: missing SWEEP.ini\n" << kSweepUsage;
        return kUsageError;
    }
    SweepSpec spec;
    const bool terminal = isatty(2) != 0;
    auto lastPrint = std::chrono::steady_clock::now();
    const auto validating = [&](size_t validated, size_t points) {
        const auto now = std::chrono::steady_clock::now();
        if (validated == 0)
        {
            std::fprintf(stderr, "airgrad sweep: %zu points; validating each before any runs\n", points);
        }
        else if (validated == points ? points >= 100 : now - lastPrint >= std::chrono::seconds(terminal ? 1 : 10))
        {
            std::fprintf(stderr, "%sairgrad sweep: validated %zu/%zu points%s", terminal ? "\r\033[K" : "",
                         validated, points, terminal && validated < points ? "" : "\n");
            lastPrint = now;
        }
        std::fflush(stderr);
    };
    try
    {
        spec = LoadSweep(sweepPath, maxPoints, validating);
        ns3::airgrad::CheckNetworkAvailable(ResolveScenario(spec.base).config.networkKind);
        for (const auto& [key, values] : spec.axes)
        {
            if (key == "network.kind")
            {
                for (const std::string& v : values)
                {
                    ns3::airgrad::CheckNetworkAvailable(v);
                }
            }
        }
    }
    catch (const std::invalid_argument& e)
    {
        std::cerr << "airgrad: error: " << e.what() << "\n";
        return kUsageError;
    }
    if (!vm.count("collect"))
    {
        const Scenario base = ResolveScenario(spec.base);
        out = vm.count("out") ? fs::path(vm["out"].as<std::string>())
                              : fs::path("results") / (base.config.name + "-sweep");
    }
    // One sweep per directory: a second one would run the same points into the same files.
    DirectoryLock lock;
    std::string holder;
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec || !lock.Acquire((out / ".sweep.lock").string(), holder))
    {
        std::cerr << "airgrad: error: sweep directory " << out << " (--out) "
                  << (ec ? "cannot be created: " + ec.message()
                         : "is in use by another airgrad sweep (" + holder + "); wait for it or choose another --out")
                  << "\n";
        return kUsageError;
    }
    std::vector<Point> points = MakePoints(spec, out);
    if (vm.count("collect"))
    {
        WriteIndex(spec, points, out);
        std::cerr << "airgrad sweep: wrote " << (out / "sweep.csv").string() << "\n";
        return 0;
    }
    Prepare(sweepPath, spec, points, out);
    if (vm.count("emit-commands") || vm.count("emit-slurm"))
    {
        std::ostringstream commands;
        size_t n = 0;
        for (const Point& p : points)
        {
            if (p.status != "done")
            {
                commands << PointCommand(p) << "\n";
                ++n;
            }
        }
        if (vm.count("emit-commands"))
        {
            WriteFileAtomically(vm["emit-commands"].as<std::string>(), commands.str());
        }
        if (vm.count("emit-slurm"))
        {
            const fs::path list = fs::absolute(out / "commands.txt");
            WriteFileAtomically(list.string(), commands.str());
            std::ostringstream slurm;
            slurm << "#!/bin/bash\n"
                  << "#SBATCH --job-name=airgrad-sweep\n"
                  << "#SBATCH --array=1-" << std::max<size_t>(n, 1) << "\n"
                  << "#SBATCH --cpus-per-task=1\n"
                  << "# One task per unfinished point of " << sweepPath << "; afterwards run:\n"
                  << "#   airgrad sweep --collect " << fs::absolute(out).string() << "\n"
                  << "sed -n \"${SLURM_ARRAY_TASK_ID}p\" " << ShellQuote(list.string()) << " | bash\n";
            WriteFileAtomically(vm["emit-slurm"].as<std::string>(), slurm.str());
        }
        std::cerr << "airgrad sweep: " << n << " command(s) for the unfinished points; afterwards run "
                  << "'airgrad sweep --collect " << out.string() << "'\n";
        WriteIndex(spec, points, out);
        return 0;
    }
    return Execute(spec, points, out, jobs);
}

} // namespace airgrad
