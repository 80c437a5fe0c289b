// Fragments of one sender's messages, in any order, repeated or missing, as UDP delivers them.
// Input layout (the target's, not the wire's): per fragment a 14-byte header (round u32, index
// u16, count u16, claimed message size u32, payload size u16), then that many payload bytes.
#include "message-reassembler.h"

#include <algorithm>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    ns3::airgrad::MessageReassembler reassembler(1 << 16);
    const auto u32 = [](const uint8_t* p) { return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3]; };
    const auto u16 = [](const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); };
    size_t at = 0;
    while (at + 14 <= size)
    {
        const uint8_t* h = data + at;
        const size_t payload = std::min<size_t>(u16(h + 12), size - at - 14);
        if (reassembler.Add(u32(h), u16(h + 4), u16(h + 6), u32(h + 8), h + 14, payload))
        {
            (void)reassembler.Message().size();
        }
        (void)reassembler.MissingBefore(u32(h), u16(h + 4));
        at += 14 + payload;
    }
    return 0;
}
