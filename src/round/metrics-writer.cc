#include "round/metrics-writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace airgrad {

std::string
FormatNumber(double v)
{
    if (std::isnan(v))
    {
        return "nan";
    }
    if (std::isinf(v))
    {
        return v > 0 ? "inf" : "-inf";
    }
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, result.ptr);
}

void
WriteFileAtomically(const std::string& path, const std::string& content)
{
    const std::string part = path + ".part";
    {
        std::ofstream out(part, std::ios::binary | std::ios::trunc);
        out << content;
        out.flush();
        if (!out)
        {
            throw std::runtime_error("cannot write " + part);
        }
    }
    if (std::rename(part.c_str(), path.c_str()) != 0)
    {
        throw std::runtime_error("cannot rename " + part + " to " + path);
    }
}

const std::vector<std::string>&
MetricsColumns()
{
    static const std::vector<std::string> columns = {
        "round",          "sim_time_s",          "train_loss",        "loss_gap",
        "grad_norm_sq",   "test_accuracy",       "uplink_payload_bits", "downlink_payload_bits",
        "uplink_air_bytes", "airtime_s",         "energy_j",          "updates_applied",
        "updates_lost",   "compute_samples",     "compute_flops",     "radio_energy_j",
        "compute_energy_j", "workers_selected", "mean_staleness"};
    return columns;
}

namespace {

/// Closes PATH.part and renames it to PATH, so the file appears only when complete.
void
CommitPart(std::ofstream& out, const std::string& path)
{
    out.close();
    if (!out)
    {
        throw std::runtime_error("cannot write " + path + ".part");
    }
    if (std::rename((path + ".part").c_str(), path.c_str()) != 0)
    {
        throw std::runtime_error("cannot rename " + path + ".part to " + path);
    }
}

} // namespace

CsvMetricsWriter::CsvMetricsWriter(std::string path)
    : m_path(std::move(path)),
      m_out(m_path + ".part", std::ios::trunc)
{
    if (!m_out)
    {
        throw std::runtime_error("cannot write " + m_path + ".part");
    }
    const auto& columns = MetricsColumns();
    for (size_t i = 0; i < columns.size(); ++i)
    {
        m_out << (i ? "," : "") << columns[i];
    }
    m_out << '\n';
}

void
CsvMetricsWriter::OnRound(const RoundRecord& r)
{
    const NetworkCounters& n = r.network;
    m_out << r.round << ',' << FormatNumber(n.simTimeS) << ',' << FormatNumber(r.trainLoss) << ','
          << FormatNumber(r.lossGap) << ',' << FormatNumber(r.gradNormSq) << ','
          << (r.testAccuracy ? FormatNumber(*r.testAccuracy) : "") << ',' << n.uplinkPayloadBits
          << ',' << n.downlinkPayloadBits << ',' << n.uplinkAirBytes << ','
          << FormatNumber(n.airtimeS) << ',' << FormatNumber(n.energyJ) << ',' << r.updatesApplied
          << ',' << r.updatesLost << ',' << r.computeSamples << ',' << FormatNumber(r.computeFlops) << ','
          << FormatNumber(n.radioEnergyJ) << ',' << FormatNumber(n.computeEnergyJ) << ',' << r.workersSelected
          << ',' << FormatNumber(r.meanStaleness) << '\n';
    m_out.flush(); // a watcher sees each round as it ends
}

CsvWorkersWriter::CsvWorkersWriter(std::string path)
    : m_path(std::move(path)),
      m_out(m_path + ".part", std::ios::trunc)
{
    if (!m_out)
    {
        throw std::runtime_error("cannot write " + m_path + ".part");
    }
    m_out << "round,worker,status,uplink_payload_bits,uplink_air_bytes,airtime_s,radio_energy_j,"
             "compute_energy_j,snr_db,mcs,rerequests,selected\n";
}

