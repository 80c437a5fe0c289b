#include "codec/message.h"

#include "codec/bit-stream.h"

#include <zlib.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace airgrad {

namespace {

constexpr size_t kVariable = std::numeric_limits<size_t>::max();

uint32_t
PayloadCrc(const uint8_t* payload, size_t size)
{
    return static_cast<uint32_t>(crc32_z(0L, payload, size)); // crc32 takes 32-bit sizes
}

size_t
Bytes(size_t bits)
{
    return (bits + 7) / 8;
}

/// Flags bit 0 of a model or model-delta message: a selection bitmap follows the rounds.
constexpr uint8_t kSelectionFlag = 1;

/// Bytes of a model or model-delta message's roster: the rounds, and the selection when flagged.
size_t
RosterBytes(const MessageHeader& h)
{
    return 4 * static_cast<size_t>(h.count) + ((h.flags & kSelectionFlag) != 0 ? Bytes(h.count) : 0);
}

/// Payload size the header alone determines, or kVariable when the content does.
size_t
ExpectedPayloadBytes(const MessageHeader& h)
{
    const size_t v = static_cast<size_t>(ValueBits(h.format));
    const size_t values = static_cast<size_t>(h.count) * v / 8;
    switch (h.type)
    {
    case MessageType::kDense:
        return values;
    case MessageType::kSparse:
        if (h.flags == static_cast<uint8_t>(IndexCoding::kFixed))
        {
            return Bytes(static_cast<size_t>(h.count) * IndexBits(h.dimension)) + values;
        }
        if (h.flags == static_cast<uint8_t>(IndexCoding::kBitmap))
        {
            return Bytes(h.dimension) + values;
        }
        if (h.flags == static_cast<uint8_t>(IndexCoding::kFixed32))
        {
            return 4 * static_cast<size_t>(h.count) + values;
        }
        return kVariable;
    case MessageType::kModel:
        return RosterBytes(h) + static_cast<size_t>(h.dimension) * v / 8;
    case MessageType::kSign:
        return v / 8 + Bytes(h.dimension);
    default:
        return kVariable;
    }
}

void
WriteHeader(const MessageHeader& h, std::vector<uint8_t>& out)
{
    out.clear();
    BitWriter w(out);
    w.Write(kMessageVersion, 8);
    w.Write(static_cast<uint8_t>(h.type), 8);
    w.Write(static_cast<uint8_t>(h.format), 8);
    w.Write(h.flags, 8);
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
    switch (f)
    {
    case ValueFormat::kFloat32:
        w.WriteFloat32(static_cast<float>(v));
        break;
    case ValueFormat::kFloat64:
        w.WriteFloat64(v);
        break;
    case ValueFormat::kFloat16:
        w.Write(FloatToHalf(static_cast<float>(v)), 16);
        break;
    }
}

inline double
ReadValue(BitReader& r, ValueFormat f)
{
    switch (f)
    {
    case ValueFormat::kFloat32:
        return static_cast<double>(r.ReadFloat32());
    case ValueFormat::kFloat64:
        return r.ReadFloat64();
    case ValueFormat::kFloat16:
        break;
    }
    return static_cast<double>(HalfToFloat(static_cast<uint16_t>(r.Read(16))));
}

/// Byte-aligned values, big-endian: a tight loop, no bit packing.
void
AppendValues(const double* values, size_t n, ValueFormat f, std::vector<uint8_t>& out)
{
    const size_t start = out.size();
    const size_t width = static_cast<size_t>(ValueBits(f)) / 8;
    out.resize(start + width * n);
    uint8_t* dst = out.data() + start;
    for (size_t j = 0; j < n; ++j, dst += width)
    {
        if (f == ValueFormat::kFloat32)
        {
            uint32_t u;
            const float v = static_cast<float>(values[j]);
            std::memcpy(&u, &v, 4);
            u = __builtin_bswap32(u);
            std::memcpy(dst, &u, 4);
        }
        else if (f == ValueFormat::kFloat64)
        {
            uint64_t u;
            std::memcpy(&u, &values[j], 8);
            u = __builtin_bswap64(u);
            std::memcpy(dst, &u, 8);
        }
        else
        {
            const uint16_t u = FloatToHalf(static_cast<float>(values[j]));
            dst[0] = static_cast<uint8_t>(u >> 8);
            dst[1] = static_cast<uint8_t>(u);
        }
    }
}

void
AppendValues(const Eigen::Ref<const Eigen::VectorXd>& values, ValueFormat f, std::vector<uint8_t>& out)
{
    AppendValues(values.data(), static_cast<size_t>(values.size()), f, out);
}

void
ReadValues(const uint8_t* src, ValueFormat f, double* values, size_t n)
{
    const size_t width = static_cast<size_t>(ValueBits(f)) / 8;
    for (size_t j = 0; j < n; ++j, src += width)
    {
        if (f == ValueFormat::kFloat32)
        {
            uint32_t u;
            std::memcpy(&u, src, 4);
            u = __builtin_bswap32(u);
            float v;
            std::memcpy(&v, &u, 4);
            values[j] = static_cast<double>(v);
        }
        else if (f == ValueFormat::kFloat64)
        {
            uint64_t u;
            std::memcpy(&u, src, 8);
            u = __builtin_bswap64(u);
            std::memcpy(&values[j], &u, 8);
        }
        else
        {
            values[j] = static_cast<double>(
                HalfToFloat(static_cast<uint16_t>((static_cast<unsigned>(src[0]) << 8) | src[1])));
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

/// A content-sized payload must end exactly where its parse ends (after padding).
void
ExpectEnd(const BitReader& r, size_t payloadBytes, const char* what)
{
    if (Bytes(r.BitPosition()) != payloadBytes)
    {
        throw std::runtime_error(std::string(what) + " message: payload of " +
                                 std::to_string(payloadBytes) + " bytes, its content fills " +
                                 std::to_string(Bytes(r.BitPosition())));
    }
}

int
FloorLog2(uint64_t n)
{
    return 63 - __builtin_clzll(n);
}

size_t
GammaBits(const std::vector<uint32_t>& indices)
{
    size_t bits = 0;
    uint64_t previous = 0;
    bool first = true;
    for (uint32_t i : indices)
    {
        const uint64_t gap = first ? uint64_t{i} + 1 : i - previous;
        bits += 2 * static_cast<size_t>(FloorLog2(gap)) + 1;
        previous = i;
        first = false;
    }
    return bits;
}

void
WriteGamma(BitWriter& w, uint64_t n)
{
    const int N = FloorLog2(n);
    w.Write(0, N);
    w.Write(n, N + 1);
}

uint64_t
ReadGamma(BitReader& r)
{
    int zeros = 0;
    while (r.Read(1) == 0)
    {
        if (++zeros > 32)
        {
            throw std::runtime_error("sparse message: Elias-gamma code longer than 32 bits");
        }
    }
    return (uint64_t{1} << zeros) | (zeros > 0 ? r.Read(zeros) : 0);
}

int
LevelFieldBits(uint32_t s)
{
    return IndexBits(2 * s + 1);
}

int
MagnitudeBits(uint32_t s)
{
    return s == 1 ? 0 : IndexBits(s);
}

} // namespace

size_t
MaxMessageBytes(uint32_t dimension)
{
    return 2 * kMessageHeaderBytes + 12 * static_cast<size_t>(dimension) + 4 * kMaxWorkers + kMaxWorkers / 8 + 16 * 8;
}

int
ValueBits(ValueFormat format)
{
    switch (format)
    {
    case ValueFormat::kFloat32:
        return 32;
    case ValueFormat::kFloat64:
        return 64;
    case ValueFormat::kFloat16:
        break;
    }
    return 16;
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

uint16_t
FloatToHalf(float v)
{
    uint32_t f;
    std::memcpy(&f, &v, 4);
    const uint16_t sign = static_cast<uint16_t>((f >> 16) & 0x8000U);
    const uint32_t absf = f & 0x7FFFFFFFU;
    if (absf >= 0x7F800000U) // inf or NaN
    {
        return static_cast<uint16_t>(sign | 0x7C00U | (absf > 0x7F800000U ? 0x200U : 0U));
    }
    const int exp = static_cast<int>(absf >> 23) - 127;
    if (exp > 15)
    {
        return static_cast<uint16_t>(sign | 0x7C00U);
    }
    uint32_t mant = absf & 0x7FFFFFU;
    int shift;
    uint32_t base;
    if (exp >= -14) // normal half
    {
        base = static_cast<uint32_t>(exp + 15) << 10;
        shift = 13;
    }
    else // subnormal half (or zero): value = mant' * 2^-24
    {
        if (exp < -25)
        {
            return sign;
        }
        mant |= 0x800000U;
        base = 0;
        shift = 13 + (-14 - exp);
    }
    uint32_t half = base + (mant >> shift);
    const uint32_t rest = mant & ((1U << shift) - 1);
    const uint32_t halfway = 1U << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1U)))
    {
        ++half; // a carry into the exponent is the correct rounding (up to infinity)
    }
    return static_cast<uint16_t>(sign | half);
}

float
HalfToFloat(uint16_t h)
{
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000U) << 16;
    const uint32_t exp = (h >> 10) & 0x1FU;
    const uint32_t mant = h & 0x3FFU;
    float out;
    if (exp == 0)
    {
        out = std::ldexp(static_cast<float>(mant), -24);
        return sign ? -out : out;
    }
    uint32_t f;
    if (exp == 31)
    {
        f = sign | 0x7F800000U | (mant << 13);
    }
    else
    {
        f = sign | ((exp + 112) << 23) | (mant << 13);
    }
    std::memcpy(&out, &f, 4);
    return out;
}

