#!/bin/sh
# Failures as JSON with -o json, and colour only where a person looks: a terminal, without NO_COLOR,
# or when asked for with --color=always.
. "$(dirname "$0")/lib.sh"

# json_error FILE STATUS: FILE is one line, a JSON object {"error": {"status": STATUS, "message": ...}}.
json_error() {
	python3 - "$1" "$2" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
e = json.loads(lines[0])
assert list(e) == ["error"] and sorted(e["error"]) == ["message", "status"], e
assert e["error"]["status"] == int(sys.argv[2]), e
assert e["error"]["message"] and not e["error"]["message"].startswith("msgadm:"), e
print(e["error"]["message"])
PY
}

test_expect_success 'with -o json a usage error is a JSON object on stderr, status 64' '
	expect_status 64 -o json user show &&
	json_error "$T/stderr" 64 >"$T/message" &&
	grep_in "$T/message" "user show: missing arguments" &&
	grep_in "$T/message" "usage: msgadm user show ID" &&
	test ! -s "$T/stdout"
'
test_expect_success 'with -o json a bad contexts file is a JSON object with status 78' '
	printf "contexts: 3\n" >"$MSGADM_CONFIG" && chmod 600 "$MSGADM_CONFIG" &&
	expect_status 78 user list --output=json &&
	json_error "$T/stderr" 78 >"$T/message" &&
	grep_in "$T/message" "config.yaml"
'
test_expect_success 'without -o json the same failure is one msgadm: line' '
	expect_status 78 user list &&
	grep -q "^msgadm: .*config.yaml" "$T/stderr" && test "$(wc -l <"$T/stderr")" -eq 1
'
test_expect_success '--color takes auto, always or never' '
	expect_status 64 --color=sometimes version &&
	grep_in "$T/stderr" "unknown --color value '\''sometimes'\'' (auto, always or never)" &&
	expect_status 0 --color never version
'

start_synapse_emu
emu POST /_emu/seed '{"users": [{"name": "@bob:example.test", "displayname": "bob"},
  {"name": "@erin:example.test", "displayname": "erin"}]}' >/dev/null
cat >"$T/policy.yaml" <<'YAML'
version: 1
server: example.test
users:
  manage: exclusive
  protect: [admin]
  list:
    - {id: judy, display_name: Judy Hopps}
    - {id: bob, display_name: Bob Builder}
YAML
ESC=$(printf '\033')

# on_tty CMD...: runs CMD with stdout on a pseudo-terminal (script(1)); its output to $T/tty.
on_tty() {
	script -qec "$*" /dev/null >"$T/tty" 2>&1 </dev/null
}

test_expect_success 'plan --color=always colours +, ~ and - lines even in a pipe' '
	expect_status 0 plan -f "$T/policy.yaml" --color=always &&
	grep_in "$T/stdout" "${ESC}[32m+ user judy${ESC}[0m" &&
	grep_in "$T/stdout" "${ESC}[33m~ user bob${ESC}[0m" &&
	grep_in "$T/stdout" "${ESC}[31m- user erin (deactivate" &&
	grep_in "$T/stdout" "Plan: 1 to add, 1 to change, 2 to deactivate/delete."
'
test_expect_success 'plan in a pipe, without --color, has no escape codes' '
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "  + user judy" &&
	not_in "$T/stdout" "$ESC"
'
test_expect_success 'plan on a terminal is coloured' '
	on_tty "\"$MSGADM\" plan -f \"$T/policy.yaml\"" &&
	grep_in "$T/tty" "${ESC}[32m+ user judy"
'
test_expect_success 'NO_COLOR, even empty, turns colour off on a terminal' '
	on_tty "NO_COLOR=1 \"$MSGADM\" plan -f \"$T/policy.yaml\"" &&
	grep_in "$T/tty" "+ user judy" && not_in "$T/tty" "$ESC" &&
	on_tty "NO_COLOR= \"$MSGADM\" plan -f \"$T/policy.yaml\"" &&
	grep_in "$T/tty" "+ user judy" && not_in "$T/tty" "$ESC"
'
test_expect_success '--color=never turns colour off on a terminal; -o json is never coloured' '
	on_tty "\"$MSGADM\" --color=never plan -f \"$T/policy.yaml\"" &&
	grep_in "$T/tty" "+ user judy" && not_in "$T/tty" "$ESC" &&
	expect_status 0 plan -f "$T/policy.yaml" -o json --color=always &&
	not_in "$T/stdout" "$ESC"
'
