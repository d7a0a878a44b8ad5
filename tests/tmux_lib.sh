# What the tests that type into a real terminal (tmux) share: sourced by
# shell_tmux.sh and completion_tmux.sh, which set sock (the tmux server's
# socket) and failures (the count of failed checks).

screen() { tmux -S "$sock" capture-pane -p; }

keys() { tmux -S "$sock" send-keys "$@"; }

# poll TENTHS GREP_ARG...: polls the screen until grep finds GREP_ARGs, for TENTHS tenths of a second.
poll() {
	local tenths=$1
	shift
	for _ in $(seq "$tenths"); do
		screen | grep -q "$@" && return 0
		sleep 0.1
	done
	return 1
}

# wait_for REGEX [TENTHS]: polls the screen for REGEX, for 10 seconds unless told.
wait_for() { poll "${2:-100}" -E -- "$1"; }

fail() {
	echo "FAIL $1"
	failures=$((failures + 1))
}

# show_screen: the screen's last lines, under a failure.
show_screen() { screen | grep . | sed 's/^/     | /' | tail -"${1:-15}"; }

# expect NAME REGEX: the screen must come to show REGEX.
expect() {
	if wait_for "$2"; then
		echo "ok   $1"
	else
		fail "$1: screen never showed /$2/:"
		show_screen
	fi
}
