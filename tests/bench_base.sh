#!/bin/bash
# Benchmark: comparing two profiles against reading one (issue 17, item 2).
# Times cprof -top -base BASE NEW and -top -diff_base BASE NEW beside the
# reference, cprof -top of the larger file alone, in paired runs taken in
# turn (reference, -base, -diff_base; RUNS times, 5 by default) so that
# all three see the same load on the machine; prints each one's median
# wall time and peak memory, and its ratio to the reference's median
# beside the target of 1.3.
#
#   tests/bench_base.sh CPROF
#   BENCH_BASE=large-heap-base BENCH_NEW=large-heap RUNS=7 tests/bench_base.sh ./cprof
set -u
cprof=$1
dir=${BENCH_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/shared/bench}
base=$dir/${BENCH_BASE:-large-heap-base}
new=$dir/${BENCH_NEW:-large-heap}
runs=${RUNS:-5}
target=1.3
[ -x /usr/bin/time ] || { echo "bench_base: /usr/bin/time is missing (make deps installs it)" >&2; exit 2; }
for f in "$base" "$new"; do
	[ -f "$f" ] || { echo "bench_base: $f missing" >&2; exit 2; }
done
larger=$new
[ "$(stat -c %s "$base")" -gt "$(stat -c %s "$new")" ] && larger=$base

tf=$(mktemp)
trap 'rm -f "$tf" "$tf".*' EXIT
# one NAME CMD...: appends "seconds kb" of one run to $tf.NAME
one() {
	local name=$1
	shift
	/usr/bin/time -o "$tf" -f "%e %M" "$@" >/dev/null 2>&1 || { echo "bench_base: $* failed" >&2; exit 1; }
	tail -n 1 "$tf" >>"$tf.$name"
}
for ((i = 0; i < runs; i++)); do
	one ref "$cprof" -top "$larger"
	one base "$cprof" -top -base "$base" "$new"
	one diff "$cprof" -top -diff_base "$base" "$new"
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ref_s=$(cut -d' ' -f1 "$tf.ref" | median)

echo "comparing $(basename "$new") with $(basename "$base"): medians of $runs paired runs; target ${target}x the reference"
printf '%-40s %9s %9s %8s %7s\n' command seconds MB x_ref target
for name in ref base diff; do
	case $name in
	ref) label="-top $(basename "$larger") (reference)" ;;
	base) label="-top -base" ;;
	diff) label="-top -diff_base" ;;
	esac
	s=$(cut -d' ' -f1 "$tf.$name" | median)
	kb=$(cut -d' ' -f2 "$tf.$name" | median)
	awk -v l="$label" -v s="$s" -v kb="$kb" -v r="$ref_s" -v t="$target" -v n="$name" 'BEGIN {
		x = r > 0 ? s / r : 0
		verdict = n == "ref" ? "-" : (x <= t ? "ok" : "OVER")
		printf "%-40s %9.2f %9.1f %8.2f %7s\n", l, s, kb / 1024, x, verdict }'
done
