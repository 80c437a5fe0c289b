#include "codec/message.h"

#include "codec/bit-stream.h"

#include <zlib.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace airgrad {

namespace {

uint32_t
PayloadCrc(const uint8_t* payload, size_t size)
{
    return static_cast<uint32_t>(crc32(0L, payload, static_cast<uInt>(size)));
}

size_t
ExpectedPayloadBytes(const MessageHeader& h)
{
    const size_t v = static_cast<size_t>(ValueBits(h.format));
    switch (h.type)
    {
    case MessageType::kDense:
        return h.count * v / 8;
    case MessageType::kSparse:
        return (static_cast<size_t>(h.count) * (IndexBits(h.dimension) + v) + 7) / 8;
    case MessageType::kModel:
        return 4 * static_cast<size_t>(h.count) + static_cast<size_t>(h.dimension) * v / 8;
    }
    return 0;
}

void
WriteHeader(const MessageHeader& h, std::vector<uint8_t>& out)
{
    out.clear();
    BitWriter w(out);
    w.Write(kMessageVersion, 8);
    w.Write(static_cast<uint8_t>(h.type), 8);
    w.Write(static_cast<uint8_t>(h.format), 8);
    w.Write(0, 8);
    w.Write(h.round, 32);
    w.Write(h.sender, 32);
    w.Write(h.dimension, 32);
    w.Write(h.count, 32);
    w.Write(0, 32); // CRC, patched by SealCrc
}

void
SealCrc(std::vector<uint8_t>& out)
{
    const uint32_t crc = PayloadCrc(out.data() + kMessageHeaderBytes, out.size() - kMessageHeaderBytes);
    for (int i = 0; i < 4; ++i)
    {
        out[20 + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
    }
}

inline void
WriteValue(BitWriter& w, double v, ValueFormat f)
{
    if (f == ValueFormat::kFloat32)
    {
        w.WriteFloat32(static_cast<float>(v));
    }
    else
    {
        w.WriteFloat64(v);
    }
}

inline double
ReadValue(BitReader& r, ValueFormat f)
{
    return f == ValueFormat::kFloat32 ? static_cast<double>(r.ReadFloat32()) : r.ReadFloat64();
}

/// Byte-aligned values, big-endian: a tight loop, no bit packing.
void
AppendValues(const Eigen::Ref<const Eigen::VectorXd>& values, ValueFormat f, std::vector<uint8_t>& out)
{
    const size_t start = out.size();
    const size_t width = static_cast<size_t>(ValueBits(f)) / 8;
    out.resize(start + width * static_cast<size_t>(values.size()));
    uint8_t* dst = out.data() + start;
    for (Eigen::Index j = 0; j < values.size(); ++j, dst += width)
    {
        if (f == ValueFormat::kFloat32)
        {
            uint32_t u;
            const float v = static_cast<float>(values(j));
            std::memcpy(&u, &v, 4);
            u = __builtin_bswap32(u);
            std::memcpy(dst, &u, 4);
        }
        else
        {
            uint64_t u;
            const double v = values(j);
            std::memcpy(&u, &v, 8);
            u = __builtin_bswap64(u);
            std::memcpy(dst, &u, 8);
        }
    }
}

void
ReadValues(const uint8_t* src, ValueFormat f, Eigen::Ref<Eigen::VectorXd> values)
{
    const size_t width = static_cast<size_t>(ValueBits(f)) / 8;
    for (Eigen::Index j = 0; j < values.size(); ++j, src += width)
    {
        if (f == ValueFormat::kFloat32)
        {
            uint32_t u;
            std::memcpy(&u, src, 4);
            u = __builtin_bswap32(u);
            float v;
            std::memcpy(&v, &u, 4);
            values(j) = static_cast<double>(v);
        }
        else
        {
            uint64_t u;
            std::memcpy(&u, src, 8);
            u = __builtin_bswap64(u);
            std::memcpy(&values(j), &u, 8);
        }
    }
}

MessageHeader
Expect(const uint8_t* data, size_t size, MessageType type)
{
    MessageHeader h = ReadHeader(data, size);
    if (h.type != type)
    {
        throw std::runtime_error("message of type " + std::to_string(static_cast<int>(h.type)) +
                                 " where type " + std::to_string(static_cast<int>(type)) +
                                 " was expected");
    }
    return h;
}

} // namespace

int
ValueBits(ValueFormat format)
{
    return format == ValueFormat::kFloat32 ? 32 : 64;
}

int
IndexBits(uint32_t dimension)
{
    int bits = 1;
    while (bits < 32 && (uint64_t{1} << bits) < dimension)
    {
        ++bits;
    }
    return bits;
}

MessageHeader
ReadHeader(const uint8_t* data, size_t size)
{
    if (size < kMessageHeaderBytes)
    {
        throw std::runtime_error("message of " + std::to_string(size) +
                                 " bytes is shorter than its 24-byte header");
    }
    BitReader r(data, size);
    const auto version = static_cast<uint8_t>(r.Read(8));
    if (version != kMessageVersion)
    {
        throw std::runtime_error("message version " + std::to_string(version) + ", expected " +
                                 std::to_string(kMessageVersion));
    }
    MessageHeader h;
    const auto type = static_cast<uint8_t>(r.Read(8));
    if (type < 1 || type > 3)
    {
        throw std::runtime_error("unknown message type " + std::to_string(type));
    }
    h.type = static_cast<MessageType>(type);
    const auto format = static_cast<uint8_t>(r.Read(8));
    if (format > 1)
    {
        throw std::runtime_error("unknown value format " + std::to_string(format));
    }
    h.format = static_cast<ValueFormat>(format);
    r.Read(8);
    h.round = static_cast<uint32_t>(r.Read(32));
    h.sender = static_cast<uint32_t>(r.Read(32));
    h.dimension = static_cast<uint32_t>(r.Read(32));
    h.count = static_cast<uint32_t>(r.Read(32));
    const auto crc = static_cast<uint32_t>(r.Read(32));
    if ((h.type == MessageType::kDense && h.count != h.dimension) ||
        (h.type == MessageType::kSparse && h.count > h.dimension))
    {
        throw std::runtime_error("message count " + std::to_string(h.count) +
                                 " does not fit dimension " + std::to_string(h.dimension));
    }
    const size_t expected = ExpectedPayloadBytes(h);
    if (size - kMessageHeaderBytes != expected)
    {
        throw std::runtime_error("message payload of " + std::to_string(size - kMessageHeaderBytes) +
                                 " bytes, header says " + std::to_string(expected));
    }
    if (PayloadCrc(data + kMessageHeaderBytes, expected) != crc)
    {
        throw std::runtime_error("message CRC mismatch (corrupted payload)");
    }
    return h;
}

void
EncodeDense(MessageHeader header,
            const Eigen::Ref<const Eigen::VectorXd>& values,
            std::vector<uint8_t>& out)
{
    header.type = MessageType::kDense;
    header.dimension = static_cast<uint32_t>(values.size());
    header.count = header.dimension;
    WriteHeader(header, out);
    AppendValues(values, header.format, out);
    SealCrc(out);
}

MessageHeader
DecodeDense(const uint8_t* data, size_t size, Eigen::Ref<Eigen::VectorXd> values)
{
    const MessageHeader h = Expect(data, size, MessageType::kDense);
    if (values.size() != h.dimension)
    {
        throw std::runtime_error("dense message of dimension " + std::to_string(h.dimension) +
                                 ", expected " + std::to_string(values.size()));
    }
    ReadValues(data + kMessageHeaderBytes, h.format, values);
    return h;
}

void
EncodeSparse(MessageHeader header,
             const std::vector<uint32_t>& indices,
             const Eigen::Ref<const Eigen::VectorXd>& values,
             std::vector<uint8_t>& out)
{
    if (static_cast<size_t>(values.size()) < indices.size())
    {
        throw std::invalid_argument("sparse message: fewer values than indices");
    }
    header.type = MessageType::kSparse;
    header.count = static_cast<uint32_t>(indices.size());
    WriteHeader(header, out);
    out.reserve(kMessageHeaderBytes + ExpectedPayloadBytes(header));
    const int indexBits = IndexBits(header.dimension);
    BitWriter w(out);
    for (size_t i = 0; i < indices.size(); ++i)
    {
        w.Write(indices[i], indexBits);
        WriteValue(w, values(static_cast<Eigen::Index>(i)), header.format);
    }
    w.Flush();
    SealCrc(out);
}

MessageHeader
DecodeSparse(const uint8_t* data, size_t size, std::vector<uint32_t>& indices, Eigen::VectorXd& values)
{
    const MessageHeader h = Expect(data, size, MessageType::kSparse);
    const int indexBits = IndexBits(h.dimension);
    indices.resize(h.count);
    if (values.size() < static_cast<Eigen::Index>(h.count))
    {
        values.resize(h.count);
    }
    BitReader r(data + kMessageHeaderBytes, size - kMessageHeaderBytes);
    for (uint32_t i = 0; i < h.count; ++i)
    {
        indices[i] = static_cast<uint32_t>(r.Read(indexBits));
        if (indices[i] >= h.dimension || (i > 0 && indices[i] <= indices[i - 1]))
        {
            throw std::runtime_error("sparse message: index " + std::to_string(indices[i]) +
                                     " out of order or beyond dimension " +
                                     std::to_string(h.dimension));
        }
        values(i) = ReadValue(r, h.format);
    }
    return h;
}

void
EncodeModel(MessageHeader header,
            const std::vector<uint32_t>& lastApplied,
            const Eigen::Ref<const Eigen::VectorXd>& model,
            std::vector<uint8_t>& out)
{
    header.type = MessageType::kModel;
    header.dimension = static_cast<uint32_t>(model.size());
    header.count = static_cast<uint32_t>(lastApplied.size());
    WriteHeader(header, out);
    out.reserve(kMessageHeaderBytes + ExpectedPayloadBytes(header));
    BitWriter w(out);
    for (uint32_t round : lastApplied)
    {
        w.Write(round, 32);
    }
    AppendValues(model, header.format, out);
    SealCrc(out);
}

MessageHeader
DecodeModel(const uint8_t* data,
            size_t size,
            std::vector<uint32_t>& lastApplied,
            Eigen::Ref<Eigen::VectorXd> model)
{
    const MessageHeader h = Expect(data, size, MessageType::kModel);
    if (model.size() != h.dimension)
    {
        throw std::runtime_error("model message of dimension " + std::to_string(h.dimension) +
                                 ", expected " + std::to_string(model.size()));
    }
    BitReader r(data + kMessageHeaderBytes, size - kMessageHeaderBytes);
    lastApplied.resize(h.count);
    for (uint32_t m = 0; m < h.count; ++m)
    {
        lastApplied[m] = static_cast<uint32_t>(r.Read(32));
    }
    ReadValues(data + kMessageHeaderBytes + 4 * static_cast<size_t>(h.count), h.format, model);
    return h;
}

} // namespace airgrad
