#!/bin/bash
# Benchmark: a fleet's heap profiles merged, cprof against go tool pprof.
# tests/fleet.py writes PODS profiles of one service (default 1000 of
# about 200 KB) into FLEET_DIR (default build/fleet, kept between runs);
# then `-top DIR/*.pb.gz` is timed, RUNS times for cprof (median) and
# PPROF_RUNS times for pprof (default 1: it takes a minute). Beside them:
# the CPU seconds (user + system; more than the wall time when both cores
# work), and the memory floor the merge is held to: cprof -top of the
# merged profile alone (written once with -proto), against the inflated
# size of all the inputs together, which is what merging them all at
# once would hold. Fails when cprof's -top differs from pprof's (the
# Time line aside, which Go 1.19's pprof prints in another format).
#
#   tests/bench_fleet.sh CPROF
#   PODS=300 RUNS=5 PPROF_RUNS=0 FLEET_DIR=/tmp/fleet tests/bench_fleet.sh ./cprof
set -u
cprof=$1
root=$(cd "$(dirname "$0")/.." && pwd)
pods=${PODS:-1000}
runs=${RUNS:-3}
pprof_runs=${PPROF_RUNS:-1}
dir=${FLEET_DIR:-$root/build/fleet}
[ -x /usr/bin/time ] || { echo "bench_fleet: /usr/bin/time is missing (make deps installs it)" >&2; exit 2; }
"$root/tests/fleet.py" "$dir" "$pods" || exit 2
files=("$dir"/pod-*.pb.gz)
files=("${files[@]:0:$pods}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure N OUT CMD...: prints "median_wall median_cpu median_kb" over N runs, keeping the last run's output in OUT.
measure() {
	local n=$1 out=$2 i
	shift 2
	local walls=() cpus=() mems=()
	for ((i = 0; i < n; i++)); do
		/usr/bin/time -o "$tmp/time" -f "%e %U %S %M" "$@" >"$out" 2>/dev/null
		read -r e u s m < <(tail -n 1 "$tmp/time")
		walls+=("$e")
		cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')")
		mems+=("$m")
	done
	local med='sort -g | awk "{a[NR]=\$1} END {print a[int((NR+1)/2)]}"'
	echo "$(printf '%s\n' "${walls[@]}" | eval "$med") $(printf '%s\n' "${cpus[@]}" | eval "$med")" \
		"$(printf '%s\n' "${mems[@]}" | eval "$med")"
}

in_mb=$(du -cb "${files[@]}" | tail -n 1 | awk '{ printf "%.0f", $1 / 1048576 }')
inflated_mb=$(cat "${files[@]}" | gzip -dc | wc -c | awk '{ printf "%.0f", $1 / 1048576 }')
"$cprof" -proto "${files[@]}" >"$tmp/merged.pb.gz" 2>/dev/null || { echo "bench_fleet: cprof -proto failed" >&2; exit 1; }
merged_kb=$(($(stat -c %s "$tmp/merged.pb.gz") / 1024))
echo "fleet: ${#files[@]} heap profiles, $in_mb MB ($inflated_mb MB inflated); merged: $merged_kb KB"
printf '%-22s %8s %8s %8s\n' "" wall_s cpu_s peak_MB
row() { awk -v w="$1" -v c="$2" -v m="$3" -v l="$4" 'BEGIN { printf "%-22s %8.2f %8.2f %8.1f\n", l, w, c, m / 1024 }'; }
read -r ct cc cm < <(measure "$runs" "$tmp/cprof.txt" "$cprof" -top "${files[@]}")
row "$ct" "$cc" "$cm" "cprof -top fleet"
read -r ft fc fm < <(measure "$runs" /dev/null "$cprof" -top "$tmp/merged.pb.gz")
row "$ft" "$fc" "$fm" "cprof -top merged"
status=0
if [ "$pprof_runs" != 0 ] && command -v go >/dev/null 2>&1; then
	read -r pt pc pm < <(measure "$pprof_runs" "$tmp/pprof.txt" go tool pprof -top "${files[@]}")
	row "$pt" "$pc" "$pm" "pprof -top fleet"
	awk -v ct="$ct" -v pt="$pt" -v cm="$cm" -v pm="$pm" 'BEGIN {
		printf "cprof/pprof: time %.1f%%, memory %.1f%%\n", 100 * ct / pt, 100 * cm / pm }'
	if diff <(grep -v '^Time:' "$tmp/pprof.txt") <(grep -v '^Time:' "$tmp/cprof.txt") >"$tmp/diff"; then
		echo "-top: the same as pprof's"
	else
		echo "bench_fleet: cprof's -top differs from pprof's:" >&2
		head -20 "$tmp/diff" >&2
		status=1
	fi
fi
exit $status
