#!/bin/bash
# Profiles fetched over HTTP from a local server (python3 -m http.server):
# the report is the file's, the fetched profile is saved in PPROF_TMPDIR
# and reads back the same, and a missing profile is a clean error.
#
#   tests/http.sh CPROF
set -u
cprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/testdata/conformance/profiles/go
tmp=$(mktemp -d)
failures=0
command -v python3 >/dev/null || { echo "http: python3 is missing (make deps installs it)"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dir" >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break
	sleep 0.1
done

check() { # NAME CONDITION-RESULT
	if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi
}

"$cprof" -top "$dir/go-cpu.pb.gz" >"$tmp/want"
PPROF_TMPDIR=$tmp/saved "$cprof" -top "http://127.0.0.1:$port/go-cpu.pb.gz" >"$tmp/got" 2>"$tmp/err"
cmp -s "$tmp/want" "$tmp/got"
check "a fetched profile reports as the file does" $?
grep -q "^Fetching profile over HTTP from http://127.0.0.1:$port/go-cpu.pb.gz$" "$tmp/err"
check "the fetch is announced" $?
saved=$(ls "$tmp"/saved/pprof.cpudemo.samples.cpu.001.pb.gz 2>/dev/null)
[ -n "$saved" ]
check "the fetched profile is saved as pprof names it" $?
"$cprof" -top "$saved" >"$tmp/again" 2>/dev/null && cmp -s "$tmp/want" "$tmp/again"
check "the saved profile reads back the same" $?
"$cprof" -top "127.0.0.1:$port/go-heap-bad.pb.gz" >"$tmp/got2" 2>/dev/null
"$cprof" -top "$dir/go-heap-bad.pb.gz" >"$tmp/want2"
cmp -s "$tmp/want2" "$tmp/got2"
check "host:port/path gets http:// as in pprof" $?
"$cprof" -top "http://127.0.0.1:$port/no-such.pb.gz" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc != 0 ] && [ ! -s "$tmp/out" ] && grep -q '^cprof: .*404' "$tmp/err"
check "a 404 is an error" $?
echo "http: $failures failed"
[ $failures = 0 ]
