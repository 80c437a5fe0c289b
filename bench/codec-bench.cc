// Kernels on the per-round hot path: every compressor and every encoder/decoder at d = 1e4, 1e6
// and 1e7. Reported as ns_per_coord (per input coordinate) and allocs_per_call (heap allocations
// inside the timed loop, which must be 0 once the buffers are warm).

#include "codec/message.h"
#include "compress/compressors.h"
#include "compress/vector-compressor.h"
#include "core/rng.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>

namespace {

std::atomic<long long> g_allocations{0};

} // namespace

// The replacements pair malloc with free; GCC cannot see that through operator new.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

// Counts every heap allocation of the process, so a benchmark can report those inside its loop.
void*
operator new(std::size_t size)
{
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size))
    {
        return p;
    }
    throw std::bad_alloc();
}

void*
operator new[](std::size_t size)
{
    return operator new(size);
}

void
operator delete(void* p) noexcept
{
    std::free(p);
}

void
operator delete[](void* p) noexcept
{
    std::free(p);
}

void
operator delete[](void* p, std::size_t) noexcept
{
    std::free(p);
}

void
operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

namespace {

using airgrad::CompressedVector;
using airgrad::VectorCompressor;

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

/// Runs `body` in the timed loop after one warm-up call; reports ns per coordinate and allocations.
template <typename Body>
void
Measure(benchmark::State& state, Eigen::Index d, Body body)
{
    body();
    const long long before = g_allocations.load();
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state)
    {
        body();
    }
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    const long long allocations = g_allocations.load() - before;
    state.counters["ns_per_coord"] = ns / (static_cast<double>(state.iterations()) * static_cast<double>(d));
    state.counters["allocs_per_call"] =
        static_cast<double>(allocations) / static_cast<double>(state.iterations());
    state.SetItemsProcessed(state.iterations() * d);
}

VectorCompressor::Options
Options(VectorCompressor::Kind kind, Eigen::Index d)
{
    VectorCompressor::Options o;
    o.kind = kind;
    o.k = std::max<Eigen::Index>(1, d / 100);
    return o;
}

void
Compress(benchmark::State& state, VectorCompressor::Options o)
{
    const Eigen::Index d = state.range(0);
    if (o.kind == VectorCompressor::Kind::kTopK || o.kind == VectorCompressor::Kind::kRandK)
    {
        o.k = std::max<Eigen::Index>(1, d / 100);
    }
    const Eigen::VectorXd v = RandomVector(d);
    VectorCompressor c(o, d, 1);
    CompressedVector out;
    Measure(state, d, [&] {
        c.Apply(v, out);
        benchmark::DoNotOptimize(out.values.data());
    });
}

void
BM_CompressTopK(benchmark::State& s)
{
    Compress(s, Options(VectorCompressor::Kind::kTopK, 1));
}
void
BM_CompressRandK(benchmark::State& s)
{
    Compress(s, Options(VectorCompressor::Kind::kRandK, 1));
}
void
BM_CompressQsgdS4(benchmark::State& s)
{
    VectorCompressor::Options o = Options(VectorCompressor::Kind::kQuantize, 1);
    o.levels = 4;
    Compress(s, o);
}
void
BM_CompressTernaryLinfBlock32(benchmark::State& s)
{
    VectorCompressor::Options o = Options(VectorCompressor::Kind::kQuantize, 1);
    o.norm = airgrad::QuantNorm::kLinf;
    o.blockSize = 32;
    Compress(s, o);
}
void
BM_CompressScaledSign(benchmark::State& s)
{
    Compress(s, Options(VectorCompressor::Kind::kSign, 1));
}
void
BM_CompressDenseFloat32(benchmark::State& s)
{
    Compress(s, Options(VectorCompressor::Kind::kDense, 1));
}

void
BM_CompressThresholdMask(benchmark::State& state)
{
    const Eigen::Index d = state.range(0);
    const Eigen::VectorXd v = RandomVector(d);
    CompressedVector out;
    Measure(state, d, [&] {
        airgrad::CompressMasked(v, airgrad::ValueFormat::kFloat32,
                                [&](Eigen::Index j) { return std::abs(v(j)) > 2.5; }, out);
        benchmark::DoNotOptimize(out.values.data());
    });
}

/// Encodes and decodes one compressed vector of `kind` (Top-1% for sparse).
void
Codec(benchmark::State& state, VectorCompressor::Options o, airgrad::IndexCoding coding)
{
    const Eigen::Index d = state.range(0);
    o.k = std::max<Eigen::Index>(1, d / 100);
    const Eigen::VectorXd v = RandomVector(d);
    VectorCompressor c(o, d, 1);
    CompressedVector in, out;
    c.Apply(v, in);
    airgrad::MessageHeader h;
    std::vector<uint8_t> bytes;
    Measure(state, d, [&] {
        airgrad::EncodeCompressed(h, in, bytes, coding);
        airgrad::DecodeCompressed(bytes.data(), bytes.size(), d, out);
        benchmark::DoNotOptimize(out.values.data());
    });
    state.counters["bytes"] = static_cast<double>(bytes.size());
    if (in.kind == CompressedVector::Kind::kSparse)
    {
        state.counters["M_nonzeros_per_s"] = benchmark::Counter(static_cast<double>(in.Count()) * 1e-6,
                                                                benchmark::Counter::kIsIterationInvariantRate);
    }
}

