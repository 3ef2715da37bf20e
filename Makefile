# wire — HTTP/1.1 + WebSocket from the socket up.
#
# Every source file is found by wildcard: adding `http/foo.cpp` adds it to libwire_http.a,
# adding `tests/http/foo_test.cpp` adds it to the http test binary, `fuzz/foo_fuzz.cpp` is a
# fuzz target, `examples/foo.cpp` (or `examples/foo/*.cpp`) an example program, and so on.
# Nobody needs to edit this file to add code.
#
#   make                 the four layer libraries and libwire.a (build/)
#   make test            install test-only tools, build, run everything, print "N passed, N failed"
#   make asan | tsan     the same suite under AddressSanitizer+UBSan / ThreadSanitizer
#   make fuzz            libFuzzer targets (clang++); make fuzz-run FUZZ_SECONDS=N runs them
#   make bench           benchmarks beside the peers, as a table
#   make run             the demo server on http://127.0.0.1:8080
#   make run-cluster     three demo instances joined by redis-server, nginx in front on :8080
#   make install PREFIX=/usr/local
#   make check-headers | check-layers | format

.DEFAULT_GOAL := all
# Keep every intermediate object (fuzz and example objects are otherwise deleted and rebuilt).
.SECONDARY:
SHELL := /bin/bash

CXX      ?= g++
BUILD    ?= build
OPT      ?= -O2 -g
SAN      ?=
WARN     := -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror
CXXFLAGS += -std=c++20 $(OPT) $(SAN) $(WARN) -I. -MMD -MP
# doctest prints std::error_code and friends only with the real <ostream> in scope.
CXXFLAGS += -DDOCTEST_CONFIG_USE_STD_HEADERS
LDFLAGS  += $(SAN)
LDLIBS   += -pthread
AR       ?= ar
empty :=
space := $(empty) $(empty)
comma := ,
PREFIX   ?= /usr/local

# Lowest layer first. A layer may include only itself and the layers named in its deps_ list
# (make check-layers); each list is complete (transitive), in link order.
LAYERS := crypto compress net http redis websocket cluster
deps_crypto    :=
deps_compress  :=
deps_net       := crypto
deps_http      := net compress crypto
deps_redis     := net crypto
deps_websocket := http net compress crypto
deps_cluster   := websocket redis http net compress crypto

lib = $(BUILD)/libwire_$(1).a
srcs_of = $(sort $(wildcard $(1)/*.cpp $(1)/detail/*.cpp))
objs_of = $(patsubst %.cpp,$(BUILD)/obj/%.o,$(call srcs_of,$(1)))
# Link order for a program that uses layer $(1): that layer, then every layer below it.
libs_for = $(if $(filter $(1),$(LAYERS)),$(call lib,$(1))) $(foreach d,$(deps_$(1)),$(call lib,$(d)))

ALL_LIBS := $(foreach l,$(LAYERS),$(call lib,$(l)))

.PHONY: all libs
all: libs $(BUILD)/libwire.a
libs: $(ALL_LIBS)

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -c $< -o $@

define layer_rules
$(call lib,$(1)): $(call objs_of,$(1))
	@mkdir -p $$(@D)
	rm -f $$@
	$(AR) rcs $$@ $$^ $(if $(call objs_of,$(1)),,$(BUILD)/obj/empty.o)
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rules,$(l))))

# An empty layer still yields a valid archive, so links never fail for a missing layer.
$(BUILD)/obj/empty.o:
	@mkdir -p $(@D)
	echo 'namespace wire { }' | $(CXX) -x c++ -c - -o $@
$(ALL_LIBS): | $(BUILD)/obj/empty.o

# libwire.a bundles every layer's objects.
$(BUILD)/libwire.a: $(foreach l,$(LAYERS),$(call objs_of,$(l))) | $(BUILD)/obj/empty.o
	rm -f $@
	$(AR) rcs $@ $(or $^,$(BUILD)/obj/empty.o)

# ---------------------------------------------------------------- tests
# One doctest binary per layer, linked against the static libraries as a user links them.
TEST_SUPPORT := $(patsubst %.cpp,$(BUILD)/obj/%.o,tests/main.cpp $(wildcard tests/support/*.cpp))
TEST_LIBS    := -lssl -lcrypto -lz -ldeflate
test_srcs_of = $(sort $(wildcard tests/$(1)/*_test.cpp tests/$(1)/*/*_test.cpp))
# tests/examples/ runs the example programs end to end; it links everything, like an application.
deps_examples := cluster websocket redis http net compress crypto
TEST_SUITES  := $(LAYERS) examples
TEST_BINS    := $(foreach l,$(TEST_SUITES),$(if $(call test_srcs_of,$(l)),$(BUILD)/tests/$(l)_tests))
# Test code gets -O0 -g1. The tests are 60% of the build; the code under test is the library's,
# compiled with $(OPT), so the tests' own optimisation buys nothing at run time (they wait on
# sockets, timers and peers): -O2 costs 60% more compile time than -O1, and -O1 about a fifth
# more than -O0. -g1 keeps line tables and function names, so backtraces, sanitizer reports and
# gdb's `bt` still name every function, file and line, but drops local-variable descriptions,
# another quarter of a test object's compile time. The sanitizer builds keep -O1 for the tests:
# their instrumented frames are smaller there, and fibers run test code on fixed stacks.
# `make TEST_OPT= TEST_DEBUG=-g` gives the tests $(OPT)'s settings.
TEST_OPT     ?= $(if $(SAN),-O1,-O0)
TEST_DEBUG   ?= -g1
$(BUILD)/obj/tests/%.o: private CXXFLAGS += $(TEST_OPT) $(TEST_DEBUG)

