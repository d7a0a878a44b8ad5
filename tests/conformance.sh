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
# failure (non-zero exit, a message on stderr), so the tool runs through a
# wrapper that keeps any stderr carrying a sanitizer report.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
case $tool in */*) tool=$(cd "$(dirname "$tool")" && pwd)/$(basename "$tool") ;; esac
cat >"$san/tool" <<WRAP
#!/bin/bash
err=\$(mktemp)
"$tool" "\$@" 2>"\$err"
rc=\$?
cat "\$err" >&2
if grep -qE 'runtime error:|ERROR: (Address|Leak)Sanitizer' "\$err"; then
	cp "\$err" "$san/report.\$\$"
fi
rm -f "\$err"
exit \$rc
WRAP
chmod +x "$san/tool"
"$root/testdata/conformance/run" "$san/tool" >"$out" 2>&1
summary=$(tail -n 1 "$out")
all=$(cut -f1 "$root"/testdata/conformance/cases/*.tsv | grep -v '^#' | grep -v '^$' | sort)
failed=$(grep '^FAIL ' "$out" | sed 's/^FAIL //' | sort)
passed=$(comm -23 <(echo "$all") <(echo "$failed"))

if [ $update = 1 ]; then
	echo "$passed" >"$list"
	echo "conformance: $summary; $(wc -l <"$list") cases recorded in tests/conformance.pass"
	exit 0
fi

if ls "$san"/report.* >/dev/null 2>&1; then
	echo "conformance: SANITIZER REPORTS:"
	cat "$san"/report.* | head -60
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
