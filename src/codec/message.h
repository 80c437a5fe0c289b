#ifndef AIRGRAD_CODEC_MESSAGE_H
#define AIRGRAD_CODEC_MESSAGE_H

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace airgrad {

/**
 * \brief Wire format of every airgrad message (all fields big-endian, bit-packed, MSB first).
 *
 * Header, 24 bytes:
 *   u8 version (1) | u8 type | u8 value format | u8 reserved (0) |
 *   u32 round | u32 sender | u32 dimension d | u32 count | u32 CRC-32 (IEEE) of the payload
 * Payload by type:
 *   dense  : count = d values
 *   sparse : count entries of (index in ceil(log2 d) bits, value), zero-padded to a byte
 *   model  : count = M u32 "round of this worker's last applied update" (0 = none yet), then
 *            d values (the model). A worker that missed model messages still learns the fate of
 *            its staged update, so its state never diverges from the server's.
 * Values are IEEE float32 or float64 according to the value-format field.
 */
enum class MessageType : uint8_t
{
    kDense = 1,
    kSparse = 2,
    kModel = 3,
};

enum class ValueFormat : uint8_t
{
    kFloat32 = 0,
    kFloat64 = 1,
};

struct MessageHeader
{
    MessageType type = MessageType::kDense;
    ValueFormat format = ValueFormat::kFloat32;
    uint32_t round = 0;
    uint32_t sender = 0;
    uint32_t dimension = 0;
    uint32_t count = 0;
};

constexpr size_t kMessageHeaderBytes = 24;
constexpr uint8_t kMessageVersion = 1;
/// Sender id the server puts in its messages.
constexpr uint32_t kServerSender = 0xFFFFFFFFU;

/// Bits of one value in `format`.
int ValueBits(ValueFormat format);
/// Bits of one sparse index for dimension d: ceil(log2 d), at least 1.
int IndexBits(uint32_t dimension);
/// What a receiver decodes for `v` sent in `format` (stateful methods keep exactly this).
inline double
RoundToFormat(double v, ValueFormat format)
{
    return format == ValueFormat::kFloat32 ? static_cast<double>(static_cast<float>(v)) : v;
}

/**
 * \brief Reads and validates a header: version, type, format, sizes, payload length and CRC.
 * Throws std::runtime_error naming what is wrong.
 */
MessageHeader ReadHeader(const uint8_t* data, size_t size);

/// Dense message of `values` (size header.dimension); `out` is overwritten.
void EncodeDense(MessageHeader header,
                 const Eigen::Ref<const Eigen::VectorXd>& values,
                 std::vector<uint8_t>& out);
/// Decoders validate the message (ReadHeader) and return its header.
MessageHeader DecodeDense(const uint8_t* data, size_t size, Eigen::Ref<Eigen::VectorXd> values);

/// Sparse message; `indices` strictly increasing and below header.dimension.
void EncodeSparse(MessageHeader header,
                  const std::vector<uint32_t>& indices,
                  const Eigen::Ref<const Eigen::VectorXd>& values,
                  std::vector<uint8_t>& out);
/// Decodes into `indices` and `values` (resized; capacity is reused).
MessageHeader DecodeSparse(const uint8_t* data,
                  size_t size,
                  std::vector<uint32_t>& indices,
                  Eigen::VectorXd& values);

/// Model message: `lastApplied` holds one round per worker (header.count = lastApplied.size()).
void EncodeModel(MessageHeader header,
                 const std::vector<uint32_t>& lastApplied,
                 const Eigen::Ref<const Eigen::VectorXd>& model,
                 std::vector<uint8_t>& out);
MessageHeader DecodeModel(const uint8_t* data,
                 size_t size,
                 std::vector<uint32_t>& lastApplied,
                 Eigen::Ref<Eigen::VectorXd> model);

} // namespace airgrad

#endif
