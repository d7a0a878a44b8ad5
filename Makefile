# cprof — a pprof-compatible profile analyzer in C.
#
#   make            build ./cprof
#   make deps       install the Debian packages the build and tests need
#   make demo       set up, build, and print a top report of a bundled profile
#   make check      set up, build, and run every test
#   make bench      compare speed and memory with go tool pprof on ../shared/bench
#   make install    install cprof, its manual and shell completions under PREFIX
#   make SANITIZE=1 build with -fsanitize=address,undefined (into build-asan/)

# cprof's release, and the state of google/pprof whose output it follows
# (the expected files of testdata/conformance; see VERSIONS.md there).
# cprof -version prints both.
VERSION = 0.13.0
PPROF_FOLLOWED = google/pprof as of 2026-07-09, commit b9395ee17fa0
VERSION_DEFS = -DCPROF_VERSION='"$(VERSION)"' -DCPROF_PPROF_FOLLOWED='"$(PPROF_FOLLOWED)"'

DEB_PACKAGES = gcc make pkg-config libprotobuf-c-dev protobuf-c-compiler zlib1g-dev libisal-dev \
	libpcre2-dev libreadline-dev libgraphviz-dev libcurl4-openssl-dev libdw-dev libelf-dev \
	tmux time clang libclang-rt-14-dev valgrind python3 llvm binutils mandoc bash-completion zsh fish \
	golang-go openssl nodejs chromium chromium-driver python3-selenium libmicrohttpd-dev
PKGS = libprotobuf-c zlib libisal libpcre2-8 readline libcurl libgvc libdw libelf libmicrohttpd

CC ?= gcc
Q = @
CFLAGS ?= -O2 -g
# -fwrapv: pprof's numbers follow Go, whose int64 arithmetic wraps around.
WARN = -std=c11 -Wall -Wextra -Werror -fwrapv
ifeq ($(SANITIZE),1)
BUILD = build-asan
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
BUILD = build
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS += -D_DEFAULT_SOURCE -Isrc -I$(BUILD) $(PKG_CFLAGS)
# rank2 is exported so that Graphviz's libraries call cprof's (src/render_ns.h).
LDLIBS += $(PKG_LIBS) -lpthread -lm -ldl -Wl,--export-dynamic-symbol=rank2

