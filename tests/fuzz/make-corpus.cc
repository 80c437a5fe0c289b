// Writes the fuzz targets' seed corpus, made by the project's own encoders, into DIR/<target>/:
// airgrad-fuzz-corpus DIR SCENARIO.ini...
#include "codec/message.h"
#include "method/method-factory.h"
#include "round/server.h"
#include "round/worker.h"
#include "problem/logistic-problem.h"
#include "message-reassembler.h"
#include "stream-framer.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace airgrad;
namespace fs = std::filesystem;

namespace {

fs::path g_root;
int g_count = 0;

void
Seed(const std::string& target, const std::vector<uint8_t>& bytes)
{
    const fs::path dir = g_root / target;
    fs::create_directories(dir);
    std::ofstream(dir / ("seed-" + std::to_string(g_count++)), std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void
Seed(const std::string& target, uint8_t prefix, const std::vector<uint8_t>& bytes)
{
    std::vector<uint8_t> b = {prefix};
    b.insert(b.end(), bytes.begin(), bytes.end());
    Seed(target, b);
}

std::vector<uint8_t>
Text(const std::string& s)
{
    return std::vector<uint8_t>(s.begin(), s.end());
}

} // namespace

int
main(int argc, char** argv)
{
    if (argc < 2)
    {
        return 2;
    }
    g_root = argv[1];
    // Decoders: every message type and format, at dimension 10 (byte 0 = 9 expects 10).
    MessageHeader h;
    h.round = 3;
    h.sender = 1;
    const Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(10, -1.0, 1.0);
    std::vector<uint8_t> m;
    for (ValueFormat f : {ValueFormat::kFloat16, ValueFormat::kFloat32, ValueFormat::kFloat64})
    {
        h.format = f;
        EncodeDense(h, v, m);
        Seed("decoders", 9, m);
        Roster roster{{1, 2, 3}, {}};
        EncodeModel(h, roster, v, m);
        Seed("decoders", 9, m);
        roster.selected = {0, 1, 1};
        EncodeModel(h, roster, v, m);
        Seed("decoders", 9, m);
    }
    h.format = ValueFormat::kFloat32;
    for (IndexCoding c : {IndexCoding::kFixed, IndexCoding::kBitmap, IndexCoding::kFixed32, IndexCoding::kBest})
    {
        h.dimension = 10;
        EncodeSparse(h, {1, 4, 9}, Eigen::Vector3d(0.5, -2.0, 3.0), m, c);
        Seed("decoders", 9, m);
    }
    CompressedVector q;
    q.kind = CompressedVector::Kind::kQuantized;
    q.dimension = 10;
    q.quantLevels = 2;
    q.blockSize = 5;
    q.norms = Eigen::Vector2d(1.0, 2.0);
    q.levels = {0, 1, -2, 0, 0, 2, 0, 0, -1, 0};
    EncodeCompressed(h, q, m);
    Seed("decoders", 9, m);
    std::vector<uint8_t> inner;
    EncodeDense(h, v, inner);
    EncodePredicted(h, Eigen::Vector2d(0.5, 0.25), inner, m);
    Seed("decoders", 9, m);
    EncodeModelDelta(h, Roster{{1, 2}, {1, 0}}, inner, m);
    Seed("decoders", 9, m);

    // Codecs: each method's real uplink and its server's model message, for that method.
    const std::vector<MethodInfo> methods = MethodCatalogue();
    Dataset data;
    data.features = Eigen::MatrixXd::Ones(4, 16);
    data.labels = Eigen::Vector4d(1.0, -1.0, 1.0, -1.0);
    const LogisticProblem shard(std::move(data), 0.01);
    for (size_t i = 0; i < methods.size(); ++i)
    {
        MethodSpec spec;
        spec.name = methods[i].name;
        spec.localSteps = spec.name == "fedavg" ? 2 : 0;
        MethodContext context;
        context.dim = 16;
        context.workers = 3;
        context.step = 0.1;
        context.rounds = 10;
        Server server(Eigen::VectorXd::Zero(16), CreateServerCodec(spec, context), 0.1, 3, ValueFormat::kFloat32);
        WorkerOptions options;
        options.localSteps = LocalSteps(spec);
        options.localStep = 0.1;
        Worker worker(1, shard, CreateWorkerCodec(spec, context), options);
        const std::vector<uint8_t> model = server.BeginRound();
        std::vector<uint8_t> update;
        worker.OnModel(model.data(), model.size(), update);
        Seed("codecs", static_cast<uint8_t>(i), model);
        Seed("codecs", static_cast<uint8_t>(i), update);
    }

    // Loaders (byte 0: 0 LIBSVM, 1 CSV, 2 IDX images, 3 IDX labels).
    Seed("loaders", 0, Text("+1 1:0.5 3:2\n-1 2:1 # comment\n+1 4:1e-3\n"));
    Seed("loaders", 1, Text("label,a,b\n1,0.5,2\n0,1,3\n"));
    Seed("loaders", 2, {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 9, 8, 7, 6});
    Seed("loaders", 3, {0, 0, 8, 1, 0, 0, 0, 2, 1, 5});
    Seed("loaders", 4, Text("worker,start_s,end_s\n0,0,1.5\n3,2,1e9\n0,4,5\n"));

    // Scenarios: the shipped ones.
    for (int i = 2; i < argc; ++i)
    {
        std::ifstream in(argv[i], std::ios::binary);
        Seed("scenario", std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
    }

    // Framer: two framed messages, fed in pieces of 7 bytes (byte 0 = 6).
    std::vector<uint8_t> stream;
    ns3::airgrad::AppendFrame(stream, 3, 1, inner);
    ns3::airgrad::AppendFrame(stream, 4, 2, m);
    Seed("framer", 6, stream);

    // Reassembler: a 40-byte message in three fragments, the last first.
    std::vector<uint8_t> fragments;
    const auto put32 = [&](uint32_t x) {
        for (int s = 24; s >= 0; s -= 8)
        {
            fragments.push_back(static_cast<uint8_t>(x >> s));
        }
    };
    const auto put16 = [&](uint16_t x) {
        fragments.push_back(static_cast<uint8_t>(x >> 8));
        fragments.push_back(static_cast<uint8_t>(x));
    };
    const uint32_t chunk = ns3::airgrad::ChunkBytes(40, 3);
    for (uint16_t index : {2, 0, 1})
    {
        const uint16_t bytes = static_cast<uint16_t>(index == 2 ? 40 - 2 * chunk : chunk);
        put32(5);
        put16(index);
        put16(3);
        put32(40);
        put16(bytes);
        fragments.insert(fragments.end(), bytes, static_cast<uint8_t>(index));
    }
    Seed("reassembler", fragments);
    return 0;
}
