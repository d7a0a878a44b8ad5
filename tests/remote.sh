#!/bin/bash
# Profiles and symbols fetched as pprof fetches them, from a stand-in for a
# Go server (tests/fakepprof.py) that replays what one answered
# (testdata/remote, see its README): the legacy heap and goroutine texts
# are symbolized by the server's /debug/pprof/symbol endpoint, a bare
# host:port gets /debug/pprof/profile, HTTP errors name the status and
# net/http/pprof's message, and https works with -tls_ca, -tls_cert,
# -tls_key and https+insecure://. Needs python3 and openssl, not Go.
#
#   tests/remote.sh CPROF
set -u
cprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/testdata/remote
for t in python3 openssl; do
	command -v $t >/dev/null || { echo "remote: $t is missing (make deps installs it)"; exit 1; }
done
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
export PPROF_TMPDIR=$tmp/saved
failures=0

check() { # NAME CONDITION-RESULT
	if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi
}

# serve NAME ARGS...: a replaying server; its port in $tmp/NAME.port, its requests in $tmp/NAME.log
serve() {
	local name=$1
	shift
	python3 "$root/tests/fakepprof.py" --dir "$data" --port-file "$tmp/$name.port" --log "$tmp/$name.log" "$@" \
		2>"$tmp/$name.err" &
	pids+=($!)
	for _ in $(seq 100); do
		[ -s "$tmp/$name.port" ] && return 0
		sleep 0.1
	done
	echo "remote: the $name server did not start"
	cat "$tmp/$name.err"
	exit 1
}

