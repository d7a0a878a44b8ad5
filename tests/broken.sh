#!/bin/bash
# Every input in testdata/broken/ (each one crashed, hung or tripped a
# sanitizer once) through the reports fuzz_report runs: each must end
# with exit 0, or with a "cprof: ..." message and nothing on stdout,
# within 20 seconds and without a sanitizer report.
#
#   tests/broken.sh CPROF
set -u
cprof=$1
root=$(cd "$(dirname "$0")/.." && pwd)
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failures=0
n=0
for f in "$root"/testdata/broken/*; do
	[ -f "$f" ] || continue
	[ "${f##*.}" = md ] && continue
	for args in "-top" "-traces" "-tree" "-raw" "-tags" "-dot" "-dot -call_tree" "-callgrind" "-top -lines" \
		"-top -tagroot=bytes" "-proto"; do
		n=$((n + 1))
		read -r -a a <<<"$args"
		timeout 20 "$cprof" "${a[@]}" "$f" >/tmp/broken.out.$$ 2>/tmp/broken.err.$$
		rc=$?
		why=
		if [ $rc = 124 ]; then
			why="timed out"
		elif [ $rc -ge 128 ]; then
			why="killed by signal $((rc - 128))"
		elif grep -qE 'runtime error|Sanitizer' /tmp/broken.err.$$; then
			why="sanitizer report"
		elif [ $rc != 0 ] && { ! grep -q '^cprof: ' /tmp/broken.err.$$ || [ -s /tmp/broken.out.$$ ]; }; then
			why="exit $rc without a clean message"
		fi
		if [ -n "$why" ]; then
			echo "FAIL $(basename "$f") $args: $why"
			head -5 /tmp/broken.err.$$ | sed 's/^/    /'
			failures=$((failures + 1))
		fi
	done
done
rm -f /tmp/broken.out.$$ /tmp/broken.err.$$
echo "broken: $n runs, $failures failed"
[ $failures = 0 ]