void
CsvWorkersWriter::OnWorkers(int round, const std::vector<WorkerRecord>& workers)
{
    for (size_t m = 0; m < workers.size(); ++m)
    {
        const WorkerRecord& w = workers[m];
        m_out << round << ',' << m << ',' << w.status << ',' << w.uplinkPayloadBits << ',' << w.uplinkAirBytes
              << ',' << FormatNumber(w.airtimeS) << ',' << FormatNumber(w.radioEnergyJ) << ','
              << FormatNumber(w.computeEnergyJ) << ',' << (std::isnan(w.snrDb) ? "" : FormatNumber(w.snrDb))
              << ',' << (w.mcs < 0 ? "" : std::to_string(w.mcs)) << ',' << w.rerequests << ','
              << (w.selected ? 1 : 0) << '\n';
    }
}

void
CsvWorkersWriter::Commit()
{
    CommitPart(m_out, m_path);
}

void
CsvMetricsWriter::Commit()
{
    CommitPart(m_out, m_path);
}

namespace {

std::string
Quote(const std::string& s)
{
    std::string out = "\"";
    for (char c : s)
    {
        switch (c)
        {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
            {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            }
            else
            {
                out += c;
            }
        }
    }
    return out + "\"";
}

} // namespace

JsonObject&
JsonObject::Add(const std::string& key, const std::string& value)
{
    m_members.emplace_back(key, Quote(value));
    return *this;
}

JsonObject&
JsonObject::Add(const std::string& key, const char* value)
{
    return Add(key, std::string(value));
}

JsonObject&
JsonObject::Add(const std::string& key, double value)
{
    m_members.emplace_back(key, std::isfinite(value) ? FormatNumber(value) : "null");
    return *this;
}

JsonObject&
JsonObject::Add(const std::string& key, long long value)
{
    m_members.emplace_back(key, std::to_string(value));
    return *this;
}

JsonObject&
JsonObject::Add(const std::string& key, bool value)
{
    m_members.emplace_back(key, value ? "true" : "false");
    return *this;
}

namespace {

/// A JSON array of `values`, each written by `format`.
template <typename T, typename Format>
std::string
JsonArray(const std::vector<T>& values, Format format)
{
    std::string text = "[";
    for (size_t i = 0; i < values.size(); ++i)
    {
        text += (i ? ", " : "") + format(values[i]);
    }
    return text + "]";
}

} // namespace

JsonObject&
JsonObject::Add(const std::string& key, const std::vector<long long>& values)
{
    m_members.emplace_back(key, JsonArray(values, [](long long v) { return std::to_string(v); }));
    return *this;
}

JsonObject&
JsonObject::Add(const std::string& key, const std::vector<double>& values)
{
    m_members.emplace_back(key, JsonArray(values, [](double v) { return FormatNumber(v); }));
    return *this;
}

JsonObject&
JsonObject::Add(const std::string& key, const std::vector<std::vector<long long>>& rows)
{
    std::string text = "[";
    for (size_t i = 0; i < rows.size(); ++i)
    {
        text += i ? ",\n    [" : "\n    [";
        for (size_t j = 0; j < rows[i].size(); ++j)
        {
            text += (j ? ", " : "") + std::to_string(rows[i][j]);
        }
        text += "]";
    }
    text += rows.empty() ? "]" : "\n  ]";
    m_members.emplace_back(key, text);
    return *this;
}

JsonObject&
JsonObject::Add(const std::string& key, const JsonObject& value)
{
    m_members.emplace_back(key, value.ToString());
    return *this;
}

std::string
JsonObject::ToString() const
{
    const std::string pad = "  ";
    std::string out = "{\n";
    for (size_t i = 0; i < m_members.size(); ++i)
    {
        const auto& [key, text] = m_members[i];
        out += pad + Quote(key) + ": ";
        // Nested objects were rendered at indent 0: shift their lines to this depth.
        for (char c : text)
        {
            out += c;
            if (c == '\n')
            {
                out += pad;
            }
        }
        out += (i + 1 < m_members.size() ? ",\n" : "\n");
    }
    return out + "}";
}

} // namespace airgrad