double
RoundToFormat(double v, ValueFormat format)
{
    switch (format)
    {
    case ValueFormat::kFloat32:
        return static_cast<double>(static_cast<float>(v));
    case ValueFormat::kFloat64:
        return v;
    case ValueFormat::kFloat16:
        break;
    }
    return static_cast<double>(HalfToFloat(FloatToHalf(static_cast<float>(v))));
}

double
RoundUpToFormat(double v, ValueFormat format)
{
    double r = RoundToFormat(v, format);
    if (r >= v)
    {
        return r;
    }
    switch (format)
    {
    case ValueFormat::kFloat32:
        return static_cast<double>(std::nextafter(static_cast<float>(r), HUGE_VALF));
    case ValueFormat::kFloat16:
    {
        const uint16_t h = FloatToHalf(static_cast<float>(r));
        return static_cast<double>(HalfToFloat(static_cast<uint16_t>(h + 1))); // r >= 0
    }
    case ValueFormat::kFloat64:
        break;
    }
    return r;
}

void
CompressedVector::Decoded(Eigen::Ref<Eigen::VectorXd> out) const
{
    if (kind == Kind::kDense)
    {
        out = values.head(dimension);
        return;
    }
    out.setZero();
    AddTo(out);
}

void
CompressedVector::AddTo(Eigen::Ref<Eigen::VectorXd> out, double factor) const
{
    switch (kind)
    {
    case Kind::kDense:
        out += factor * values.head(dimension);
        break;
    case Kind::kSparse:
        for (size_t i = 0; i < indices.size(); ++i)
        {
            out(indices[i]) += factor * values(static_cast<Eigen::Index>(i));
        }
        break;
    case Kind::kQuantized:
        for (Eigen::Index j = 0; j < dimension; ++j)
        {
            const int16_t l = levels[static_cast<size_t>(j)];
            if (l != 0)
            {
                // norm * l / s, in this order on every side
                out(j) += factor * (norms(j / blockSize) * l / quantLevels);
            }
        }
        break;
    case Kind::kSign:
        for (Eigen::Index j = 0; j < dimension; ++j)
        {
            out(j) += factor * (levels[static_cast<size_t>(j)] < 0 ? -scale : scale);
        }
        break;
    }
}

