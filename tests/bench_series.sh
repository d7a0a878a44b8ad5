#!/bin/bash
# Benchmark: a series of snapshots against one comparison (issue 16).
# Makes COUNT snapshots (20 by default) of the bench's large-heap, each a
# copy with a time of its own a half minute apart (a second gzip member
# holding a later time_nanos field, which the decode reads last), and
# times, in paired runs taken in turn (RUNS times, 5 by default):
#   -top -base large-heap-base large-heap   the time reference (target: 3x)
#   -top large-heap                         the memory reference (target: 2x)
#   -top -series S1..SN                     the series' table: leaves alone
#   -top -cum -series S1..SN                the same with cum values: whole stacks
# and prints each one's median wall time, CPU time and peak memory, and
# its ratios to the references.
#
#   tests/bench_series.sh CPROF
#   COUNT=10 RUNS=3 tests/bench_series.sh ./cprof
set -u
cprof=$1
dir=${BENCH_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/shared/bench}
count=${COUNT:-20}
runs=${RUNS:-5}
[ -x /usr/bin/time ] || { echo "bench_series: /usr/bin/time is missing (make deps installs it)" >&2; exit 2; }
for f in large-heap large-heap-base; do
	[ -f "$dir/$f" ] || { echo "bench_series: $dir/$f missing" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$dir/large-heap" "$tmp" "$count" <<'PY'
import gzip, sys
src, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
start = 1780000000 * 10**9
for i in range(count):
    t, field = start + i * 30 * 10**9, bytearray([0x48])  # field 9 (time_nanos), varint
    while True:
        b, t = t & 0x7F, t >> 7
        field.append(b | (0x80 if t else 0))
        if not t:
            break
    with open(f"{out}/snapshot-{i:02d}.pb.gz", "wb") as f:
        f.write(data + gzip.compress(bytes(field)))
PY
snaps=("$tmp"/snapshot-*.pb.gz)

# one NAME CMD...: appends "seconds cpu-seconds kb" of one run to $tmp/NAME
one() {
	local name=$1
	shift
	/usr/bin/time -o "$tmp/t" -f "%e %U %S %M" "$@" >/dev/null 2>&1 || { echo "bench_series: $* failed" >&2; exit 1; }
	tail -n 1 "$tmp/t" | awk '{print $1, $2 + $3, $4}' >>"$tmp/$name"
}
for ((i = 0; i < runs; i++)); do
	one pair "$cprof" -top -base "$dir/large-heap-base" "$dir/large-heap"
	one one "$cprof" -top "$dir/large-heap"
	one series "$cprof" -top -series "${snaps[@]}"
	one cum "$cprof" -top -cum -series "${snaps[@]}"
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { cut -d' ' -f"$2" "$tmp/$1" | median; }
pair_s=$(col pair 1)
one_kb=$(col one 3)

echo "a series of $count snapshots of large-heap: medians of $runs paired runs; targets 3x the pair's time, 2x one profile's memory"
printf '%-44s %8s %8s %8s %7s %7s\n' command seconds cpu_s MB x_pair x_one
for name in pair one series cum; do
	case $name in
	pair) label="-top -base (the pair)" ;;
	one) label="-top large-heap (one profile)" ;;
	series) label="-top -series ($count snapshots)" ;;
	cum) label="-top -cum -series ($count, whole stacks)" ;;
	esac
	awk -v l="$label" -v s="$(col $name 1)" -v c="$(col $name 2)" -v kb="$(col $name 3)" -v p="$pair_s" -v o="$one_kb" 'BEGIN {
		printf "%-44s %8.2f %8.2f %8.1f %7.2f %7.2f\n", l, s, c, kb / 1024, (p > 0 ? s / p : 0), (o > 0 ? kb / o : 0) }'
done
