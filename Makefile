# cprof — a pprof-compatible profile analyzer in C.
#
#   make            build ./cprof
#   make deps       install the Debian packages the build and tests need
#   make demo       set up, build, and print a top report of a bundled profile
#   make check      set up, build, and run every test
#   make bench      compare speed and memory with go tool pprof on ../shared/bench
#   make SANITIZE=1 build with -fsanitize=address,undefined (into build-asan/)

DEB_PACKAGES = gcc make pkg-config libprotobuf-c-dev protobuf-c-compiler zlib1g-dev \
	libpcre2-dev libreadline-dev libgraphviz-dev libcurl4-openssl-dev libdw-dev libelf-dev \
	tmux python3 time
PKGS = libprotobuf-c zlib libpcre2-8 readline libdw libelf

CC ?= gcc
Q = @
CFLAGS ?= -O2 -g
WARN = -std=c11 -Wall -Wextra -Werror
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
LDLIBS += $(PKG_LIBS) -lpthread -lm

SRCS = $(wildcard src/*.c)
PROTO_OBJS = $(BUILD)/profile.pb-c.o $(BUILD)/profile_skeleton.pb-c.o
OBJS = $(patsubst src/%.c,$(BUILD)/%.o,$(SRCS)) $(PROTO_OBJS)
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

$(BUILD)/%.pb-c.c $(BUILD)/%.pb-c.h: proto/%.proto | $(BUILD)
	@echo "  PROTOC  $<"
	$(Q)protoc-c --c_out=$(BUILD) -Iproto $<

$(BUILD)/%.pb-c.o: $(BUILD)/%.pb-c.c $(BUILD)/profile.pb-c.h
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: src/%.c $(BUILD)/profile.pb-c.h $(BUILD)/profile_skeleton.pb-c.h | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(BUILD):
	mkdir -p $@

.SECONDARY: $(patsubst $(BUILD)/%.o,$(BUILD)/%.c,$(PROTO_OBJS))

-include $(wildcard $(BUILD)/*.d)

# ---- set-up ----

deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
		echo "missing packages; run: sudo apt-get install -y$$missing" >&2; exit 1; \
	fi

# ---- demo ----

demo: deps
	$(MAKE) all
	./cprof -top testdata/conformance/profiles/go/go-heap-bad.pb.gz

# ---- tests ----

UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c)) \
	$(BUILD)/tests/test_demangle $(BUILD)/tests/test_legacy

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB_OBJS) | $(BUILD)/tests
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

$(BUILD)/tests/test_demangle: tests/demangle/test_demangle.c $(LIB_OBJS) | $(BUILD)/tests
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

$(BUILD)/tests/test_legacy: tests/legacy/test_legacy.c $(LIB_OBJS) | $(BUILD)/tests
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

$(BUILD)/tests:
	mkdir -p $@

unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do $$t || exit 1; done

conformance: all
	tests/conformance.sh $(BUILD)/cprof

shell-test: all
	tests/shell_tmux.sh $(BUILD)/cprof

# The whole suite, then again under AddressSanitizer and UBSan.
check: deps
	$(MAKE) test
	$(MAKE) SANITIZE=1 test

test: all unit conformance shell-test

# The symbolizer against LLVM's own tools (llvm-symbolizer, llvm-nm), on every
# byte of the corpus binaries' code; see tests/sym/README.
$(BUILD)/symdump: tests/sym/symdump.c $(LIB_OBJS) | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

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
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_HARNESSES = $(patsubst tests/fuzz/fuzz_%.c,build-fuzz/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJS = $(patsubst src/%.c,build-fuzz/%.o,$(filter-out src/main.c,$(SRCS))) \
	build-fuzz/profile.pb-c.o build-fuzz/profile_skeleton.pb-c.o

build-fuzz/%.pb-c.c build-fuzz/%.pb-c.h: proto/%.proto
	@mkdir -p build-fuzz
	$(Q)protoc-c --c_out=build-fuzz -Iproto $<

build-fuzz/%.pb-c.o: build-fuzz/%.pb-c.c build-fuzz/profile.pb-c.h
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) -D_DEFAULT_SOURCE -Isrc -Ibuild-fuzz $(PKG_CFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

build-fuzz/%.o: src/%.c build-fuzz/profile.pb-c.h build-fuzz/profile_skeleton.pb-c.h
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) -D_DEFAULT_SOURCE -Isrc -Ibuild-fuzz $(PKG_CFLAGS) $(FUZZ_CFLAGS) $(WARN) -c -o $@ $<

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) -D_DEFAULT_SOURCE -Isrc -Ibuild-fuzz $(FUZZ_CFLAGS) -fsanitize=fuzzer $(WARN) -o $@ $< \
		$(FUZZ_OBJS) $(PKG_LIBS) $(LDLIBS_EXTRA) -lpthread -lm

fuzz-build: $(FUZZ_HARNESSES)

# make fuzz FUZZ_SECONDS=600 runs every harness that long.
fuzz: deps
	$(MAKE) fuzz-build
	tests/fuzz.sh $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	tests/fuzz.sh 20

# Speed and memory against go tool pprof; see tests/bench.sh for the knobs.
bench: all
	tests/bench.sh ./cprof

clean:
	rm -rf build build-asan build-fuzz cprof

.PHONY: all deps demo check test unit conformance shell-test fuzz fuzz-build fuzz-smoke bench sym-compare clean