namespace {

/// ReadHeader's checks of the header and the sizes, with the CRC only when `checkCrc`.
MessageHeader
ReadHeaderFields(const uint8_t* data, size_t size, bool checkCrc)
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
    if (type < 1 || type > 7)
    {
        throw std::runtime_error("unknown message type " + std::to_string(type));
    }
    h.type = static_cast<MessageType>(type);
    const auto format = static_cast<uint8_t>(r.Read(8));
    if (format > 2)
    {
        throw std::runtime_error("unknown value format " + std::to_string(format));
    }
    h.format = static_cast<ValueFormat>(format);
    h.flags = static_cast<uint8_t>(r.Read(8));
    const uint8_t maxFlags = h.type == MessageType::kSparse ? 3
                             : h.type == MessageType::kQuantized || h.type == MessageType::kModel ||
                                     h.type == MessageType::kModelDelta
                                 ? 1
                                 : 0;
    if (h.flags > maxFlags)
    {
        throw std::runtime_error("message flags " + std::to_string(h.flags) + " invalid for type " +
                                 std::to_string(type));
    }
    h.round = static_cast<uint32_t>(r.Read(32));
    h.sender = static_cast<uint32_t>(r.Read(32));
    h.dimension = static_cast<uint32_t>(r.Read(32));
    h.count = static_cast<uint32_t>(r.Read(32));
    const auto crc = static_cast<uint32_t>(r.Read(32));
    if (((h.type == MessageType::kDense || h.type == MessageType::kSign) && h.count != h.dimension) ||
        (h.type == MessageType::kSparse && h.count > h.dimension))
    {
        throw std::runtime_error("message count " + std::to_string(h.count) +
                                 " does not fit dimension " + std::to_string(h.dimension));
    }
    const size_t expected = ExpectedPayloadBytes(h);
    if (expected != kVariable && size - kMessageHeaderBytes != expected)
    {
        throw std::runtime_error("message payload of " + std::to_string(size - kMessageHeaderBytes) +
                                 " bytes, header says " + std::to_string(expected));
    }
    if (checkCrc && PayloadCrc(data + kMessageHeaderBytes, size - kMessageHeaderBytes) != crc)
    {
        throw std::runtime_error("message CRC mismatch (corrupted payload)");
    }
    return h;
}

} // namespace

