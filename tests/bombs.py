#!/usr/bin/env python3
"""Writes decompression bombs of valid profile.proto data: gzip files of a
few hundred kilobytes that inflate about a thousandfold into a profile
pprof would read, if it had the memory.

    tests/bombs.py DIR [SIZE]

writes DIR/strings.pb.gz, samples.pb.gz, labels.pb.gz and locations.pb.gz,
each inflating to about SIZE bytes (default 256 MiB):

  strings    the string table: "a" again and again (0x32 0x01 'a')
  samples    samples of a million location ids each (all of location 1)
  labels     samples of 170,000 labels each (key "k", value "v")
  locations  locations of 260,000 inline lines each (all of function 1)

A file is one gzip member (cprof's inflow reads only those), made of
deflate pieces: each piece is compressed on its own and ends with a full
flush, so it refers to nothing before it and a piece repeated N times
inflates to its bytes N times. A bomb of any size takes a moment to write.
"""
import os
import struct
import sys
import zlib

MIB = 1 << 20


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, payload):
    """A length-delimited field."""
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def vfield(num, v):
    """A varint field."""
    return varint(num << 3) + varint(v)


def piece(data, final=False):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


class Gzip:
    """One gzip member written piece by piece."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")
        self.crc = 0
        self.size = 0
        self.pieces = {}  # data -> its piece: the repeated ones are compressed once

    def add(self, data, times=1):
        if not data or times == 0:
            return
        z = self.pieces.get(data)
        if z is None:
            z = self.pieces[data] = piece(data)
        for _ in range(times):
            self.f.write(z)
            self.crc = zlib.crc32(data, self.crc)
        self.size += len(data) * times

    def close(self, tail=b""):
        self.f.write(piece(tail, final=True))
        self.crc = zlib.crc32(tail, self.crc)
        self.size += len(tail)
        self.f.write(struct.pack("<II", self.crc, self.size & 0xFFFFFFFF))
        self.f.close()


# string table of the header: "", "samples", "count", "k", "v", "f"
STRINGS = b"".join(field(6, s) for s in (b"", b"samples", b"count", b"k", b"v", b"f"))
SAMPLE_TYPE = field(1, vfield(1, 1) + vfield(2, 2))
LOCATION_1 = field(4, vfield(1, 1))
FUNCTION_1 = field(5, vfield(1, 1) + vfield(2, 5))
ONE_SAMPLE = field(2, field(1, varint(1)) + vfield(2, 1))


def strings(path, size):
    g = Gzip(path)
    g.add(SAMPLE_TYPE + ONE_SAMPLE + LOCATION_1 + STRINGS)
    unit = field(6, b"a") * (MIB // 3)
    g.add(unit, max(1, size // len(unit)))
    g.close()


def samples(path, size):
    g = Gzip(path)
    g.add(SAMPLE_TYPE)
    unit = field(2, field(1, b"\x01" * MIB) + vfield(2, 1))
    g.add(unit, max(1, size // len(unit)))
    g.close(LOCATION_1 + STRINGS)


def labels(path, size):
    g = Gzip(path)
    g.add(SAMPLE_TYPE)
    label = field(3, vfield(1, 3) + vfield(2, 4))
    unit = field(2, field(1, varint(1)) + vfield(2, 1) + label * (MIB // len(label)))
    g.add(unit, max(1, size // len(unit)))
    g.close(LOCATION_1 + STRINGS)


def locations(path, size):
    # Location ids must differ: each location's id comes after its lines,
    # in a small piece with the next location's key and length.
    g = Gzip(path)
    g.add(SAMPLE_TYPE + ONE_SAMPLE)
    lines = field(4, vfield(1, 1)) * (MIB // 4)
    n = max(1, size // len(lines))
    for i in range(1, n + 1):
        body = len(lines) + len(vfield(1, i))
        g.add(varint(4 << 3 | 2) + varint(body))
        g.add(lines)
        g.add(vfield(1, i))
    g.close(FUNCTION_1 + STRINGS)


KINDS = {"strings": strings, "samples": samples, "labels": labels, "locations": locations}


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) == 3 else 256 * MIB
    os.makedirs(out, exist_ok=True)
    for name, write in KINDS.items():
        write(os.path.join(out, name + ".pb.gz"), size)


if __name__ == "__main__":
    main()
