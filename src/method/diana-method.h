#ifndef AIRGRAD_METHOD_DIANA_METHOD_H
#define AIRGRAD_METHOD_DIANA_METHOD_H

#include "compress/vector-compressor.h"
#include "method/method.h"

namespace airgrad {

/**
 * \brief DIANA (Mishchenko, Gorbunov, Takac, Richtarik, arXiv 1901.09269): D = g - h;
 * Q = Quant_p(D) per block; staged h' = h + alpha Q; send Q. Not applied: h stays.
 */
class DianaWorkerCodec : public WorkerCodec
{
  public:
    DianaWorkerCodec(const VectorCompressor::Options& quantizer, double alpha, IndexCoding coding,
                     Eigen::Index dim, uint64_t seed);
    void Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                const Eigen::Ref<const Eigen::VectorXd>& gradient,
                const MessageHeader& header,
                std::vector<uint8_t>& out) override;
    void Resolve(bool applied) override;
    std::vector<const Eigen::VectorXd*> Mirrored() const override { return {&m_shift}; }

  private:
    VectorCompressor m_quantizer;
    double m_alpha;
    IndexCoding m_coding;
    Eigen::VectorXd m_shift; ///< h_m
    Eigen::VectorXd m_staged;
    Eigen::VectorXd m_difference;
    CompressedVector m_compressed;
    bool m_pending = false;
};

/**
 * \brief Server side of DIANA: g_hat = (sum_m h_m + sum_applied Q_m) / M; v <- momentum v + g_hat;
 * x <- x - step v (the server's proximal step follows when problem.l1 > 0); h_m <- h_m + alpha Q_m.
 */
class DianaServerCodec : public ServerCodec
{
  public:
    DianaServerCodec(Eigen::Index dim, double step, int workers, double alpha, double momentum);
    void BeginRound() override;
    void Accept(uint32_t worker, const uint8_t* data, size_t size) override;
    void Step(Eigen::Ref<Eigen::VectorXd> x) override;
    std::vector<const Eigen::VectorXd*> Mirrored(uint32_t worker) const override
    {
        return {&m_shifts[worker]};
    }

  private:
    double m_step;
    double m_alpha;
    double m_momentum;
    std::vector<Eigen::VectorXd> m_shifts;
    Eigen::VectorXd m_shiftSum;   ///< sum_m h_m
    Eigen::VectorXd m_roundSum;   ///< sum of this round's Q_m
    Eigen::VectorXd m_velocity;
    CompressedVector m_decoded;
};

} // namespace airgrad

#endif
