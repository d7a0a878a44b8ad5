#!/bin/bash
# Profiles whose strings hold NUL and 0xC0 bytes (testdata/nul): every
# case of testdata/nul/cases against what pprof prints, a report written
# with -output, the shell's greeting, and a -proto round trip: cprof
# reads back the profile it wrote as pprof does
# (expected/nul-proto-raw.out), its string table holds every string of
# the original, the 256 bytes 0x00..0xFF among them, and each sample's
# labels are written in the order of their keys' bytes.
#
#   tests/nul.sh CPROF
set -u
[ $# -eq 1 ] || { echo "usage: $0 CPROF" >&2; exit 2; }
cprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/testdata/nul
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failures=0
fail() {
	echo "FAIL nul $1"
	failures=$((failures + 1))
}

"$root/testdata/conformance/run" -x "$dir" "$cprof" >"$tmp/cases" || failures=$((failures + 1))
sed 's/^/nul: /' "$tmp/cases"

cd "$dir" || exit 1
if ! "$cprof" -top -output="$tmp/top.txt" profiles/nul.pb.gz 2>/dev/null || ! cmp -s "$tmp/top.txt" expected/nul-top.out; then
	fail "-output: the file is not expected/nul-top.out"
fi

printf 'quit\n' | "$cprof" profiles/nul.pb.gz 2>"$tmp/greeting" >/dev/null
if ! head -1 "$tmp/greeting" | cmp -s - <(printf 'File: nul\0prog\n'); then
	fail "the shell's greeting does not name the file nul\\0prog"
fi

if ! "$cprof" -proto profiles/nul.pb.gz >"$tmp/round.pb.gz"; then
	fail "-proto failed"
elif ! "$cprof" -raw "$tmp/round.pb.gz" >"$tmp/raw" || ! cmp -s "$tmp/raw" expected/nul-proto-raw.out; then
	fail "-proto round trip: -raw of the written profile is not expected/nul-proto-raw.out"
	diff -a "$tmp/raw" expected/nul-proto-raw.out | head -5 | cat -v
fi
python3 - profiles/nul.pb.gz "$tmp/round.pb.gz" <<'PY' || fail "-proto round trip: the written string table or labels (see above)"
import gzip, sys

def varint(b, i):
    n = shift = 0
    while True:
        n |= (b[i] & 0x7F) << shift
        shift += 7
        i += 1
        if not b[i - 1] & 0x80:
            return n, i

def fields(b):
    """(field number, value) of a message: an int, or bytes when length-delimited."""
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        wire = key & 7
        if wire == 0:
            v, i = varint(b, i)
        elif wire == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            n = {1: 8, 5: 4}[wire]
            v, i = b[i:i + n], i + n
        yield key >> 3, v

def read(path):
    """The string table of a gzipped Profile message, and each sample's label keys."""
    msg = list(fields(gzip.open(path).read()))
    table = [v for f, v in msg if f == 6]
    keys = [[table[dict(fields(l))[1]] for f, l in fields(s) if f == 3] for f, s in msg if f == 2]
    return table, keys

(original, _), (written, keys) = read(sys.argv[1]), read(sys.argv[2])
assert bytes(range(256)) in written, "the 256 bytes 0x00..0xFF are not a string of the written profile"
missing = [s for s in original if s not in written]
assert not missing, "strings of the original not written: %r" % missing
# pprof writes a sample's labels by key, in Go's (byte) order: t\0a\xc0g before tb
assert all(k == sorted(k) for k in keys) and [b"t\0a\xc0g", b"tb"] in keys, "labels out of order: %r" % keys
PY

[ $failures = 0 ] && echo "nul: -output, greeting, -proto round trip: passed"
[ $failures = 0 ]
