#!/bin/bash
# The shell completions (completions/) in real terminals (tmux): bash, zsh
# and fish, each started clean with only cprof's completion loaded and
# CPROF on PATH as "cprof", complete flags, sample types read from the
# profile on the line, units and -symbolize modes. First, cprof
# -complete itself, which the three scripts ask.
#
#   tests/completion_tmux.sh CPROF
set -u
cprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
for tool in tmux bash zsh fish; do
	command -v $tool >/dev/null || { echo "completion_tmux: $tool is missing (make deps installs it)"; exit 1; }
done
work=$(mktemp -d)
sock=$work/tmux.sock
failures=0
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT
. "$root/tests/tmux_lib.sh"
mkdir -p "$work/bin" "$work/home" "$work/dir"
ln -s "$cprof" "$work/bin/cprof"
cp "$root/testdata/conformance/profiles/go/go-heap-bad.pb.gz" "$work/dir/heap.pb.gz"
export ASAN_OPTIONS=detect_leaks=0

# ---- cprof -complete ----

# ask NAME EXPECTED ARGS...: cprof -complete=ARGS prints a line matching EXPECTED, and nothing on stderr.
ask() {
	local name=$1 want=$2 out
	shift 2
	out=$(cd "$work/dir" && "$cprof" -complete="$@" 2>"$work/err")
	if [[ $? == 0 && ! -s $work/err ]] && grep -Eq -- "$want" <<<"$out"; then
		echo "ok   $name"
	else
		fail "$name: wanted /$want/ in:"
		{ echo "$out"; cat "$work/err"; } | sed 's/^/     | /' | head -8
	fi
}

ask "-complete=flags marks flags that take a value" '^-sample_index=	Sample value to report' flags
ask "-complete=flags lists booleans bare" '^-top	Outputs top entries' flags
ask "-complete=flags lists the option groups' flags" '^-filefunctions	' flags
ask "-complete=sample_index reads the profile" $'^alloc_space\tindex 1, bytes$' sample_index heap.pb.gz
ask "-complete=sample_index without a profile says nothing" '^$' sample_index
ask "-complete=unit lists pprof's unit names" $'^megabyte\tMB$' unit
ask "-complete=symbolize lists the modes" '^demangle=templates	' symbolize
ask "-complete=trim: a boolean" '^false$' trim
out=$("$cprof" -complete=nosuchflag 2>&1)
[[ $? == 2 && $out == "cprof: -complete: no flag -nosuchflag" ]] && echo "ok   -complete of an unknown flag fails" ||
	fail "-complete of an unknown flag: $out"

# ---- the shells ----

# start SHELL COMMAND SETUP: a clean SHELL in a terminal, its prompt "$ ".
start() {
	tmux -S "$sock" kill-server 2>/dev/null
	sleep 0.2
	tmux -S "$sock" new-session -d -x 200 -y 50 -c "$work/dir" \
		"env -i HOME=$work/home TERM=screen LANG=C.UTF-8 PATH=$work/bin:/usr/bin:/bin ASAN_OPTIONS=$ASAN_OPTIONS \
		XDG_CONFIG_HOME=$work/home/config XDG_DATA_HOME=$work/home/data $2"
	shell=$1
	if [[ -n $3 ]]; then
		wait_for . || true
		keys "$3" Enter
	fi
	keys "clear" Enter
	wait_for '^\$ ?$' || fail "$shell: no prompt"
}

# line TEXT: a fresh line holding TEXT.
line() {
	keys C-a C-k C-l
	wait_for '^\$ ?$' 30 || true
	keys -l "$1"
	poll 30 -Fx -- "\$ $1" || true
}

# tab NAME REGEX...: Tab until the screen shows every REGEX (the shells
# are set to list the choices on the first Tab; a second and third are for
# a Tab typed before the shell was ready).
tab() {
	local name=$1 try re ok
	shift
	for try in 1 2 3; do
		keys Tab
		ok=1
		for re; do
			wait_for "$re" || { ok=; break; }
		done
		[[ -n $ok ]] && { echo "ok   $shell: $name"; return; }
	done
	fail "$shell: $name: the screen never showed /$*/:"
	show_screen 8
}

# right N: the cursor N characters to the right.
right() {
	local k=()
	for _ in $(seq "$1"); do k+=(Right); done
	keys C-a "${k[@]}"
}

cases() {
	line 'cprof -sam'
	tab "-sam completes the flag" '^\$ cprof -sample_index'
	line 'cprof -fil'
	tab "-fil lists the granularity flags" '-filefunctions' '-files'
	line 'cprof -unit=m'
	tab "-unit=m lists units" 'megabyte' 'millisecond' 'minimum'
	line 'cprof -symbolize=fa'
	tab "-symbolize=fa completes fastlocal" '^\$ cprof -symbolize=fastlocal'
	line 'cprof -symbolize=local:dem'
	tab "-symbolize=local:dem completes a demangle mode" '^\$ cprof -symbolize=local:demangle='
	line 'cprof -top hea'
	tab "a profile's file name" '^\$ cprof -top heap\.pb\.gz'
}

# The profile after the cursor, where one types it: cprof -sample_index=al| heap.pb.gz
sample_types_after() {
	line 'cprof -sample_index=al heap.pb.gz'
	right 22
	tab "-sample_index=al lists the profile's sample types" 'alloc_objects' 'alloc_space'
}

# fish completes the line up to the cursor only: the profile goes first, as a -base.
sample_types_before() {
	line 'cprof -base heap.pb.gz -sample_index=al'
	tab "-sample_index=al lists the -base profile's sample types" 'alloc_objects' 'alloc_space'
}

start bash "bash --norc --noprofile -i" \
	"PS1='\$ '; bind 'set show-all-if-ambiguous on'; source $root/completions/cprof.bash"
cases
sample_types_after
sample_types_before
line 'cprof -trim='
tab "-trim= offers true and false" 'true' 'false'

start zsh "zsh -f -i" \
	"PS1='\$ '; unsetopt list_ambiguous; fpath=($root/completions \$fpath); autoload -Uz compinit; compinit -D"
cases
sample_types_after
sample_types_before

cat >"$work/init.fish" <<EOF
set fish_greeting
set fish_autosuggestion_enabled 0
function fish_prompt
    echo '\$ '
end
source $root/completions/cprof.fish
EOF
start fish "fish --no-config -i -C 'source $work/init.fish'" ""
cases
sample_types_before

echo "completion_tmux: $failures failed"
[ $failures = 0 ]
