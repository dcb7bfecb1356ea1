# msgadm — see README.md. `make check` and `make demo` install missing Debian packages first.
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
SAN     ?=
V       ?= 0

CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS     = libcurl jansson yaml-0.1

# The project's own flags stay apart from the user's CPPFLAGS, CFLAGS, LDFLAGS and LDLIBS, so that
# `make CFLAGS='-O0 -g'` changes the optimisation and keeps the warnings and include paths. Parts
# include each other's headers by folder ("engine/plan.h"): -Icli is the only include path.
MSG_CPPFLAGS = -Icli -D_GNU_SOURCE
MSG_CFLAGS   = -std=c11 -pthread -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -MMD -MP
MSG_LDLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcurl -ljansson -lyaml) \
	       -lldap -llber -lreadline -lssl -lcrypto -lm -pthread
ifeq ($(SAN),1)
SAN_FLAGS    = -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
COMPILE = $(CC) $(MSG_CPPFLAGS) $(CPPFLAGS) $(MSG_CFLAGS) $(CFLAGS) $(SAN_FLAGS)
LINK    = $(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS)

# Quiet by default ("  CC      cli/engine/plan.c"); `make V=1` prints every command line.
quiet = $(if $(V:0=),,@printf '  %-7s %s\n' '$(1)' '$(2)';)

# Parallel by default for the targets that build and then run something: the sub-make gets -j
# unless the caller already gave one (then the jobserver is shared).
NPROC  := $(shell nproc 2>/dev/null || echo 2)
SUBJOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC))

LIB_SRCS  = $(filter-out cli/main.c,$(wildcard cli/*.c cli/*/*.c commands/*.c))
SCHEMAS   = policy config
LIB_OBJS  = $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) $(SCHEMAS:%=$(BUILD)/obj/gen/%_schema.o)
MAIN_OBJ  = $(BUILD)/obj/cli/main.o
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
TOOL_BINS = $(BUILD)/tests/tools/json-validate $(BUILD)/tests/tools/ej-reply-map

.SECONDARY:
.DELETE_ON_ERROR:
.PHONY: all deps check test test-build unit e2e demo bench install completions man clean format

all: $(BUILD)/msgadm

deps:
	@scripts/install-deps

# The schemas are the one truth: the binary embeds them.
$(BUILD)/gen/%_schema.c: schemas/%.schema.json scripts/embed
	@mkdir -p $(dir $@)
	$(call quiet,GEN,$@)scripts/embed $*_schema_text $< $@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(COMPILE) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(COMPILE) -c -o $@ $<

$(BUILD)/libmsgadm.a: $(LIB_OBJS)
	$(call quiet,AR,$@)rm -f $@ && ar rcs $@ $^

$(BUILD)/msgadm: $(MAIN_OBJ) $(BUILD)/libmsgadm.a
	$(call quiet,LINK,$@)$(LINK) -o $@ $^ $(MSG_LDLIBS) $(LDLIBS)

# Test-only tools (never installed): e.g. json-validate holds lint's SARIF to the official schema.
$(BUILD)/tests/tools/%: tests/tools/%.c $(BUILD)/libmsgadm.a
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(COMPILE) $(LDFLAGS) -o $@ $< $(BUILD)/libmsgadm.a $(MSG_LDLIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libmsgadm.a
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(COMPILE) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libmsgadm.a \
		$(MSG_LDLIBS) $(LDLIBS) -lcmocka

# Header dependencies, written by the compiler (-MMD -MP) next to each object and test binary.
-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_BINS:=.d) $(TOOL_BINS:=.d)

# The test suite: sanitized build, unit tests then end-to-end tests, one summary line at the end.
check: deps
	$(MAKE) $(SUBJOBS) BUILD=build/asan SAN=1 test

test-build: $(BUILD)/msgadm $(UNIT_BINS) $(TOOL_BINS)

test: test-build
	tests/run BUILD=$(BUILD)

unit: $(UNIT_BINS)
	tests/run BUILD=$(BUILD) --only unit

e2e: $(BUILD)/msgadm $(TOOL_BINS)
	tests/run BUILD=$(BUILD) --only e2e

demo: deps
	$(MAKE) $(SUBJOBS) all
	scripts/demo $(BUILD)/msgadm

bench: deps
	$(MAKE) $(SUBJOBS) all
	bench/run $(BUILD)/msgadm

install: $(BUILD)/msgadm
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(BUILD)/msgadm $(DESTDIR)$(PREFIX)/bin/msgadm
	for f in man/*.1; do [ -e "$$f" ] && install -m 644 $$f $(DESTDIR)$(PREFIX)/share/man/man1/; done; true
	for f in man/*.5; do [ -e "$$f" ] && install -m 644 $$f $(DESTDIR)$(PREFIX)/share/man/man5/; done; true
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	[ ! -e completions/msgadm.bash ] || install -m 644 completions/msgadm.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/msgadm
	[ ! -e completions/_msgadm ] || install -m 644 completions/_msgadm $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_msgadm
	[ ! -e completions/msgadm.fish ] || install -m 644 completions/msgadm.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/msgadm.fish

# The shell completions are generated from the command table; t0120 fails when these drift.
completions: $(BUILD)/msgadm
	$(BUILD)/msgadm completion bash >completions/msgadm.bash
	$(BUILD)/msgadm completion zsh >completions/_msgadm
	$(BUILD)/msgadm completion fish >completions/msgadm.fish

# The synopsis in man/msgadm.1 (and each command's .It line) is generated from the command table;
# t0130 fails when the page drifts from it.
man: $(BUILD)/msgadm
	scripts/man-sync $(BUILD)/msgadm man/msgadm.1 >man/msgadm.1.new
	mv man/msgadm.1.new man/msgadm.1

format:
	clang-format -i $(wildcard cli/*.[ch] cli/*/*.[ch] commands/*.[ch] tests/unit/*.[ch] tests/tools/*.c)

clean:
	rm -rf build
