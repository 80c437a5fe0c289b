#include "compress/top-k-compressor.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace airgrad {

void
TopKCompressor::Select(const Eigen::Ref<const Eigen::VectorXd>& v,
                       Eigen::Index k,
                       std::vector<uint32_t>& indices)
{
    const auto d = static_cast<size_t>(v.size());
    const auto kk = static_cast<size_t>(std::clamp<Eigen::Index>(k, 0, v.size()));
    indices.clear();
    if (kk == 0)
    {
        return;
    }
    // Find the K-th largest magnitude t on a contiguous copy (cache-friendly), then take, in index
    // order, every entry above t and the first entries equal to t until K are taken. This is the
    // set the total order (magnitude, then smaller index) selects, already sorted by index.
    // One scratch per thread, not per compressor: M workers' compressors share it (they are called
    // one at a time per thread), which saves M - threads buffers of d doubles.
    thread_local std::vector<double> magnitude;
    magnitude.resize(d);
    Eigen::Map<Eigen::VectorXd>(magnitude.data(), v.size()) = v.cwiseAbs();
    std::nth_element(magnitude.begin(), magnitude.begin() + static_cast<std::ptrdiff_t>(kk - 1), magnitude.end(),
                     std::greater<>());
    const double threshold = magnitude[kk - 1];
    size_t above = 0;
    for (size_t i = 0; i + 1 < kk; ++i)
    {
        above += magnitude[i] > threshold ? 1 : 0;
    }
    size_t ties = kk - above;
    for (size_t j = 0; j < d && indices.size() < kk; ++j)
    {
        const double a = std::abs(v(static_cast<Eigen::Index>(j)));
        if (a > threshold || (a == threshold && ties > 0))
        {
            ties -= a == threshold ? 1 : 0;
            indices.push_back(static_cast<uint32_t>(j));
        }
    }
}

} // namespace airgrad