# The test files share a precompiled header (tests/support/precompiled.hpp), built once per build
# directory with the test objects' flags. Plain g++ builds only: clang++ has a format of its own,
# and the sanitizer builds keep every warning (see below). `make TEST_PCH=` turns it off.
TEST_PCH_SRC := tests/support/precompiled.hpp
# Its directory is named after the tests' optimisation, which the header must be built with:
# another TEST_OPT builds another header, and the test objects again.
TEST_PCH     ?= $(if $(SAN)$(findstring clang,$(shell $(CXX) --version 2>/dev/null | head -1)),,$(BUILD)/obj/tests/pch$(TEST_OPT)/precompiled.hpp)
ifneq ($(TEST_PCH),)
TEST_OBJS := $(patsubst %.cpp,$(BUILD)/obj/%.o,$(foreach l,$(TEST_SUITES),$(call test_srcs_of,$(l))))
# `private`: the header's own compilation must not inherit the -include of the objects needing it.
# With the standard headers precompiled, g++ 12 no longer hides its known false alarms in
# std::string's inlined code (bounds, overflows and overreads past the small-string buffer,
# reported at `std::string + "literal"`): these test objects are compiled without those three
# warnings, which the sanitizer builds, compiled without the header, still check.
$(TEST_OBJS): private CXXFLAGS += -include $(TEST_PCH) -Winvalid-pch
$(TEST_OBJS): private CXXFLAGS += -Wno-array-bounds -Wno-stringop-overflow -Wno-stringop-overread
$(TEST_OBJS): $(TEST_PCH).gch
$(TEST_PCH).gch: $(TEST_PCH_SRC)
	@mkdir -p $(@D)
	cp $< $(TEST_PCH)
	$(CXX) $(CXXFLAGS) $(TEST_OPT) $(TEST_DEBUG) -x c++-header $(TEST_PCH) -o $@
endif

define test_rules
$(BUILD)/tests/$(1)_tests: $(patsubst %.cpp,$(BUILD)/obj/%.o,$(call test_srcs_of,$(1))) $(TEST_SUPPORT) $(call libs_for,$(1))
	@mkdir -p $$(@D)
	$(CXX) $(LDFLAGS) $$(filter %.o,$$^) $(call libs_for,$(1)) $(TEST_LIBS) $(LDLIBS) -o $$@
endef
$(foreach l,$(TEST_SUITES),$(eval $(call test_rules,$(l))))

