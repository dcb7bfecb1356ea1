#!/bin/sh
# Malformed policies: each is refused with file:line:column: path: reason and the right exit status,
# by validate (offline: no request at all) and by apply -f --yes (nothing written, state unchanged).
. "$(dirname "$0")/lib.sh"
start_synapse_emu

emu POST /_emu/seed '{"users": [{"name": "@bob:example.test", "displayname": "bob"}],
 "registration_tokens": [{"token": "old-token", "uses_allowed": 5}]}' >/dev/null

emu_total() { emu GET /_emu/requests | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }

# Every bad file below also asks for real changes (a new user, bob renamed, old-token deleted, a new
# token), so an apply that ignored the error would visibly change the server.
body() {
	cat <<-'YAML'
	version: 1
	server: example.test
	users:
	  list:
	    - {id: newbie, display_name: New Bie}
	    - {id: bob, display_name: Bob Builder}
	invites:
	  tokens:
	    - {name: fresh, uses: 2}
	YAML
}

# bad_policy FILE STATUS MESSAGE...: validate and apply -f FILE --yes both exit STATUS and print every
# MESSAGE on stderr; validate sends no request; apply writes nothing and the live state is unchanged.
bad_policy() {
	f=$1 want=$2
	shift 2
	emu_state >"$T/before.json" && emu POST /_emu/requests/reset "" >/dev/null || return 1
	expect_status "$want" validate "$f" || return 1
	for m; do grep_in "$T/stderr" "$m" || return 1; done
	not_in "$T/stdout" ": valid" || return 1
	test "$(emu_total)" = 0 || { echo "validate talked to the server"; return 1; }
	expect_status "$want" apply -f "$f" --yes || return 1
	for m; do grep_in "$T/stderr" "$m" || return 1; done
	test "$(emu_writes)" = 0 || { echo "apply wrote to the server"; return 1; }
	emu_state >"$T/after.json" && cmp "$T/before.json" "$T/after.json"
}

test_expect_success 'malformed YAML (unclosed bracket): 65 with line:column' '
	{ body && echo "federation: {mode: allowlist, partners: [a.example"; } >"$T/unclosed.yaml" &&
	bad_policy "$T/unclosed.yaml" 65 \
		"unclosed.yaml:11:1: did not find expected '"','"' or '"']'"'" \
		"(while parsing a flow sequence at 10:41)"
'
test_expect_success 'duplicate keys: 65 naming both positions' '
	{ body && printf "federation:\n  mode: closed\n  mode: open\n"; } >"$T/dupkey.yaml" &&
	bad_policy "$T/dupkey.yaml" 65 "dupkey.yaml:12:3: duplicate key '"'mode'"' (first at 11:3)"
'
test_expect_success 'duplicate keys inside a flow mapping: 65 naming both positions' '
	body | sed "s/{id: newbie,/{id: newbie, id: other,/" >"$T/dupflow.yaml" &&
	bad_policy "$T/dupflow.yaml" 65 "dupflow.yaml:5:20: duplicate key '"'id'"' (first at 5:8)"
'
test_expect_success 'unknown field users.list[0].colour: 65 with its path' '
	body | sed "s/{id: newbie,/{id: newbie, colour: blue,/" >"$T/colour.yaml" &&
	bad_policy "$T/colour.yaml" 65 "colour.yaml:5:" "users.list[0].colour: unknown field '"'colour'"'"
'
# The place of an unknown field is its key: with a block value, the value starts on another line.
test_expect_success 'an unknown field with a nested value is reported at its key' '
	{ body && printf "telemetry:\n  endpoint: x\n"; } >"$T/telemetry.yaml" &&
	bad_policy "$T/telemetry.yaml" 65 "telemetry.yaml:10:1: telemetry: unknown field '"'telemetry'"'"
