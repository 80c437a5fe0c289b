#include "data/loaders.h"

#include "core/rng.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace airgrad {

namespace {

/// A gzip (or plain) file read through zlib, closed on destruction.
class GzFile
{
  public:
    explicit GzFile(const std::string& path)
        : m_path(path),
          m_file(gzopen(path.c_str(), "rb"))
    {
        if (!m_file)
        {
            throw std::runtime_error(path + ": cannot open (" + std::string(std::strerror(errno)) + ")");
        }
    }
    ~GzFile() { gzclose(m_file); }
    GzFile(const GzFile&) = delete;
    GzFile& operator=(const GzFile&) = delete;

    void Read(void* out, size_t bytes)
    {
        auto* p = static_cast<unsigned char*>(out);
        while (bytes > 0)
        {
            const unsigned chunk = static_cast<unsigned>(std::min<size_t>(bytes, 1U << 30));
            const int got = gzread(m_file, p, chunk);
            if (got <= 0)
            {
                throw std::runtime_error(m_path + ": truncated (fewer bytes than its header announces)");
            }
            p += got;
            bytes -= static_cast<size_t>(got);
        }
    }
    uint32_t ReadU32()
    {
        unsigned char b[4];
        Read(b, 4);
        return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    }

  private:
    std::string m_path;
    gzFile m_file;
};

[[noreturn]] void
Malformed(const std::string& path, long long line, const std::string& what)
{
    throw std::runtime_error(path + ":" + std::to_string(line) + ": " + what);
}

double
ParseNumber(const std::string& text, const std::string& path, long long line, const std::string& what)
{
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    {
        Malformed(path, line, what + " '" + text + "' is not a finite number");
    }
    return v;
}

std::string
Trim(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos)
    {
        return "";
    }
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

} // namespace

std::vector<std::string>
SplitCsvLine(const std::string& line)
{
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(line);
    while (std::getline(in, item, ','))
    {
        out.push_back(Trim(item));
    }
    if (!line.empty() && line.back() == ',')
    {
        out.emplace_back();
    }
    return out;
}

Dataset
LoadIdx(const std::string& imagesPath, const std::string& labelsPath, long long maxRows)
{
    GzFile images(imagesPath);
    GzFile labels(labelsPath);
    const uint32_t imageMagic = images.ReadU32();
    const uint32_t labelMagic = labels.ReadU32();
    if (imageMagic != 0x00000803U)
    {
        throw std::runtime_error(imagesPath + ": not an IDX image file (magic number " +
                                 std::to_string(imageMagic) + ", expected 2051)");
    }
    if (labelMagic != 0x00000801U)
    {
        throw std::runtime_error(labelsPath + ": not an IDX label file (magic number " +
                                 std::to_string(labelMagic) + ", expected 2049)");
    }
    const uint32_t count = images.ReadU32();
    const uint32_t rows = images.ReadU32();
    const uint32_t cols = images.ReadU32();
    const uint32_t labelCount = labels.ReadU32();
    if (count != labelCount)
    {
        throw std::runtime_error(imagesPath + " has " + std::to_string(count) + " images but " + labelsPath +
                                 " has " + std::to_string(labelCount) + " labels");
    }
    // The header's sizes are claims: bound the image, and read the pixels before allocating the
    // matrix, so memory follows what the file holds (a 37-byte file may claim 10^9 images).
    const uint64_t d64 = static_cast<uint64_t>(rows) * cols; // < 2^64: no overflow
    if (d64 == 0 || d64 > kMaxIdxPixels)
    {
        throw std::runtime_error(imagesPath + ": images of " + std::to_string(rows) + " x " + std::to_string(cols) +
                                 " pixels; allowed: 1 to " + std::to_string(kMaxIdxPixels) + " pixels");
    }
    const auto n = static_cast<Eigen::Index>(maxRows > 0 ? std::min<long long>(maxRows, count) : count);
    const auto d = static_cast<Eigen::Index>(d64);
    std::vector<unsigned char> pixels;
    std::vector<unsigned char> classes;
    for (Eigen::Index i = 0; i < n; ++i)
    {
        pixels.resize(pixels.size() + static_cast<size_t>(d)); // amortised growth, only as data arrive
        images.Read(pixels.data() + pixels.size() - static_cast<size_t>(d), static_cast<size_t>(d));
        classes.emplace_back();
        labels.Read(&classes.back(), 1);
    }
    Dataset out;
    const Eigen::Map<const Eigen::Matrix<unsigned char, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> image(
        pixels.data(), n, d);
    ResizeForWrite(out.features, n, d);
    // By blocks of rows: converting the row-major pixels column by column read a cache line per value.
    constexpr Eigen::Index kBlockRows = 64;
    for (Eigen::Index i0 = 0; i0 < n; i0 += kBlockRows)
    {
        const Eigen::Index block = std::min(kBlockRows, n - i0);
        out.features.middleRows(i0, block) = image.middleRows(i0, block).cast<double>();
    }
    out.labels = Eigen::Map<const Eigen::Matrix<unsigned char, Eigen::Dynamic, 1>>(classes.data(), n).cast<double>();
    return out;
}

