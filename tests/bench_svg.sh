#!/bin/bash
# Benchmark: a big call graph (issue 17, item 6). Times cprof -svg
# -nodecount=300 of large-heap as it is (Graphviz's layout, cprof's
# network simplex: src/render_ns.h) beside the same with
# CPROF_GRAPHVIZ_NS=library (Graphviz's own network simplex, the figure
# before), in paired runs taken in turn (RUNS times, 3 by default); prints
# each one's median wall time and peak memory, cprof's against the target
# of 5 s, and fails if the two SVGs differ in a byte.
#
#   tests/bench_svg.sh CPROF
#   BENCH_SVG=large NODES=200 RUNS=5 tests/bench_svg.sh ./cprof
set -u
cprof=$1
dir=${BENCH_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/shared/bench}
profile=$dir/${BENCH_SVG:-large-heap}
nodes=${NODES:-300}
runs=${RUNS:-3}
target=5
[ -x /usr/bin/time ] || { echo "bench_svg: /usr/bin/time is missing (make deps installs it)" >&2; exit 2; }
[ -f "$profile" ] || { echo "bench_svg: $profile missing" >&2; exit 2; }

tf=$(mktemp)
trap 'rm -f "$tf" "$tf".*' EXIT
# one NAME OUT CMD...: appends "seconds kb" of one run to $tf.NAME, the SVG to OUT
one() {
	local name=$1 out=$2
	shift 2
	/usr/bin/time -o "$tf" -f "%e %M" "$@" >"$out" 2>/dev/null || { echo "bench_svg: $* failed" >&2; exit 1; }
	tail -n 1 "$tf" >>"$tf.$name"
}
for ((i = 0; i < runs; i++)); do
	one library "$tf.library.svg" env CPROF_GRAPHVIZ_NS=library "$cprof" -svg -nodecount="$nodes" "$profile"
	one cprof "$tf.cprof.svg" env -u CPROF_GRAPHVIZ_NS "$cprof" -svg -nodecount="$nodes" "$profile"
	cmp -s "$tf.library.svg" "$tf.cprof.svg" || { echo "bench_svg: the two layouts differ" >&2; exit 1; }
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "-svg -nodecount=$nodes of $(basename "$profile"): medians of $runs paired runs; the same SVG both ways; target ${target} s"
printf '%-52s %9s %9s %7s\n' "network simplex" seconds MB target
for name in library cprof; do
	case $name in
	library) label="Graphviz's (CPROF_GRAPHVIZ_NS=library, before)" ;;
	cprof) label="cprof's (render_ns.c)" ;;
	esac
	s=$(cut -d' ' -f1 "$tf.$name" | median)
	kb=$(cut -d' ' -f2 "$tf.$name" | median)
	awk -v l="$label" -v s="$s" -v kb="$kb" -v t="$target" -v n="$name" 'BEGIN {
		verdict = n == "library" ? "-" : (s <= t ? "ok" : "OVER")
		printf "%-52s %9.2f %9.1f %7s\n", l, s, kb / 1024, verdict }'
done