MessageHeader
ReadHeader(const uint8_t* data, size_t size)
{
    return ReadHeaderFields(data, size, true);
}

MessageType
PeekType(const uint8_t* data, size_t size)
{
    if (size < kMessageHeaderBytes)
    {
        throw std::runtime_error("message of " + std::to_string(size) +
                                 " bytes is shorter than its 24-byte header");
    }
    return static_cast<MessageType>(data[1]);
}

void
EncodeDense(MessageHeader header,
            const Eigen::Ref<const Eigen::VectorXd>& values,
            std::vector<uint8_t>& out)
{
    header.type = MessageType::kDense;
    header.flags = 0;
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
    ReadValues(data + kMessageHeaderBytes, h.format, values.data(), h.count);
    return h;
}

void
EncodeSparse(MessageHeader header,
             const std::vector<uint32_t>& indices,
             const Eigen::Ref<const Eigen::VectorXd>& values,
             std::vector<uint8_t>& out,
             IndexCoding coding)
{
    if (static_cast<size_t>(values.size()) < indices.size())
    {
        throw std::invalid_argument("sparse message: fewer values than indices");
    }
    const size_t n = indices.size();
    if (coding == IndexCoding::kBest)
    {
        const size_t fixed = n * static_cast<size_t>(IndexBits(header.dimension));
        const size_t gamma = GammaBits(indices);
        coding = IndexCoding::kFixed;
        size_t best = fixed;
        if (header.dimension < best)
        {
            coding = IndexCoding::kBitmap;
            best = header.dimension;
        }
        if (gamma < best)
        {
            coding = IndexCoding::kGamma;
        }
    }
    header.type = MessageType::kSparse;
    header.flags = static_cast<uint8_t>(coding);
    header.count = static_cast<uint32_t>(n);
    WriteHeader(header, out);
    BitWriter w(out);
    switch (coding)
    {
    case IndexCoding::kFixed:
    case IndexCoding::kFixed32:
    {
        const int indexBits = coding == IndexCoding::kFixed ? IndexBits(header.dimension) : 32;
        for (uint32_t i : indices)
        {
            w.Write(i, indexBits);
        }
        break;
    }
    case IndexCoding::kBitmap:
    {
        uint32_t next = 0;
        for (uint32_t i : indices)
        {
            for (; next + 32 <= i; next += 32)
            {
                w.Write(0, 32);
            }
            w.Write(1, static_cast<int>(i - next) + 1); // zeros, then the set bit
            next = i + 1;
        }
        for (; next < header.dimension; next += std::min<uint32_t>(32, header.dimension - next))
        {
            w.Write(0, static_cast<int>(std::min<uint32_t>(32, header.dimension - next)));
        }
        break;
    }
    case IndexCoding::kGamma:
    case IndexCoding::kBest:
    {
        uint64_t previous = 0;
        for (size_t k = 0; k < n; ++k)
        {
            WriteGamma(w, k == 0 ? uint64_t{indices[0]} + 1 : indices[k] - previous);
            previous = indices[k];
        }
        break;
    }
    }
    w.Flush();
    AppendValues(values.data(), n, header.format, out);
    SealCrc(out);
}