Dataset
LoadLibsvm(const std::string& path, long long maxRows, Eigen::Index minFeatures)
{
    std::ifstream in(path);
    if (!in)
    {
        throw std::runtime_error(path + ": cannot open");
    }
    using Index = SparseFeatures::StorageIndex;
    std::vector<double> labels;
    std::vector<Index> outer{0};
    std::vector<Index> inner;
    std::vector<double> values;
    Eigen::Index d = minFeatures;
    std::string line;
    long long number = 0;
    while (std::getline(in, line) && (maxRows <= 0 || static_cast<long long>(labels.size()) < maxRows))
    {
        ++number;
        const auto hash = line.find('#');
        line = Trim(hash == std::string::npos ? line : line.substr(0, hash));
        if (line.empty())
        {
            continue;
        }
        std::istringstream fields(line);
        std::string token;
        fields >> token;
        labels.push_back(ParseNumber(token, path, number, "label"));
        long long previous = 0;
        while (fields >> token)
        {
            const auto colon = token.find(':');
            if (colon == std::string::npos || colon == 0)
            {
                Malformed(path, number, "'" + token + "' is not index:value");
            }
            errno = 0;
            char* end = nullptr;
            const std::string indexText = token.substr(0, colon);
            const long long index = std::strtoll(indexText.c_str(), &end, 10);
            if (*end != '\0' || errno == ERANGE || index < 1 || index > kMaxLibsvmIndex)
            {
                Malformed(path, number, "index '" + indexText + "' is not an integer in [1, " +
                                            std::to_string(kMaxLibsvmIndex) + "]");
            }
            if (index <= previous)
            {
                Malformed(path, number, "indices must increase ('" + token + "' after index " +
                                            std::to_string(previous) + ")");
            }
            previous = index;
            if (values.size() >= static_cast<size_t>(Eigen::NumTraits<Index>::highest()))
            {
                Malformed(path, number, "more than 2^31 nonzeros");
            }
            inner.push_back(static_cast<Index>(index - 1));
            values.push_back(ParseNumber(token.substr(colon + 1), path, number, "value"));
            d = std::max<Eigen::Index>(d, static_cast<Eigen::Index>(index));
        }
        outer.push_back(static_cast<Index>(values.size()));
    }
    if (labels.empty())
    {
        throw std::runtime_error(path + ": no samples");
    }
    const auto n = static_cast<Eigen::Index>(labels.size());
    Dataset out;
    out.isSparse = true;
    // Filled directly: assigning a Map reserves max(n, d) x 2 entries first (2.4 GB for one line
    // naming feature 10^8).
    out.sparse.resize(n, d);
    out.sparse.resizeNonZeros(static_cast<Eigen::Index>(values.size()));
    std::copy(outer.begin(), outer.end(), out.sparse.outerIndexPtr());
    std::copy(inner.begin(), inner.end(), out.sparse.innerIndexPtr());
    std::copy(values.begin(), values.end(), out.sparse.valuePtr());
    out.labels = Eigen::Map<const Eigen::VectorXd>(labels.data(), n);
    return out;
}

