#include "round/optimum-cache.h"

#include "round/metrics-writer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace airgrad {

namespace {

/// Bumped whenever the solvers change what they return.
constexpr const char* kSolverVersion = "newton-cg-1 lanczos-1 fista-cg-1";
constexpr const char* kMagic = "airgrad-optimum-cache 1";

/// Size, CRC-32 and Adler-32 of a file's bytes (its identity for the key).
std::string
FileIdentity(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        return "unreadable:" + path;
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    uLong adler = adler32(0L, Z_NULL, 0);
    std::vector<char> buffer(1 << 20);
    unsigned long long size = 0;
    while (in)
    {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = static_cast<uInt>(in.gcount());
        crc = crc32(crc, reinterpret_cast<const Bytef*>(buffer.data()), got);
        adler = adler32(adler, reinterpret_cast<const Bytef*>(buffer.data()), got);
        size += got;
    }
    char text[64];
    std::snprintf(text, sizeof text, "%llu:%08lx:%08lx", size, crc, adler);
    return text;
}

std::string
Hex(double v)
{
    char text[40];
    std::snprintf(text, sizeof text, "%a", v); // exact round trip
    return text;
}

uLong
Checksum(const std::string& body)
{
    return crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
}

std::string
HashName(const std::string& key)
{
    char text[32];
    std::snprintf(text, sizeof text, "%08lx%08lx", Checksum(key),
                  adler32(adler32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(key.data()), static_cast<uInt>(key.size())));
    return text;
}

} // namespace

std::string
OptimumCacheKey(const ExperimentConfig& c)
{
    std::ostringstream k;
    k.precision(17);
    k << "solver=" << kSolverVersion << ";type=" << c.problemType << ";dataset=" << c.dataset;
    if (c.dataset == "synthetic")
    {
        k << ";samples=" << c.samples << ";test_samples=" << c.testSamples << ";features=" << c.features
          << ";density=" << c.density << ";noise=" << c.noise << ";condition_number=" << c.conditionNumber;
    }
    else if (c.dataset == "fashion-mnist")
    {
        k << ";max_rows=" << c.maxRows; // the package's files are fixed
    }
    else
    {
        k << ";data_file=" << FileIdentity(c.dataFile) << ";test_file="
          << (c.testFile.empty() ? std::string("none") : FileIdentity(c.testFile)) << ";label_column=" << c.labelColumn
          << ";test_fraction=" << c.testFraction << ";max_rows=" << c.maxRows;
    }
    k << ";scaling=" << c.scaling << ";l2=" << c.l2 << ";l1=" << c.l1 << ";seed=" << c.seed << ";workers=" << c.workers
      << ";partition=" << c.partition;
    if (c.partition == "shards")
    {
        k << ";labels_per_worker=" << c.labelsPerWorker;
    }
    else if (c.partition == "dirichlet")
    {
        k << ";dirichlet_alpha=" << c.dirichletAlpha;
    }
    else if (c.partition == "powerlaw")
    {
        k << ";power_law_exponent=" << c.powerLawExponent;
    }
    return k.str();
}

OptimumCache::OptimumCache(std::string directory)
    : m_directory(directory == "none" ? std::string() : std::move(directory))
{
}

OptimumCache::~OptimumCache()
{
    Unlock();
}

std::string
OptimumCache::EntryPath(const std::string& key) const
{
    return (std::filesystem::path(m_directory) / ("optimum-" + HashName(key) + ".txt")).string();
}

void
OptimumCache::Unlock()
{
    if (m_lockFd >= 0)
    {
        ::flock(m_lockFd, LOCK_UN);
        ::close(m_lockFd);
        m_lockFd = -1;
    }
}

std::optional<CachedOptimum>
OptimumCache::Lookup(const std::string& key)
{
    if (!Enabled())
    {
        m_missReason = "disabled";
        return std::nullopt;
    }
    std::error_code ec;
    std::filesystem::create_directories(m_directory, ec);
    if (ec)
    {
        throw std::invalid_argument("run.cache_dir = '" + m_directory + "': cannot create it (" + ec.message() +
                                 "); give a writable directory or none");
    }
    const std::string path = EntryPath(key);
    Unlock();
    m_lockFd = ::open((path + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (m_lockFd < 0 || ::flock(m_lockFd, LOCK_EX) != 0)
    {
        throw std::invalid_argument("run.cache_dir = '" + m_directory + "': cannot lock " + path + ".lock (" +
                                 std::strerror(errno) + ")");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        m_missReason = "absent";
        return std::nullopt;
    }
    m_missReason = "corrupt";
    std::ostringstream all;
    all << in.rdbuf();
    const std::string text = all.str();
    const auto last = text.rfind("checksum ");
    if (last == std::string::npos || text.size() > (1 << 16))
    {
        return std::nullopt;
    }
    const std::string body = text.substr(0, last);
    char* end = nullptr;
    const unsigned long stored = std::strtoul(text.c_str() + last + 9, &end, 16);
    if (end == text.c_str() + last + 9 || stored != Checksum(body))
    {
        return std::nullopt;
    }
    std::istringstream lines(body);
    std::string line;
    if (!std::getline(lines, line) || line != kMagic || !std::getline(lines, line) || line != "key " + key)
    {
        return std::nullopt; // another format, or a foreign key under the same name
    }
    CachedOptimum v;
    int fields = 0;
    while (std::getline(lines, line))
    {
        const auto space = line.find(' ');
        const std::string name = line.substr(0, space);
        const char* value = space == std::string::npos ? "" : line.c_str() + space + 1;
        if (name == "smoothness_L" || name == "f_star" || name == "f_star_grad_norm")
        {
            const double parsed = std::strtod(value, nullptr);
            (name == "smoothness_L" ? v.smoothnessL : name == "f_star" ? v.fStar : v.gradNorm) = parsed;
            ++fields;
        }
        else if (name == "solver_steps" || name == "operator_products")
        {
            (name == "solver_steps" ? v.solverSteps : v.operatorProducts) = std::strtoll(value, nullptr, 10);
            ++fields;
        }
    }
    if (fields != 5)
    {
        return std::nullopt;
    }
    Unlock();
    m_missReason.clear();
    return v;
}

void
OptimumCache::Store(const std::string& key, const CachedOptimum& v)
{
    if (!Enabled())
    {
        return;
    }
    std::ostringstream body;
    body << kMagic << "\nkey " << key << "\nsmoothness_L " << Hex(v.smoothnessL) << "\nf_star " << Hex(v.fStar)
         << "\nf_star_grad_norm " << Hex(v.gradNorm) << "\nsolver_steps " << v.solverSteps << "\noperator_products "
         << v.operatorProducts << "\n";
    char checksum[32];
    std::snprintf(checksum, sizeof checksum, "checksum %08lx\n", Checksum(body.str()));
    WriteFileAtomically(EntryPath(key), body.str() + checksum);
    Unlock();
}

} // namespace airgrad
