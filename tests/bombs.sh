#!/bin/bash
# Decompression bombs of valid profile data (tests/bombs.py writes them):
# each 256 MiB bomb, of strings, of samples with long location lists, of
# labels and of locations, must be refused with a "cprof: ..." message
# naming -max_inflated, within 512 MB and 5 seconds; and a 24 MiB one,
# refused too, passes when -max_inflated allows it, within 512 MB (what
# a decoded element costs stays proportional to its bytes in the file).
#
#   tests/bombs.sh CPROF
set -u
cprof=$1
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
n=0

fail() {
	echo "FAIL $*"
	failures=$((failures + 1))
}

# run NAME ARGS...: runs cprof, leaving its exit code in rc, its peak
# memory in kb (kilobytes) and its time in secs. A runaway cprof is killed
# after 20 seconds; outside AddressSanitizer (which maps terabytes), it
# may not map more than 4 GB either.
run() {
	local name=$1
	shift
	(
		ldd "$cprof" 2>/dev/null | grep -q libasan || ulimit -v 4194304
		exec /usr/bin/time -o "$dir/$name.time" -f '%x %M %e' timeout 20 "$cprof" "$@"
	) >"$dir/$name.out" 2>"$dir/$name.err"
	# (time writes "Command exited with non-zero status N" first when it is)
	read -r rc kb secs < <(tail -1 "$dir/$name.time")
}

within() {
	awk -v kb="$kb" -v secs="$secs" -v maxkb="$1" -v maxsecs="$2" \
		'BEGIN { exit !(kb < maxkb && secs < maxsecs) }'
}

"$root/tests/bombs.py" "$dir/big" $((256 << 20)) || exit 1
"$root/tests/bombs.py" "$dir/small" $((24 << 20)) || exit 1

for kind in strings samples labels locations; do
	n=$((n + 1))
	run "$kind" -top "$dir/big/$kind.pb.gz"
	printf '%-10s refused: exit %s, %6d kB, %5.2f s\n' "$kind" "$rc" "$kb" "$secs"
	if [ "$rc" = 0 ]; then
		fail "$kind: a 256 MiB bomb was read (exit 0)"
	elif ! grep -q '^cprof: .*-max_inflated' "$dir/$kind.err"; then
		fail "$kind: exit $rc without a cprof: message naming -max_inflated:"
		head -3 "$dir/$kind.err" | sed 's/^/    /'
	elif [ -s "$dir/$kind.out" ]; then
		fail "$kind: a report on standard output besides the error"
	fi
	within 524288 5 || fail "$kind: refused using $kb kB and $secs s (want < 512 MB, < 5 s)"

	n=$((n + 1))
	run "$kind-small" -top "$dir/small/$kind.pb.gz"
	[ "$rc" != 0 ] || fail "$kind: a 24 MiB bomb was read without -max_inflated"
	n=$((n + 1))
	run "$kind-small" -max_inflated=100000000 -top "$dir/small/$kind.pb.gz"
	printf '%-10s with -max_inflated: exit %s, %6d kB, %5.2f s\n' "$kind" "$rc" "$kb" "$secs"
	if [ "$rc" != 0 ] || ! grep -q '^Showing nodes accounting for' "$dir/$kind-small.out"; then
		fail "$kind: a 24 MiB bomb was not read with -max_inflated (exit $rc):"
		head -3 "$dir/$kind-small.err" | sed 's/^/    /'
	fi
	within 524288 20 || fail "$kind: read a 24 MiB bomb using $kb kB (want < 512 MB)"
done
echo "bombs: $n runs, $failures failed"
[ $failures = 0 ]