Dataset
LoadCsv(const std::string& path, const std::string& labelColumn, long long maxRows)
{
    std::ifstream in(path);
    if (!in)
    {
        throw std::runtime_error(path + ": cannot open");
    }
    std::string line;
    if (!std::getline(in, line))
    {
        throw std::runtime_error(path + ": empty (a header row is needed)");
    }
    const std::vector<std::string> header = SplitCsvLine(Trim(line));
    const auto it = std::find(header.begin(), header.end(), labelColumn);
    if (it == header.end())
    {
        std::string columns;
        for (const auto& h : header)
        {
            columns += (columns.empty() ? "" : ", ") + h;
        }
        throw std::invalid_argument("problem.label_column = '" + labelColumn + "' is not a column of " + path +
                                    "; its columns: " + columns);
    }
    const auto labelIndex = static_cast<size_t>(it - header.begin());
    std::vector<double> values;
    std::vector<double> labels;
    long long number = 1;
    while (std::getline(in, line) && (maxRows <= 0 || static_cast<long long>(labels.size()) < maxRows))
    {
        ++number;
        line = Trim(line);
        if (line.empty())
        {
            continue;
        }
        const std::vector<std::string> cells = SplitCsvLine(line);
        if (cells.size() != header.size())
        {
            Malformed(path, number, std::to_string(cells.size()) + " cells, the header has " +
                                        std::to_string(header.size()));
        }
        for (size_t c = 0; c < cells.size(); ++c)
        {
            const double v = ParseNumber(cells[c], path, number, "cell '" + header[c] + "'");
            if (c == labelIndex)
            {
                labels.push_back(v);
            }
            else
            {
                values.push_back(v);
            }
        }
    }
    if (labels.empty())
    {
        throw std::runtime_error(path + ": no samples");
    }
    const auto n = static_cast<Eigen::Index>(labels.size());
    const auto d = static_cast<Eigen::Index>(header.size() - 1);
    Dataset out;
    out.features = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        values.data(), n, d);
    out.labels = Eigen::Map<const Eigen::VectorXd>(labels.data(), n);
    return out;
}

std::vector<AvailabilityWindow>
LoadAvailability(const std::string& path, uint32_t workers)
{
    std::ifstream in(path);
    if (!in)
    {
        throw std::runtime_error("energy.availability = " + path + ": cannot open");
    }
    std::string line;
    if (!std::getline(in, line) || SplitCsvLine(Trim(line)) != std::vector<std::string>{"worker", "start_s", "end_s"})
    {
        Malformed(path, 1, "the header must be worker,start_s,end_s");
    }
    std::vector<AvailabilityWindow> out;
    long long number = 1;
    while (std::getline(in, line))
    {
        ++number;
        line = Trim(line);
        if (line.empty())
        {
            continue;
        }
        const std::vector<std::string> cells = SplitCsvLine(line);
        if (cells.size() != 3)
        {
            Malformed(path, number, std::to_string(cells.size()) + " cells, expected worker,start_s,end_s");
        }
        const double worker = ParseNumber(cells[0], path, number, "worker");
        AvailabilityWindow w;
        w.startS = ParseNumber(cells[1], path, number, "start_s");
        w.endS = ParseNumber(cells[2], path, number, "end_s");
        if (worker < 0.0 || worker >= workers || worker != std::floor(worker))
        {
            Malformed(path, number, "worker '" + cells[0] + "' is not a worker number 0 .. " + std::to_string(workers - 1));
        }
        if (w.startS < 0.0 || !(w.endS > w.startS))
        {
            Malformed(path, number, "the interval needs 0 <= start_s < end_s");
        }
        if (out.size() == kMaxAvailabilityWindows)
        {
            Malformed(path, number, "more than " + std::to_string(kMaxAvailabilityWindows) + " intervals");
        }
        w.worker = static_cast<uint32_t>(worker);
        out.push_back(w);
    }
    return out;
}

