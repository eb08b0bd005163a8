# StoffelVM-C build.  `make` builds the library and tools into build/,
# `make test` runs the whole suite, `make asan` the suite under ASan+UBSan.
#
#   DISPATCH=switch   use the portable switch dispatch instead of computed goto
#   BUILD=dir         output directory (default build)

SHELL    := /bin/bash
CC       ?= cc
BUILD    ?= build
# One spelling of the build directory: an absolute path inside the tree
# (the pip build backend, the install test) becomes relative, so the
# dependency files name the same targets whoever invoked make.
override BUILD := $(patsubst $(CURDIR)/%,%,$(abspath $(BUILD)))
DISPATCH ?= goto
OPT      ?= -O2
CSTD      = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS   ?= $(OPT) -g
# -fvisibility=hidden: the shared library exports only what include/*.h mark
# ST_API (tests/run.py "api/exports" checks it).
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -fPIC -fvisibility=hidden -pthread -Iinclude -Isrc
ifeq ($(DISPATCH),switch)
ALL_CFLAGS += -DST_DISPATCH_SWITCH
endif
LDLIBS   = -lsodium -lssl -lcrypto -lsecp256k1 -lsqlite3 -lffi -ldl -lm -pthread
TEST_LDLIBS = -lgmp
# The command-line tools take OpenSSL from Debian's static archives:
# loading libssl/libcrypto dynamically costs about 0.5 ms at every start,
# a third of an empty run (docs/architecture.md).  The library links it
# dynamically.  libsodium, libsecp256k1, SQLite and libffi too: loading
# those four cost about 0.5 ms of CPU per start (issue 19).
TOOL_LDLIBS = -Wl,-Bstatic -lsodium -lssl -lcrypto -lsecp256k1 -lsqlite3 -lffi -Wl,-Bdynamic -ldl -lm -pthread

