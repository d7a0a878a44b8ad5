#!/bin/bash
# Failure injection: runs build-inject/cprof (linked with tests/inject)
# on a few reports, failing each malloc, calloc, realloc, fopen and fread
# call in turn, and checks that every run either succeeds with the right
# output or fails cleanly: a "cprof: ..." message, a non-zero exit, no
# signal, and nothing half-written on standard output. Also checks that a
# full disk is an error.
#
#   tests/inject.sh [MAX_PER_KIND]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build-inject/cprof
max=${1:-400}
corpus=$root/testdata/conformance
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x "$bin" ] || { echo "inject: $bin missing (make inject-build)"; exit 1; }

cases=(
	"-top profiles/go/go-heap-bad.pb.gz"
	"-traces profiles/go/go-labels-cpu.pb.gz"
	"-top -base=profiles/go/go-heap-good.pb.gz profiles/go/go-heap-bad.pb.gz"
	"-raw profiles/go/go-heap-bad.txt"
	"-tags profiles/native/upstream/cppbench.heap"
	"-traces -focus=x ../nul/profiles/nul.pb.gz"
	"-series -top ../series/heap-1.pb.gz ../series/heap-2.pb.gz ../series/heap-3.pb.gz"
	"-memstats ../series/heap-5.pb.gz"
)

cd "$corpus" || exit 1
for c in "${cases[@]}"; do
	read -r -a args <<<"$c"
	"$bin" "${args[@]}" >"$tmp/want" 2>/dev/null || { echo "FAIL $c: does not run clean"; failures=$((failures + 1)); continue; }
	CPROF_FAIL_COUNT=1 "$bin" "${args[@]}" 2>"$tmp/counts" >/dev/null
	tried=0
	for kind in malloc calloc realloc fopen fread; do
		n=$(awk -v k="$kind" '$2 == k {print $3}' "$tmp/counts")
		step=$(( n > max ? n / max : 1 ))
		for ((i = 1; i <= n; i += step)); do
			tried=$((tried + 1))
			CPROF_FAIL="$kind:$i" "$bin" "${args[@]}" >"$tmp/out" 2>"$tmp/err" </dev/null
			rc=$?
			why=
			if [ $rc -ge 128 ]; then
				why="killed by signal $((rc - 128))"
			elif [ $rc = 0 ]; then
				cmp -s "$tmp/out" "$tmp/want" || why="exit 0 with different output"
			else
				grep -q '^cprof: ' "$tmp/err" || why="exit $rc without a cprof: message"
				[ -s "$tmp/out" ] && why="${why:+$why; }exit $rc with output"
			fi
			if grep -qE 'runtime error|Sanitizer' "$tmp/err"; then
				why="${why:+$why; }sanitizer report"
			fi
			if [ -n "$why" ]; then
				echo "FAIL $c with $kind #$i failing: $why"
				head -5 "$tmp/err" | sed 's/^/    /'
				failures=$((failures + 1))
			fi
		done
	done
	echo "inject: $c: $tried failures injected"
done

# A full disk is an error, not silence: full_disk STDOUT ARGS... runs a
# report with standard output to STDOUT (ARGS may send it to /dev/full).
full_disk() {
	local to=$1 rc
	shift
	"$bin" "$@" >"$to" 2>"$tmp/err"
	rc=$?
	if [ $rc = 0 ] || ! grep -q '^cprof: ' "$tmp/err"; then
		echo "FAIL $* >$to: exit $rc, stderr: $(cat "$tmp/err")"
		failures=$((failures + 1))
	else
		echo "inject: $* >$to fails cleanly: $(grep '^cprof' "$tmp/err" | head -1)"
	fi
}
full_disk /dev/full -top profiles/go/go-heap-bad.pb.gz
full_disk /dev/null -top -output=/dev/full profiles/go/go-heap-bad.pb.gz
# a profile with NULs writes through the stream that unescapes them
full_disk /dev/full -raw ../nul/profiles/nul.pb.gz
full_disk /dev/null -raw -output=/dev/full ../nul/profiles/nul.pb.gz
echo "inject: $failures failed"
[ $failures = 0 ]
