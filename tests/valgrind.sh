#!/bin/bash
# Runs a handful of conformance cases under valgrind's memcheck and fails
# on any error or leak.
#
#   tests/valgrind.sh CPROF
set -u
cprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null || { echo "valgrind: not installed (make deps installs it)"; exit 1; }
cd "$root/testdata/conformance" || exit 1
cases=(
	"-top profiles/go/go-heap-bad.pb.gz"
	"-traces -tagfocus=handler=/sendjson profiles/go/go-labels-cpu.pb.gz"
	"-tree -base=profiles/go/go-leak-1.pb.gz profiles/go/go-leak-5.pb.gz"
	"-list main\\.sliceGrowthBad -source_path=src/go profiles/go/go-heap-bad.pb.gz"
	"-raw profiles/native/upstream/cppbench.cpu"
	"-tags profiles/native/upstream/java.heap"
	"-top profiles/go/bad-truncated.pb.gz"
	"-raw src/native/shapes profiles/native/shapes.cpu"
	"-top -symbolize=fastlocal src/native/calc-pie profiles/native/calc-pie.cpu"
)
failures=0
for c in "${cases[@]}"; do
	read -r -a args <<<"$c"
	log=$(mktemp)
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--quiet --log-file="$log" "$cprof" "${args[@]}" >/dev/null 2>&1
	rc=$?
	if [ $rc = 99 ] || [ -s "$log" ]; then
		echo "FAIL valgrind $c"
		head -30 "$log" | sed 's/^/    /'
		failures=$((failures + 1))
	else
		echo "ok   valgrind $c"
	fi
	rm -f "$log"
done
# the interactive shell, driven through standard input
log=$(mktemp)
printf 'top 3\nsample_index=alloc_space\ntags\nquit\n' |
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --quiet \
		--log-file="$log" "$cprof" profiles/go/go-heap-bad.pb.gz >/dev/null 2>&1
if [ $? = 99 ] || [ -s "$log" ]; then
	echo "FAIL valgrind shell"
	head -30 "$log" | sed 's/^/    /'
	failures=$((failures + 1))
else
	echo "ok   valgrind shell"
fi
rm -f "$log"
echo "valgrind: $failures failed"
[ $failures = 0 ]
