# SSTS - unit tests: one cmocka program per lib/ module,
# tests/unit/test_<module>.c, built into $(BUILD)/tests/test_<module>.
# Included by the top Makefile.  "make unit" builds and runs them all,
# prints "name... ok|FAIL" (with the program's output on failure) and
# fails if any failed.

UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: unit unit-build
unit-build: $(UNIT_BINS)

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
		printf '%s... ' "$${t##*/}"; \
		if "$$t" >"$$t.log" 2>&1; then \
			echo ok; \
		else \
			echo FAIL; sed 's/^/    /' "$$t.log"; fail=1; \
		fi; \
	done; exit $$fail

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB) lib/ssts.h
	@mkdir -p $(@D)
	@echo "LD $@"
	@$(CC) $(CFLAGS_ALL) $< -o $@ $(LIB) $(LDLIBS_ALL) -lcmocka
