#!/bin/bash
# Benchmark: cprof against go tool pprof on the large profiles of
# ../shared/bench. For each profile and command, prints the median wall
# time and peak RSS of RUNS runs of each tool, and cprof's share of
# pprof's time and memory. pprof is skipped when go is not installed.
#
#   tests/bench.sh CPROF
#   BENCH_PROFILES="large wide" BENCH_COMMANDS="-top" RUNS=5 PPROF_RUNS=1 tests/bench.sh ./cprof
#   BENCH_COMMANDS="-svg -nodecount=300,-top" ...   (a comma separates commands with arguments;
#   one such command alone ends with a comma: "-svg -nodecount=300,")
# PPROF_RUNS=0 leaves pprof out. cprof's own outputs (-folded, -flame) have
# no pprof figure; every command's time is also given as a multiple of
# cprof -top's on the same profile (x_top), when -top is among the commands.
# With FLOORS (a folder holding make bench's inflate_floor and write_floor),
# each profile's first line is its inflate floor: the time and peak memory
# to inflate the file with the library cprof uses, and nothing else (the
# size it inflates to in the pprof_MB column); x_floor is every command's
# time as a multiple of it, and mem/infl cprof's peak memory as a multiple
# of the inflated size. After -traces and -raw, the write floor: the time
# to write as many bytes as they print, in 4 MiB blocks, to /dev/null and
# to a file (in BENCH_TMP, default /tmp), beside cprof's own time to that
# file.
# Last, the flame graph of FLAME_RENDER (default large; empty: none) is
# opened in headless chromium (tests/flame_render.py): its size and the
# time until its script has read every frame.
set -u
cprof=$1
dir=${BENCH_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/shared/bench}
profiles=${BENCH_PROFILES:-small medium large large-heap wide deep large.cpu}
commands=${BENCH_COMMANDS:--top -traces -raw -folded -flame}
runs=${RUNS:-5}
pprof_runs=${PPROF_RUNS:-$runs}
have_pprof=0
[ "$pprof_runs" != 0 ] && command -v go >/dev/null 2>&1 && have_pprof=1
# commands are separated by commas when there is one, else by spaces
if [[ $commands == *,* ]]; then
	IFS=, read -r -a cmds <<<"$commands"
else
	read -r -a cmds <<<"$commands"
fi
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (make deps installs it)" >&2; exit 2; }
[ -d "$dir" ] || { echo "bench: no profiles in $dir" >&2; exit 2; }

# measure N CMD...: prints "median_seconds median_kb" over N runs.
measure() {
	local n=$1 i
	shift
	local times=() mems=() tf
	tf=$(mktemp)
	for ((i = 0; i < n; i++)); do
		local t
		/usr/bin/time -o "$tf" -f "%e %M" "$@" >/dev/null 2>&1
		t=$(tail -n 1 "$tf")
		times+=("${t% *}")
		mems+=("${t#* }")
	done
	rm -f "$tf"
	local mt mm
	mt=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	mm=$(printf '%s\n' "${mems[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	echo "$mt $mm"
}

floors=${FLOORS:-}
tmp=${BENCH_TMP:-/tmp}/cprof-bench.$$
trap 'rm -f "$tmp"' EXIT

# to FILE CMD...: runs CMD with its output to FILE (a command measure can time: sh execs CMD).
to=(sh -c 'out=$1; shift; exec "$@" >"$out"' sh)

# write_floor PROF CMD...: after an output-bound command, the time to write as many bytes.
write_floor() {
	local prof=$1 bytes dt ft ct cm
	shift
	bytes=$("$cprof" "$@" | wc -c)
	read -r dt _ < <(measure "$runs" "$floors/write_floor" "$bytes")
	read -r ft _ < <(measure "$runs" "${to[@]}" "$tmp" "$floors/write_floor" "$bytes")
	read -r ct cm < <(measure "$runs" "${to[@]}" "$tmp" "$cprof" "$@")
	rm -f "$tmp"
	awk -v p="$prof" -v c="$1" -v b="$bytes" -v dt="$dt" -v ft="$ft" -v ct="$ct" -v cm="$cm" 'BEGIN {
		printf "%-16s %-8s %.1f MB written: floor %.2f s to /dev/null, %.2f s to a file; cprof %.2f s to the file (%.2fx), %.1f MB\n",
			p, c, b/1e6, dt, ft, ct, (ft > 0 ? ct/ft : 0), cm/1024 }'
}

