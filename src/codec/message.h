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
 *   u8 version (1) | u8 type | u8 value format | u8 flags |
 *   u32 round | u32 sender | u32 dimension d | u32 count | u32 CRC-32 (IEEE) of the payload
 * Values are IEEE float16, float32 or float64 according to the value-format field; float16 is
 * rounded via float32 (round to nearest even at both steps). "pad" = zero bits to a byte boundary.
 * Payload by type:
 *   dense     : count = d values
 *   sparse    : count = nonzeros; an index section, pad, then count values. flags bits 0-1 code the
 *               indices: 0 fixed (count x ceil(log2 d) bits), 1 bitmap (d bits, 1 = present),
 *               2 Elias-gamma of the gaps (first index + 1, then index - previous index),
 *               3 fixed 32 bits per index (as CD-Adam's official code sends them)
 *   model     : count = M u32 "round of this worker's last applied update" (0 = none yet), then
 *               d values (the model). A worker that missed model messages still learns the fate of
 *               its staged update, so its state never diverges from the server's. flags bit 0 = 1
 *               (client selection): M bits after the rounds, 1 = the worker takes part this round,
 *               then pad; without it every worker takes part.
 *   quantized : count = number of blocks; u16 levels s, u32 block size b, count block norms (value
 *               format), then the levels l_j in [-s, s] (entry j decodes to norm * l_j / s).
 *               flags bit 0 = 0: d fields of ceil(log2(2s+1)) bits holding l_j + s;
 *               flags bit 0 = 1: u32 nonzeros n, n fixed-width indices, n sign bits (1 = negative),
 *               n fields of ceil(log2 s) bits holding |l_j| - 1 (none when s = 1); then pad.
 *               The encoder picks the shorter layout per message.
 *   sign      : count = d; one scale value, then d sign bits (1 = negative; entry = +-scale), pad
 *   predicted : count = P; P predictor coefficients (value format), then optionally one complete
 *               inner message (the prediction residual) filling the rest of the payload
 *   model-delta: count = M; M u32 last-applied rounds (and selection) as in model, then one complete inner message
 *               (the compressed model-side update of CD-Adam's downlink)
 */
enum class MessageType : uint8_t
{
    kDense = 1,
    kSparse = 2,
    kModel = 3,
    kQuantized = 4,
    kSign = 5,
    kPredicted = 6,
    kModelDelta = 7,
};

enum class ValueFormat : uint8_t
{
    kFloat32 = 0,
    kFloat64 = 1,
    kFloat16 = 2,
};

/// How a sparse message codes its indices; kBest picks the shortest per message.
enum class IndexCoding : uint8_t
{
    kFixed = 0,
    kBitmap = 1,
    kGamma = 2,
    kFixed32 = 3,
    kBest = 4, ///< encoder only: the shortest of fixed, bitmap and gamma
};

struct MessageHeader
{
    MessageType type = MessageType::kDense;
    ValueFormat format = ValueFormat::kFloat32;
    uint8_t flags = 0;
    uint32_t round = 0;
    uint32_t sender = 0;
    uint32_t dimension = 0;
    uint32_t count = 0;
};

constexpr size_t kMessageHeaderBytes = 24;
constexpr uint8_t kMessageVersion = 1;
/// Sender id the server puts in its messages.
constexpr uint32_t kServerSender = 0xFFFFFFFFU;
/// Largest number of quantization levels s a quantized message carries.
constexpr uint32_t kMaxLevels = 32767;

/// Bits of one value in `format`.
int ValueBits(ValueFormat format);
/// Bits of one sparse index for dimension d: ceil(log2 d), at least 1.
int IndexBits(uint32_t dimension);
/// IEEE half precision from float, rounding to nearest even (overflow gives infinity).
uint16_t FloatToHalf(float v);
float HalfToFloat(uint16_t h);
/// What a receiver decodes for `v` sent in `format` (stateful methods keep exactly this).
double RoundToFormat(double v, ValueFormat format);
/// The smallest value of `format` that is >= v (v >= 0 finite): norms sent so that |v_j| <= norm.
double RoundUpToFormat(double v, ValueFormat format);

/**
 * \brief A compressed vector as the receiver will decode it: what a compressor produces and what
 * one message carries. Every stored value is already representable in `format`, so
 * `Decoded()` on the sender equals the receiver's reconstruction bit for bit.
 */
struct CompressedVector
{
    enum class Kind : uint8_t
    {
        kDense,
        kSparse,
        kQuantized,
        kSign,
    };
    Kind kind = Kind::kDense;
    ValueFormat format = ValueFormat::kFloat32;
    Eigen::Index dimension = 0;
    Eigen::VectorXd values;        ///< dense: d values; sparse: values(0..indices.size()-1)
    std::vector<uint32_t> indices; ///< sparse: strictly increasing
    Eigen::VectorXd norms;         ///< quantized: one norm per block
    std::vector<int16_t> levels;   ///< quantized: d levels in [-s, s]; sign: d entries of +-1
    uint32_t quantLevels = 1;      ///< quantized: s
    uint32_t blockSize = 1;        ///< quantized: b
    double scale = 0.0;            ///< sign: the magnitude of every entry

    /// Number of sparse entries (the sparse values vector may be longer: capacity is reused).
    size_t Count() const { return indices.size(); }
    /// Writes the decoded dense vector into `out` (size d).
    void Decoded(Eigen::Ref<Eigen::VectorXd> out) const;
    /// Adds `factor` times the decoded vector to `out` (O(nonzeros) for sparse).
    void AddTo(Eigen::Ref<Eigen::VectorXd> out, double factor = 1.0) const;
};

/**
 * \brief Reads and validates a header: version, type, format, flags, sizes, payload length (where
 * the header determines it) and CRC. Throws std::runtime_error naming what is wrong.
 */
MessageHeader ReadHeader(const uint8_t* data, size_t size);

/**
 * \brief A message that ReadHeader has validated, CRC included, with the header it read: what a
 * receiver keeps from an arrival, so that decoding it later does not read and check it again.
 */
struct CheckedMessage
{
    const uint8_t* data = nullptr;
    size_t size = 0;
    MessageHeader header;
};

/// The type field of a message, not yet validated (so a receiver picks its decoder, which validates).
/// Throws std::runtime_error for a message shorter than its header.
MessageType PeekType(const uint8_t* data, size_t size);

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
                  std::vector<uint8_t>& out,
                  IndexCoding coding = IndexCoding::kFixed);
/// Decodes into `indices` and `values` (resized; capacity is reused).
MessageHeader DecodeSparse(const uint8_t* data,
                           size_t size,
                           std::vector<uint32_t>& indices,
                           Eigen::VectorXd& values);

/**
 * \brief An upper bound on the size of any message the encoders write for dimension d, what a
 * receiver may buffer for one (a fragment's claimed message size is checked against it). The
 * longest payloads: a model message (8 d bytes and 4 bytes and 1 bit per worker, at most kMaxWorkers), a
 * sparse message of all d entries with 32-bit indices and float64 values (12 d), and a predicted
 * or model-delta message around such an inner one (at most 16 coefficients, 4 per worker).
 */
size_t MaxMessageBytes(uint32_t dimension);
/// The most workers a message's per-worker list may name (network.workers is at most 1000).
constexpr uint32_t kMaxWorkers = 1000;

/// What a model or model-delta message tells the workers besides the model.
struct Roster
{
    std::vector<uint32_t> lastApplied; ///< per worker: round of its last applied update (0 = none)
    std::vector<uint8_t> selected;     ///< per worker: 1 = takes part this round; empty = every worker
    bool Selects(uint32_t worker) const { return selected.empty() || selected[worker] != 0; }
};

/// Model message: the roster names every worker (header.count = roster.lastApplied.size();
/// `selected` empty or of the same size).
void EncodeModel(MessageHeader header,
                 const Roster& roster,
                 const Eigen::Ref<const Eigen::VectorXd>& model,
                 std::vector<uint8_t>& out);
MessageHeader DecodeModel(const uint8_t* data,
                          size_t size,
                          Roster& roster,
                          Eigen::Ref<Eigen::VectorXd> model);

/// Any compressed vector as its message type (dense, sparse, quantized or sign).
void EncodeCompressed(MessageHeader header,
                      const CompressedVector& v,
                      std::vector<uint8_t>& out,
                      IndexCoding coding = IndexCoding::kFixed);
/// Decodes a dense, sparse, quantized or sign message of `dimension` coordinates into `v`
/// (capacity is reused); throws std::runtime_error naming both dimensions when it is of another.
MessageHeader DecodeCompressed(const uint8_t* data, size_t size, Eigen::Index dimension, CompressedVector& v);
/// The same for a message already checked (its header and CRC are not read again).
void DecodeCompressed(const CheckedMessage& message, Eigen::Index dimension, CompressedVector& v);

/// Predicted message (TPC): coefficients, then an optional complete inner message.
void EncodePredicted(MessageHeader header,
                     const Eigen::Ref<const Eigen::VectorXd>& coefficients,
                     const std::vector<uint8_t>& inner,
                     std::vector<uint8_t>& out);
/// Decodes the coefficients (resized) and points `inner`/`innerSize` at the inner message (size 0
/// when absent).
MessageHeader DecodePredicted(const uint8_t* data,
                              size_t size,
                              Eigen::VectorXd& coefficients,
                              const uint8_t*& inner,
                              size_t& innerSize);
/// The same for a message already checked. Its CRC covers the inner message's bytes, so the inner
/// header is validated without its own CRC; `inner.size` is 0 when there is none.
void DecodePredicted(const CheckedMessage& message, Eigen::VectorXd& coefficients, CheckedMessage& inner);

/// Model-delta message (CD-Adam's compressed downlink): the roster and an inner message.
void EncodeModelDelta(MessageHeader header,
                      const Roster& roster,
                      const std::vector<uint8_t>& inner,
                      std::vector<uint8_t>& out);
MessageHeader DecodeModelDelta(const uint8_t* data,
                               size_t size,
                               Roster& roster,
                               const uint8_t*& inner,
                               size_t& innerSize);

} // namespace airgrad

#endif
