#ifndef AIRGRAD_METHOD_LAG_METHOD_H
#define AIRGRAD_METHOD_LAG_METHOD_H

#include "method/iterate-history.h"
#include "method/method.h"

namespace airgrad {

/**
 * \brief LAG-WK (Chen, Giannakis, Sun, Yin, NeurIPS 2018): a worker uploads its gradient only when
 * ||g - g_last||^2 > xi / (step^2 M^2) * sum_{d=1..D} ||x^{k+1-d} - x^{k-d}||^2 (the changes of
 * the models it received); otherwise it sends a header-only message (nothing at all with
 * skip-empty) and the server reuses g_last.
 */
class LagWorkerCodec : public WorkerCodec
{
  public:
    LagWorkerCodec(Eigen::Index dim, double xi, int history, double step, int workers, ValueFormat format,
                   bool skipSilently);
    void Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                const Eigen::Ref<const Eigen::VectorXd>& gradient,
                const MessageHeader& header,
                std::vector<uint8_t>& out) override;
    void Resolve(bool applied) override;
    std::vector<const Eigen::VectorXd*> Mirrored() const override { return {&m_lastSent}; }

  private:
    double m_scale; ///< xi / (step^2 M^2)
    bool m_skipSilently;
    ValueFormat m_format;
    Eigen::VectorXd m_lastSent;
    Eigen::VectorXd m_staged;
    IterateHistory m_changes;
    bool m_hasSent = false;
    bool m_pending = false;
};

/// Server side of LAG: x <- x - step * mean over all M of each worker's last applied gradient.
class LagServerCodec : public DirectionServerCodec
{
  public:
    LagServerCodec(Eigen::Index dim, double step, int workers);
    void BeginRound(int) override {}
    void Accept(uint32_t worker, const CheckedMessage& message, double weight) override;
    void Direction(Eigen::Ref<Eigen::VectorXd> out) override;
    std::vector<const Eigen::VectorXd*> Mirrored(uint32_t worker) const override
    {
        return {&m_last[worker]};
    }

  private:
    std::vector<Eigen::VectorXd> m_last;
    Eigen::VectorXd m_sum;
    CompressedVector m_decoded;
};

} // namespace airgrad

#endif
