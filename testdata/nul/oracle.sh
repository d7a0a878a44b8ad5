#!/bin/bash
# Builds the pprof that made testdata/nul/expected/: google/pprof's
# current source, built with Debian's Go 1.19 (go tool pprof's Go, which
# is older than the source wants) after a few mechanical edits:
#
#   - Go 1.21's slices and maps functions it uses (Clone, Contains,
#     ContainsFunc, Grow, Sort, maps.Copy) come from a small stand-in
#     package, and the builtins min and clear from equivalent code;
#   - it links the demangler Go 1.19 vendors (2022), which lacks the
#     option NoEnclosingParams: that option is dropped. This changes only
#     how mangled C++ names are shortened, and no profile here has one.
#
# So built, it prints 426 of the 430 expected outputs of the conformance
# corpus byte for byte (with its "(pprof) " prompt read as "(cprof) "):
# the other four are C++ heap profiles that need the newer demangler.
#
#   testdata/nul/oracle.sh PPROF_SRC OUT     # e.g. ../pprof-src /tmp/pprof
set -eu
[ $# -eq 2 ] || { echo "usage: $0 PPROF_SRC OUT" >&2; exit 2; }
src=$(cd "$1" && pwd)
out=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src"/. "$work"
cd "$work"
rm -rf browsertests fuzz pprof.go .git
find . -name '*_test.go' -delete

mkdir -p internal/compat
cat >internal/compat/compat.go <<'GO'
// Package compat stands in for Go 1.21's slices and maps.
package compat

import "sort"

type ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr |
		~float32 | ~float64 | ~string
}

func Clone[S ~[]E, E any](s S) S {
	if s == nil {
		return nil
	}
	return append(S{}, s...)
}

func Contains[S ~[]E, E comparable](s S, v E) bool {
	return ContainsFunc(s, func(x E) bool { return x == v })
}

func ContainsFunc[S ~[]E, E any](s S, f func(E) bool) bool {
	for _, x := range s {
		if f(x) {
			return true
		}
	}
	return false
}

func Grow[S ~[]E, E any](s S, n int) S {
	if n -= cap(s) - len(s); n > 0 {
		s = append(s[:cap(s)], make([]E, n)...)[:len(s)]
	}
	return s
}

func Sort[S ~[]E, E ordered](s S) {
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
}

func Copy[M1 ~map[K]V, M2 ~map[K]V, K comparable, V any](dst M1, src M2) {
	for k, v := range src {
		dst[k] = v
	}
}
GO
for f in $(grep -rl '"slices"\|"maps"' --include=*.go .); do
	sed -i 's#^\(\s*\)"slices"$#\1slices "github.com/google/pprof/internal/compat"#;
		s#^\(\s*\)"maps"$#\1maps "github.com/google/pprof/internal/compat"#' "$f"
done
for pkg in graph driver report; do
	printf 'package %s\n\nfunc min(a, b int) int {\n\tif a < b {\n\t\treturn a\n\t}\n\treturn b\n}\n' $pkg \
		>internal/$pkg/min_compat.go
done
sed -i 's/^\t\tclear(\(seenNode\|seenEdge\))$/\t\tfor k := range \1 {\n\t\t\tdelete(\1, k)\n\t\t}/' internal/graph/graph.go
sed -i 's/, demangle.NoEnclosingParams//' internal/binutils/disasm.go internal/symbolizer/symbolizer.go
sed -i 's/reflect.TypeFor\[config\]()/reflect.TypeOf(config{})/' internal/driver/config.go

goroot=$(go env GOROOT)
mkdir -p vendor/github.com cmd/oracle
cp -r "$goroot/src/cmd/vendor/github.com/ianlancetaylor" vendor/github.com/
version=$(sed -n 's/^# github.com\/ianlancetaylor\/demangle //p' "$goroot/src/cmd/vendor/modules.txt")
printf '# github.com/ianlancetaylor/demangle %s\n## explicit; go 1.12\ngithub.com/ianlancetaylor/demangle\n' \
	"$version" >vendor/modules.txt
printf 'module github.com/google/pprof\n\ngo 1.19\n\nrequire github.com/ianlancetaylor/demangle %s\n' \
	"$version" >go.mod
cat >cmd/oracle/main.go <<'GO'
package main

import (
	"fmt"
	"os"

	"github.com/google/pprof/driver"
)

func main() {
	if err := driver.PProf(&driver.Options{}); err != nil {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		os.Exit(2)
	}
}
GO
GOFLAGS=-mod=vendor go build -o "$out" ./cmd/oracle
