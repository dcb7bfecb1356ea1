#!/bin/sh
# On a terminal, apply asks; only "yes" goes ahead. script(1) gives msgadm a pseudo-terminal.
. "$(dirname "$0")/lib.sh"
start_synapse_emu
cat >"$T/policy.yaml" <<'YAML'
version: 1
server: example.test
users:
  list:
    - {id: zoe, display_name: Zoe}
YAML

on_tty() { # on_tty ANSWER msgadm-args...
	answer=$1
	shift
	printf '%s\n' "$answer" | script -qec "$MSGADM $*" /dev/null >"$T/stdout" 2>&1
}

test_expect_success 'answering no on a terminal changes nothing' '
	on_tty no apply -f "$T/policy.yaml"; rc=$? &&
	test "$rc" -eq 1 &&
	grep_in "$T/stdout" "Apply these changes?" &&
	grep_in "$T/stdout" "apply cancelled; nothing was changed" &&
	test "$(emu_writes)" = 0
'
test_expect_success 'answering yes on a terminal applies' '
	on_tty yes apply -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "Apply: 1 change, 0 failed." &&
	emu_state | grep -q "@zoe:example.test"
'
