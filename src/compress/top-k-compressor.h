#ifndef AIRGRAD_COMPRESS_TOP_K_COMPRESSOR_H
#define AIRGRAD_COMPRESS_TOP_K_COMPRESSOR_H

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace airgrad {

/**
 * \brief Top-K selection: the K coordinates of largest magnitude (Stich et al., NeurIPS 2018).
 *
 * Ties are broken towards the smaller index, so the selected set is a function of the input alone.
 * Stateless: its scratch buffer belongs to the calling thread.
 */
class TopKCompressor
{
  public:
    /// Writes the selected indices, in increasing order, into `indices` (capacity is reused).
    static void Select(const Eigen::Ref<const Eigen::VectorXd>& v, Eigen::Index k, std::vector<uint32_t>& indices);
};

} // namespace airgrad

#endif
