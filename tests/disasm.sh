#!/bin/bash
# -disasm against the binary tools it runs, as pprof runs them: llvm-nm
# and llvm-objdump from $PATH, or GNU nm and objdump through $PPROF_TOOLS
# and -tools (a listing with rules of its own: "name():" lines,
# discriminators), compared with what google/pprof prints for the same
# command lines (testdata/disasm/); and the errors when nothing matches or
# no objdump is found.
#
#   tests/disasm.sh CPROF
set -u
cprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/testdata/conformance" || exit 1
for t in llvm-objdump llvm-nm llvm-symbolizer objdump nm; do
	command -v $t >/dev/null || { echo "disasm: $t is not installed (make deps installs it)"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/gnu" "$tmp/nm-only"
ln -s "$(command -v objdump)" "$tmp/gnu/objdump"
ln -s "$(command -v nm)" "$tmp/gnu/nm"
ln -s "$(command -v llvm-symbolizer)" "$tmp/gnu/llvm-symbolizer"
ln -s "$(command -v nm)" "$tmp/nm-only/nm"
prog=(src/native/calc profiles/native/calc.cpu)
failures=0
n=0

# expect NAME WANT_RC EXPECTED_FILE|- STDERR_PATTERN|- ENV... -- ARGS...
expect() {
	local name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 4
	local env=()
	while [ "$1" != -- ]; do
		env+=("$1")
		shift
	done
	shift
	n=$((n + 1))
	env "${env[@]}" "$cprof" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$? why=
	if [ "$rc" != "$want_rc" ]; then
		why="exit status $rc, want $want_rc"
	elif [ "$want_out" = - ] && [ -s "$tmp/out" ]; then
		why="output on stdout"
	elif [ "$want_out" != - ] && ! cmp -s "$tmp/out" "$want_out"; then
		why="output differs from $want_out"
	elif [ "$want_err" != - ] && ! grep -qx -- "$want_err" "$tmp/err"; then
		why="stderr is not \"$want_err\""
	fi
	if [ -n "$why" ]; then
		echo "FAIL disasm $name: $why"
		diff "$tmp/out" "$want_out" 2>/dev/null | head -5
		head -3 "$tmp/err"
		failures=$((failures + 1))
	fi
}

# the cases of testdata/disasm/cases.tsv, with google/pprof's listings
while IFS=$'\t' read -r name tools args; do
	case $name in '#'* | '') continue ;; esac
	read -r -a a <<<"$args"
	env=(PPROF_TOOLS=)
	[ "$tools" = gnu ] && env=(PPROF_TOOLS="$tmp/gnu")
	expect "$name" 0 "$root/testdata/disasm/$name.out" - "${env[@]}" -- "${a[@]}"
done <"$root/testdata/disasm/cases.tsv"

# -tools names the directory per tool, as $PPROF_TOOLS does
expect gnu-flag 0 "$root/testdata/disasm/calc-leaf_hash-gnu.out" - -- \
	-tools="objdump:$tmp/gnu,nm:$tmp/gnu,llvm-symbolizer:$tmp/gnu" -disasm=leaf_hash "${prog[@]}"
expect no-match 2 - "cprof: no matches found for regexp nosuch" -- -disasm=nosuch "${prog[@]}"
expect no-address 2 - "cprof: no matches found for address 0x10" -- -disasm=0x10 "${prog[@]}"
expect no-objdump 2 - "cprof: cannot disasm: no objdump tool available" PPROF_TOOLS="$tmp/nm-only" -- \
	-disasm=leaf_hash "${prog[@]}"
expect no-nm 2 - "cprof: no matches found for regexp leaf_hash" PPROF_TOOLS="$tmp/none" -- \
	-disasm=leaf_hash "${prog[@]}"

echo "disasm: $((n - failures)) passed, $failures failed"
[ $failures = 0 ]
