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
LDLIBS += $(PKG_LIBS) -lm

SRCS = $(wildcard src/*.c)
OBJS = $(patsubst src/%.c,$(BUILD)/%.o,$(SRCS)) $(BUILD)/profile.pb-c.o
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

$(BUILD)/profile.pb-c.c $(BUILD)/profile.pb-c.h: proto/profile.proto | $(BUILD)
	@echo "  PROTOC  $<"
	$(Q)protoc-c --c_out=$(BUILD) -Iproto $<

$(BUILD)/profile.pb-c.o: $(BUILD)/profile.pb-c.c
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: src/%.c $(BUILD)/profile.pb-c.h | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(BUILD):
	mkdir -p $@

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

UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB_OBJS) | $(BUILD)/tests
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

# Speed and memory against go tool pprof; see tests/bench.sh for the knobs.
bench: all
	tests/bench.sh ./cprof

clean:
	rm -rf build build-asan cprof

.PHONY: all deps demo check test unit conformance shell-test bench sym-compare clean
