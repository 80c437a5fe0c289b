#ifndef AIRGRAD_DATA_LOADERS_H
#define AIRGRAD_DATA_LOADERS_H

#include "data/dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace airgrad {

/// Where Debian's dataset-fashion-mnist package puts the IDX files.
constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/**
 * \brief Reads an IDX image file and its label file (each gzip-compressed or plain, as zlib's
 * gzread handles both): images become rows of pixel values 0..255, labels their class numbers.
 * `maxRows` > 0 keeps the first rows only. Throws std::runtime_error naming the file and what is
 * wrong (missing, bad magic number, truncated, sizes that disagree). Memory follows what the
 * files hold, never what their headers claim.
 */
Dataset LoadIdx(const std::string& imagesPath, const std::string& labelsPath, long long maxRows = 0);

/// Pixels an IDX image may have (rows x cols; the feature cap of problem.features).
constexpr uint64_t kMaxIdxPixels = 10000000;
/// The largest feature index a LIBSVM file may use (d <= 1e8).
constexpr long long kMaxLibsvmIndex = 100000000;

/**
 * \brief Reads a LIBSVM text file: "label index:value ..." per line, indices from 1, into sparse
 * (CSR) features with d = the largest index seen (or `minFeatures` if larger). Labels
 * are kept as written (+1/-1, 0/1 or class numbers). Blank lines and '#' comments are skipped.
 * Throws std::runtime_error with file and line number for a malformed line.
 */
Dataset LoadLibsvm(const std::string& path, long long maxRows = 0, Eigen::Index minFeatures = 0);

/**
 * \brief Reads a CSV file with a header row; the column named `labelColumn` is the label, every
 * other column a numeric feature. Throws std::runtime_error with file and line number for a
 * malformed line and std::invalid_argument when the label column is missing (naming the columns).
 */
Dataset LoadCsv(const std::string& path, const std::string& labelColumn, long long maxRows = 0);

/// One interval in which a worker may be chosen, s of simulated time since round 1 began.
struct AvailabilityWindow
{
    uint32_t worker = 0;
    double startS = 0.0; ///< from (inclusive)
    double endS = 0.0;   ///< to (exclusive)
};

/// The most intervals an energy.availability file may hold.
constexpr size_t kMaxAvailabilityWindows = 1000000;

/**
 * \brief Reads an energy.availability file: the header `worker,start_s,end_s`, then one interval
 * per line: a worker number below `workers` and 0 <= start_s < end_s, finite. Throws
 * std::runtime_error naming the file, the line and what is wrong.
 */
std::vector<AvailabilityWindow> LoadAvailability(const std::string& path, uint32_t workers);

/// The cells of one CSV line (no quoting), each trimmed of blanks; a trailing comma is an empty cell.
std::vector<std::string> SplitCsvLine(const std::string& line);

/// Feature scaling fitted on the training set and applied to both sets.
enum class Scaling
{
    kNone,
    kStandardize, ///< mean 0, standard deviation 1 per feature (constant features: left at 0)
    kMinMax,      ///< [0, 1] per feature from the training minimum and maximum
};
/// Throws std::invalid_argument for sparse data and a scaling other than kNone (Densify first).
void ScaleFeatures(Scaling scaling, Dataset& train, Dataset& test);

/**
 * \brief Splits off the last `fraction` of a seeded shuffle as the test set.
 */
void SplitTest(Dataset& train, Dataset& test, double fraction, uint64_t seed);

/**
 * \brief Maps raw labels to what a problem expects. kRegression keeps them; kBinary maps the
 * smaller of exactly two distinct values to -1 and the larger to +1; kClasses maps the sorted
 * distinct values to 0..C-1 (test labels through the training map). Returns C (2 for binary,
 * 0 for regression). Throws std::invalid_argument naming what was found.
 */
enum class LabelKind
{
    kRegression,
    kBinary,
    kClasses,
};
int NormalizeLabels(LabelKind kind, Dataset& train, Dataset& test);

} // namespace airgrad

#endif
