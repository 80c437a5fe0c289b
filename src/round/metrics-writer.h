#ifndef AIRGRAD_ROUND_METRICS_WRITER_H
#define AIRGRAD_ROUND_METRICS_WRITER_H

#include "round/round-record.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace airgrad {

/// The shortest decimal text that reads back as exactly `v` ("nan", "inf" for non-finite values).
std::string FormatNumber(double v);

/// Writes `content` to `path.part`, flushes it, then renames it over `path`.
void WriteFileAtomically(const std::string& path, const std::string& content);

/// The metrics.csv column names, in order.
const std::vector<std::string>& MetricsColumns();

/**
 * \brief metrics.csv: one row per round. Rows go to `path.part` as they come, so a long run can be
 * watched; Commit() renames the file into place, so a metrics.csv is never half-written (it holds
 * a finished run, or the rows before a stop; run.json marks a finished one).
 */
class CsvMetricsWriter : public RoundObserver
{
  public:
    explicit CsvMetricsWriter(std::string path);
    void OnRound(const RoundRecord& record) override;
    void Commit();

  private:
    std::string m_path;
    std::ofstream m_out;
};

/**
 * \brief Writes workers.csv (round, worker, status, this round's bits, air bytes, airtime, radio
 * and compute energy, SNR, MCS) through WORKERS.part, renamed by Commit().
 */
class CsvWorkersWriter : public RoundObserver
{
  public:
    explicit CsvWorkersWriter(std::string path);
    void OnRound(const RoundRecord&) override {}
    void OnWorkers(int round, const std::vector<WorkerRecord>& workers) override;
    void Commit();

  private:
    std::string m_path;
    std::ofstream m_out;
};

/**
 * \brief A JSON object with keys in insertion order; values are numbers, strings, booleans or
 * nested objects.
 */
class JsonObject
{
  public:
    JsonObject& Add(const std::string& key, const std::string& value);
    JsonObject& Add(const std::string& key, const char* value);
    JsonObject& Add(const std::string& key, double value);
    JsonObject& Add(const std::string& key, long long value);
    JsonObject& Add(const std::string& key, bool value);
    JsonObject& Add(const std::string& key, const JsonObject& value);
    /// An array of integers (e.g. per-worker counts).
    JsonObject& Add(const std::string& key, const std::vector<long long>& values);
    /// An array of numbers, written as the CSV files write them.
    JsonObject& Add(const std::string& key, const std::vector<double>& values);
    /// An array of arrays of integers (e.g. per-worker label histograms).
    JsonObject& Add(const std::string& key, const std::vector<std::vector<long long>>& rows);
    std::string ToString() const;

  private:
    std::vector<std::pair<std::string, std::string>> m_members; ///< key, JSON text of the value
};

} // namespace airgrad

#endif