namespace {

/// The body of a sparse message whose header `h` is validated (CRC included): read once.
void
ReadSparseBody(const MessageHeader& h, const uint8_t* payload, size_t payloadBytes, std::vector<uint32_t>& indices,
               Eigen::VectorXd& values)
{
    const size_t n = h.count;
    // Each entry's value takes ValueBits: a count the payload cannot hold is refused before allocating.
    if (n > 8 * payloadBytes / static_cast<size_t>(ValueBits(h.format)))
    {
        throw std::runtime_error("sparse message: " + std::to_string(n) + " entries do not fit its " +
                                 std::to_string(payloadBytes) + "-byte payload");
    }
    indices.resize(n);
    if (values.size() < static_cast<Eigen::Index>(n))
    {
        values.resize(static_cast<Eigen::Index>(n));
    }
    BitReader r(payload, payloadBytes);
    const auto coding = static_cast<IndexCoding>(h.flags);
    if (coding == IndexCoding::kFixed || coding == IndexCoding::kFixed32)
    {
        const int indexBits = coding == IndexCoding::kFixed ? IndexBits(h.dimension) : 32;
        for (size_t k = 0; k < n; ++k)
        {
            indices[k] = static_cast<uint32_t>(r.Read(indexBits));
        }
    }
    else if (coding == IndexCoding::kBitmap)
    {
        size_t k = 0;
        for (uint32_t j = 0; j < h.dimension; ++j)
        {
            if (r.Read(1))
            {
                if (k == n)
                {
                    throw std::runtime_error("sparse message: bitmap has more than count bits set");
                }
                indices[k++] = j;
            }
        }
        if (k != n)
        {
            throw std::runtime_error("sparse message: bitmap has fewer than count bits set");
        }
    }
    else
    {
        uint64_t position = 0;
        for (size_t k = 0; k < n; ++k)
        {
            position = k == 0 ? ReadGamma(r) - 1 : position + ReadGamma(r);
            if (position >= h.dimension)
            {
                throw std::runtime_error("sparse message: index beyond dimension " +
                                         std::to_string(h.dimension));
            }
            indices[k] = static_cast<uint32_t>(position);
        }
    }
    for (size_t k = 0; k < n; ++k)
    {
        if (indices[k] >= h.dimension || (k > 0 && indices[k] <= indices[k - 1]))
        {
            throw std::runtime_error("sparse message: index " + std::to_string(indices[k]) +
                                     " out of order or beyond dimension " +
                                     std::to_string(h.dimension));
        }
    }
    const size_t indexBytes = Bytes(r.BitPosition());
    const size_t valueBytes = n * static_cast<size_t>(ValueBits(h.format)) / 8;
    if (indexBytes + valueBytes != payloadBytes)
    {
        throw std::runtime_error("sparse message: payload of " + std::to_string(payloadBytes) +
                                 " bytes, its content fills " + std::to_string(indexBytes + valueBytes));
    }
    ReadValues(payload + indexBytes, h.format, values.data(), n);
}

} // namespace

MessageHeader
DecodeSparse(const uint8_t* data, size_t size, std::vector<uint32_t>& indices, Eigen::VectorXd& values)
{
    const MessageHeader h = Expect(data, size, MessageType::kSparse);
    ReadSparseBody(h, data + kMessageHeaderBytes, size - kMessageHeaderBytes, indices, values);
    return h;
}

namespace {

void
SetRosterFields(const Roster& roster, MessageHeader& header)
{
    if (!roster.selected.empty() && roster.selected.size() != roster.lastApplied.size())
    {
        throw std::invalid_argument("roster: " + std::to_string(roster.selected.size()) + " selection flags for " +
                                    std::to_string(roster.lastApplied.size()) + " workers");
    }
    header.flags = roster.selected.empty() ? 0 : kSelectionFlag;
    header.count = static_cast<uint32_t>(roster.lastApplied.size());
}

void
WriteRoster(const Roster& roster, std::vector<uint8_t>& out)
{
    BitWriter w(out);
    for (uint32_t round : roster.lastApplied)
    {
        w.Write(round, 32);
    }
    for (uint8_t s : roster.selected)
    {
        w.Write(s != 0 ? 1 : 0, 1);
    }
    w.Flush();
}

/// `payload` holds at least RosterBytes(h) bytes.
void
ReadRoster(const MessageHeader& h, const uint8_t* payload, size_t size, Roster& roster)
{
    BitReader r(payload, size);
    roster.lastApplied.resize(h.count);
    for (uint32_t m = 0; m < h.count; ++m)
    {
        roster.lastApplied[m] = static_cast<uint32_t>(r.Read(32));
    }
    roster.selected.resize((h.flags & kSelectionFlag) != 0 ? h.count : 0);
    for (uint8_t& s : roster.selected)
    {
        s = static_cast<uint8_t>(r.Read(1));
    }
}

} // namespace