SRCS = $(wildcard src/*.c)
PROTO_OBJS = $(BUILD)/profile.pb-c.o $(BUILD)/profile_skeleton.pb-c.o
# The files of web/, compiled in (src/assets.h).
ASSETS = $(sort $(wildcard web/*.js web/*.css web/*.html))
OBJS = $(patsubst src/%.c,$(BUILD)/%.o,$(SRCS)) $(PROTO_OBJS) $(BUILD)/assets.o
LIB_OBJS = $(filter-out $(BUILD)/main.o,$(OBJS))

ifeq ($(SANITIZE),1)
all: $(BUILD)/cprof
else
all: cprof
endif

cprof: $(BUILD)/cprof
	$(Q)cp $< $@

$(BUILD)/cprof: $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

# Only flags.c prints the version; it is rebuilt when the Makefile changes.
$(BUILD)/flags.o: CPPFLAGS += $(VERSION_DEFS)
$(BUILD)/flags.o: Makefile

$(BUILD)/%.pb-c.c $(BUILD)/%.pb-c.h: proto/%.proto | $(BUILD)
	@echo "  PROTOC  $<"
	$(Q)protoc-c --c_out=$(BUILD) -Iproto $<

$(BUILD)/%.pb-c.o: $(BUILD)/%.pb-c.c $(BUILD)/profile.pb-c.h
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -fwrapv -c -o $@ $<

$(BUILD)/%.o: src/%.c $(BUILD)/profile.pb-c.h $(BUILD)/profile_skeleton.pb-c.h | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(BUILD):
	mkdir -p $@

$(BUILD)/assets.c: web/embed.sh $(ASSETS) | $(BUILD)
	@echo "  EMBED   $(ASSETS)"
	$(Q)sh web/embed.sh $(ASSETS) >$@.tmp && mv $@.tmp $@

$(BUILD)/assets.o: $(BUILD)/assets.c src/assets.h
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

.SECONDARY: $(patsubst $(BUILD)/%.o,$(BUILD)/%.c,$(PROTO_OBJS))

# The sample reader and the graph walks are the hot loops of a large
# report: -O3 there takes a 300-node SVG of the 46 MB bench profile from
# 1.92 to 1.85 s (medians of 12 paired runs). The graph stage was one file,
# graph.c, when that was measured: its files keep the flag together.
$(BUILD)/graph.o $(BUILD)/graph_tags.o $(BUILD)/graph_trim.o $(BUILD)/graph_tree.o \
	$(BUILD)/decode_sample.o $(BUILD)/decode_proto.o: CFLAGS += -O3

-include $(wildcard $(BUILD)/*.d)

# ---- set-up ----

# What the build and the tests run, probed before make demo and make check:
# only when something is missing do they call deps (apt-get, as root).
PROBE_TOOLS = gcc make pkg-config protoc-c tmux clang valgrind python3 llvm-nm llvm-objdump nm objdump objcopy \
	mandoc zsh fish go openssl node chromium chromedriver
PROBE_FILES = /usr/bin/time $(shell clang -print-resource-dir 2>/dev/null)/lib/linux/libclang_rt.fuzzer-x86_64.a \
	/usr/share/bash-completion/bash_completion /usr/lib/python3/dist-packages/selenium

setup:
	@pkg-config --exists $(PKGS) 2>/dev/null && \
	(for t in $(PROBE_TOOLS); do command -v $$t >/dev/null || exit 1; done) && \
	(for f in $(PROBE_FILES); do [ -e $$f ] || exit 1; done) || $(MAKE) deps

deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
		echo "missing packages; run: sudo apt-get install -y$$missing" >&2; exit 1; \
	fi

# ---- demo ----

demo: setup
	$(MAKE) all
	./cprof -top testdata/conformance/profiles/go/go-heap-bad.pb.gz

# ---- tests ----

UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

# A test program is one C file linked with every module but main.c.
LINK_TEST = $(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB_OBJS) | $(BUILD)/tests
	@echo "  CC      $<"
	$(Q)$(LINK_TEST)

$(BUILD)/tests:
	mkdir -p $@

unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do $$t || exit 1; done

conformance: all
	tests/conformance.sh $(BUILD)/cprof

shell-test: all
	tests/shell_pipe.sh $(BUILD)/cprof
	tests/shell_cache.py $(BUILD)/cprof
	tests/shell_tmux.sh $(BUILD)/cprof
	tests/completion_tmux.sh $(BUILD)/cprof

valgrind-test: all
	tests/valgrind.sh $(BUILD)/cprof

# remote.sh replays a Go server's answers (python3, openssl); remote_go.sh
# runs one, built from tests/go (golang-go), beside go tool pprof.
http-test: all
	tests/http.sh $(BUILD)/cprof
	tests/remote.sh $(BUILD)/cprof
	tests/remote_go.sh $(BUILD)/cprof

# The pipeline's stages call and include one way only (tests/layers.py).
layers: all
	tests/layers.py $(BUILD)

# cprof -http at the HTTP level: routes, parameters, rows against the CLI,
# concurrency, 403, configs (tests/web_http.py).
web-test: all
	tests/web_http.py $(BUILD)/cprof

# The web interface in a real browser: Debian's chromium driven headless by
# python3-selenium (tests/web_browser.py; a screenshot directory may follow).
web-browser-test: all
	/usr/bin/python3 tests/web_browser.py $(BUILD)/cprof

# -folded and -flame: golden files, agreement with -top, the SVG as XML
# and in a real browser (tests/flame.py, tests/flame_browser.py).
flame-test: all
	tests/flame.py $(BUILD)/cprof
	tests/flame_browser.py $(BUILD)/cprof

# Series of snapshots, -memstats: golden files and their properties on the
# snapshots of testdata/series (tests/series.py), then snapshots of a live
# Go program that leaks at a known rate (tests/series_go.py: golang-go).
series-test: all
	tests/series.py $(BUILD)/cprof
	tests/series_go.py $(BUILD)/cprof

broken-test: all
	tests/broken.sh $(BUILD)/cprof

# Profiles whose strings hold NUL bytes, against pprof (testdata/nul).
nul-test: all
	tests/nul.sh $(BUILD)/cprof

# Decompression bombs of valid data, refused within 512 MB and 5 s (tests/bombs.py writes them).
bomb-test: all
	tests/bombs.sh $(BUILD)/cprof

# -disasm with LLVM and GNU binary tools, as pprof runs them.
disasm-test: all
	tests/disasm.sh $(BUILD)/cprof

# A Go binary symbolized as pprof does it, with and without DWARF (testdata/gosym/).
gosym-test: all
	tests/gosym.sh $(BUILD)/cprof

# Graph images, binary outputs, away-from-terminal files, -web (see the script).
graphs: all
	tests/graphs.py $(BUILD)/cprof

# The manual page, as strict as mandoc is: any message (style included) fails.
man-lint:
	mandoc -Tlint -Wstyle man/cprof.1

# make install into a scratch DESTDIR, and what landed where (tests/install.sh).
install-test: all
	rm -rf $(BUILD)/install-test
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(BUILD)/install-test PREFIX=/usr >/dev/null
	tests/install.sh $(BUILD)/install-test /usr

# The whole suite and a few cases under valgrind, then the suite again
# under AddressSanitizer and UBSan, failure injection, and a short run of
# every fuzzer.
check: setup
	$(MAKE) test valgrind-test
	$(MAKE) SANITIZE=1 test
	$(MAKE) inject-test
	$(MAKE) fuzz-smoke

test: all layers unit conformance flame-test series-test shell-test graphs http-test web-test web-browser-test broken-test nul-test bomb-test disasm-test gosym-test man-lint install-test

# The symbolizer against LLVM's own tools (llvm-symbolizer, llvm-nm), on every
# byte of the corpus binaries' code; see tests/sym/README.
$(BUILD)/symdump: tests/sym/symdump.c $(LIB_OBJS) | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(LINK_TEST)

sym-compare: $(BUILD)/symdump
	@for b in testdata/conformance/src/native/calc testdata/conformance/src/native/calc-pie \
		testdata/conformance/src/native/shapes; do \
		SYMDUMP=$(BUILD)/symdump tests/sym/compare.py $$b || exit 1; \
		SYMDUMP=$(BUILD)/symdump tests/sym/compare.py -fast $$b || exit 1; \
	done

# ---- fuzzing (libFuzzer) ----
# Every module but main.c, built with clang and ASan/UBSan into build-fuzz/,
# linked with each tests/fuzz/fuzz_*.c harness.

FUZZ_SECONDS ?= 60
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -fwrapv -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_HARNESSES = $(patsubst tests/fuzz/fuzz_%.c,build-fuzz/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJS = $(patsubst src/%.c,build-fuzz/%.o,$(filter-out src/main.c,$(SRCS))) \
	build-fuzz/profile.pb-c.o build-fuzz/profile_skeleton.pb-c.o build-fuzz/assets.o

build-fuzz/assets.c: web/embed.sh $(ASSETS)
	@mkdir -p build-fuzz
	$(Q)sh web/embed.sh $(ASSETS) >$@.tmp && mv $@.tmp $@

build-fuzz/assets.o: build-fuzz/assets.c src/assets.h
	$(Q)$(FUZZ_CC) -D_DEFAULT_SOURCE -Isrc $(FUZZ_CFLAGS) $(WARN) -c -o $@ $<

# Every module's object is kept between builds (make would remove them as
# intermediates of the harnesses' pattern rule, and rebuild them all each time).
.SECONDARY: $(FUZZ_OBJS) build-fuzz/assets.c build-fuzz/profile.pb-c.c build-fuzz/profile_skeleton.pb-c.c

build-fuzz/%.pb-c.c build-fuzz/%.pb-c.h: proto/%.proto
	@mkdir -p build-fuzz
	$(Q)protoc-c --c_out=build-fuzz -Iproto $<

build-fuzz/%.pb-c.o: build-fuzz/%.pb-c.c build-fuzz/profile.pb-c.h
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) -D_DEFAULT_SOURCE -Isrc -Ibuild-fuzz $(PKG_CFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

build-fuzz/%.o: src/%.c build-fuzz/profile.pb-c.h build-fuzz/profile_skeleton.pb-c.h
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) -D_DEFAULT_SOURCE $(VERSION_DEFS) -Isrc -Ibuild-fuzz $(PKG_CFLAGS) $(FUZZ_CFLAGS) $(WARN) -c -o $@ $<

# The legacy parsers' regexp engine runs on every line with fixed patterns:
# coverage feedback from it only slows the fuzzers down (tenfold), so it is
# built with the sanitizers but without coverage.
build-fuzz/decode_legacy_re.o: src/decode_legacy_re.c
	@mkdir -p build-fuzz
	@echo "  FUZZCC  $< (no coverage)"
	$(Q)$(FUZZ_CC) -D_DEFAULT_SOURCE -Isrc -g -O2 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		$(WARN) -c -o $@ $<

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) -D_DEFAULT_SOURCE -Isrc -Ibuild-fuzz $(FUZZ_CFLAGS) -fsanitize=fuzzer $(WARN) -o $@ $< \
		$(FUZZ_OBJS) $(PKG_LIBS) $(LDLIBS_EXTRA) -lpthread -lm

fuzz-build: $(FUZZ_HARNESSES)

# make fuzz FUZZ_SECONDS=600 runs every harness that long.
fuzz: setup
	$(MAKE) fuzz-build
	tests/fuzz.sh $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	tests/fuzz.sh 20

# ---- failure injection ----
# The same sources with ASan, linked so that cprof's own allocation and
# file calls go through tests/inject/inject.c, which fails the one it is
# told to (tests/inject.sh).

INJECT_WRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=fopen,--wrap=fread,--wrap=ferror

inject-build:
	$(MAKE) SANITIZE=1 all
	@mkdir -p build-inject
	@echo "  LD      build-inject/cprof"
	$(Q)$(CC) -g -fsanitize=address,undefined $(INJECT_WRAP) -o build-inject/cprof \
		$(patsubst $(BUILD)/%,build-asan/%,$(OBJS)) tests/inject/inject.c $(LDLIBS)

inject-test: inject-build
	tests/inject.sh

# make bench's floors, each a program of its own doing only that: inflating a
# file with the library cprof uses, writing as many bytes as a report prints.
FLOORS = $(BUILD)/inflate_floor $(BUILD)/write_floor

$(BUILD)/%_floor: tests/%_floor.c | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(LDLIBS)

# Speed and memory against go tool pprof and the floors; see tests/bench.sh for the knobs.
# Then -base and -diff_base of the heap pair against -top of the larger
# file (tests/bench_base.sh), each shell command on ../shared/bench/large against 0.15 s
# (tests/bench_shell.py), and the web interface's views there (tests/bench_web.py;
# BENCH_WEB_PPROF=0 leaves out go tool pprof -http, which takes minutes there).
# A 300-node SVG of large-heap is timed beside Graphviz's own network simplex
# (tests/bench_svg.sh; pprof has no dot program here to draw it). Last, a fleet's 1,000 heap profiles merged
# (tests/bench_fleet.sh; written once into build/fleet by tests/fleet.py).
bench: all $(FLOORS)
	FLOORS=$(BUILD) tests/bench.sh ./cprof
	tests/bench_svg.sh ./cprof
	tests/bench_base.sh ./cprof
	tests/bench_series.sh ./cprof
	tests/bench_shell.py ./cprof
	tests/bench_web.py ./cprof
	tests/bench_fleet.sh ./cprof

PREFIX ?= /usr/local
DESTDIR ?=

install: all
	install -D -m 755 $(BUILD)/cprof $(DESTDIR)$(PREFIX)/bin/cprof
	install -D -m 644 man/cprof.1 $(DESTDIR)$(PREFIX)/share/man/man1/cprof.1
	install -D -m 644 completions/cprof.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/cprof
	install -D -m 644 completions/_cprof $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_cprof
	install -D -m 644 completions/cprof.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/cprof.fish

clean:
	rm -rf build build-asan build-fuzz build-inject cprof

.PHONY: all setup deps demo check test layers unit conformance flame-test series-test web-test web-browser-test shell-test valgrind-test graphs man-lint install-test http-test broken-test nul-test bomb-test disasm-test gosym-test fuzz fuzz-build fuzz-smoke inject-build inject-test bench install clean
