#!/bin/bash
# The interactive shell in a real terminal (tmux): tab completion of
# commands, option values, function names and files after '>', history
# kept across sessions in ~/.cprof_history, Ctrl-C abandoning a line and
# Ctrl-D leaving.
#
#   tests/shell_tmux.sh CPROF
set -u
cprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
profile=$root/testdata/conformance/profiles/go/go-heap-bad.pb.gz
command -v tmux >/dev/null || { echo "shell_tmux: tmux is missing (make deps installs it)"; exit 1; }
home=$(mktemp -d)
sock=$home/tmux.sock
failures=0
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$home"' EXIT
. "$root/tests/tmux_lib.sh"

start() {
	tmux -S "$sock" kill-server 2>/dev/null
	tmux -S "$sock" new-session -d -x 160 -y 50 -c "$home" "env HOME=$home ASAN_OPTIONS=detect_leaks=0 $cprof $profile"
	# the prompt itself: readline has read the history by then, so Up finds it
	wait_for '^\(cprof\) ?$' || true
}

start
keys 'to' Tab
expect "to<TAB> completes to top" '^\(cprof\) top ?$'
keys C-u 'sample_index=al' Tab Tab
expect "sample_index=al<TAB> offers alloc_objects" 'sample_index=alloc_objects'
expect "sample_index=al<TAB> offers alloc_space" 'sample_index=alloc_space'
keys C-u 'list slice' Tab
expect "list slice<TAB> completes a function name" '^\(cprof\) list main\.sliceGrowthBad'
keys C-u 'unit=megab' Tab
expect "unit=megab<TAB> completes a unit" '^\(cprof\) unit=megabyte ?$'
touch "$home/callgraph-1.svg"
keys C-u 'svg >callg' Tab
expect "svg >callg<TAB> completes a file name" '^\(cprof\) svg >callgraph-1\.svg ?$'
keys C-u 'svg > callg' Tab
expect "svg > callg<TAB> completes a file name" '^\(cprof\) svg > callgraph-1\.svg ?$'
keys C-u 'top 1'
wait_for '^\(cprof\) top 1$'
keys C-c
expect "Ctrl-C abandons a half-typed line" '^\(cprof\) top 1\^C$'
expect "Ctrl-C shows a fresh prompt" '^\(cprof\) ?$'
keys 'top 2' Enter
expect "top 2 runs after Ctrl-C" 'Showing top 2 nodes out of'
screen | grep -q 'Showing top 1 nodes' && fail "Ctrl-C: the abandoned top 1 ran"
keys C-c
expect "Ctrl-C at an empty prompt shows ^C" '^\(cprof\) \^C$'
keys 'top 3' Enter
expect "Ctrl-C at an empty prompt does not leave" 'Showing top 3 nodes out of'
keys 'quit' Enter
sleep 0.3
grep -qx 'top 2' "$home/.cprof_history" && ! grep -q 'top 1' "$home/.cprof_history" &&
	echo "ok   history file written, without the abandoned line" ||
	fail "history file: $(cat "$home/.cprof_history" 2>&1)"

start
keys Up Up
expect "the up arrow recalls commands of the last session" '^\(cprof\) top 3$'
keys C-u C-d
for _ in $(seq 100); do
	tmux -S "$sock" has-session 2>/dev/null || break
	sleep 0.1
done
tmux -S "$sock" has-session 2>/dev/null && fail "Ctrl-D at an empty prompt does not leave" ||
	echo "ok   Ctrl-D at an empty prompt leaves"

echo "shell_tmux: $failures failed"
[ $failures = 0 ]
