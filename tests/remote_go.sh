#!/bin/bash
# cprof against a live Go server with net/http/pprof (tests/go/pprofserver,
# built here), compared with go tool pprof on the same bytes: a recording
# stand-in (tests/fakepprof.py --record) passes go tool pprof's requests on
# to the server and replays its answers to cprof, so both see one heap, one
# goroutine and one CPU profile. Reports must match but for the Time: line
# (testdata/conformance/VERSIONS.md). cprof's symbol requests are passed on
# too when they differ from pprof 2022's (current pprof also asks about
# locations of samples whose values are all zero), and answered live.
#
# This test needs Go: Debian's golang-go (make deps installs it).
#
#   tests/remote_go.sh CPROF [-save DIR]
#
# With -save, the exchanges and go tool pprof's reports are kept in DIR,
# with the two errors the server gives (an unknown profile, and a second
# CPU profile while one runs): that is how testdata/remote was made.
set -u
cprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
save=
[ "${2:-}" = -save ] && save=$3
command -v go >/dev/null || { echo "remote-go: this test needs Go: Debian's golang-go (make deps installs it)"; exit 1; }
command -v python3 >/dev/null || { echo "remote-go: python3 is missing (make deps installs it)"; exit 1; }
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
failures=0

check() { # NAME CONDITION-RESULT
	if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi
}

wait_for() { # FILE: until it exists and is not empty
	for _ in $(seq 300); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# No module, no network: the server uses the standard library only.
if ! (cd "$tmp" && GOPROXY=off GOFLAGS= GO111MODULE=off go build -o "$tmp/pprofserver" \
	"$root/tests/go/pprofserver/main.go") >"$tmp/build.log" 2>&1; then
	echo "remote-go: could not build tests/go/pprofserver:"
	cat "$tmp/build.log"
	exit 1
fi
"$tmp/pprofserver" >"$tmp/addr" 2>"$tmp/server.log" &
pids+=($!)
wait_for "$tmp/addr" || { echo "remote-go: the Go server did not start"; cat "$tmp/server.log"; exit 1; }
python3 "$root/tests/fakepprof.py" --dir "$tmp/rec" --port-file "$tmp/port" --log "$tmp/requests" \
	--record "$(head -1 "$tmp/addr")" &
pids+=($!)
wait_for "$tmp/port" || { echo "remote-go: the recording server did not start"; exit 1; }
host=127.0.0.1:$(cat "$tmp/port")

# compare NAME NAMED-FUNCTION ARGS...: go tool pprof first (its requests are recorded), then cprof
compare() {
	local name=$1 want=$2
	shift 2
	PPROF_TMPDIR=$tmp/saved-go go tool pprof "$@" >"$tmp/$name.go" 2>"$tmp/$name.go.err"
	: >"$tmp/requests"
	PPROF_TMPDIR=$tmp/saved-cprof "$cprof" "$@" >"$tmp/$name.cprof" 2>"$tmp/$name.cprof.err"
	cp "$tmp/requests" "$tmp/$name.requests"
	grep -v '^Time:' "$tmp/$name.go" >"$tmp/$name.go.cmp"
	grep -v '^Time:' "$tmp/$name.cprof" >"$tmp/$name.cprof.cmp"
	grep -q " $want\$" "$tmp/$name.cprof" && cmp -s "$tmp/$name.go.cmp" "$tmp/$name.cprof.cmp"
	check "$name: $* prints what go tool pprof prints, $want included" $?
	sed "s|$tmp/saved-go|SAVED|" "$tmp/$name.go.err" >"$tmp/$name.go.err.cmp"
	sed "s|$tmp/saved-cprof|SAVED|" "$tmp/$name.cprof.err" >"$tmp/$name.cprof.err.cmp"
	cmp -s "$tmp/$name.go.err.cmp" "$tmp/$name.cprof.err.cmp"
	check "$name: the same messages on standard error" $?
	[ -n "$save" ] && grep -v '^Time:' "$tmp/$name.go" >"$tmp/$name.top"
}

compare heap main.allocLarge -top "http://$host/debug/pprof/heap?debug=1"
compare goroutine main.parkOnChannel -top "http://$host/debug/pprof/goroutine?debug=1"
compare cpu main.spin -seconds=2 -top "$host"
[ "$(cat "$tmp/cpu.requests")" = "GET /debug/pprof/profile?seconds=2 " ]
check "cprof -seconds=2 host:port asks for /debug/pprof/profile?seconds=2, and nothing else" $?

if [ -n "$save" ]; then
	"$cprof" -top "http://$host/debug/pprof/no-such-profile" >/dev/null 2>&1
	PPROF_TMPDIR=$tmp/saved-go go tool pprof -seconds=3 -raw "$host" >/dev/null 2>&1 &
	busy=$!
	sleep 1
	"$cprof" -seconds=1 -top "$host" >/dev/null 2>&1
	wait $busy
	mkdir -p "$save"
	cp "$tmp"/rec/* "$tmp"/heap.top "$tmp"/goroutine.top "$tmp"/cpu.top "$save"/
	echo "remote-go: saved in $save"
fi
echo "remote-go: $failures failed"
[ $failures = 0 ]
