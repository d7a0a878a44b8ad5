#!/bin/sh
# Rebuilds this folder: spin with Debian 12's golang-go (Go 1.19.8; the
# build is reproducible, the committed spin comes out byte for byte), its
# profile spin.cpu (mkprofile.py, which reads spin with llvm-nm and
# llvm-objdump) and, with "expected PPROF", the expected outputs: what
# PPROF prints for each case of cases.tsv, run as tests/gosym.sh runs cprof.
# PPROF was google/pprof as Go 1.19 vendors it, built on its own (see
# ../README.md), with LLVM 14's llvm-symbolizer and llvm-nm on PATH.
#
#   testdata/gosym/make.sh [expected /path/to/pprof]
set -e
cd "$(dirname "$0")"
CGO_ENABLED=0 go build -trimpath -buildvcs=false -o spin .
./mkprofile.py spin >spin.cpu
[ "$1" = expected ] || exit 0
pprof=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp spin spin.cpu "$tmp/"
objcopy --strip-debug spin "$tmp/spin-nodwarf"
grep -v '^#' cases.tsv | while IFS="$(printf '\t')" read -r name args; do
	# shellcheck disable=SC2086 # the arguments are words without quotes
	(cd "$tmp" && env TZ=UTC HOME="$tmp" PPROF_TMPDIR="$tmp" "$pprof" $args) >"$name.out"
done
