#ifndef AIRGRAD_METHOD_COMPRESSED_GRADIENT_METHOD_H
#define AIRGRAD_METHOD_COMPRESSED_GRADIENT_METHOD_H

#include "compress/vector-compressor.h"
#include "method/method.h"

#include <memory>

namespace airgrad {

/**
 * \brief K per round for adaptive Top-K (after Ruan et al., arXiv 2210.13532; the policies are
 * airgrad's, none is claimed to be the paper's rule). Every policy is capped by a per-worker
 * budget of kMean x rounds coordinates over the run; once it is spent the worker sends an empty
 * sparse message (its 24-byte header).
 * - constant: K every round;
 * - linear: from kStart to 2 kMean - kStart over the run (mean kMean);
 * - exponential: k_t = k_1 decay^(t-1) with k_1 chosen so the run sums to the budget;
 * - error-driven: K grows by 25% after a round whose compression error ||u - TopK(u)||^2/||u||^2
 *   exceeded the target, shrinks by 20% after one below half the target.
 */
class KSchedule
{
  public:
    enum class Policy : uint8_t
    {
        kConstant,
        kLinear,
        kExponential,
        kErrorDriven,
    };
    KSchedule(Policy policy, Eigen::Index dim, Eigen::Index kMean, Eigen::Index kStart, double decay,
              double errorTarget, int rounds);
    /// K of the next round (0 when the budget is spent); `lastError` is the previous round's ratio.
    Eigen::Index Next(double lastError);
    long long BudgetLeft() const { return m_budget; }

  private:
    Policy m_policy;
    Eigen::Index m_dim;
    Eigen::Index m_kMean;
    Eigen::Index m_kStart;
    double m_decay;
    double m_errorTarget;
    int m_rounds;
    int m_round = 0;
    double m_k;
    long long m_budget;
};

/**
 * \brief A compressor applied to the gradient, with or without error feedback: GD (identity),
 * Top-K, Top-K-EF (Stich et al. 2018), Rand-K, Rand-K-EF, QSGD, TernGrad, EF-sign (Karimireddy et
 * al. 2019) and adaptive Top-K.
 *
 * With EF: u = g + e; c = C(u); staged e' = u - c; applied: e <- e'; not applied: e <- u, so the
 * undelivered update waits in the memory. Without EF: c = C(g), stateless.
 */
class CompressedGradientWorkerCodec : public WorkerCodec
{
  public:
    CompressedGradientWorkerCodec(const VectorCompressor::Options& options,
                                  bool errorFeedback,
                                  std::unique_ptr<KSchedule> schedule,
                                  IndexCoding coding,
                                  Eigen::Index dim,
                                  uint64_t seed);
    void Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                const Eigen::Ref<const Eigen::VectorXd>& gradient,
                const MessageHeader& header,
                std::vector<uint8_t>& out) override;
    void Resolve(bool applied) override;
    /// The error memory e (what was computed but not yet delivered); zero without EF (with a K
    /// schedule), empty without either.
    const Eigen::VectorXd& Memory() const { return m_memory; }
    /// Compression error ||u - C(u)||^2 / ||u||^2 of the last Encode (with EF or a K schedule).
    double LastError() const { return m_lastError; }

  private:
    VectorCompressor m_compressor;
    bool m_errorFeedback;
    std::unique_ptr<KSchedule> m_schedule;
    IndexCoding m_coding;
    CompressedVector m_compressed;
    Eigen::VectorXd m_memory;    ///< e (EF); the residual scratch of a K schedule; else empty
    Eigen::VectorXd m_corrected; ///< u of the staged round, where e + c does not restore it (else empty)
    double m_lastError = 0.0;
    bool m_staged = false;
};

/**
 * \brief Server side: the sum of the applied decoded updates, divided by the round's participants
 * for error-feedback methods (M without client selection: undelivered mass stays in the workers'
 * memories and arrives later) or by the number applied for the others (the mean of what arrived).
 */
class CompressedGradientServerCodec : public DirectionServerCodec
{
  public:
    CompressedGradientServerCodec(Eigen::Index dim, double step, int workers, bool divideByWorkers);
    void BeginRound(int participants) override;
    void Accept(uint32_t worker, const CheckedMessage& message, double weight) override;
    /// No per-worker mirror: an update of an older model is taken like any other.
    bool SupportsBuffered() const override { return true; }
    void Direction(Eigen::Ref<Eigen::VectorXd> out) override;

  private:
    int m_participants; ///< this round's selected workers
    bool m_divideByWorkers;
    int m_accepted = 0;
    Eigen::VectorXd m_sum;
    CompressedVector m_decoded;
};

} // namespace airgrad

#endif