'
test_expect_success 'wrong types (admin: "yes", uses: "ten", version: 2): 65, every problem named' '
	body | sed -e "s/^version: 1/version: 2/" -e "s/Bob Builder}/Bob Builder, admin: \"yes\"}/" \
		-e "s/uses: 2}/uses: ten}/" >"$T/types.yaml" &&
	bad_policy "$T/types.yaml" 65 \
		"types.yaml:1:10: version: must be 1" \
		"types.yaml:6:51: users.list[1].admin: expected a boolean, got a string" \
		"types.yaml:9:27: invites.tokens[0].uses: expected an integer or null, got a string"
'
test_expect_success 'delete: true with fields to set, or on a protected account: 65 naming each place' '
	{ body | sed "s/{id: bob, display_name: Bob Builder}/{id: bob, display_name: Bob Builder, delete: true}/"; } >"$T/delete.yaml" &&
	bad_policy "$T/delete.yaml" 65 \
		"delete.yaml:6:" "users.list[1].display_name: '"'display_name'"' with delete: true: an account to delete has no fields to set" &&
	body | sed -e "s/^users:/users:\n  protect: [bob]/" -e "s/{id: bob, display_name: Bob Builder}/{id: bob, delete: true}/" >"$T/delprot.yaml" &&
	bad_policy "$T/delprot.yaml" 65 \
		"delprot.yaml:7:" "users.list[1].delete: '"'bob'"' is in users.protect (never changed) and cannot be deleted"
'
test_expect_success 'bad duration (max_lifetime: 30 days): 65 "not a duration"' '
	{ body && printf "retention:\n  default:\n    max_lifetime: 30 days\n"; } >"$T/duration.yaml" &&
	bad_policy "$T/duration.yaml" 65 \
		"duration.yaml:12:19: retention.default.max_lifetime: not a duration"
'
test_expect_success 'bad dates (2027-02-30, 2027-13-01): 65 for each' '
	{ body && echo "    - {name: feb, expires: 2027-02-30}" && echo "    - {name: mon, expires: 2027-13-01}"; } \
		>"$T/dates.yaml" &&
	bad_policy "$T/dates.yaml" 65 \
		"dates.yaml:10:28: invites.tokens[1].expires: not a valid date" \
		"dates.yaml:11:28: invites.tokens[2].expires: not a valid date"
'
test_expect_success 'a leap day is a date only in a leap year' '
	{ body && echo "    - {name: leap, expires: 2028-02-29}"; } >"$T/leap.yaml" &&
	expect_status 0 validate "$T/leap.yaml" &&
	{ body && echo "    - {name: leap, expires: 2027-02-29}"; } >"$T/noleap.yaml" &&
	bad_policy "$T/noleap.yaml" 65 "noleap.yaml:10:29: invites.tokens[1].expires: not a valid date"
'
test_expect_success 'bad e-mail: 65 "not an e-mail address"' '
	body | sed "s/display_name: New Bie}/display_name: New Bie, email: newbie-at-example.test}/" \
		>"$T/email.yaml" &&
	bad_policy "$T/email.yaml" 65 "email.yaml:5:50: users.list[0].email: not an e-mail address"
'
test_expect_success 'the same user id twice in users.list: 65 naming the first place' '
	body | sed "s/^    - {id: bob, display_name: Bob Builder}/&\n    - {id: newbie}/" >"$T/dupuser.yaml" &&
	bad_policy "$T/dupuser.yaml" 65 \
		"dupuser.yaml:7:12: users.list[2].id: user '"'newbie'"' is listed twice (first at 5:12)"
'
test_expect_success 'more than one YAML document: 65' '
	{ body && echo "---" && body; } >"$T/multi.yaml" &&
	bad_policy "$T/multi.yaml" 65 "multi.yaml:10:1: more than one YAML document"
