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
 * update, or undoes them (docs/algorithms.md, "Loss and deadlines") when it did not.
 */
class WorkerCodec
{
  public:
    virtual ~WorkerCodec() = default;
    /**
     * \brief Decodes the server's downlink message of a round into the roster (per-worker
     * last-applied rounds and selection) and the model. The default reads a model message; CD-Adam
     * reads its compressed delta and steps its own copy of the model.
     */
    virtual MessageHeader DecodeDownlink(const uint8_t* data,
                                         size_t size,
                                         Roster& roster,
                                         Eigen::Ref<Eigen::VectorXd> model)
    {
        return DecodeModel(data, size, roster, model);
    }
    /**
     * \brief Encodes this round's update at `model` with local gradient `gradient`; `header`
     * carries round and sender; `out` is overwritten. Left empty, nothing is sent this round.
     */
    virtual void Encode(const Eigen::Ref<const Eigen::VectorXd>& model,
                        const Eigen::Ref<const Eigen::VectorXd>& gradient,
                        const MessageHeader& header,
                        std::vector<uint8_t>& out) = 0;
    /// Settles the change staged by the last Encode.
    virtual void Resolve(bool applied) = 0;
    /// The state vectors the server mirrors (for the mirror-equality tests), in a fixed order.
    virtual std::vector<const Eigen::VectorXd*> Mirrored() const { return {}; }
};

/**
 * \brief The server's half: decodes the applied updates of a round (from bytes only), steps the
 * model, and writes the downlink message. Per-worker mirrored state lives here.
 */
class ServerCodec
{
  public:
    virtual ~ServerCodec() = default;
    /// Before a round's updates; `participants` of the M workers were selected for it (M without
    /// client selection): a method that averages over everyone who computed divides by it.
    virtual void BeginRound(int participants) = 0;
    /**
     * \brief An applied update; called in increasing worker order so sums are order-independent.
     * `weight` is 1 but in buffered rounds (SupportsBuffered), where a stale update counts less.
     * Throws std::runtime_error, having changed nothing, when the message does not decode
     * (every codec decodes before it touches its state).
     */
    virtual void Accept(uint32_t worker, const CheckedMessage& message, double weight) = 0;
    /// Whether updates computed at older models may be applied (buffered rounds): false for
    /// methods whose mirrored state assumes every update is of the current round.
    virtual bool SupportsBuffered() const { return false; }
    /// Whether updates of this message type can be Accepted (a compressed vector by default).
    virtual bool AcceptsType(MessageType type) const
    {
        return type == MessageType::kDense || type == MessageType::kSparse || type == MessageType::kQuantized ||
               type == MessageType::kSign;
    }
    /// Ends the round: moves the model x by this round's applied updates.
    virtual void Step(Eigen::Ref<Eigen::VectorXd> x) = 0;
    /// The downlink message of a round; the default is the model itself.
    virtual void EncodeDownlink(const MessageHeader& header,
                                const Roster& roster,
                                const Eigen::Ref<const Eigen::VectorXd>& x,
                                std::vector<uint8_t>& out)
    {
        EncodeModel(header, roster, x, out);
    }
    /// The server's copy of worker m's mirrored state, in WorkerCodec::Mirrored() order.
    virtual std::vector<const Eigen::VectorXd*> Mirrored(uint32_t /*worker*/) const { return {}; }
    /// Whether the server may follow Step with a proximal step (false for adaptive methods).
    virtual bool SupportsProx() const { return true; }
};

/**
 * \brief A ServerCodec whose step is x <- x - step * direction, the direction given by the method.
 */
class DirectionServerCodec : public ServerCodec
{
  public:
    DirectionServerCodec(Eigen::Index dim, double step)
        : m_step(step),
          m_direction(dim)
    {
    }
    void Step(Eigen::Ref<Eigen::VectorXd> x) override
    {
        Direction(m_direction);
        x -= m_step * m_direction;
    }
    /// The aggregated direction of this round.
    virtual void Direction(Eigen::Ref<Eigen::VectorXd> out) = 0;

  protected:
    double m_step;

  private:
    Eigen::VectorXd m_direction;
};

} // namespace airgrad

#endif