void
EncodeModel(MessageHeader header,
            const Roster& roster,
            const Eigen::Ref<const Eigen::VectorXd>& model,
            std::vector<uint8_t>& out)
{
    header.type = MessageType::kModel;
    header.dimension = static_cast<uint32_t>(model.size());
    SetRosterFields(roster, header);
    WriteHeader(header, out);
    out.reserve(kMessageHeaderBytes + ExpectedPayloadBytes(header));
    WriteRoster(roster, out);
    AppendValues(model, header.format, out);
    SealCrc(out);
}

MessageHeader
DecodeModel(const uint8_t* data,
            size_t size,
            Roster& roster,
            Eigen::Ref<Eigen::VectorXd> model)
{
    const MessageHeader h = Expect(data, size, MessageType::kModel);
    if (model.size() != h.dimension)
    {
        throw std::runtime_error("model message of dimension " + std::to_string(h.dimension) +
                                 ", expected " + std::to_string(model.size()));
    }
    ReadRoster(h, data + kMessageHeaderBytes, size - kMessageHeaderBytes, roster);
    ReadValues(data + kMessageHeaderBytes + RosterBytes(h), h.format, model.data(), h.dimension);
    return h;
}

void
EncodeCompressed(MessageHeader header, const CompressedVector& v, std::vector<uint8_t>& out,
                 IndexCoding coding)
{
    header.format = v.format;
    header.dimension = static_cast<uint32_t>(v.dimension);
    switch (v.kind)
    {
    case CompressedVector::Kind::kDense:
        EncodeDense(header, v.values.head(v.dimension), out);
        return;
    case CompressedVector::Kind::kSparse:
        EncodeSparse(header, v.indices, v.values, out, coding);
        return;
    case CompressedVector::Kind::kSign:
    {
        header.type = MessageType::kSign;
        header.flags = 0;
        header.count = header.dimension;
        WriteHeader(header, out);
        BitWriter w(out);
        WriteValue(w, v.scale, v.format); // whole bytes: the sign bits start byte-aligned
        const auto d = static_cast<size_t>(v.dimension);
        const size_t start = out.size();
        out.resize(start + Bytes(d), 0);
        uint8_t* bits = out.data() + start;
        for (size_t j = 0; j < d; ++j)
        {
            bits[j >> 3] |= static_cast<uint8_t>((v.levels[j] < 0 ? 1U : 0U) << (7 - (j & 7)));
        }
        SealCrc(out);
        return;
    }
    case CompressedVector::Kind::kQuantized:
        break;
    }
    const uint32_t s = v.quantLevels;
    const auto d = static_cast<size_t>(v.dimension);
    size_t nonzeros = 0;
    for (size_t j = 0; j < d; ++j)
    {
        nonzeros += v.levels[j] != 0;
    }
    const size_t denseBits = d * static_cast<size_t>(LevelFieldBits(s));
    const size_t sparseBits =
        32 + nonzeros * (static_cast<size_t>(IndexBits(header.dimension)) + 1 + MagnitudeBits(s));
    header.type = MessageType::kQuantized;
    header.flags = sparseBits < denseBits ? 1 : 0;
    header.count = static_cast<uint32_t>(v.norms.size());
    WriteHeader(header, out);
    BitWriter w(out);
    w.Write(s, 16);
    w.Write(v.blockSize, 32);
    for (Eigen::Index b = 0; b < v.norms.size(); ++b)
    {
        WriteValue(w, v.norms(b), v.format);
    }
    if (header.flags == 0)
    {
        const int bits = LevelFieldBits(s);
        for (size_t j = 0; j < d; ++j)
        {
            w.Write(static_cast<uint64_t>(v.levels[j] + static_cast<int>(s)), bits);
        }
    }
    else
    {
        w.Write(nonzeros, 32);
        const int indexBits = IndexBits(header.dimension);
        for (size_t j = 0; j < d; ++j)
        {
            if (v.levels[j] != 0)
            {
                w.Write(j, indexBits);
            }
        }
        for (size_t j = 0; j < d; ++j)
        {
            if (v.levels[j] != 0)
            {
                w.Write(v.levels[j] < 0 ? 1 : 0, 1);
            }
        }
        const int magBits = MagnitudeBits(s);
        for (size_t j = 0; magBits > 0 && j < d; ++j)
        {
            if (v.levels[j] != 0)
            {
                w.Write(static_cast<uint64_t>(std::abs(v.levels[j]) - 1), magBits);
            }
        }
    }
    w.Flush();
    SealCrc(out);
}