'
test_expect_success 'alias bomb (billion laughs): 65, quickly' '
	{ body && echo "x:" && echo "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]" &&
	  for l in b c d e f g h i; do
		p=$(printf "%s" "$l" | tr b-i a-h) &&
		echo "  $l: &$l [*$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p]" || exit 1
	  done; } >"$T/bomb.yaml" &&
	timeout 2 "$MSGADM" validate "$T/bomb.yaml" >"$T/stdout" 2>"$T/stderr"; rc=$? &&
	test $rc = 65 || { echo "validate: exit $rc (124: still running after 2s)"; cat "$T/stderr"; exit 1; }
	grep_in "$T/stderr" "bomb.yaml:" && grep_in "$T/stderr" "too many alias expansions" &&
	timeout 2 "$MSGADM" apply -f "$T/bomb.yaml" --yes >"$T/stdout" 2>"$T/stderr"; rc=$? &&
	test $rc = 65 || { echo "apply: exit $rc (124: still running after 2s)"; cat "$T/stderr"; exit 1; }
	grep_in "$T/stderr" "too many alias expansions" &&
	test "$(emu_writes)" = 0
'
test_expect_success 'nesting thousands deep: 65, no crash' '
	{ body && python3 -c "print(\"x: \" + \"[\" * 50000 + \"]\" * 50000)"; } >"$T/deep.yaml" &&
	bad_policy "$T/deep.yaml" 65 "deep.yaml:10:" "nesting deeper than"
'
test_expect_success 'empty file: 65 naming it' '
	: >"$T/empty.yaml" &&
	bad_policy "$T/empty.yaml" 65 "empty.yaml: empty document"
'
test_expect_success 'a file with only comments is empty too: 65' '
	printf "# nothing yet\n\n" >"$T/comments.yaml" &&
	bad_policy "$T/comments.yaml" 65 "comments.yaml: empty document"
'
test_expect_success 'missing file: 66 naming it' '
	bad_policy "$T/nosuch.yaml" 66 "nosuch.yaml: No such file or directory"
'
test_expect_success 'several files, one bad: 65, a message for each, valid ones say so' '
	body >"$T/good.yaml" &&
	expect_status 65 validate "$T/good.yaml" "$T/email.yaml" "$T/dupkey.yaml" &&
	grep_in "$T/stdout" "$T/good.yaml: valid" &&
	grep_in "$T/stderr" "email.yaml:5:50: users.list[0].email: not an e-mail address" &&
	grep_in "$T/stderr" "dupkey.yaml:12:3: duplicate key" &&
	not_in "$T/stdout" "email.yaml: valid"
'
test_expect_success 'several files, one missing: the worst status (66) and every message' '
	expect_status 66 validate "$T/email.yaml" "$T/nosuch.yaml" "$T/good.yaml" &&
	grep_in "$T/stderr" "email.yaml:5:50: users.list[0].email: not an e-mail address" &&
	grep_in "$T/stderr" "nosuch.yaml: No such file or directory" &&
	grep_in "$T/stdout" "$T/good.yaml: valid"
'
test_expect_success 'validate needs at least one file: 64' '
	expect_status 64 validate && grep_in "$T/stderr" "usage: msgadm validate"
'
test_expect_success 'a valid file prints "FILE: valid", offline' '
	emu POST /_emu/requests/reset "" >/dev/null &&
	expect_status 0 validate "$T/good.yaml" &&
	test "$(cat "$T/stdout")" = "$T/good.yaml: valid" &&
	test ! -s "$T/stderr" &&
	test "$(emu_total)" = 0
'
test_expect_success 'validate works with no contexts file at all' '
	export MSGADM_CONFIG="$T/none.yaml" && expect_status 0 validate "$T/good.yaml"
'
# The control: the body the bad files share does change the server, so the checks above could fail.
test_expect_success 'the same policy without the mistake applies its changes' '
	expect_status 0 apply -f "$T/good.yaml" --yes &&
	emu_state >"$T/state.json" &&
	python3 -c "
import json, sys
s = json.load(open(sys.argv[1]))
assert s[\"users\"][\"@newbie:example.test\"][\"displayname\"] == \"New Bie\"
assert s[\"users\"][\"@bob:example.test\"][\"displayname\"] == \"Bob Builder\"
assert [t[\"token\"] for t in s[\"registration_tokens\"]] == [\"fresh\"], s[\"registration_tokens\"]
" "$T/state.json"
'