# ---------------------------------------------------------------- programs
# examples/foo.cpp -> build/examples/foo; examples/foo/*.cpp -> build/examples/foo.
# Same for tools/ and bench/ (bench programs may also link OpenSSL and the compression peers
# for side-by-side figures).
define program_dir_rules
$(1)_SINGLE := $(basename $(notdir $(wildcard $(1)/*.cpp)))
$(1)_MULTI  := $(notdir $(patsubst %/,%,$(dir $(wildcard $(1)/*/main.cpp))))
$(1)_BINS   := $$(addprefix $(BUILD)/$(1)/,$$($(1)_SINGLE) $$($(1)_MULTI))
$$(foreach p,$$($(1)_SINGLE),$$(eval $(BUILD)/$(1)/$$(p): $(BUILD)/obj/$(1)/$$(p).o $(BUILD)/libwire.a))
$$(foreach p,$$($(1)_MULTI),$$(eval $(BUILD)/$(1)/$$(p): $$(patsubst %.cpp,$(BUILD)/obj/%.o,$$(wildcard $(1)/$$(p)/*.cpp)) $(BUILD)/libwire.a))
endef
$(eval $(call program_dir_rules,examples))
$(eval $(call program_dir_rules,tools))
$(eval $(call program_dir_rules,bench))

$(BUILD)/examples/% $(BUILD)/tools/%:
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $(filter %.o,$^) $(BUILD)/libwire.a $(LDLIBS) -o $@
# Compression peers, linked only by the benchmarks: zlib, libdeflate, ISA-L (tools/test-packages.txt).
BENCH_PEER_LIBS := -lz -ldeflate -lisal
$(BUILD)/bench/%:
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $(filter %.o,$^) $(BUILD)/libwire.a -lssl -lcrypto $(BENCH_PEER_LIBS) $(LDLIBS) -o $@

.PHONY: examples tools bench-bins
examples: $(examples_BINS)
tools: $(tools_BINS)
bench-bins: $(bench_BINS)

# ---------------------------------------------------------------- fuzz replay (g++)
# Every fuzz target is also linked with a plain main() that replays its corpus, so g++ builds run
# the corpora as regression tests inside `make test`.
FUZZ_TARGETS := $(basename $(notdir $(wildcard fuzz/*_fuzz.cpp)))
REPLAY_BINS  := $(addprefix $(BUILD)/fuzz-replay/,$(FUZZ_TARGETS))
# The compress round-trip and differential targets check against zlib (the library never links it).
FUZZ_LIBS    := -lz
$(BUILD)/fuzz-replay/%: $(BUILD)/obj/fuzz/%.o $(BUILD)/obj/fuzz/replay_main.o $(BUILD)/libwire.a
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $(filter %.o,$^) $(BUILD)/libwire.a $(FUZZ_LIBS) $(LDLIBS) -o $@

# ---------------------------------------------------------------- test driver
.PHONY: test test-deps test-build test-run test-uring asan tsan
# The builds below use every core unless the command line says how many: `make test -j2` passes
# its -j down by itself (MAKEFLAGS), a plain `make test` builds with -j$(nproc). The suites
# themselves run one after the other.
jobs = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc))
test: test-deps
	$(MAKE) $(jobs) test-build
	$(MAKE) --no-print-directory test-run

test-deps:
	@bash tools/install-test-deps.sh

test-build: all $(TEST_BINS) $(REPLAY_BINS) $(examples_BINS) $(tools_BINS)

# tools/run-tests.sh runs every suite and prints the closing "N passed, N failed, N skipped" line.
test-run:
	@BUILD=$(BUILD) CXX="$(CXX)" SUITES="$(SUITES)" bash tools/run-tests.sh $(TEST_BINS)

# The doctest suites of an existing build again, with every event loop on one backend
# (net/loop_backend.hpp). `make test` runs on the default, io_uring where the kernel offers it
# (else epoll, which the first loop says); test-epoll covers the other one.
test-epoll:
	@WIRE_LOOP=epoll BUILD=$(BUILD) CXX="$(CXX)" SUITES=doctest bash tools/run-tests.sh $(TEST_BINS)
test-uring:
	@WIRE_LOOP=uring BUILD=$(BUILD) CXX="$(CXX)" SUITES=doctest bash tools/run-tests.sh $(TEST_BINS)

SAN_ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SAN_TSAN := -fsanitize=thread
# The sanitizer and fuzz builds take -g1: their reports need function names, files and lines, which
# line tables give, and not local-variable descriptions, which cost a quarter of the compile time.
SAN_OPT  := -O1 -g1
asan:
	$(MAKE) $(jobs) BUILD=build-asan OPT="$(SAN_OPT)" SAN="$(SAN_ASAN)" test-build
	TEST_JOBS=$${TEST_JOBS:-1} ASAN_OPTIONS=detect_leaks=1 \
	  $(MAKE) --no-print-directory BUILD=build-asan SUITES=unit test-run
# tsan runs on epoll unless WIRE_LOOP says otherwise: bytes io_uring sends or receives never pass
# TSan's interceptors, so it would see races the kernel's ordering rules out (docs/DEVELOPING.md).
tsan:
	$(MAKE) $(jobs) BUILD=build-tsan OPT="$(SAN_OPT)" SAN="$(SAN_TSAN)" test-build
	WIRE_LOOP=$${WIRE_LOOP:-epoll} TEST_JOBS=$${TEST_JOBS:-1} \
	  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  $(MAKE) --no-print-directory BUILD=build-tsan SUITES=unit test-run

# ---------------------------------------------------------------- fuzzing (clang++)
.PHONY: fuzz fuzz-run
FUZZ_SECONDS ?= 20
FUZZ_BUILD   := build-fuzz
fuzz:
	$(MAKE) CXX=clang++ BUILD=$(FUZZ_BUILD) OPT="$(SAN_OPT)" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" libs $(FUZZ_BUILD)/libwire.a \
	  $(patsubst %,$(FUZZ_BUILD)/obj/fuzz/%.o,$(FUZZ_TARGETS))
	@mkdir -p $(FUZZ_BUILD)/fuzz
	@for t in $(FUZZ_TARGETS); do \
	  echo "link $$t"; \
	  clang++ -fsanitize=fuzzer,address,undefined $(FUZZ_BUILD)/obj/fuzz/$$t.o $(FUZZ_BUILD)/libwire.a $(FUZZ_LIBS) -pthread \
	    -o $(FUZZ_BUILD)/fuzz/$$t || exit 1; \
	done
fuzz-run: fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash tools/fuzz-run.sh $(FUZZ_BUILD)/fuzz $(FUZZ_TARGETS)

# ---------------------------------------------------------------- bench, demo
.PHONY: bench run run-cluster
bench: all bench-bins $(examples_BINS)
	@bash bench/run.sh

# PORT=9000 make run (or build/examples/demo --port 9000) picks another port.
run: $(BUILD)/examples/demo
	@exec $(BUILD)/examples/demo

# redis-server, three demo instances and nginx in front (tools/run-cluster.sh; PORT=N for nginx).
run-cluster: all $(examples_BINS)
	@BUILD=$(BUILD) bash tools/run-cluster.sh

# ---------------------------------------------------------------- checks
.PHONY: check-headers check-layers format
PUBLIC_HEADERS := $(sort $(foreach l,$(LAYERS),$(wildcard $(l)/*.hpp $(l)/detail/*.hpp)))
check-headers:
	@bash tools/check-headers.sh "$(CXX)" $(PUBLIC_HEADERS)
check-layers:
	@bash tools/check-layers.sh $(foreach l,$(LAYERS),$(l):$(subst $(space),$(comma),$(strip $(deps_$(l)))))
format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

# ---------------------------------------------------------------- install
.PHONY: install
install: all $(BUILD)/tools/wire-explain
	@PREFIX="$(PREFIX)" BUILD="$(BUILD)" LAYERS="$(foreach l,$(LAYERS),$(l):$(subst $(space),$(comma),$(strip $(deps_$(l)))))" bash tools/install.sh

.PHONY: clean
clean:
	rm -rf build build-asan build-tsan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