void
ScaleFeatures(Scaling scaling, Dataset& train, Dataset& test)
{
    if (scaling == Scaling::kNone)
    {
        return;
    }
    if (train.isSparse || test.isSparse)
    {
        throw std::invalid_argument("feature scaling needs dense features (shifting a sparse column fills it)");
    }
    const Eigen::Index d = train.Features();
    Eigen::RowVectorXd shift(d), scale(d);
    for (Eigen::Index j = 0; j < d; ++j)
    {
        const auto column = train.features.col(j);
        if (scaling == Scaling::kStandardize)
        {
            const double mean = column.mean();
            const double sd = std::sqrt((column.array() - mean).square().mean());
            shift(j) = mean;
            scale(j) = sd > 0.0 ? 1.0 / sd : 0.0;
        }
        else
        {
            const double lo = column.minCoeff();
            const double hi = column.maxCoeff();
            shift(j) = lo;
            scale(j) = hi > lo ? 1.0 / (hi - lo) : 0.0;
        }
    }
    for (Dataset* set : {&train, &test})
    {
        if (set->Samples() > 0)
        {
            set->features = ((set->features.rowwise() - shift).array().rowwise() * scale.array()).matrix();
        }
    }
}

void
SplitTest(Dataset& train, Dataset& test, double fraction, uint64_t seed)
{
    const Eigen::Index n = train.Samples();
    const auto held = static_cast<Eigen::Index>(std::floor(fraction * static_cast<double>(n)));
    if (held <= 0)
    {
        return;
    }
    if (held >= n)
    {
        throw std::invalid_argument("problem.test_fraction leaves no training sample");
    }
    std::vector<Eigen::Index> order(static_cast<size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i)
    {
        order[static_cast<size_t>(i)] = i;
    }
    Rng rng = Rng::Derive(seed, 0x5B117ULL);
    for (size_t i = order.size() - 1; i > 0; --i)
    {
        std::swap(order[i], order[static_cast<size_t>(rng.UniformInt(i + 1))]);
    }
    const std::vector<Eigen::Index> trainRows(order.begin(), order.end() - held);
    const std::vector<Eigen::Index> testRows(order.end() - held, order.end());
    test = Subset(train, testRows);
    train = Subset(train, trainRows);
}

int
NormalizeLabels(LabelKind kind, Dataset& train, Dataset& test)
{
    if (kind == LabelKind::kRegression)
    {
        return 0;
    }
    std::map<double, int> classes;
    for (Eigen::Index i = 0; i < train.labels.size(); ++i)
    {
        classes.emplace(train.labels(i), 0);
    }
    if (kind == LabelKind::kBinary && classes.size() != 2)
    {
        throw std::invalid_argument("problem.type = logistic needs exactly 2 distinct labels; the training "
                                    "set has " + std::to_string(classes.size()) +
                                    " (use problem.type = softmax or mlp for more classes)");
    }
    if (classes.size() > 1000)
    {
        throw std::invalid_argument("the training set has " + std::to_string(classes.size()) +
                                    " distinct labels; at most 1000 classes (is it a regression target?)");
    }
    int next = 0;
    for (auto& [label, index] : classes)
    {
        index = next++;
    }
    for (Dataset* set : {&train, &test})
    {
        for (Eigen::Index i = 0; i < set->labels.size(); ++i)
        {
            const auto found = classes.find(set->labels(i));
            if (found == classes.end())
            {
                throw std::invalid_argument("a test label " + std::to_string(set->labels(i)) +
                                            " never occurs in the training set");
            }
            set->labels(i) = kind == LabelKind::kBinary ? (found->second == 0 ? -1.0 : 1.0) : found->second;
        }
    }
    return static_cast<int>(classes.size());
}

} // namespace airgrad
