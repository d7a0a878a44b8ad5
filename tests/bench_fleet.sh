#!/bin/bash
# Benchmark: a fleet's heap profiles merged, cprof against go tool pprof.
# tests/fleet.py writes PODS profiles of one service (default 1000 of
# about 200 KB) into FLEET_DIR (default build/fleet, kept between runs);
# then `-top DIR/*.pb.gz` is timed, RUNS times (default 3) for cprof and
# PPROF_RUNS times (default RUNS) for pprof, paired, and the medians are
# printed (pprof takes about a minute a run). Beside them:
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
pprof_runs=${PPROF_RUNS:-$runs}
dir=${FLEET_DIR:-$root/build/fleet}
[ -x /usr/bin/time ] || { echo "bench_fleet: /usr/bin/time is missing (make deps installs it)" >&2; exit 2; }
"$root/tests/fleet.py" "$dir" "$pods" || exit 2
files=("$dir"/pod-*.pb.gz)
files=("${files[@]:0:$pods}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME OUT CMD...: runs CMD once, its output in OUT, and appends "wall cpu kb" to $tmp/NAME.
run() {
	local name=$1 out=$2
	shift 2
	/usr/bin/time -o "$tmp/time" -f "%e %U %S %M" "$@" >"$out" 2>/dev/null
	tail -n 1 "$tmp/time" | awk '{ print $1, $2 + $3, $4 }' >>"$tmp/$name"
}

# median NAME: prints the median of each column of $tmp/NAME.
median() {
	local c
	for c in 1 2 3; do
		cut -d' ' -f$c "$tmp/$1" | sort -g | awk '{ a[NR] = $1 } END { printf "%s ", a[int((NR + 1) / 2)] }'
	done
	echo
}

in_mb=$(du -cb "${files[@]}" | tail -n 1 | awk '{ printf "%.0f", $1 / 1048576 }')
inflated_mb=$(cat "${files[@]}" | gzip -dc | wc -c | awk '{ printf "%.0f", $1 / 1048576 }')
"$cprof" -proto "${files[@]}" >"$tmp/merged.pb.gz" 2>/dev/null || { echo "bench_fleet: cprof -proto failed" >&2; exit 1; }
merged_kb=$(($(stat -c %s "$tmp/merged.pb.gz") / 1024))
echo "fleet: ${#files[@]} heap profiles, $in_mb MB ($inflated_mb MB inflated); merged: $merged_kb KB"
printf '%-22s %8s %8s %8s\n' "" wall_s cpu_s peak_MB
row() { awk -v w="$1" -v c="$2" -v m="$3" -v l="$4" 'BEGIN { printf "%-22s %8.2f %8.2f %8.1f\n", l, w, c, m / 1024 }'; }
have_pprof=0
[ "$pprof_runs" != 0 ] && command -v go >/dev/null 2>&1 && have_pprof=1
# paired: each round runs every command once, so that a busy spell of the machine weighs on all of them
for ((i = 0; i < runs || (have_pprof && i < pprof_runs); i++)); do
	if ((i < runs)); then
		run fleet "$tmp/cprof.txt" "$cprof" -top "${files[@]}"
		run merged /dev/null "$cprof" -top "$tmp/merged.pb.gz"
	fi
	((have_pprof && i < pprof_runs)) && run pprof "$tmp/pprof.txt" go tool pprof -top "${files[@]}"
done
read -r ct cc cm < <(median fleet)
row "$ct" "$cc" "$cm" "cprof -top fleet"
read -r ft fc fm < <(median merged)
row "$ft" "$fc" "$fm" "cprof -top merged"
status=0
if ((have_pprof)); then
	read -r pt pc pm < <(median pprof)
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
