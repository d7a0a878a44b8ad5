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

printf '%-16s %-8s %10s %10s %10s %10s %8s %8s %6s\n' profile command cprof_s cprof_MB pprof_s pprof_MB time% mem% x_top
for prof in $profiles; do
	top=0
	f=$dir/$prof
	[ -f "$f" ] || { echo "bench: $f missing" >&2; continue; }
	for cmd in "${cmds[@]}"; do
		[ -n "$cmd" ] || continue
		read -r -a args <<<"$cmd"
		read -r ct cm < <(measure "$runs" "$cprof" "${args[@]}" "$f")
		[ "$cmd" = -top ] && top=$ct
		xt=$(awk -v ct="$ct" -v t="$top" 'BEGIN { if (t > 0) printf "%.2f", ct / t; else print "-" }')
		case $cmd in -folded* | -flame*) own=1 ;; *) own=0 ;; esac
		if [ $have_pprof = 1 ] && [ $own = 0 ]; then
			read -r pt pm < <(measure "$pprof_runs" go tool pprof "${args[@]}" "$f")
			awk -v p="$prof" -v c="$cmd" -v ct="$ct" -v cm="$cm" -v pt="$pt" -v pm="$pm" -v xt="$xt" 'BEGIN {
				printf "%-16s %-8s %10.2f %10.1f %10.2f %10.1f %7.1f%% %7.1f%% %6s\n", p, c, ct, cm/1024, pt, pm/1024,
					(pt > 0 ? 100*ct/pt : 0), (pm > 0 ? 100*cm/pm : 0), xt }'
		else
			awk -v p="$prof" -v c="$cmd" -v ct="$ct" -v cm="$cm" -v xt="$xt" 'BEGIN {
				printf "%-16s %-8s %10.2f %10.1f %10s %10s %8s %8s %6s\n", p, c, ct, cm/1024, "-", "-", "-", "-", xt }'
		fi
	done
done

# The flame graph of the largest profile, opened in a real browser.
render=${FLAME_RENDER:-large}
if [ -n "$render" ] && [ -f "$dir/$render" ] && [ -x /usr/bin/chromedriver ]; then
	"$(dirname "$0")/flame_render.py" "$cprof" "$dir/$render" 3
fi
