# SSTS - libFuzzer harnesses (SECURITY.md §5), included by the top
# Makefile.  The lib/ sources a harness needs are compiled again with
# clang and the same sanitizer flags (not linked from $(LIB)).
#
#   make fuzz-build   build $(BUILD)/fuzz/fuzz-<name> for every
#                     tests/fuzz/fuzz-<name>.c
#   make fuzz-smoke   run each for FUZZ_SECONDS (default 15)
#   make fuzz         run each for FUZZ_SECONDS (default 600), or, with
#                     FUZZ_RUNS=N, for N executions each (-runs=N, no
#                     time limit): the campaign of tests/fuzz/README.md
#
# FUZZ_NAMES=<name> on the command line picks one harness, e.g.
# `make fuzz FUZZ_NAMES=cookie FUZZ_RUNS=10000000`.
#
# Runs start from a scratch copy of tests/fuzz/corpus/<name> under
# $(BUILD)/fuzz/work, so the committed corpus is never modified; a
# crash input lands in $(BUILD)/fuzz/work/crash-* and fails make.

FUZZ_CC		?= clang-14
FUZZ_SAN	 = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# lib/vault.c's chunk is 64 KiB; 512 bytes here (fuzz-vault.c explains).
FUZZ_VAULT_CHUNK = 512
FUZZ_CFLAGS	 = $(CSTD) -g -O1 $(FUZZ_SAN) $(WARN) -Wno-unused-function \
		   -DVAULT_CHUNK=$(FUZZ_VAULT_CHUNK) $(CPPFLAGS_ALL)
FUZZ_LIBS	 = -lcjson -lsodium -lcrypto
# fuzz-html renders through lib/tmpl.c, i.e. ClearSilver (static, not
# instrumented), linked as the Makefile's LDLIBS_ALL does.
FUZZ_CS_LIBS	 = -lneo_cgi -lneo_cs -lneo_utl -lz
# One harness per tests/fuzz/fuzz-<name>.c, with corpus/<name>/ and <name>.dict.
FUZZ_NAMES	 = $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_LIBSRC	 = arena buf kv form cookie jsonbody valid util b64url jwt \
		   multipart filename vault
FUZZ_OBJS	 = $(patsubst %,$(BUILD)/fuzz/obj/%.o,$(FUZZ_LIBSRC))
FUZZ_ROUTE_OBJS	 = $(FUZZ_OBJS) $(BUILD)/fuzz/obj/gate.o
FUZZ_HTML_OBJS	 = $(FUZZ_OBJS) $(BUILD)/fuzz/obj/tmpl.o
FUZZ_BINS	 = $(patsubst %,$(BUILD)/fuzz/fuzz-%,$(FUZZ_NAMES))
FUZZ_RUNFLAGS	 = -timeout=2 -rss_limit_mb=2048 -max_len=8192 \
		   -print_final_stats=1

.PHONY: fuzz-build fuzz-smoke fuzz
.SECONDARY: $(FUZZ_OBJS) $(FUZZ_ROUTE_OBJS) $(FUZZ_HTML_OBJS)
fuzz-build: $(FUZZ_BINS)

$(BUILD)/fuzz/obj/%.o: lib/%.c lib/*.h tests/fuzz/fuzz.mk
	@mkdir -p $(@D)
	@echo "FUZZCC $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(BUILD)/fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz-common.h $(FUZZ_OBJS)
	@mkdir -p $(@D)
	@echo "FUZZLD $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_OBJS) -o $@ $(FUZZ_LIBS)

# fuzz-route also needs lib/gate.c; the resp/sess/log functions that
# gate.c's req_gate() calls are link stubs inside the harness.  This
# explicit rule takes precedence over the pattern rule above.
$(BUILD)/fuzz/fuzz-route: tests/fuzz/fuzz-route.c tests/fuzz/fuzz-common.h \
    $(FUZZ_ROUTE_OBJS)
	@mkdir -p $(@D)
	@echo "FUZZLD $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_ROUTE_OBJS) -o $@ $(FUZZ_LIBS)

# fuzz-html also needs lib/tmpl.c and ClearSilver (explicit rule too).
$(BUILD)/fuzz/fuzz-html: tests/fuzz/fuzz-html.c tests/fuzz/fuzz-common.h \
    $(FUZZ_HTML_OBJS)
	@mkdir -p $(@D)
	@echo "FUZZLD $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_HTML_OBJS) -o $@ $(FUZZ_LIBS) \
	    $(FUZZ_CS_LIBS)

# $(call fuzz_run,label,limit flag): run every harness; fail on the
# first crash.
define fuzz_run
	@for n in $(FUZZ_NAMES); do \
		w=$(BUILD)/fuzz/work/$$n; \
		rm -rf "$$w"; mkdir -p "$$w/corpus"; \
		cp tests/fuzz/corpus/$$n/* "$$w/corpus/"; \
		printf 'fuzz-%s (%s)... ' "$$n" "$(1)"; \
		if $(BUILD)/fuzz/fuzz-$$n $(FUZZ_RUNFLAGS) \
		    $(2) -dict=tests/fuzz/$$n.dict \
		    -artifact_prefix="$$w/" "$$w/corpus" >"$$w/log" 2>&1; then \
			echo "ok, $$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$$w/log") runs"; \
		else \
			echo FAIL; tail -n 40 "$$w/log"; ls "$$w"/crash-* "$$w"/leak-* \
			    "$$w"/timeout-* "$$w"/oom-* 2>/dev/null; exit 1; \
		fi; \
	done
endef

fuzz-smoke: $(FUZZ_BINS)
	$(call fuzz_run,$(or $(FUZZ_SECONDS),15)s,-max_total_time=$(or $(FUZZ_SECONDS),15))

fuzz: $(FUZZ_BINS)
ifneq ($(FUZZ_RUNS),)
	$(call fuzz_run,$(FUZZ_RUNS) runs,-runs=$(FUZZ_RUNS))
else
	$(call fuzz_run,$(or $(FUZZ_SECONDS),600)s,-max_total_time=$(or $(FUZZ_SECONDS),600))
endif
