#ifndef AIRGRAD_METHOD_CD_ADAM_METHOD_H
#define AIRGRAD_METHOD_CD_ADAM_METHOD_H

#include "compress/vector-compressor.h"
#include "method/method.h"

namespace airgrad {

/// \brief AMSGrad with bias correction (as in CD-Adam's official code).
class AmsGrad
{
  public:
    struct Options
    {
        double lr = 0.01;
        double beta1 = 0.9;
        double beta2 = 0.99;
        double epsilon = 1e-8;
        double weightDecay = 0.0; ///< d = direction + weightDecay * x
        double lrDecay = 1.0;     ///< lr multiplied by this every lrDecayRounds steps
        int lrDecayRounds = 0;
    };
    AmsGrad(const Options& options, Eigen::Index dim);
    /// One step of x along `direction` (weight decay added here).
    void Step(Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& direction);

  private:
    Options m_options;
    long long m_t = 0;
    Eigen::VectorXd m_d;
    Eigen::VectorXd m_m;
    Eigen::VectorXd m_v;
    Eigen::VectorXd m_vHat;
};

/**
 * \brief CD-Adam (Wang, Lin, Chen, AISTATS 2022): communication-compressed AMSGrad, both ways.
 * Strategies (the official code's): markov (default; compressed differences against trackers
 * g_hat_m and g_tilde that start at 0), ef (classical error feedback on both directions) and
 * naive (compress the gradient and the aggregate, no memory). With `downlink = compressed` the
 * server broadcasts only its compressed update (round 1: the starting model in float64) and every
 * worker steps its own copy of the model, bit-identical to the server's; `model` sends the model
 * instead. A compressor of kind kDense with
 * the naive strategy and the model downlink is plain AMSGrad.
 */
struct CdAdamOptions
{
    enum class Strategy : uint8_t
    {
        kMarkov,
        kErrorFeedback,
        kNaive,
    };
    VectorCompressor::Options compressor;
    Strategy strategy = Strategy::kMarkov;
    bool compressedDownlink = true;
    AmsGrad::Options adam;
    IndexCoding coding = IndexCoding::kFixed;
};

class CdAdamWorkerCodec : public WorkerCodec
{
  public:
    CdAdamWorkerCodec(const CdAdamOptions& options, Eigen::Index dim, uint32_t worker, uint64_t seed);
    MessageHeader DecodeDownlink(const uint8_t* data,
                                 size_t size,
                                 Roster& roster,
                                 Eigen::Ref<Eigen::VectorXd> model) override;
    void Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                const Eigen::Ref<const Eigen::VectorXd>& gradient,
                const MessageHeader& header,
                std::vector<uint8_t>& out) override;
    void Resolve(bool applied) override;
    std::vector<const Eigen::VectorXd*> Mirrored() const override;
    /// The worker's own model, stepped from the compressed downlink (must equal the server's).
    const Eigen::VectorXd& Model() const { return m_x; }

  private:
    CdAdamOptions m_options;
    uint32_t m_worker;
    VectorCompressor m_compressor;
    AmsGrad m_adam;
    Eigen::VectorXd m_x;        ///< own model copy (compressed downlink)
    Eigen::VectorXd m_tracker;  ///< g_hat_m (markov) or the error memory e_m (ef)
    Eigen::VectorXd m_staged;
    Eigen::VectorXd m_input;    ///< what was compressed this round
    Eigen::VectorXd m_serverTracker; ///< g_tilde (markov, compressed downlink)
    Eigen::VectorXd m_direction;
    CompressedVector m_compressed;
    uint32_t m_lastRound = 0;
    bool m_pending = false;
};

class CdAdamServerCodec : public ServerCodec
{
  public:
    CdAdamServerCodec(const CdAdamOptions& options, Eigen::Index dim, int workers);
    void BeginRound(int participants) override;
    void Accept(uint32_t worker, const CheckedMessage& message, double weight) override;
    void Step(Eigen::Ref<Eigen::VectorXd> x) override;
    void EncodeDownlink(const MessageHeader& header,
                        const Roster& roster,
                        const Eigen::Ref<const Eigen::VectorXd>& x,
                        std::vector<uint8_t>& out) override;
    std::vector<const Eigen::VectorXd*> Mirrored(uint32_t worker) const override;
    bool SupportsProx() const override { return false; }

  private:
    CdAdamOptions m_options;
    VectorCompressor m_compressor;
    AmsGrad m_adam;
    int m_workers;
    int m_participants = 0; ///< this round's selected workers
    std::vector<Eigen::VectorXd> m_trackers; ///< markov: every g_hat_m
    Eigen::VectorXd m_aggregate;   ///< markov: g_hat = mean g_hat_m
    Eigen::VectorXd m_roundSum;
    Eigen::VectorXd m_tracker;     ///< markov: g_tilde; ef: the server's error memory
    Eigen::VectorXd m_input;
    Eigen::VectorXd m_direction;
    int m_accepted = 0;
    CompressedVector m_decoded;
    CompressedVector m_delta;      ///< this round's compressed downlink update
    bool m_hasDelta = false;
    std::vector<uint8_t> m_inner;
};

} // namespace airgrad

#endif
