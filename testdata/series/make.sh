#!/bin/bash
# Writes the snapshots of this folder: a series of five heap profiles and
# five goroutine profiles of tests/go/leakserver, one a second, taken by
# cprof itself (-snapshots) as a user would. The heap snapshots are the
# proto profiles of /debug/pprof/heap with the runtime.MemStats trailer
# of ?debug=1 (-memstats), which the saved copies keep in comments.
# Needs Go (Debian's golang-go) and a built cprof.
#
#   testdata/series/make.sh CPROF
set -eu
cprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server"; rm -rf "$tmp"' EXIT
(cd "$tmp" && GOPROXY=off GOFLAGS= GO111MODULE=off go build -o leakserver "$here/../../tests/go/leakserver/main.go")
"$tmp/leakserver" >"$tmp/addr" &
server=$!
for _ in $(seq 100); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
addr=$(head -1 "$tmp/addr")
sleep 2 # past the start: a steady leak
PPROF_TMPDIR=$tmp/heap "$cprof" -snapshots=5 -interval=1s -memstats "http://$addr/debug/pprof/heap" >/dev/null
PPROF_TMPDIR=$tmp/goroutine "$cprof" -snapshots=5 -interval=1s -top "http://$addr/debug/pprof/goroutine" >/dev/null
for kind in heap goroutine; do
	i=0
	for f in "$tmp/$kind"/pprof.*.pb.gz; do
		i=$((i + 1))
		cp "$f" "$here/$kind-$i.pb.gz"
	done
done