MessageHeader
DecodeCompressed(const uint8_t* data, size_t size, Eigen::Index dimension, CompressedVector& v)
{
    const CheckedMessage message{data, size, ReadHeader(data, size)};
    DecodeCompressed(message, dimension, v);
    return message.header;
}

void
DecodeCompressed(const CheckedMessage& message, Eigen::Index dimension, CompressedVector& v)
{
    const MessageHeader& h = message.header;
    const uint8_t* data = message.data;
    const size_t size = message.size;
    if (static_cast<Eigen::Index>(h.dimension) != dimension)
    {
        throw std::runtime_error("message of dimension " + std::to_string(h.dimension) + ", expected " +
                                 std::to_string(dimension));
    }
    v.format = h.format;
    v.dimension = static_cast<Eigen::Index>(h.dimension);
    const uint8_t* payload = data + kMessageHeaderBytes;
    const size_t payloadBytes = size - kMessageHeaderBytes;
    switch (h.type)
    {
    case MessageType::kDense:
        v.kind = CompressedVector::Kind::kDense;
        if (v.values.size() < v.dimension)
        {
            v.values.resize(v.dimension);
        }
        ReadValues(payload, h.format, v.values.data(), h.count);
        return;
    case MessageType::kSparse:
        v.kind = CompressedVector::Kind::kSparse;
        ReadSparseBody(h, payload, payloadBytes, v.indices, v.values);
        return;
    case MessageType::kSign:
    {
        v.kind = CompressedVector::Kind::kSign;
        BitReader r(payload, payloadBytes);
        v.scale = ReadValue(r, h.format);
        const uint8_t* bits = payload + ValueBits(h.format) / 8;
        v.levels.resize(h.dimension);
        for (uint32_t j = 0; j < h.dimension; ++j)
        {
            // branch-free: random signs would mispredict half the time
            v.levels[j] = static_cast<int16_t>(1 - 2 * static_cast<int>((bits[j >> 3] >> (7 - (j & 7))) & 1U));
        }
        return;
    }
    case MessageType::kQuantized:
        break;
    default:
        throw std::runtime_error("message of type " + std::to_string(static_cast<int>(h.type)) +
                                 " is not a compressed vector");
    }
    v.kind = CompressedVector::Kind::kQuantized;
    BitReader r(payload, payloadBytes);
    const auto s = static_cast<uint32_t>(r.Read(16));
    const auto b = static_cast<uint32_t>(r.Read(32));
    if (s < 1 || s > kMaxLevels || b < 1 || (h.dimension + uint64_t{b} - 1) / b != h.count)
    {
        throw std::runtime_error("quantized message: levels " + std::to_string(s) + ", block size " +
                                 std::to_string(b) + " and " + std::to_string(h.count) +
                                 " blocks do not fit dimension " + std::to_string(h.dimension));
    }
    v.quantLevels = s;
    v.blockSize = b;
    v.norms.resize(h.count);
    for (uint32_t k = 0; k < h.count; ++k)
    {
        v.norms(k) = ReadValue(r, h.format);
    }
    v.levels.assign(h.dimension, 0);
    if (h.flags == 0)
    {
        const int bits = LevelFieldBits(s);
        for (uint32_t j = 0; j < h.dimension; ++j)
        {
            const auto field = static_cast<int>(r.Read(bits));
            if (field > static_cast<int>(2 * s))
            {
                throw std::runtime_error("quantized message: level beyond +-" + std::to_string(s));
            }
            v.levels[j] = static_cast<int16_t>(field - static_cast<int>(s));
        }
    }
    else
    {
        const auto nonzeros = static_cast<uint32_t>(r.Read(32));
        if (nonzeros > h.dimension)
        {
            throw std::runtime_error("quantized message: more nonzeros than the dimension");
        }
        std::vector<uint32_t>& idx = v.indices; // scratch, capacity reused
        idx.resize(nonzeros);
        const int indexBits = IndexBits(h.dimension);
        for (uint32_t k = 0; k < nonzeros; ++k)
        {
            idx[k] = static_cast<uint32_t>(r.Read(indexBits));
            if (idx[k] >= h.dimension || (k > 0 && idx[k] <= idx[k - 1]))
            {
                throw std::runtime_error("quantized message: index out of order or beyond dimension");
            }
        }
        for (uint32_t k = 0; k < nonzeros; ++k)
        {
            v.levels[idx[k]] = r.Read(1) ? -1 : 1;
        }
        const int magBits = MagnitudeBits(s);
        for (uint32_t k = 0; magBits > 0 && k < nonzeros; ++k)
        {
            const auto magnitude = static_cast<int>(r.Read(magBits)) + 1;
            if (magnitude > static_cast<int>(s))
            {
                throw std::runtime_error("quantized message: level beyond +-" + std::to_string(s));
            }
            v.levels[idx[k]] = static_cast<int16_t>(v.levels[idx[k]] * magnitude);
        }
        idx.clear();
    }
    ExpectEnd(r, payloadBytes, "quantized");
    return;
}

