#ifndef AIRGRAD_METHOD_TOP_K_EF_METHOD_H
#define AIRGRAD_METHOD_TOP_K_EF_METHOD_H

#include "compress/top-k-compressor.h"
#include "method/method.h"

namespace airgrad {

/**
 * \brief Top-K with error feedback (Stich, Cordonnier, Jaggi, NeurIPS 2018).
 *
 * u = g + e; c = TopK(u) with values rounded to the wire format; staged e' = u - c; send c.
 * Applied: e <- e'. Not applied: e <- u, so the whole undelivered update waits in the memory.
 */
class TopKEfWorkerCodec : public WorkerCodec
{
  public:
    TopKEfWorkerCodec(Eigen::Index dim, Eigen::Index k, ValueFormat format);
    void Encode(const Eigen::Ref<const Eigen::VectorXd>& gradient,
                const MessageHeader& header,
                std::vector<uint8_t>& out) override;
    void Resolve(bool applied) override;

    /// The error memory e (what was computed but not yet delivered).
    const Eigen::VectorXd& Memory() const { return m_memory; }

  private:
    Eigen::Index m_k;
    ValueFormat m_format;
    TopKCompressor m_topK;
    Eigen::VectorXd m_memory;   ///< e
    Eigen::VectorXd m_corrected; ///< u = g + e of the staged round
    std::vector<uint32_t> m_indices;
    Eigen::VectorXd m_values;
    bool m_staged = false;
};

/**
 * \brief Server side of Top-K-EF: sum of the applied sparse updates divided by M (every worker's
 * share, since undelivered mass stays in the worker's memory and arrives later).
 */
class TopKEfServerCodec : public ServerCodec
{
  public:
    TopKEfServerCodec(Eigen::Index dim, int workers);
    void BeginRound() override;
    void Accept(uint32_t worker, const uint8_t* data, size_t size) override;
    void Direction(Eigen::Ref<Eigen::VectorXd> out) override;

  private:
    int m_workers;
    Eigen::VectorXd m_sum;
    std::vector<uint32_t> m_indices;
    Eigen::VectorXd m_values;
};

} // namespace airgrad

#endif
