# msgadm — see README.md. `make check` and `make demo` install missing Debian packages first.
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
SAN     ?=

CC      ?= cc
PKGS     = libcurl jansson yaml-0.1
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Icli -Icli/drivers
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcurl -ljansson -lyaml) -lreadline -lcrypto -lm
ifeq ($(SAN),1)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRCS  = $(wildcard cli/*.c cli/drivers/*.c commands/*.c)
LIB_SRCS := $(filter-out cli/main.c,$(LIB_SRCS))
SCHEMAS   = policy config
LIB_OBJS  = $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) $(SCHEMAS:%=$(BUILD)/obj/gen/%_schema.o)
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
TOOL_BINS = $(BUILD)/tests/tools/json-validate $(BUILD)/tests/tools/ej-reply-map

.SECONDARY:
.PHONY: all deps check test unit e2e demo bench install completions man clean format

all: $(BUILD)/msgadm

deps:
	@scripts/install-deps

# The schemas are the one truth: the binary embeds them.
$(BUILD)/gen/%_schema.c: schemas/%.schema.json scripts/embed
	@mkdir -p $(dir $@)
	scripts/embed $*_schema_text $< $@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c $(wildcard cli/*.h cli/drivers/*.h commands/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libmsgadm.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/msgadm: $(BUILD)/obj/cli/main.o $(BUILD)/libmsgadm.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Test-only tools (never installed): e.g. json-validate holds lint's SARIF to the official schema.
$(BUILD)/tests/tools/%: tests/tools/%.c $(BUILD)/libmsgadm.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libmsgadm.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libmsgadm.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libmsgadm.a $(LDLIBS) -lcmocka

# The test suite: sanitized build, unit tests then end-to-end tests, one summary line at the end.
check: deps
	$(MAKE) BUILD=build/asan SAN=1 test

test: $(BUILD)/msgadm $(UNIT_BINS) $(TOOL_BINS)
	tests/run BUILD=$(BUILD)

unit: $(UNIT_BINS)
	tests/run BUILD=$(BUILD) --only unit

e2e: $(BUILD)/msgadm $(TOOL_BINS)
	tests/run BUILD=$(BUILD) --only e2e

demo: deps
	$(MAKE) all
	scripts/demo $(BUILD)/msgadm

bench: deps
	$(MAKE) all
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
	clang-format -i cli/*.c cli/*.h cli/drivers/*.[ch] commands/*.[ch] tests/unit/*.[ch]

clean:
	rm -rf build