# run ARGS...: cprof's report in $tmp/out, its messages in $tmp/err, its status in $rc
run() {
	"$cprof" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# fails MESSAGE: cprof failed with exactly this message and printed no report
fails() {
	[ $rc != 0 ] && [ ! -s "$tmp/out" ] && [ "$(grep -v -e '^Fetching profile' -e '^Please wait' "$tmp/err")" = "$1" ]
}

serve http
host=127.0.0.1:$(cat "$tmp/http.port")
url=http://$host

# ---- remote symbolization ----

: >"$tmp/http.log"
run -top "$url/debug/pprof/heap?debug=1"
cmp -s "$data/heap.top" "$tmp/out"
check "the legacy heap text is symbolized by the server, as go tool pprof does" $?
grep -q 'Main binary filename not available' "$tmp/err"
check "no complaint about a missing main binary" $((!$?))
# current pprof asks about every location without lines: each address of
# every stack, less one, in the order they first appear (zero samples too)
want=$(python3 -c '
import re, sys
seen = {}
for line in open(sys.argv[1]):
    m = re.match(r"\d+: \d+ \[\d+: \d+\] @(.*)", line)
    for a in m.group(1).split() if m else []:
        seen.setdefault(int(a, 16) - 1)
print("+".join("%#x" % a for a in seen))' "$data/01.debug_pprof_heap")
[ "$(grep '^POST' "$tmp/http.log")" = "POST /debug/pprof/symbol $want" ]
check "one POST to /debug/pprof/symbol with the addresses pprof sends, in its order" $?

run -top "$url/debug/pprof/goroutine?debug=1"
cmp -s "$data/goroutine.top" "$tmp/out"
check "the goroutine debug=1 text is symbolized by the server" $?

run -symbolize=remote -top "$url/debug/pprof/heap?debug=1"
cmp -s "$data/heap.top" "$tmp/out"
check "-symbolize=remote symbolizes too" $?

for mode in none local fastlocal; do
	: >"$tmp/http.log"
	run -symbolize=$mode -top "$url/debug/pprof/heap?debug=1"
	[ $rc = 0 ] && ! grep -q '^POST' "$tmp/http.log" && ! grep -q 'main\.' "$tmp/out" &&
		! grep -q 'Main binary' "$tmp/err"
	check "-symbolize=$mode asks the server nothing" $?
done

: >"$tmp/http.log"
run -top "$url/gperftools/pprof/heap"
grep -q '^POST /gperftools/pprof/symbol ' "$tmp/http.log" && cmp -s "$data/heap.top" "$tmp/out"
check "a gperftools path (.../pprof/heap) has its symbols at .../pprof/symbol" $?

run -top "$url/other/heap"
fails "cprof: http post $url/other/symbolz: server response: 599 No Saved Answer"
check "other paths ask ../symbolz, and a symbol endpoint that fails fails the profile" $?

# ---- fetching ----

: >"$tmp/http.log"
run -seconds=2 -top "$host"
[ "$(cat "$tmp/http.log")" = "GET /debug/pprof/profile?seconds=2 " ] &&
	cmp -s "$data/cpu.top" <(grep -v '^Time:' "$tmp/out")
check "host:port fetches /debug/pprof/profile?seconds=N as go tool pprof does" $?
grep -qx "Fetching profile over HTTP from $url/debug/pprof/profile?seconds=2" "$tmp/err" &&
	grep -qx 'Please wait... (2s)' "$tmp/err"
check "the fetch is announced with the default path and the wait" $?

run -top "$host/debug/pprof/no-such-profile"
fails "cprof: $host/debug/pprof/no-such-profile: server response: 404 Not Found - Unknown profile"
check "a 404 of net/http/pprof names the status and its message" $?

run -seconds=1 -top "$host"
fails "cprof: $host: server response: 500 Internal Server Error - Could not enable CPU profiling: cpu profiling already in use"
check "a 500 of net/http/pprof names the status and its message" $?

run -top "$url/not-saved"
fails "cprof: $url/not-saved: server response: 599 No Saved Answer"
check "other servers' errors name the status only" $?

# ---- https ----

cd "$tmp" || exit 1
{
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=cprof-test-ca \
		-keyout ca.key -out ca.pem
	for who in server client; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
			-keyout $who.key -out $who.csr
		printf 'subjectAltName=IP:127.0.0.1\n' >$who.ext
		openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-extfile $who.ext -out $who.pem
	done
} >openssl.log 2>&1 || { echo "remote: openssl could not make certificates"; cat openssl.log; exit 1; }
cd - >/dev/null || exit 1
serve https --tls "$tmp/server.pem" "$tmp/server.key" --client-ca "$tmp/ca.pem"
tls=127.0.0.1:$(cat "$tmp/https.port")
client=(-tls_cert="$tmp/client.pem" -tls_key="$tmp/client.key")

: >"$tmp/https.log"
run -tls_ca="$tmp/ca.pem" "${client[@]}" -top "https://$tls/debug/pprof/heap?debug=1"
cmp -s "$data/heap.top" "$tmp/out" && grep -q '^POST /debug/pprof/symbol ' "$tmp/https.log"
check "https with -tls_ca, -tls_cert and -tls_key: the profile and its symbols" $?

run "${client[@]}" -top "https://$tls/debug/pprof/heap?debug=1"
[ $rc != 0 ] && [ ! -s "$tmp/out" ] && grep -q "^cprof: https://$tls/debug/pprof/heap?debug=1: http fetch: .*certificate" "$tmp/err"
check "https refuses a server the system's roots do not know" $?

run "${client[@]}" -top "https+insecure://$tls/debug/pprof/heap?debug=1"
cmp -s "$data/heap.top" "$tmp/out" &&
	grep -qx "Fetching profile over HTTP from https+insecure://$tls/debug/pprof/heap?debug=1" "$tmp/err"
check "https+insecure:// skips the server's certificate check" $?

run -tls_ca="$tmp/ca.pem" -top "https://$tls/debug/pprof/heap?debug=1"
[ $rc != 0 ] && [ ! -s "$tmp/out" ] && grep -q "^cprof: https://$tls/debug/pprof/heap?debug=1: http fetch: " "$tmp/err"
check "without -tls_cert the server that wants a client certificate refuses" $?

run -tls_key="$tmp/client.key" -top "https://$tls/debug/pprof/heap?debug=1"
fails "cprof: https://$tls/debug/pprof/heap?debug=1: http fetch: -tls_key is specified, so -tls_cert must also be specified"
check "-tls_key without -tls_cert is refused as pprof refuses it" $?

run -tls_ca="$tmp/no-such.pem" -top "https://$tls/debug/pprof/heap?debug=1"
fails "cprof: https://$tls/debug/pprof/heap?debug=1: http fetch: could not load CA specified by -tls_ca: open $tmp/no-such.pem: No such file or directory"
check "a missing -tls_ca file is named" $?

echo "remote: $failures failed"
[ $failures = 0 ]
