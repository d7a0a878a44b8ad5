#!/usr/bin/env python3
r"""Writes profiles/nul.pb.gz, a small CPU profile whose strings hold NUL
and 0xC0 bytes, and profiles/java-nul.heap, a legacy Java heap profile
with such names: the profiles of tests/nul.sh.

A function is named by the 256 bytes 0x00..0xFF; two names differ only
after a NUL (main.f\0a, main.f\0b); x\0 and x\xc0\x80 are the bytes
cprof uses to hold a NUL, so they must stay two functions; a Go name
with a NUL is shortened in -dot; a file name, a mapping's file, label
keys and values and a comment carry NULs too.

The protobuf is written by hand (a few varints) so that nothing but
python3 is needed; gzip's header has no name and time, so the output is
the same on every run:

    testdata/nul/make.py          # from anywhere
"""
import gzip
import os

strings = [b""]


def s(b):
    """The string table index of b, added when new."""
    if isinstance(b, str):
        b = b.encode()
    if b not in strings:
        strings.append(b)
    return strings.index(b)


def varint(n):
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, value):
    """A varint field, or a length-delimited one for bytes."""
    if isinstance(value, bytes):
        return varint(num << 3 | 2) + varint(len(value)) + value
    return varint(num << 3) + varint(value)


def packed(num, values):
    return field(num, b"".join(varint(v) for v in values))


def value_type(typ, unit):
    return field(1, s(typ)) + field(2, s(unit))


ALL_BYTES = bytes(range(256))
FUNCTIONS = [  # id, name, file
    (1, "main.main", "main.go"),
    (2, "main.work", "main.go"),
    (3, ALL_BYTES, b"odd\x00file\xc0.go"),
    (4, b"main.f\x00a", "main.go"),
    (5, b"main.f\x00b", "main.go"),
    (6, b"x\xc0\x80", "main.go"),
    (7, b"x\x00", "main.go"),
    (8, b"xA", "main.go"),
    (9, b"github.com/x/pk\x00g.Fu\x00nc", "pk.go"),
    (10, b"leaf", "main.go"),
]
LOCATIONS = [  # id, address, [(function id, line)], the inlined ones first
    (1, 0x401200, [(3, 30), (2, 21)]),
    (2, 0x401100, [(2, 20)]),
    (3, 0x401000, [(1, 10)]),
    (4, 0x401300, [(4, 40)]),
    (5, 0x401400, [(5, 50)]),
    (6, 0x401500, [(6, 60)]),
    (7, 0x401600, [(7, 70)]),
    (8, 0x401700, [(8, 80)]),
    (9, 0x401800, [(9, 90)]),
    (10, 0x401900, [(10, 100)]),
]
# Location ids follow the order in which the samples first name them: go
# tool pprof (2022) merges the profile, which numbers them so, and current
# pprof keeps them as they are; so both print the same ids in -raw.
#
# Ties sort by name, where a NUL comes before every other byte: x\0, xA
# and x\xc0\x80 take the same time, and so do the label values a\0c\xc0
# and aa; the label keys t\0a\xc0g and tb sort by name too. leaf is
# called by x\0, xA and x\xc0\x80 alike (edges of equal weight), with the
# labels t\0a\xc0g:p and tb:p alike (dot's nodelets).
KEY = b"t\x00a\xc0g"
SAMPLES = [  # location ids (leaf first), [count, nanoseconds], string labels
    ([1, 2, 3], [5, 50_000_000], [(KEY, b"a\x00b"), (b"tb", b"v")]),
    ([4, 2, 3], [3, 30_000_000], [(KEY, b"a\x00c\xc0")]),
    ([5, 3], [2, 20_000_000], []),
    ([6, 3], [4, 40_000_000], []),
    ([7, 3], [4, 40_000_000], [(KEY, b"a\x00b")]),
    ([2, 3], [6, 60_000_000], []),
    ([8, 3], [4, 40_000_000], []),
    ([9, 3], [3, 30_000_000], [(KEY, b"aa")]),
    ([10, 7, 3], [1, 10_000_000], [(KEY, b"p")]),
    ([10, 8, 3], [1, 10_000_000], [(b"tb", b"p")]),
    ([10, 6, 3], [1, 10_000_000], []),
]


def profile():
    out = bytearray()
    out += field(1, value_type("samples", "count"))
    out += field(1, value_type("cpu", "nanoseconds"))
    for locs, values, labels in SAMPLES:
        msg = packed(1, locs) + packed(2, values)
        for key, val in labels:
            msg += field(3, field(1, s(key)) + field(2, s(val)))
        out += field(2, msg)
    mapping = (field(1, 1) + field(2, 0x400000) + field(3, 0x500000) + field(5, s(b"/bin/nul\x00prog"))
               + field(7, 1) + field(8, 1) + field(9, 1))
    out += field(3, mapping)
    for lid, addr, lines in LOCATIONS:
        msg = field(1, lid) + field(2, 1) + field(3, addr)
        for fid, line in lines:
            msg += field(4, field(1, fid) + field(2, line))
        out += field(4, msg)
    for fid, name, file in FUNCTIONS:
        out += field(5, field(1, fid) + field(2, s(name)) + field(3, s(name)) + field(4, s(file)))
    comment = s(b"made by testdata/nul/make.py\x00 with a NUL")
    period_type = value_type("cpu", "nanoseconds")
    tail = (field(9, 1_700_000_000_000_000_000) + field(10, 1_000_000_000) + field(11, period_type)
            + field(12, 10_000_000) + field(13, comment))
    for b in strings:
        out += field(6, b)
    return bytes(out + tail)


# A legacy Java heap profile, whose text may hold NULs as well.
JAVA_HEAP = b"""--- heapz 1 ---
format = java
resolution = bytes
          1000     1 @ 0x00000001 0x00000002
           600     3 @ 0x00000003 0x00000002
           300     1 @ 0x00000004 0x00000002

 0x00000001 com.example.Fo\x00o.bar (Fo\x00o.java:12)
 0x00000002 com.example.Main.main (Main.java:5)
 0x00000003 com.example.X\xc0\x80.y (X.java:7)
 0x00000004 com.example.X\x00.y (X\xc0.java:8)
"""


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    os.makedirs(os.path.join(here, "profiles"), exist_ok=True)
    with open(os.path.join(here, "profiles", "nul.pb.gz"), "wb") as f:
        f.write(gzip.compress(profile(), mtime=0))
    with open(os.path.join(here, "profiles", "java-nul.heap"), "wb") as f:
        f.write(JAVA_HEAP)


if __name__ == "__main__":
    main()
