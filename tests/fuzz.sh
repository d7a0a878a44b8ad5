#!/bin/bash
# Runs each libFuzzer harness of build-fuzz/ for SECONDS seconds, seeded
# from testdata, and fails if any finds a crash, a leak, a timeout or
# undefined behaviour. Findings are kept in build-fuzz/findings/.
#
#   tests/fuzz.sh SECONDS [HARNESS...]
#   FUZZ_RUNS=1000000 tests/fuzz.sh 3600 decode   (stop after that many executions)
set -u
seconds=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build-fuzz
harnesses=${*:-decode inflate legacy flags tagrange report merge sample table demangle symbolize dwarf web}
mkdir -p "$bin/findings"

# seed NAME DIR: fills DIR with starting inputs for harness NAME.
seed() {
	local name=$1 dir=$2 i=0
	mkdir -p "$dir"
	case $name in
	decode | legacy)
		# small seeds keep executions fast; -max_len bounds what the fuzzer grows
		find "$root/testdata/conformance/profiles" "$root/testdata/nul/profiles" -type f -size -64k -exec cp {} "$dir/" \;
		cp "$root"/testdata/series/*.pb.gz "$dir/" # a MemStats trailer in comments
		;;
	inflate)
		# gzip streams: the small gzip profiles, and the shapes of stream a profile is
		# seldom in (several members, every header field, stored and fixed-code blocks,
		# cut short, a wrong CRC or size, garbage after, a megabyte of zeros)
		find "$root/testdata/conformance/profiles" -type f -size -64k | while IFS= read -r f; do
			[ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' ')" = 1f8b ] && cp "$f" "$dir/"
		done
		python3 - "$dir" "$root/testdata/conformance/profiles/go/go-heap-good.pb.gz" <<'PY'
import gzip, struct, sys, zlib
out, src = sys.argv[1], sys.argv[2]
raw = gzip.decompress(open(src, 'rb').read())
def member(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY, flags=0, extra=b''):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
    body = c.compress(data) + c.flush()
    head = b'\x1f\x8b\x08' + bytes([flags]) + b'\0\0\0\0\0\xff' + extra
    if flags & 2:
        head += struct.pack('<H', zlib.crc32(head) & 0xffff)
    return head + body + struct.pack('<II', zlib.crc32(data), len(data) & 0xffffffff)
one = member(raw)
seeds = {
    'two-members': one + member(raw[:1000], 9),
    'empty-member': member(b'') + one,
    'garbage-after': one + b'\0',
    'magic-after': one + b'\x1f\x8b',
    'stored': member(raw[:20000], 0),
    'fixed': member(raw, 6, zlib.Z_FIXED),
    'huffman-only': member(raw, 6, zlib.Z_HUFFMAN_ONLY),
    'rle': member(raw, 6, zlib.Z_RLE),
    'header-fields': member(raw, 6, 0, 2 | 4 | 8 | 16, b'\x04\0ab\0\0name\0comment\0'),
    'reserved-flag': member(raw, 6, 0, 0x20),
    'cut': one[:len(one) // 2],
    'wrong-crc': one[:-8] + bytes([one[-8] ^ 1]) + one[-7:],
    'wrong-size': one[:-4] + bytes([one[-4] ^ 1]) + one[-3:],
    'zeros': member(bytes(1100000), 9),
}
for name, data in seeds.items():
    open(out + '/' + name, 'wb').write(data)
PY
		;;
	report)
		# the first byte picks the report; every profile is seeded with a few of them
		{ find "$root/testdata/conformance/profiles" "$root/testdata/nul/profiles" -type f -size -64k
		  ls "$root"/testdata/series/*.pb.gz; } | while IFS= read -r f; do
			for k in 0 3 6 10 12 13 16 18 20; do
				i=$((i + 1))
				{ printf "\\$(printf %03o $k)"; cat "$f"; } >"$dir/r$i"
			done
		done
		;;
	merge)
		# pairs of small protobuf profiles: the mode byte (3: merged one at a time), the first's length, both profiles
		local pairs=(go-leak-1:go-leak-5 go-leak-2:go-leak-3 go-heap-good:go-heap-bad edge-pair-before:edge-pair-after
			go-cpu:go-cpu go-labels-cpu:go-labels-cpu edge-mappings:edge-inline)
		for pair in "${pairs[@]}"; do
			local a=$root/testdata/conformance/profiles/go/${pair%%:*}.pb.gz
			local b=$root/testdata/conformance/profiles/go/${pair#*:}.pb.gz
			local len
			len=$(stat -c %s "$a")
			[ "$len" -lt 65536 ] || continue
			for mode in 0 1 2 3; do
				i=$((i + 1))
				{ printf "\\$(printf %03o $mode)\\$(printf %03o $((len % 256)))\\$(printf %03o $((len / 256)))"
				  cat "$a" "$b"; } >"$dir/m$i"
			done
		done
		;;
	sample)
		# Sample messages: packed and unpacked ids and values, labels, unknown fields
		for m in '\x0a\x03\x01\x02\x03\x12\x02\x01\x05' '\x08\x07\x08\x09\x10\x01\x10\x80\x01' \
			'\x0a\x04\x81\x80\x80\x01\x12\x01\x02\x1a\x04\x08\x01\x10\x02' \
			'\x1a\x06\x08\x01\x18\x40\x20\x03\x1a\x00\x12\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01' \
			'\x22\x02\x08\x01\x29\x01\x02\x03\x04\x05\x06\x07\x08\x35\x01\x02\x03\x04\x0a\x00'; do
			i=$((i + 1))
			printf "$m" >"$dir/s$i"
		done
		;;
	table)
		# a selector byte (ValueType, Mapping, Function, Location, Profile), then the message:
		# each small profile of the corpus whole, and a few of each message
		find "$root/testdata/conformance/profiles/go" -name '*.pb.gz' -size -16k | while IFS= read -r f; do
			i=$((i + 1))
			{ printf '\004'; gunzip -c "$f" 2>/dev/null; } >"$dir/p$i"
		done
		# profiles whose fields come twice, bools as bytes, packed comments, unknown fields
		local head='\004\x0a\x04\x08\x01\x10\x02\x32\x00\x32\x01\x61\x32\x01\x62\x32\x03\x63\x00\x64'
		for m in '\x5a\x04\x08\x01\x10\x02\x5a\x02\x08\x03\x38\x01\x38\x02' \
			'\x1a\x0d\x08\x01\x3a\x02\x00\x00\x42\x01\x00\x4a\x00\x50\x05' \
			'\x6a\x03\x01\x02\x03\x68\x01\xf8\x07\x01\x7a\x00\x80\x01\x05' \
			'\x22\x0b\x08\x01\x22\x02\x08\x01\x2d\x00\x00\x00\x01\x2a\x04\x08\x01\x10\x01'; do
			i=$((i + 1))
			printf "$head$m" >"$dir/h$i"
		done
		for m in '\000\x08\x01\x10\x02' '\001\x08\x01\x10\x80\x20\x18\xff\x3f\x28\x05\x38\x01\x48\x01' \
			'\002\x08\x07\x10\x03\x18\x04\x20\x05\x28\x2a' \
			'\003\x08\x01\x10\x01\x18\x80\x40\x22\x04\x08\x02\x10\x0a\x22\x06\x08\x03\x10\x0b\x18\x04\x28\x01'; do
			i=$((i + 1))
			printf "$m" >"$dir/m$i"
		done
		;;
	flags)
		cut -f2 "$root"/testdata/conformance/cases/*.tsv | grep -v '^#' | while IFS= read -r line; do
			i=$((i + 1))
			printf '%s' "$line" | tr ' ' '\0' >"$dir/args$i"
		done
		;;
	tagrange)
		for s in 1kb: :64kb 2kb:4kb bytes=1mb: 100ms: 64 'handler=/x,tenant=a/.*' 'a/b' '-5:+5' 1gcu:; do
			i=$((i + 1))
			printf '%s' "$s" >"$dir/t$i"
		done
		;;
	symbolize)
		cp "$root"/testdata/sym/prog-* "$root"/testdata/sym/progxx-* "$dir/"
		rm -f "$dir"/*.golden
		;;
	dwarf)
		# one seed per section of each test binary: its selector byte, then its bytes
		for b in prog-gcc prog-clang-dw4 progxx-gcc progxx-clang; do
			for s in 0:line 1:info 2:abbrev 3:aranges 4:rnglists 5:line_str 6:str; do
				i=$((i + 1))
				printf "\\$(printf %o "${s%%:*}")" >"$dir/s$i"
				objcopy --dump-section ".debug_${s#*:}=$dir/part" "$root/testdata/sym/$b" "$dir/junk" \
					2>/dev/null && [ -f "$dir/part" ] && cat "$dir/part" >>"$dir/s$i"
				rm -f "$dir/part" "$dir/junk"
			done
		done
		;;
	web)
		# settings files as pprof writes them (selector 0), and pprof's URLs' queries
		printf '\000{"configs":[{"name":"a","focus":"x","nodecount":20,"trim":true,"nodefraction":1e-7}]}' >"$dir/w1"
		printf '\000{"configs":[]}' >"$dir/w2"
		for q in 'f=main&n=20&trim=f&si=alloc_space&g=lines' 'p=%5Emain%5C.f%24&tf=handler%3D%2Fx' \
			'sort=cum&nf=0.01&ef=1e-3&calltree=t&unit=mb' 'f=a+b%00c&h=&i=%zz;x'; do
			i=$((i + 1))
			printf '\001%s' "$q" >"$dir/q$i"
		done
		;;
	demangle)
		grep -v '^#' "$root/tests/unit/demangle.tsv" | cut -f1 | head -500 | while IFS= read -r n; do
			i=$((i + 1))
			printf '%s' "$n" >"$dir/d$i"
		done
		;;
	esac
}

status=0
for h in $harnesses; do
	exe=$bin/fuzz_$h
	[ -x "$exe" ] || { echo "fuzz: $exe missing (make fuzz-build)"; status=1; continue; }
	corpus=$bin/corpus/$h
	seeds=$bin/seeds/$h
	[ -d "$seeds" ] || seed "$h" "$seeds"
	mkdir -p "$corpus"
	log=$bin/findings/$h.log
	started=$(date +%s)
	CPROF_ROOT=$root ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$exe" -max_total_time="$seconds" ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} -timeout=10 -rss_limit_mb=2048 -max_len=${FUZZ_MAX_LEN:-65536} \
		-print_final_stats=1 -artifact_prefix="$bin/findings/$h-" "$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - started))
	runs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
	if [ $rc = 0 ]; then
		echo "fuzz $h: ${runs:-?} executions in ${took}s, no findings"
	else
		echo "fuzz $h: FINDING (exit $rc); see $log"
		grep -a -E 'ERROR|SUMMARY|runtime error' "$log" | head -5 | sed 's/^/    /'
		status=1
	fi
done
exit $status
