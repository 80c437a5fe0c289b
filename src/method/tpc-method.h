#ifndef AIRGRAD_METHOD_TPC_METHOD_H
#define AIRGRAD_METHOD_TPC_METHOD_H

#include "compress/vector-compressor.h"
#include "method/iterate-history.h"
#include "method/method.h"

#include <Eigen/Cholesky>
#include <memory>

namespace airgrad {

/**
 * \brief The last P server-known gradient estimates of one worker, newest first: TPC's predictor
 * basis, kept identically by the worker and the server.
 */
class PredictorHistory
{
  public:
    PredictorHistory(Eigen::Index dim, int order);
    bool Full() const { return m_count == m_order; }
    int Order() const { return m_order; }
    /// Estimate i (0 = newest), i < count.
    const Eigen::VectorXd& At(int i) const;
    /// Pushes an estimate, dropping the oldest when full.
    void Push(const Eigen::Ref<const Eigen::VectorXd>& estimate);
    /// p = sum_i a_i B_i, in a fixed order (the same bits on both sides).
    void Predict(const Eigen::Ref<const Eigen::VectorXd>& coefficients, Eigen::Ref<Eigen::VectorXd> out) const;

  private:
    int m_order;
    int m_count = 0;
    int m_newest = -1;
    std::vector<Eigen::VectorXd> m_ring;
};

/**
 * \brief Temporal predictive coding (after Edin, Chen, Kieffer, Johansson, arXiv 2410.02478;
 * reconstructed, see docs/algorithms.md). a = argmin ||g - B a||^2 + ridge, p = B a, r = g - p; a is
 * always sent (P values), r (dense or Top-K) only when it passes the threshold; the estimate
 * g_hat = p + r_sent joins the history when the server applied it. Warm-up: the full gradient
 * until P estimates exist.
 */
class TpcWorkerCodec : public WorkerCodec
{
  public:
    enum class Threshold : uint8_t
    {
        kAbsolute, ///< send r iff ||r|| > tau
        kRelative, ///< send r iff ||r|| > tau ||g||
        kLag,      ///< send r iff ||r||^2 > xi / (step^2 M^2) * sum of the last D squared model changes
    };
    struct Options
    {
        int order = 3;
        double ridge = 1e-10;
        Threshold threshold = Threshold::kLag;
        double tau = 0.1;
        double xi = 0.1;
        int history = 10;
        double step = 1.0;
        int workers = 1;
        VectorCompressor::Options residual;
        IndexCoding coding = IndexCoding::kFixed;
    };
    TpcWorkerCodec(const Options& options, Eigen::Index dim, uint64_t seed);
    void Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                const Eigen::Ref<const Eigen::VectorXd>& gradient,
                const MessageHeader& header,
                std::vector<uint8_t>& out) override;
    void Resolve(bool applied) override;
    std::vector<const Eigen::VectorXd*> Mirrored() const override;

  private:
    Options m_options;
    VectorCompressor m_residualCompressor;
    PredictorHistory m_history;
    Eigen::VectorXd m_coefficients;
    Eigen::VectorXd m_estimate; ///< staged g_hat
    Eigen::VectorXd m_residual;
    IterateHistory m_changes;
    Eigen::MatrixXd m_gram;          ///< P x P normal equations, sized once
    Eigen::VectorXd m_rhs;
    Eigen::LDLT<Eigen::MatrixXd> m_solver;
    CompressedVector m_compressed;
    std::vector<uint8_t> m_inner;
    bool m_pending = false;
};

/// Server side of TPC: rebuilds each worker's estimate from bytes; steps along their mean.
class TpcServerCodec : public DirectionServerCodec
{
  public:
    TpcServerCodec(Eigen::Index dim, double step, int workers, int order);
    void BeginRound(int) override {}
    void Accept(uint32_t worker, const CheckedMessage& message, double weight) override;
    bool AcceptsType(MessageType type) const override { return type == MessageType::kPredicted; }
    void Direction(Eigen::Ref<Eigen::VectorXd> out) override;
    std::vector<const Eigen::VectorXd*> Mirrored(uint32_t worker) const override;

  private:
    std::vector<PredictorHistory> m_histories;
    std::vector<Eigen::VectorXd> m_latest; ///< each worker's last applied estimate
    Eigen::VectorXd m_sum;
    Eigen::VectorXd m_coefficients;
    Eigen::VectorXd m_estimate;
    CompressedVector m_decoded;
};

} // namespace airgrad

#endif
