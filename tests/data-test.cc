// Real-data paths: loaders on generated files (good and malformed), scaling, labels, partitions.
#include "test-util.h"

#include "data/loaders.h"
#include "data/partition.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <unistd.h>

namespace airgrad {
namespace {

/// A file in a fresh temporary directory, removed with the test.
class TempFile
{
  public:
    explicit TempFile(const std::string& name)
    {
        char dir[] = "/tmp/airgrad-data-XXXXXX";
        m_dir = mkdtemp(dir);
        m_path = m_dir + "/" + name;
    }
    ~TempFile()
    {
        std::remove(m_path.c_str());
        rmdir(m_dir.c_str());
    }
    const std::string& Path() const { return m_path; }
    void Write(const std::string& text) const { std::ofstream(m_path) << text; }

  private:
    std::string m_dir;
    std::string m_path;
};

/// The error message of f(), or "" when it does not throw.
template <typename F>
std::string
ErrorOf(F f)
{
    try
    {
        f();
    }
    catch (const std::exception& e)
    {
        return e.what();
    }
    return "";
}

TEST(Loaders, LibsvmReadsSparseRowsAndNamesTheBadLine)
{
    TempFile f("a.libsvm");
    f.Write("# a comment\n+1 1:0.5 3:2\n\n-1 2:-1 # trailing comment\n0 1:1e-3 4:7\n");
    const Dataset d = LoadLibsvm(f.Path());
    ASSERT_EQ(d.Samples(), 3);
    ASSERT_EQ(d.Features(), 4);
    ASSERT_TRUE(d.isSparse); // CSR, never densified
    EXPECT_EQ(d.sparse.nonZeros(), 5);
    EXPECT_EQ(d.sparse.coeff(0, 0), 0.5);
    EXPECT_EQ(d.sparse.coeff(0, 2), 2.0);
    EXPECT_EQ(d.sparse.coeff(1, 1), -1.0);
    EXPECT_EQ(d.sparse.coeff(2, 0), 1e-3);
    EXPECT_EQ(d.sparse.coeff(2, 3), 7.0);
    EXPECT_EQ(d.labels, Eigen::Vector3d(1, -1, 0));
    EXPECT_EQ(LoadLibsvm(f.Path(), 2).Samples(), 2);
    for (const char* bad : {"+1 1:0.5\n-1 0:1\n", "+1 1:0.5\n-1 3:1 2:1\n", "+1 1:0.5\nx 1:1\n",
                            "+1 1:0.5\n-1 2:abc\n", "+1 1:0.5\n-1 2\n"})
    {
        f.Write(bad);
        const std::string e = ErrorOf([&] { LoadLibsvm(f.Path()); });
        EXPECT_NE(e.find(f.Path() + ":2:"), std::string::npos) << bad << " -> " << e;
    }
}

TEST(Loaders, CsvReadsTheLabelColumnAndNamesTheBadLine)
{
    TempFile f("a.csv");
    f.Write("x1,label,x2\n1,0,2\n3,1,4\n");
    const Dataset d = LoadCsv(f.Path(), "label");
    ASSERT_EQ(d.Samples(), 2);
    ASSERT_EQ(d.Features(), 2);
    EXPECT_EQ(d.features(1, 0), 3.0);
    EXPECT_EQ(d.features(1, 1), 4.0);
    EXPECT_EQ(d.labels, Eigen::Vector2d(0, 1));
    EXPECT_NE(ErrorOf([&] { LoadCsv(f.Path(), "y"); }).find("x1, label, x2"), std::string::npos);
    f.Write("x1,label\n1,0\n2\n");
    EXPECT_NE(ErrorOf([&] { LoadCsv(f.Path(), "label"); }).find(f.Path() + ":3:"), std::string::npos);
    f.Write("x1,label\n1,0\nnan,1\n");
    EXPECT_NE(ErrorOf([&] { LoadCsv(f.Path(), "label"); }).find(f.Path() + ":3:"), std::string::npos);
}

void
WriteGz(const std::string& path, const std::vector<unsigned char>& bytes)
{
    gzFile g = gzopen(path.c_str(), "wb");
    gzwrite(g, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(g);
}

TEST(Loaders, IdxReadsImagesAndLabelsAndRejectsBadFiles)
{
    TempFile images("images.gz"), labels("labels.gz");
    // 3 images of 2 x 2 pixels, labels 7, 0, 9 (IDX: big-endian magic, counts, then bytes).
    WriteGz(images.Path(), {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2,
                            1, 2, 3, 4, 5, 6, 7, 8, 255, 0, 0, 255});
    WriteGz(labels.Path(), {0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9});
    const Dataset d = LoadIdx(images.Path(), labels.Path());
    ASSERT_EQ(d.Samples(), 3);
    ASSERT_EQ(d.Features(), 4);
    EXPECT_EQ(d.features(0, 3), 4.0);
    EXPECT_EQ(d.features(2, 0), 255.0);
    EXPECT_EQ(d.labels, Eigen::Vector3d(7, 0, 9));
    EXPECT_EQ(LoadIdx(images.Path(), labels.Path(), 2).Samples(), 2);
    EXPECT_NE(ErrorOf([&] { LoadIdx(labels.Path(), labels.Path()); }).find("not an IDX image file"),
              std::string::npos);
    WriteGz(images.Path(), {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3});
    EXPECT_NE(ErrorOf([&] { LoadIdx(images.Path(), labels.Path()); }).find("truncated"), std::string::npos);
    // Headers that claim more than the files hold: 10^9 images of 28 x 28 (6 TB as doubles) in a
    // few bytes is truncated, not allocated; 65535 x 65535 pixels is refused by its size.
    WriteGz(images.Path(), {0, 0, 8, 3, 0x3B, 0x9A, 0xCA, 0, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3});
    WriteGz(labels.Path(), {0, 0, 8, 1, 0x3B, 0x9A, 0xCA, 0, 7});
    EXPECT_NE(ErrorOf([&] { LoadIdx(images.Path(), labels.Path()); }).find("truncated"), std::string::npos);
    WriteGz(images.Path(), {0, 0, 8, 3, 0x3B, 0x9A, 0xCA, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 1});
    EXPECT_NE(ErrorOf([&] { LoadIdx(images.Path(), labels.Path()); }).find("65535 x 65535 pixels"), std::string::npos);
    EXPECT_NE(ErrorOf([&] { LoadIdx("/nonexistent/x.gz", labels.Path()); }).find("/nonexistent/x.gz"),
              std::string::npos);
}

TEST(Loaders, ScalingAndLabels)
{
    Dataset train, test;
    train.features = (Eigen::MatrixXd(3, 2) << 1, 10, 2, 10, 3, 10).finished();
    train.labels = Eigen::Vector3d(0, 1, 1);
    test.features = (Eigen::MatrixXd(1, 2) << 4, 10).finished();
    test.labels = Eigen::VectorXd::Constant(1, 0);
    Dataset a = train, b = test;
    ScaleFeatures(Scaling::kStandardize, a, b);
    EXPECT_NEAR(a.features.col(0).mean(), 0.0, 1e-15);
    EXPECT_NEAR(a.features.col(0).squaredNorm() / 3, 1.0, 1e-12);
    EXPECT_EQ(a.features.col(1), Eigen::Vector3d::Zero()); // constant feature
    a = train;
    b = test;
    ScaleFeatures(Scaling::kMinMax, a, b);
    EXPECT_EQ(a.features.col(0), Eigen::Vector3d(0, 0.5, 1));
    EXPECT_EQ(b.features(0, 0), 1.5); // test data through the training scale
    a = train;
    b = test;
    EXPECT_EQ(NormalizeLabels(LabelKind::kBinary, a, b), 2);
    EXPECT_EQ(a.labels, Eigen::Vector3d(-1, 1, 1));
    a.labels = Eigen::Vector3d(4, 7, 9);
    b.labels(0) = 9;
    EXPECT_EQ(NormalizeLabels(LabelKind::kClasses, a, b), 3);
    EXPECT_EQ(a.labels, Eigen::Vector3d(0, 1, 2));
    EXPECT_EQ(b.labels(0), 2);
    a.labels = Eigen::Vector3d(4, 7, 9);
    EXPECT_NE(ErrorOf([&] { NormalizeLabels(LabelKind::kBinary, a, b); }).find("exactly 2"), std::string::npos);
}

void
ExpectAPartition(const std::vector<std::vector<Eigen::Index>>& shards, Eigen::Index n, int workers)
{
    ASSERT_EQ(shards.size(), static_cast<size_t>(workers));
    std::set<Eigen::Index> seen;
    for (const auto& s : shards)
    {
        EXPECT_FALSE(s.empty());
        for (Eigen::Index i : s)
        {
            EXPECT_TRUE(seen.insert(i).second) << "sample " << i << " dealt twice";
        }
    }
    EXPECT_EQ(static_cast<Eigen::Index>(seen.size()), n);
}

TEST(Partitions, CoverEverySampleOnceAndAreDeterministic)
{
    const Eigen::VectorXd y = Classes(2000, 10, 3);
    ExpectAPartition(PartitionIid(2000, 10, 1), 2000, 10);
    ExpectAPartition(PartitionShards(y, 10, 2, 1), 2000, 10);
    ExpectAPartition(PartitionDirichlet(y, 10, 10, 0.1, 1), 2000, 10);
    ExpectAPartition(PartitionPowerLaw(2000, 10, 1.5, 1), 2000, 10);
    EXPECT_EQ(PartitionDirichlet(y, 10, 10, 0.1, 1), PartitionDirichlet(y, 10, 10, 0.1, 1));
    EXPECT_NE(PartitionDirichlet(y, 10, 10, 0.1, 1), PartitionDirichlet(y, 10, 10, 0.1, 2));
    EXPECT_EQ(PartitionShards(y, 10, 2, 4), PartitionShards(y, 10, 2, 4));
}

/// Mean over workers of the largest class share in its shard.
double
MeanTopShare(const std::vector<std::vector<Eigen::Index>>& shards, const Eigen::VectorXd& y, int classes)
{
    double sum = 0.0;
    for (const auto& s : shards)
    {
        std::vector<int> count(static_cast<size_t>(classes), 0);
        for (Eigen::Index i : s)
        {
            ++count[static_cast<size_t>(y(i))];
        }
        sum += *std::max_element(count.begin(), count.end()) / static_cast<double>(s.size());
    }
    return sum / static_cast<double>(shards.size());
}

TEST(Partitions, LabelSkewAndSizes)
{
    const Eigen::VectorXd y = Classes(6000, 10, 5);
    const auto iid = PartitionIid(6000, 10, 1);
    const auto dirichlet = PartitionDirichlet(y, 10, 10, 0.1, 1);
    EXPECT_LT(MeanTopShare(iid, y, 10), 0.2);
    EXPECT_GT(MeanTopShare(dirichlet, y, 10), 0.5); // Dirichlet(0.1): most of a shard is one class
    for (const auto& s : PartitionShards(y, 10, 2, 1))
    {
        std::set<double> labels;
        for (Eigen::Index i : s)
        {
            labels.insert(y(i));
        }
        EXPECT_LE(labels.size(), 4U); // two shards, each spanning at most two labels at its edges
    }
    const auto sizes = PartitionPowerLaw(6000, 10, 1.0, 1);
    for (size_t m = 1; m < sizes.size() - 1; ++m)
    {
        EXPECT_LE(sizes[m].size(), sizes[m - 1].size());
    }
    EXPECT_GT(sizes[0].size(), 3 * sizes[8].size());
}

TEST(Partition, IidShardsCoverEverySampleOnceWithBalancedSizes)
{
    const auto shards = PartitionIid(103, 10, 5);
    ASSERT_EQ(shards.size(), 10U);
    std::set<Eigen::Index> seen;
    for (const auto& s : shards)
    {
        EXPECT_TRUE(s.size() == 10 || s.size() == 11);
        seen.insert(s.begin(), s.end());
    }
    EXPECT_EQ(seen.size(), 103U);
    EXPECT_EQ(*seen.begin(), 0);
    EXPECT_EQ(*seen.rbegin(), 102);
    EXPECT_EQ(PartitionIid(103, 10, 5), shards);
    EXPECT_NE(PartitionIid(103, 10, 6), shards);
}

TEST(Partition, SplitGivesEachPartWhatSubsetGives)
{
    // dense (one pass over the columns) and sparse, shuffled parts that leave rows out
    Dataset dense;
    dense.features = Eigen::MatrixXd::Random(103, 7);
    dense.labels = Eigen::VectorXd::LinSpaced(103, 0, 102);
    Dataset sparse = dense;
    sparse.sparse = dense.features.sparseView();
    sparse.features = Eigen::MatrixXd();
    sparse.isSparse = true;
    auto parts = PartitionIid(103, 4, 9);
    parts.back().resize(parts.back().size() / 2);
    for (const Dataset* data : {&dense, &sparse})
    {
        const auto split = Split(*data, parts);
        ASSERT_EQ(split.size(), parts.size());
        for (size_t p = 0; p < parts.size(); ++p)
        {
            const Dataset one = Subset(*data, parts[p]);
            EXPECT_EQ(split[p].labels, one.labels);
            EXPECT_EQ(split[p].isSparse, data->isSparse);
            EXPECT_TRUE(data->isSparse ? split[p].sparse.isApprox(one.sparse, 0.0) : split[p].features == one.features);
            EXPECT_EQ(split[p].Samples(), static_cast<Eigen::Index>(parts[p].size()));
        }
    }
    parts[1].push_back(parts[0][0]);
    EXPECT_THROW(Split(dense, parts), std::invalid_argument);
}

TEST(Partition, RejectsMoreWorkersThanSamples)
{
    EXPECT_THROW(PartitionIid(3, 4, 1), std::invalid_argument);
}

} // namespace
} // namespace airgrad
