#ifndef AIRGRAD_METHOD_METHOD_H
#define AIRGRAD_METHOD_METHOD_H

#include "codec/message.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace airgrad {

/**
 * \brief A worker's half of a method: turns its gradient into the bytes of one uplink message.
 *
 * State changes made by Encode are staged; Resolve commits them when the server applied the
 * update, or undoes them (ALGORITHMS.md, "Loss and deadlines") when it did not.
 */
class WorkerCodec
{
  public:
    virtual ~WorkerCodec() = default;
    /// Encodes this round's update; `header` carries round and sender; `out` is overwritten.
    virtual void Encode(const Eigen::Ref<const Eigen::VectorXd>& gradient,
                        const MessageHeader& header,
                        std::vector<uint8_t>& out) = 0;
    /// Settles the change staged by the last Encode.
    virtual void Resolve(bool applied) = 0;
};

/**
 * \brief The server's half: decodes the applied updates of a round (from bytes only) and forms the
 * direction the optimizer steps along. Per-worker mirrored state lives here.
 */
class ServerCodec
{
  public:
    virtual ~ServerCodec() = default;
    virtual void BeginRound() = 0;
    /// An applied update; called in increasing worker order so sums are order-independent.
    virtual void Accept(uint32_t worker, const uint8_t* data, size_t size) = 0;
    /// The aggregated direction of this round (zero when nothing was applied).
    virtual void Direction(Eigen::Ref<Eigen::VectorXd> out) = 0;
};

} // namespace airgrad

#endif
