// A TCP byte stream of these bytes, arriving in pieces whose sizes byte 0 sets, cut into messages.
#include "stream-framer.h"

#include <algorithm>
#include <stdexcept>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
    {
        return 0;
    }
    const size_t piece = 1 + data[0];
    ns3::airgrad::StreamFramer framer;
    try
    {
        for (size_t at = 1; at < size; at += piece)
        {
            framer.Add(data + at, std::min(piece, size - at));
            while (framer.Next())
            {
            }
        }
    }
    catch (const std::runtime_error&)
    {
    }
    return 0;
}