printf '%-16s %-8s %10s %10s %10s %10s %8s %8s %6s %7s %8s\n' profile command cprof_s cprof_MB pprof_s pprof_MB time% mem% x_top \
	x_floor mem/infl
for prof in $profiles; do
	top=0
	f=$dir/$prof
	[ -f "$f" ] || { echo "bench: $f missing" >&2; continue; }
	floor=0 inflated=0
	if [ -n "$floors" ] && inflated=$("$floors/inflate_floor" "$f" 2>/dev/null); then
		read -r floor fm < <(measure "$runs" "$floors/inflate_floor" "$f")
		awk -v p="$prof" -v ft="$floor" -v fm="$fm" -v sz="$inflated" 'BEGIN {
			printf "%-16s %-8s %10.2f %10.1f %10s %10.1f %8s %8s %6s %7s %8s\n", p, "floor", ft, fm/1024, "inflated", sz/1048576,
				"-", "-", "-", "1.00", "-" }'
	fi
	for cmd in "${cmds[@]}"; do
		[ -n "$cmd" ] || continue
		read -r -a args <<<"$cmd"
		read -r ct cm < <(measure "$runs" "$cprof" "${args[@]}" "$f")
		[ "$cmd" = -top ] && top=$ct
		xt=$(awk -v ct="$ct" -v t="$top" 'BEGIN { if (t > 0) printf "%.2f", ct / t; else print "-" }')
		xf=$(awk -v ct="$ct" -v t="$floor" 'BEGIN { if (t > 0) printf "%.2f", ct / t; else print "-" }')
		xi=$(awk -v cm="$cm" -v sz="$inflated" 'BEGIN { if (sz > 0) printf "%.2f", cm * 1024 / sz; else print "-" }')
		case $cmd in -folded* | -flame*) own=1 ;; *) own=0 ;; esac
		if [ $have_pprof = 1 ] && [ $own = 0 ]; then
			read -r pt pm < <(measure "$pprof_runs" go tool pprof "${args[@]}" "$f")
			awk -v p="$prof" -v c="$cmd" -v ct="$ct" -v cm="$cm" -v pt="$pt" -v pm="$pm" -v xt="$xt" -v xf="$xf" -v xi="$xi" 'BEGIN {
				printf "%-16s %-8s %10.2f %10.1f %10.2f %10.1f %7.1f%% %7.1f%% %6s %7s %8s\n", p, c, ct, cm/1024, pt, pm/1024,
					(pt > 0 ? 100*ct/pt : 0), (pm > 0 ? 100*cm/pm : 0), xt, xf, xi }'
		else
			awk -v p="$prof" -v c="$cmd" -v ct="$ct" -v cm="$cm" -v xt="$xt" -v xf="$xf" -v xi="$xi" 'BEGIN {
				printf "%-16s %-8s %10.2f %10.1f %10s %10s %8s %8s %6s %7s %8s\n", p, c, ct, cm/1024, "-", "-", "-", "-", xt, xf, xi }'
		fi
		case $cmd in -traces | -raw) [ -n "$floors" ] && write_floor "$prof" "${args[@]}" "$f" ;; esac
	done
done

# The flame graph of the largest profile, opened in a real browser.
render=${FLAME_RENDER:-large}
if [ -n "$render" ] && [ -f "$dir/$render" ] && [ -x /usr/bin/chromedriver ]; then
	"$(dirname "$0")/flame_render.py" "$cprof" "$dir/$render" 3
fi
