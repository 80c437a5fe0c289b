// Every message decoder, as a receiver calls it: with the dimension it expects (the scenario's)
// and with only the header's claim to go on. Byte 0 chooses the expected dimension.
#include "codec/message.h"

#include <cstring>

using namespace airgrad;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
    {
        return 0;
    }
    const Eigen::Index expected = 1 + data[0] % 64;
    ++data;
    --size;
    try
    {
        CompressedVector v;
        DecodeCompressed(data, size, expected, v);
    }
    catch (const std::runtime_error&)
    {
    }
    MessageHeader h;
    try
    {
        h = ReadHeader(data, size);
    }
    catch (const std::runtime_error&)
    {
        return 0;
    }
    // The header is valid (its sizes agree with the payload): size buffers by its claims, as a
    // receiver without an expected dimension would.
    try
    {
        CompressedVector v;
        DecodeCompressed(data, size, h.dimension, v);
        DecodeCompressed(CheckedMessage{data, size, h}, h.dimension, v);
    }
    catch (const std::runtime_error&)
    {
    }
    try
    {
        std::vector<uint32_t> indices;
        Eigen::VectorXd values;
        DecodeSparse(data, size, indices, values);
    }
    catch (const std::runtime_error&)
    {
    }
    if (h.type == MessageType::kDense || h.type == MessageType::kModel)
    {
        // Fixed-size payloads: ReadHeader has checked that the bytes hold every value.
        Eigen::VectorXd values(h.dimension);
        Roster roster;
        try
        {
            if (h.type == MessageType::kDense)
            {
                DecodeDense(data, size, values);
            }
            else
            {
                DecodeModel(data, size, roster, values);
            }
        }
        catch (const std::runtime_error&)
        {
        }
    }
    try
    {
        Eigen::VectorXd coefficients;
        const uint8_t* inner = nullptr;
        size_t innerSize = 0;
        Roster roster;
        if (h.type == MessageType::kPredicted)
        {
            DecodePredicted(data, size, coefficients, inner, innerSize);
            CheckedMessage checkedInner;
            DecodePredicted(CheckedMessage{data, size, h}, coefficients, checkedInner);
        }
        else if (h.type == MessageType::kModelDelta)
        {
            DecodeModelDelta(data, size, roster, inner, innerSize);
        }
        if (innerSize > 0)
        {
            CompressedVector v;
            DecodeCompressed(inner, innerSize, h.dimension, v);
        }
    }
    catch (const std::runtime_error&)
    {
    }
    return 0;
}
