#!/bin/sh
# Builds and runs the legacy decoder's tests (see README). Run from the
# top of the tree: tests/legacy/run.sh [BUILD_DIR]
set -eu
out=${1:-build/tests-legacy}
mkdir -p "$out"
CC=${CC:-cc}
FLAGS="-std=c11 -D_DEFAULT_SOURCE -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=undefined -Isrc"
SRCS="src/decode_legacy*.c src/gofmt.c src/util.c src/profile.c src/hashtab.c"
$CC $FLAGS -o "$out/test_legacy" tests/unit/test_legacy.c $SRCS -lm
$CC $FLAGS -o "$out/legacy_dump" tests/legacy/dump.c $SRCS -lm
"$out/test_legacy"

# pprof's own legacy test profiles and what its parser makes of them.
testdata=${PPROF_SRC:-/work/pprof-src}/profile/testdata
[ -d "$testdata" ] || { echo "no $testdata: golden profiles skipped"; exit 0; }
fail=0
for gold in "$testdata"/*.string; do
	in=${gold%.string}
	"$out/legacy_dump" "$in" | tail -n +4 >"$out/got"
	grep -v '^Duration: ' "$gold" >"$out/want"
	if cmp -s "$out/got" "$out/want"; then
		echo "ok   $(basename "$in")"
	else
		echo "FAIL $(basename "$in")"; diff "$out/want" "$out/got" | head -10; fail=1
	fi
done
exit $fail