void
BM_CodecDenseFloat32(benchmark::State& s)
{
    Codec(s, Options(VectorCompressor::Kind::kDense, 1), airgrad::IndexCoding::kFixed);
}
void
BM_CodecDenseFloat16(benchmark::State& s)
{
    VectorCompressor::Options o = Options(VectorCompressor::Kind::kDense, 1);
    o.format = airgrad::ValueFormat::kFloat16;
    Codec(s, o, airgrad::IndexCoding::kFixed);
}
void
BM_CodecSparseFixed(benchmark::State& s)
{
    Codec(s, Options(VectorCompressor::Kind::kTopK, 1), airgrad::IndexCoding::kFixed);
}
void
BM_CodecSparseFixed32(benchmark::State& s)
{
    Codec(s, Options(VectorCompressor::Kind::kTopK, 1), airgrad::IndexCoding::kFixed32);
}
void
BM_CodecSparseBitmap(benchmark::State& s)
{
    Codec(s, Options(VectorCompressor::Kind::kTopK, 1), airgrad::IndexCoding::kBitmap);
}
void
BM_CodecSparseGamma(benchmark::State& s)
{
    Codec(s, Options(VectorCompressor::Kind::kTopK, 1), airgrad::IndexCoding::kGamma);
}
void
BM_CodecSparseBest(benchmark::State& s)
{
    Codec(s, Options(VectorCompressor::Kind::kTopK, 1), airgrad::IndexCoding::kBest);
}
void
BM_CodecQuantizedTernary(benchmark::State& s)
{
    VectorCompressor::Options o = Options(VectorCompressor::Kind::kQuantize, 1);
    o.norm = airgrad::QuantNorm::kLinf;
    o.blockSize = 32;
    Codec(s, o, airgrad::IndexCoding::kFixed);
}
void
BM_CodecQuantizedS4(benchmark::State& s)
{
    VectorCompressor::Options o = Options(VectorCompressor::Kind::kQuantize, 1);
    o.levels = 4;
    Codec(s, o, airgrad::IndexCoding::kFixed);
}
void
BM_CodecSign(benchmark::State& s)
{
    Codec(s, Options(VectorCompressor::Kind::kSign, 1), airgrad::IndexCoding::kFixed);
}

void
BM_CodecModel(benchmark::State& state)
{
    const Eigen::Index d = state.range(0);
    const Eigen::VectorXd v = RandomVector(d);
    Eigen::VectorXd model(d);
    airgrad::Roster roster, decodedRoster;
    roster.lastApplied.assign(100, 7);
    airgrad::MessageHeader h;
    std::vector<uint8_t> bytes;
    Measure(state, d, [&] {
        airgrad::EncodeModel(h, roster, v, bytes);
        airgrad::DecodeModel(bytes.data(), bytes.size(), decodedRoster, model);
        benchmark::DoNotOptimize(model.data());
    });
}

#define AIRGRAD_SIZES ->Arg(10000)->Arg(1000000)->Arg(10000000)->Unit(benchmark::kMillisecond)
BENCHMARK(BM_CompressTopK) AIRGRAD_SIZES;
BENCHMARK(BM_CompressRandK) AIRGRAD_SIZES;
BENCHMARK(BM_CompressQsgdS4) AIRGRAD_SIZES;
BENCHMARK(BM_CompressTernaryLinfBlock32) AIRGRAD_SIZES;
BENCHMARK(BM_CompressScaledSign) AIRGRAD_SIZES;
BENCHMARK(BM_CompressDenseFloat32) AIRGRAD_SIZES;
BENCHMARK(BM_CompressThresholdMask) AIRGRAD_SIZES;
BENCHMARK(BM_CodecDenseFloat32) AIRGRAD_SIZES;
BENCHMARK(BM_CodecDenseFloat16) AIRGRAD_SIZES;
BENCHMARK(BM_CodecSparseFixed) AIRGRAD_SIZES;
BENCHMARK(BM_CodecSparseFixed32) AIRGRAD_SIZES;
BENCHMARK(BM_CodecSparseBitmap) AIRGRAD_SIZES;
BENCHMARK(BM_CodecSparseGamma) AIRGRAD_SIZES;
BENCHMARK(BM_CodecSparseBest) AIRGRAD_SIZES;
BENCHMARK(BM_CodecQuantizedTernary) AIRGRAD_SIZES;
BENCHMARK(BM_CodecQuantizedS4) AIRGRAD_SIZES;
BENCHMARK(BM_CodecSign) AIRGRAD_SIZES;
BENCHMARK(BM_CodecModel) AIRGRAD_SIZES;

} // namespace
