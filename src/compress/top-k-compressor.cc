#include "compress/top-k-compressor.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace airgrad {

void
TopKCompressor::Select(const Eigen::Ref<const Eigen::VectorXd>& v,
                       Eigen::Index k,
                       std::vector<uint32_t>& indices)
{
    const auto d = static_cast<size_t>(v.size());
    const auto kk = static_cast<size_t>(std::clamp<Eigen::Index>(k, 0, v.size()));
    m_order.resize(d);
    std::iota(m_order.begin(), m_order.end(), uint32_t{0});
    // A strict total order (magnitude, then index) makes the selection independent of the algorithm.
    auto larger = [&v](uint32_t a, uint32_t b) {
        const double fa = std::abs(v(a));
        const double fb = std::abs(v(b));
        return fa > fb || (fa == fb && a < b);
    };
    if (kk < d)
    {
        std::nth_element(m_order.begin(), m_order.begin() + static_cast<std::ptrdiff_t>(kk),
                         m_order.end(), larger);
    }
    indices.assign(m_order.begin(), m_order.begin() + static_cast<std::ptrdiff_t>(kk));
    std::sort(indices.begin(), indices.end());
}

} // namespace airgrad
