#ifndef AIRGRAD_METHOD_GD_SEC_METHOD_H
#define AIRGRAD_METHOD_GD_SEC_METHOD_H

#include "compress/compressors.h"
#include "method/method.h"

namespace airgrad {

/**
 * \brief GD-SEC (Chen, Blum, Takac, Sadler, IEEE J-STSP 2022, arXiv 2202.02491), as reconstructed
 * in docs/algorithms.md: v = g - beta h + e; send component j iff |v_j| > tau_j; c = mask .* v;
 * staged e' = v - c, h' = beta h + c. Applied: commit both; not applied: roll both back.
 * With skip-empty (beta = 1 only) an empty mask sends nothing and commits e' at once, since the
 * server's h does not change either way.
 */
class GdSecWorkerCodec : public WorkerCodec
{
  public:
    enum class Threshold : uint8_t
    {
        kIterateChange,     ///< tau_j = xi / (step M) |x_j^k - x_j^{k-1}|
        kIterateChangeNorm, ///< tau = xi / (step M) ||x^k - x^{k-1}||_2 / sqrt(d), all j
        kConstant,          ///< tau = xi
    };
    GdSecWorkerCodec(Eigen::Index dim, double beta, double xi, Threshold threshold, bool skipEmpty,
                     double step, int workers, ValueFormat format, IndexCoding coding);
    void Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                const Eigen::Ref<const Eigen::VectorXd>& gradient,
                const MessageHeader& header,
                std::vector<uint8_t>& out) override;
    void Resolve(bool applied) override;
    std::vector<const Eigen::VectorXd*> Mirrored() const override { return {&m_reference}; }

  private:
    double m_beta;
    double m_xi;
    Threshold m_threshold;
    bool m_skipEmpty;
    double m_scale; ///< xi / (step M)
    ValueFormat m_format;
    IndexCoding m_coding;
    Eigen::VectorXd m_reference; ///< h
    Eigen::VectorXd m_error;     ///< e
    Eigen::VectorXd m_v;
    Eigen::VectorXd m_stagedReference;
    Eigen::VectorXd m_stagedError;
    Eigen::VectorXd m_previousModel;
    bool m_hasPrevious = false;
    bool m_staged = false;
    bool m_skipped = false;
    CompressedVector m_compressed;
};

/// Server side of GD-SEC: mirrors every h_m; x <- x - step * (sum_m h_m) / M.
class GdSecServerCodec : public DirectionServerCodec
{
  public:
    GdSecServerCodec(Eigen::Index dim, double step, int workers, double beta);
    void BeginRound(int) override {}
    void Accept(uint32_t worker, const CheckedMessage& message, double weight) override;
    void Direction(Eigen::Ref<Eigen::VectorXd> out) override;
    std::vector<const Eigen::VectorXd*> Mirrored(uint32_t worker) const override
    {
        return {&m_references[worker]};
    }

  private:
    double m_beta;
    std::vector<Eigen::VectorXd> m_references; ///< h_m
    Eigen::VectorXd m_sum;                     ///< sum_m h_m
    CompressedVector m_decoded;
};

} // namespace airgrad

#endif
