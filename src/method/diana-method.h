#ifndef AIRGRAD_METHOD_DIANA_METHOD_H
#define AIRGRAD_METHOD_DIANA_METHOD_H

#include "codec/message.h"
#include "method/method.h"

namespace airgrad {

/// DIANA's worker is Ef21WorkerCodec with a quantizer and alpha = 1/(1 + omega) (ef21-method.h).

/**
 * \brief Server side of DIANA: g_hat = (sum_m h_m + sum_applied Q_m) / M; v <- momentum v + g_hat;
 * x <- x - step v (the server's proximal step follows when problem.l1 > 0); h_m <- h_m + alpha Q_m.
 */
class DianaServerCodec : public ServerCodec
{
  public:
    DianaServerCodec(Eigen::Index dim, double step, int workers, double alpha, double momentum);
    void BeginRound(int participants) override; ///< the shifts of all M average, as for a lost update
    void Accept(uint32_t worker, const CheckedMessage& message, double weight) override;
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