# Every module directory under src/ except the command-line tools.
LIB_SRCS := $(filter-out src/cli/%,$(wildcard src/*/*.c))
LANG_TOOL_SRCS := src/cli/stoffellang.c src/cli/stoffel.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
TOOLS    := $(patsubst src/cli/%.c,stoffel-%,$(filter-out $(LANG_TOOL_SRCS),$(wildcard src/cli/*.c)))
TOOL_BINS := $(TOOLS:%=$(BUILD)/%)
# The StoffelLang compiler and the project driver keep upstream's names.
LANG_TOOLS := stoffellang stoffel
TOOL_BINS += $(LANG_TOOLS:%=$(BUILD)/%)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all lib tools tests test format asan valgrind switch-test gc-stress clean bench bench-mpc bench-field bench-net bench-rbc bench-preproc-robust bench-crypto bench-mpc-scale bench-compare bench-procs bench-lang bench-avss fuzz fuzz-build install deps demo
all: lib tools tests

# Debian packages the build and tests need (no-op when already installed).
deps:
	@bash scripts/install-deps.sh

# The quick-start example: a secret average over three clients' inputs,
# computed by four parties (threads of one process) on secret shares.
demo: deps
	@$(MAKE) --no-print-directory -s tools
	$(BUILD)/stoffel-run examples/salary_average.s --local-mpc --n-parties 4 --threshold 1 \
	    --inputs 52000,61000,58000

lib: $(BUILD)/libstoffel_vm.a $(BUILD)/libstoffel_vm.so
tools: $(TOOL_BINS)
tests: $(UNIT_BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libstoffel_vm.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libstoffel_vm.so: $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,libstoffel_vm.so.$(SOVERSION) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/stoffel-%: src/cli/%.c $(BUILD)/libstoffel_vm.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(TOOL_LDLIBS)

$(BUILD)/stoffellang $(BUILD)/stoffel: $(BUILD)/%: src/cli/%.c $(BUILD)/libstoffel_vm.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(TOOL_LDLIBS)
# --list-builtins: the one-line summaries of docs/builtins.md as a C table
$(BUILD)/gen/builtin_docs.h: docs/builtins.md scripts/gen-builtin-docs.awk
	@mkdir -p $(dir $@)
	awk -f scripts/gen-builtin-docs.awk docs/builtins.md > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/src/api/stoffel_api_builtins.o: $(BUILD)/gen/builtin_docs.h
$(BUILD)/obj/src/api/stoffel_api_builtins.o: ALL_CFLAGS += -I$(BUILD)/gen

# test binaries also depend on the shared test headers (unit.h, mpc_sim.h)
$(UNIT_BINS): $(wildcard tests/unit/*.h)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libstoffel_vm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS) $(TEST_LDLIBS)

# The whole suite: unit tests, golden programs, CLI checks.
test: deps
	@$(MAKE) --no-print-directory all
	python3 tests/run.py --build $(BUILD)

# Same suite with AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build-asan OPT=-O1 \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" test

# Unit tests, golden programs and CLI checks under valgrind (memcheck: errors
# and definite leaks fail a test).  Slow; not part of CI.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
valgrind: deps
	@$(MAKE) --no-print-directory all
	python3 tests/run.py --build $(BUILD) --timeout 600 --wrap "$(VALGRIND)" --filter $(or $(VG_FILTER),/)

# Same suite with the portable switch dispatch.
# The golden programs with a collection at every safe point (ST_GC_STRESS):
# a value the interpreter forgot to root is freed at once.
gc-stress:
	$(MAKE) BUILD=build-gcstress EXTRA_CFLAGS="$(EXTRA_CFLAGS) -DST_GC_STRESS=1" all
	@# A million spawned processes (spawn_many) or 280,000 (table_churn) with a
	@# collection at every safe point would take hours; the normal runs check
	@# those programs.
	python3 tests/run.py --build build-gcstress --filter golden/ --exclude golden/process/spawn_many \
	  --exclude golden/process/table_churn

# One formatting style (.clang-format, tuned with clang-format 14); the
# suite's conventions/format check fails on an unformatted file.
format:
	git ls-files '*.c' '*.h' | xargs clang-format -i --style=file

switch-test:
	$(MAKE) BUILD=build-switch DISPATCH=switch test

# Benchmarks against Lua 5.4, LuaJIT -joff and CPython (docs/benchmarks.md).
# BENCH_ARGS passes options to the runner, e.g. BENCH_ARGS="--runs 3 --filter fib".
bench: deps
	@bash scripts/install-bench-peers.sh
	@$(MAKE) --no-print-directory all
	python3 bench/run.py --build $(BUILD) $(BENCH_ARGS)
	@# BENCH_ARGS are the interpreter runner's; the others run with their defaults
	@$(MAKE) --no-print-directory bench-mpc bench-field bench-net bench-rbc bench-crypto bench-mpc-scale bench-compare bench-lang bench-avss BENCH_ARGS=
	@$(MAKE) --no-print-directory bench-procs

# Processes against Erlang/OTP: a ring, mass spawning, idle memory (docs/processes.md).
bench-procs: tools
	python3 bench/procs.py --build $(BUILD)

# StoffelLang: compile time of every upstream example (when ../shared is
# there), the compiled twins bench/*.stfl against the hand-written bench/*.s,
# and per example its instruction count and online MPC rounds.
bench-lang: all
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/lang_bench bench/lang_bench.c $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS)
	@if [ -d ../shared/stoffellang/examples ]; then $(BUILD)/lang_bench ../shared/stoffellang/examples; \
	 else echo "bench-lang: ../shared/stoffellang is absent, compile times skipped"; fi
	python3 bench/lang_twins.py --build $(BUILD)
	python3 bench/lang_examples.py --build $(BUILD)

# Field arithmetic: ns per operation, with plain GMP in the same run.
bench-field: lib
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/field_bench bench/field_bench.c $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS) -lgmp
	$(BUILD)/field_bench 5000000

# Curve groups: microseconds per operation (docs/crypto.md).
bench-crypto: lib
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/crypto_bench bench/crypto_bench.c $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS)
	$(BUILD)/crypto_bench $(BENCH_ARGS)

# MPC engine throughput (4 parties as threads, BLS12-381 Fr): docs/mpc.md.
bench-mpc: lib
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/mpc_bench bench/mpc_bench.c $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS)
	$(BUILD)/mpc_bench $(BENCH_ARGS)

# Secret comparisons and equality tests (4 parties as threads): docs/mpc.md.
bench-compare: lib tools
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/compare_bench bench/compare_bench.c $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS)
	$(BUILD)/compare_bench $(BENCH_ARGS)
	python3 bench/compare_lang.py --build $(BUILD)

# Networked MPC (4 parties as processes, TLS on 127.0.0.1): docs/network.md.
bench-net: lib
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/net_bench bench/net_bench.c $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS)
	$(BUILD)/net_bench $(BENCH_ARGS)

# The AVSS backend: share+verify, DKG and signing, n=4 and n=7: docs/avss.md.
bench-avss: lib
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/avss_bench bench/avss_bench.c $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS)
	$(BUILD)/avss_bench $(BENCH_ARGS)

# Reliable broadcast (Rbc.*), n=4 and n=7, threads and TLS processes: docs/storage.md.
bench-rbc: lib
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/rbc_bench bench/rbc_bench.c $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS)
	$(BUILD)/rbc_bench $(BENCH_ARGS)

# Preprocessing with cheating parties, n = 16 and 31: docs/benchmarks.md.
bench-preproc-robust: lib
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $(BUILD)/preproc_robust_bench bench/preproc_robust_bench.c $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS)
	$(BUILD)/preproc_robust_bench $(BENCH_ARGS)

# MPC scaling with n (4..31, in process and over TLS) and peak RSS per party
# for 1 million preprocessed triples: docs/benchmarks.md.
bench-mpc-scale: lib
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/mpc_bench bench/mpc_bench.c $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS)
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/net_bench bench/net_bench.c $(BUILD)/libstoffel_vm.a $(LDFLAGS) $(LDLIBS)
	$(BUILD)/mpc_bench --scale 1
	$(BUILD)/net_bench --scale 1
	$(BUILD)/mpc_bench --triples-rss 1000000
	$(BUILD)/net_bench --triples-rss 1000000

# libFuzzer targets (clang): each runs FUZZ_TIME seconds on its seed corpus,
# FUZZ_JOBS of them at a time (one core each; CI uses 2).
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 1
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
  -fsanitize-coverage-ignorelist=fuzz/coverage_ignore.txt
fuzz-build:
	$(MAKE) BUILD=build-fuzz CC=clang OPT=-O1 EXTRA_CFLAGS="$(FUZZ_FLAGS)" lib
	@# one rule per target, so make -j links them in parallel
	@$(MAKE) --no-print-directory $(addprefix build-fuzz/,$(FUZZ_TARGETS))
build-fuzz/fuzz_%: fuzz/fuzz_%.c build-fuzz/libstoffel_vm.a $(wildcard fuzz/*.h)
	clang $(CSTD) -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc $< \
	  build-fuzz/libstoffel_vm.a $(LDLIBS) -o $@
fuzz: deps fuzz-build
	@mkdir -p build-fuzz/corpus-asm build-fuzz/corpus-bin
	@cp -n ../shared/fixtures/stoffel-vm/*.stflb build-fuzz/corpus-bin/ 2>/dev/null || true
	@cp -n examples/*.s build-fuzz/corpus-asm/ 2>/dev/null || true
	@find tests/golden -name '*.s' | head -200 | while read f; do cp -n "$$f" build-fuzz/corpus-asm/$$(echo $$f | tr / _); done
	@mkdir -p build-fuzz/corpus-lang && cp -n tests/lang/*.stfl build-fuzz/corpus-lang/ 2>/dev/null || true
	bash scripts/fuzz-smoke.sh $(FUZZ_TIME) $(FUZZ_JOBS) $(FUZZ_TARGETS)

# Install headers, libraries, tools and stoffel_vm.pc (docs/embedding.md):
#   make install [PREFIX=/usr/local] [DESTDIR=staging-dir]
PREFIX    ?= /usr/local
LIBDIR    ?= $(PREFIX)/lib
MANDIR    ?= $(PREFIX)/share/man
# the one version: include/stoffel.h's STOFFEL_VERSION_MAJOR/MINOR/PATCH
VERSION   := $(shell awk '/^\#define STOFFEL_VERSION_(MAJOR|MINOR|PATCH) /{v = v (v == "" ? "" : ".") $$3} END{print v}' include/stoffel.h)
SOVERSION  = 0
install: lib tools
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR)/pkgconfig
	install -m 644 include/stoffel_vm.h include/stoffel.h include/stoffellang.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(BUILD)/libstoffel_vm.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(BUILD)/libstoffel_vm.so $(DESTDIR)$(LIBDIR)/libstoffel_vm.so.$(VERSION)
	ln -sf libstoffel_vm.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libstoffel_vm.so.$(SOVERSION)
	ln -sf libstoffel_vm.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libstoffel_vm.so
	install -m 755 $(TOOL_BINS) $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	  -e 's|@LIBS@|$(LDLIBS)|' stoffel_vm.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/stoffel_vm.pc

clean:
	rm -rf build build-asan build-switch build-fuzz

-include $(LIB_OBJS:.o=.d)
