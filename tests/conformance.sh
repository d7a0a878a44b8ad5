#!/bin/bash
# Runs the pprof conformance corpus (testdata/conformance) against a cprof
# binary and fails if a case listed in tests/conformance.pass fails: the
# pass count may only go up. With -update, rewrites the list with every
# case that passes now.
#
#   tests/conformance.sh [-update] CPROF
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
update=0
if [ "${1:-}" = -update ]; then
	update=1
	shift
fi
[ $# -eq 1 ] || { echo "usage: $0 [-update] CPROF" >&2; exit 2; }
tool=$1
list=$here/conformance.pass
out=$(mktemp)
san=$(mktemp -d)
trap 'rm -rf "$out" "$san"' EXIT

# A sanitizer report on an error case would still look like a clean
# failure (non-zero exit, a message on stderr): send reports to files and
# fail on any.
export ASAN_OPTIONS="log_path=$san/asan:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$san/ubsan:print_stacktrace=1:halt_on_error=1"
"$root/testdata/conformance/run" "$tool" >"$out" 2>&1
summary=$(tail -n 1 "$out")
all=$(cut -f1 "$root"/testdata/conformance/cases/*.tsv | grep -v '^#' | grep -v '^$' | sort)
failed=$(grep '^FAIL ' "$out" | sed 's/^FAIL //' | sort)
passed=$(comm -23 <(echo "$all") <(echo "$failed"))

if [ $update = 1 ]; then
	echo "$passed" >"$list"
	echo "conformance: $summary; $(wc -l <"$list") cases recorded in tests/conformance.pass"
	exit 0
fi

if [ -n "$(ls "$san")" ]; then
	echo "conformance: SANITIZER REPORTS:"
	cat "$san"/* | head -60
	exit 1
fi

regressed=$(comm -12 <(sort "$list") <(echo "$failed"))
newly=$(comm -13 <(sort "$list") <(echo "$passed"))
echo "conformance: $summary (baseline: $(wc -l <"$list") must pass)"
if [ -n "$newly" ]; then
	echo "conformance: $(echo "$newly" | wc -l) cases pass that the baseline does not list;" \
		"record them with: tests/conformance.sh -update $tool"
fi
if [ -n "$regressed" ]; then
	echo "conformance: REGRESSIONS (cases that passed before):"
	echo "$regressed" | sed 's/^/  /'
	echo "see a diff with: testdata/conformance/run -v -k NAME $tool"
	exit 1
fi
exit 0
