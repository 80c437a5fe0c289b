#ifndef AIRGRAD_METHOD_GD_METHOD_H
#define AIRGRAD_METHOD_GD_METHOD_H

#include "method/method.h"

namespace airgrad {

/// \brief GD: the dense gradient, one float32 (or float64) per coordinate. Stateless.
class GdWorkerCodec : public WorkerCodec
{
  public:
    explicit GdWorkerCodec(ValueFormat format);
    void Encode(const Eigen::Ref<const Eigen::VectorXd>& gradient,
                const MessageHeader& header,
                std::vector<uint8_t>& out) override;
    void Resolve(bool applied) override;

  private:
    ValueFormat m_format;
};

/// \brief Server side of GD: the mean of the gradients applied this round.
class GdServerCodec : public ServerCodec
{
  public:
    explicit GdServerCodec(Eigen::Index dim);
    void BeginRound() override;
    void Accept(uint32_t worker, const uint8_t* data, size_t size) override;
    void Direction(Eigen::Ref<Eigen::VectorXd> out) override;

  private:
    Eigen::VectorXd m_sum;
    Eigen::VectorXd m_decoded;
    int m_accepted = 0;
};

} // namespace airgrad

#endif
