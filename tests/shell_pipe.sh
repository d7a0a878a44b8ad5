#!/bin/bash
# The shell driven through standard input: settings written "name value"
# and bare choices ("lines", "cum") act as "name=value" does, errors keep
# the session alive, and settings persist while a command's own
# arguments do not.
#
#   tests/shell_pipe.sh CPROF
set -u
cprof=$1
profile=$(dirname "$0")/../testdata/conformance/profiles/go/go-heap-bad.pb.gz
failures=0

# run CMD...: what the last command printed (the text between the last two prompts).
run() {
	printf '%s\n' "$@" | "$cprof" "$profile" 2>/dev/null |
		awk 'BEGIN { RS = "[(]cprof[)] " } { last = $0 } END { printf "%s", last }'
}

# same NAME "cmds a" "cmds b": both command lists print the same.
same() {
	local name=$1 a b
	IFS=';' read -r -a ca <<<"$2"
	IFS=';' read -r -a cb <<<"$3"
	a=$(run "${ca[@]}")
	b=$(run "${cb[@]}")
	if [ "$a" = "$b" ] && [ -n "$a" ]; then
		echo "ok   $name"
	else
		echo "FAIL $name"
		diff <(echo "$a") <(echo "$b") | head -10 | sed 's/^/    /'
		failures=$((failures + 1))
	fi
}

# differs NAME "cmds a" "cmds b": the two print something different.
differs() {
	IFS=';' read -r -a ca <<<"$2"
	IFS=';' read -r -a cb <<<"$3"
	if [ "$(run "${ca[@]}")" != "$(run "${cb[@]}")" ]; then
		echo "ok   $1"
	else
		echo "FAIL $1: no difference"
		failures=$((failures + 1))
	fi
}

# says NAME "cmds" LINE: the session printed LINE, a whole line, on standard error.
says() {
	local err
	IFS=';' read -r -a c <<<"$2"
	err=$(printf '%s\n' "${c[@]}" | "$cprof" "$profile" 2>&1 >/dev/null)
	if grep -qxF -- "$3" <<<"$err"; then
		echo "ok   $1"
	else
		echo "FAIL $1: standard error was:"
		sed 's/^/    /' <<<"$err" | head -10
		failures=$((failures + 1))
	fi
}

same "name value sets like name=value" "nodecount 3;top" "nodecount=3;top"
same "a bare choice selects it" "lines;top 4" "granularity=lines;top 4"
same "cum alone sorts by cum" "cum;top 4" "sort=cum;top 4"
same "focus value" "focus mapAlloc;top" "focus=mapAlloc;top"
same "an error keeps the session" "frobnicate;focus=(;top 2;focus=;top 3" "top 3"
same "command arguments do not persist" "top 2 main;top 3" "top 3"
differs "settings persist" "sample_index=alloc_space;top 3" "top 3"
same "sample_index by number names the type" "sample_index=1;top 3" "sample_index=alloc_space;top 3"
# weblist hands the Source view, a web page, to $BROWSER (in the background)
tmp=$(mktemp -d)
printf '#!/bin/sh\ngrep -c "<script id=\\"pagedata\\"" "$1" > "%s/seen"\n' "$tmp" >"$tmp/browser"
chmod +x "$tmp/browser"
printf 'weblist sliceGrowth\n' | BROWSER=$tmp/browser TMPDIR=$tmp "$cprof" "$profile" >/dev/null 2>&1
for _ in $(seq 50); do [ -s "$tmp/seen" ] && break; sleep 0.1; done
if [ "$(cat "$tmp/seen" 2>/dev/null)" = 1 ]; then
	echo "ok   weblist opens the Source view in a browser"
else
	echo "FAIL weblist opens the Source view in a browser: the browser saw $(cat "$tmp/seen" 2>/dev/null)"
	failures=$((failures + 1))
fi
rm -rf "$tmp"
echo "shell_pipe: $failures failed"
[ $failures = 0 ]
