#!/bin/bash
# Writes expected/ from what ORACLE (a pprof; oracle.sh builds the
# current one) prints for each case of cases/, as the conformance corpus
# does: from this folder, TZ=UTC, interactive cases given their commands
# on standard input, pprof's "(pprof) " prompt read as cprof's.
#
# It also makes the saved expectation of the -proto round trip:
# expected/nul-proto-raw.out is what ORACLE's -raw prints for the profile
# CPROF's -proto writes, and must be what it prints for the profile itself.
#
#   testdata/nul/make-expected.sh ORACLE CPROF
set -u
[ $# -eq 2 ] || { echo "usage: $0 ORACLE CPROF" >&2; exit 2; }
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
oracle=$(abs "$1")
cprof=$(abs "$2")
cd "$(dirname "$0")" || exit 1
export TZ=UTC LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p expected
rc=0

# run NAME STDIN ARGS...: ORACLE's standard output into expected/NAME.out
run() {
	local name=$1 input=$2
	shift 2
	if ! "$oracle" "$@" <"$input" >"$tmp/out" 2>"$tmp/err"; then
		echo "$name: $oracle failed: $(head -3 "$tmp/err")" >&2
		rc=1
	fi
	sed 's/(pprof) /(cprof) /g' "$tmp/out" >"expected/$name.out"
}

for cases in cases/*.tsv; do
	while IFS=$'\t' read -r name args commands; do
		case $name in '#'* | '') continue ;; esac
		eval "words=($args)" # the corpus's ARGS are plain sh words
		: >"$tmp/stdin"
		case $cases in
		*interactive*) IFS=';' read -r -a cmds <<<"$commands" && printf '%s\n' "${cmds[@]}" >"$tmp/stdin" ;;
		esac
		run "$name" "$tmp/stdin" "${words[@]}"
	done <"$cases"
done

"$cprof" -proto profiles/nul.pb.gz >"$tmp/round.pb.gz" || rc=1
run nul-proto-raw /dev/null -raw "$tmp/round.pb.gz"
if ! cmp -s expected/nul-proto-raw.out expected/nul-raw.out; then
	echo "the profile $cprof -proto writes is not the same profile for pprof:" >&2
	diff expected/nul-raw.out expected/nul-proto-raw.out | head -10 >&2
	rc=1
fi
exit $rc