namespace {

/// Reads a predicted message's coefficients (resized); returns their size in bytes.
size_t
PredictedCoefficients(const MessageHeader& h, size_t size, const uint8_t* data, Eigen::VectorXd& coefficients)
{
    const size_t coefficientBytes = static_cast<size_t>(h.count) * ValueBits(h.format) / 8;
    if (coefficientBytes > size - kMessageHeaderBytes)
    {
        throw std::runtime_error("predicted message: shorter than its coefficients");
    }
    coefficients.resize(h.count);
    ReadValues(data + kMessageHeaderBytes, h.format, coefficients.data(), h.count);
    return coefficientBytes;
}

} // namespace

void
EncodePredicted(MessageHeader header,
                const Eigen::Ref<const Eigen::VectorXd>& coefficients,
                const std::vector<uint8_t>& inner,
                std::vector<uint8_t>& out)
{
    header.type = MessageType::kPredicted;
    header.flags = 0;
    header.count = static_cast<uint32_t>(coefficients.size());
    WriteHeader(header, out);
    AppendValues(coefficients, header.format, out);
    out.insert(out.end(), inner.begin(), inner.end());
    SealCrc(out);
}

MessageHeader
DecodePredicted(const uint8_t* data,
                size_t size,
                Eigen::VectorXd& coefficients,
                const uint8_t*& inner,
                size_t& innerSize)
{
    const MessageHeader h = Expect(data, size, MessageType::kPredicted);
    const size_t coefficientBytes = PredictedCoefficients(h, size, data, coefficients);
    inner = data + kMessageHeaderBytes + coefficientBytes;
    innerSize = size - kMessageHeaderBytes - coefficientBytes;
    return h;
}

void
DecodePredicted(const CheckedMessage& message, Eigen::VectorXd& coefficients, CheckedMessage& inner)
{
    if (message.header.type != MessageType::kPredicted)
    {
        throw std::runtime_error("message of type " + std::to_string(static_cast<int>(message.header.type)) +
                                 " where a predicted message was expected");
    }
    const size_t coefficientBytes = PredictedCoefficients(message.header, message.size, message.data, coefficients);
    inner.data = message.data + kMessageHeaderBytes + coefficientBytes;
    inner.size = message.size - kMessageHeaderBytes - coefficientBytes;
    if (inner.size > 0)
    {
        inner.header = ReadHeaderFields(inner.data, inner.size, false);
    }
}

void
EncodeModelDelta(MessageHeader header,
                 const Roster& roster,
                 const std::vector<uint8_t>& inner,
                 std::vector<uint8_t>& out)
{
    header.type = MessageType::kModelDelta;
    SetRosterFields(roster, header);
    WriteHeader(header, out);
    WriteRoster(roster, out);
    out.insert(out.end(), inner.begin(), inner.end());
    SealCrc(out);
}

MessageHeader
DecodeModelDelta(const uint8_t* data,
                 size_t size,
                 Roster& roster,
                 const uint8_t*& inner,
                 size_t& innerSize)
{
    const MessageHeader h = Expect(data, size, MessageType::kModelDelta);
    if (RosterBytes(h) > size - kMessageHeaderBytes)
    {
        throw std::runtime_error("model-delta message: shorter than its last-applied rounds and selection");
    }
    ReadRoster(h, data + kMessageHeaderBytes, size - kMessageHeaderBytes, roster);
    inner = data + kMessageHeaderBytes + RosterBytes(h);
    innerSize = size - kMessageHeaderBytes - RosterBytes(h);
    return h;
}

} // namespace airgrad
