#ifndef AIRGRAD_METHOD_EF21_METHOD_H
#define AIRGRAD_METHOD_EF21_METHOD_H

#include "compress/vector-compressor.h"
#include "method/method.h"

namespace airgrad {

/**
 * \brief EF21 (Richtarik, Sokolov, Fatkhullin, NeurIPS 2021): c = C(g - g_hat); staged
 * g_hat' = g_hat + alpha c; send c. The server mirrors every g_hat_m and steps along their mean.
 * Not applied: g_hat stays (the next round codes afresh against the shared g_hat).
 * With a quantizer and alpha = 1/(1 + omega) this is also DIANA's worker (shift h = g_hat).
 */
class Ef21WorkerCodec : public WorkerCodec
{
  public:
    Ef21WorkerCodec(const VectorCompressor::Options& options, IndexCoding coding, Eigen::Index dim,
                    uint64_t seed, double alpha = 1.0);
    void Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                const Eigen::Ref<const Eigen::VectorXd>& gradient,
                const MessageHeader& header,
                std::vector<uint8_t>& out) override;
    void Resolve(bool applied) override;
    std::vector<const Eigen::VectorXd*> Mirrored() const override { return {&m_estimate}; }

  private:
    VectorCompressor m_compressor;
    IndexCoding m_coding;
    double m_alpha;
    Eigen::VectorXd m_estimate; ///< g_hat
    Eigen::VectorXd m_staged;
    Eigen::VectorXd m_difference;
    CompressedVector m_compressed;
    bool m_pending = false;
};

/// Server side of EF21 (also the mirror of any "shifted" method that sends C(g - g_hat)).
class Ef21ServerCodec : public DirectionServerCodec
{
  public:
    Ef21ServerCodec(Eigen::Index dim, double step, int workers);
    void BeginRound(int) override {}
    void Accept(uint32_t worker, const CheckedMessage& message, double weight) override;
    void Direction(Eigen::Ref<Eigen::VectorXd> out) override;
    std::vector<const Eigen::VectorXd*> Mirrored(uint32_t worker) const override
    {
        return {&m_estimates[worker]};
    }

  private:
    std::vector<Eigen::VectorXd> m_estimates;
    Eigen::VectorXd m_sum;
    CompressedVector m_decoded;
};

} // namespace airgrad

#endif
