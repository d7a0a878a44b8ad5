#!/bin/bash
# A Go binary symbolized as google/pprof symbolizes it (testdata/gosym/):
# with DWARF, without (objcopy --strip-debug), and -symbolize=fastlocal,
# each against pprof's output. The runtime's assembly functions and ABI
# wrappers keep the names of the symbol table, runtime.goexit.abi0 and
# runtime.systemstack.abi0, as llvm-symbolizer and nm give them to pprof.
#
#   tests/gosym.sh CPROF
set -u
cprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/testdata/gosym
command -v objcopy >/dev/null || { echo "gosym: objcopy is not installed (make deps installs it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/run" "$tmp/home"
cp "$data/spin" "$data/spin.cpu" "$tmp/run/"
objcopy --strip-debug "$data/spin" "$tmp/run/spin-nodwarf" || exit 1
failures=0
n=0
while IFS=$'\t' read -r name args; do
	case $name in '#'* | '') continue ;; esac
	n=$((n + 1))
	read -r -a a <<<"$args"
	(cd "$tmp/run" && env -u PPROF_BINARY_PATH TZ=UTC HOME="$tmp/home" PPROF_TMPDIR="$tmp/home" \
		"$cprof" "${a[@]}") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc != 0 ] || ! cmp -s "$tmp/out" "$data/$name.out"; then
		echo "FAIL gosym $name (exit $rc): cprof $args"
		diff "$data/$name.out" "$tmp/out" | head -8
		head -3 "$tmp/err"
		failures=$((failures + 1))
	fi
done <"$data/cases.tsv"
echo "gosym: $((n - failures)) passed, $failures failed"
[ $failures = 0 ]
