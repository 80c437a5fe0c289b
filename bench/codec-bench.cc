// Kernels on the per-round hot path, reported per coordinate.

#include "codec/message.h"
#include "compress/top-k-compressor.h"
#include "core/rng.h"

#include <benchmark/benchmark.h>

namespace {

Eigen::VectorXd
RandomVector(Eigen::Index d)
{
    airgrad::Rng rng(42);
    Eigen::VectorXd v(d);
    for (Eigen::Index j = 0; j < d; ++j)
    {
        v(j) = rng.Normal();
    }
    return v;
}

void
BM_TopKSelect(benchmark::State& state)
{
    const Eigen::Index d = state.range(0);
    const Eigen::VectorXd v = RandomVector(d);
    airgrad::TopKCompressor topK;
    std::vector<uint32_t> indices;
    for (auto _ : state)
    {
        topK.Select(v, d / 100, indices);
        benchmark::DoNotOptimize(indices.data());
    }
    state.SetItemsProcessed(state.iterations() * d);
}
BENCHMARK(BM_TopKSelect)->Arg(10000)->Arg(1000000)->Arg(10000000)->Unit(benchmark::kMillisecond);

void
BM_DenseEncodeDecode(benchmark::State& state)
{
    const Eigen::Index d = state.range(0);
    const Eigen::VectorXd v = RandomVector(d);
    Eigen::VectorXd decoded(d);
    std::vector<uint8_t> bytes;
    airgrad::MessageHeader h;
    for (auto _ : state)
    {
        airgrad::EncodeDense(h, v, bytes);
        airgrad::DecodeDense(bytes.data(), bytes.size(), decoded);
        benchmark::DoNotOptimize(decoded.data());
    }
    state.SetItemsProcessed(state.iterations() * d);
}
BENCHMARK(BM_DenseEncodeDecode)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond);

void
BM_SparseEncodeDecode(benchmark::State& state)
{
    const Eigen::Index d = state.range(0);
    const Eigen::VectorXd v = RandomVector(d);
    airgrad::TopKCompressor topK;
    std::vector<uint32_t> indices;
    topK.Select(v, d / 100, indices);
    Eigen::VectorXd values(static_cast<Eigen::Index>(indices.size()));
    for (size_t i = 0; i < indices.size(); ++i)
    {
        values(static_cast<Eigen::Index>(i)) = v(indices[i]);
    }
    airgrad::MessageHeader h;
    h.dimension = static_cast<uint32_t>(d);
    std::vector<uint8_t> bytes;
    std::vector<uint32_t> decodedIndices;
    Eigen::VectorXd decodedValues;
    for (auto _ : state)
    {
        airgrad::EncodeSparse(h, indices, values, bytes);
        airgrad::DecodeSparse(bytes.data(), bytes.size(), decodedIndices, decodedValues);
        benchmark::DoNotOptimize(decodedValues.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(indices.size()));
}
BENCHMARK(BM_SparseEncodeDecode)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond);

} // namespace
