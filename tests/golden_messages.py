#!/usr/bin/python3
"""Golden byte vectors of every message format, written from the layout documented in
src/codec/message.h (not from the C++ code). tests/codec-test.cc holds their output."""
import struct
import zlib


class Bits:
    def __init__(self):
        self.bits = []

    def put(self, value, n):
        self.bits += [(value >> (n - 1 - i)) & 1 for i in range(n)]

    def value(self, v, fmt):
        if fmt == 0:
            self.put(struct.unpack(">I", struct.pack(">f", v))[0], 32)
        elif fmt == 1:
            self.put(struct.unpack(">Q", struct.pack(">d", v))[0], 64)
        else:
            self.put(struct.unpack(">H", struct.pack(">e", v))[0], 16)

    def pad(self):
        while len(self.bits) % 8:
            self.bits.append(0)

    def bytes(self):
        self.pad()
        return bytes(int("".join(map(str, self.bits[i:i + 8])), 2) for i in range(0, len(self.bits), 8))


def index_bits(d):
    b = 1
    while b < 32 and (1 << b) < d:
        b += 1
    return b


def message(mtype, fmt, flags, rnd, sender, dim, count, payload):
    head = struct.pack(">BBBBIIIII", 1, mtype, fmt, flags, rnd, sender, dim, count,
                       zlib.crc32(payload) & 0xFFFFFFFF)
    return head + payload


def dense(fmt, rnd, sender, values):
    b = Bits()
    for v in values:
        b.value(v, fmt)
    return message(1, fmt, 0, rnd, sender, len(values), len(values), b.bytes())


def sparse(coding, fmt, rnd, sender, d, idx, vals):
    b = Bits()
    if coding in (0, 3):
        for i in idx:
            b.put(i, index_bits(d) if coding == 0 else 32)
    elif coding == 1:
        for j in range(d):
            b.put(1 if j in idx else 0, 1)
    else:
        prev = None
        for i in idx:
            gap = i + 1 if prev is None else i - prev
            n = gap.bit_length() - 1
            b.put(0, n)
            b.put(gap, n + 1)
            prev = i
    b.pad()
    for v in vals:
        b.value(v, fmt)
    return message(2, fmt, coding, rnd, sender, d, len(idx), b.bytes())


def quantized(fmt, rnd, sender, d, s, block, norms, levels):
    nz = [j for j in range(d) if levels[j] != 0]
    field = index_bits(2 * s + 1)
    mag = 0 if s == 1 else index_bits(s)
    sparse_layout = 32 + len(nz) * (index_bits(d) + 1 + mag) < d * field
    b = Bits()
    b.put(s, 16)
    b.put(block, 32)
    for n in norms:
        b.value(n, fmt)
    if not sparse_layout:
        for l in levels:
            b.put(l + s, field)
    else:
        b.put(len(nz), 32)
        for j in nz:
            b.put(j, index_bits(d))
        for j in nz:
            b.put(1 if levels[j] < 0 else 0, 1)
        for j in nz:
            b.put(abs(levels[j]) - 1, mag)
    return message(4, fmt, 1 if sparse_layout else 0, rnd, sender, d, len(norms), b.bytes())


def sign(fmt, rnd, sender, scale, negative):
    b = Bits()
    b.value(scale, fmt)
    for n in negative:
        b.put(1 if n else 0, 1)
    return message(5, fmt, 0, rnd, sender, len(negative), len(negative), b.bytes())


def predicted(fmt, rnd, sender, d, coefficients, inner):
    b = Bits()
    for a in coefficients:
        b.value(a, fmt)
    return message(6, fmt, 0, rnd, sender, d, len(coefficients), b.bytes() + inner)


def roster(b, last_applied, selected):
    """The rounds, then (flags bit 0) one bit per worker and pad; returns the flags."""
    for r in last_applied:
        b.put(r, 32)
    for s in selected:
        b.put(s, 1)
    b.pad()
    return 1 if selected else 0


def model(fmt, rnd, last_applied, values, selected=()):
    b = Bits()
    flags = roster(b, last_applied, selected)
    for v in values:
        b.value(v, fmt)
    return message(3, fmt, flags, rnd, 0xFFFFFFFF, len(values), len(last_applied), b.bytes())


def model_delta(rnd, d, last_applied, inner, selected=()):
    b = Bits()
    flags = roster(b, last_applied, selected)
    return message(7, 0, flags, rnd, 0xFFFFFFFF, d, len(last_applied), b.bytes() + inner)


SERVER = 0xFFFFFFFF
VECTORS = {
    "kGoldenDense": dense(0, 3, 1, [1.0, -2.0]),
    "kGoldenDenseHalf": dense(2, 3, 1, [1.0, -2.0, 0.1, 6e-8]),
    "kGoldenSparse": sparse(0, 0, 7, 4, 1000, [3, 999], [0.5, -1.0]),
    "kGoldenSparseBitmap": sparse(1, 2, 7, 4, 10, [0, 9], [0.5, -1.0]),
    "kGoldenSparseFixed32": sparse(3, 0, 7, 4, 1000, [3, 999], [0.5, -1.0]),
    "kGoldenSparseGamma": sparse(2, 0, 7, 4, 1000, [3, 4, 999], [1.0, 2.0, 3.0]),
    "kGoldenQuantizedDense": quantized(0, 5, 2, 5, 1, 3, [2.0, 0.5], [1, 0, -1, 1, 1]),
    "kGoldenQuantizedSparse": quantized(0, 5, 2, 1000, 4, 1000, [3.0],
                                        [4 if j == 10 else -2 if j == 500 else 0 for j in range(1000)]),
    "kGoldenModel": model(1, 2, [1, 0, 1], [0.25]),
    "kGoldenModelSelected": model(1, 2, [1, 0, 1], [0.25], [1, 0, 1]),
    "kGoldenSign": sign(0, 6, 3, 0.25, [0, 1, 0, 0, 1, 1, 0, 0, 0, 1]),
}
VECTORS["kGoldenPredicted"] = predicted(0, 7, 4, 1000, [0.5, -0.25], VECTORS["kGoldenSparse"])
VECTORS["kGoldenModelDelta"] = model_delta(2, 10, [1, 0], VECTORS["kGoldenSign"])
VECTORS["kGoldenModelDeltaSelected"] = model_delta(2, 10, [1, 0], VECTORS["kGoldenSign"], [0, 1])

if __name__ == "__main__":
    for name, data in VECTORS.items():
        body = ", ".join("0x%02X" % x for x in data)
        print("const std::vector<uint8_t> %s = {%s};" % (name, body))
