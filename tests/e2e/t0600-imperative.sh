#!/bin/sh
# Imperative commands against the Synapse emulator: user list/show/create/update/deactivate/reactivate,
# invite create/list/revoke, server info. Each checks the exit status, the message and the live state.
. "$(dirname "$0")/lib.sh"
start_synapse_emu

emu POST /_emu/seed '{"users": [
  {"name": "@alice:example.test", "password": "alice-secret"},
  {"name": "@bob:example.test", "displayname": "Bob", "threepids": [{"medium": "email", "address": "bob@example.test"}]},
  {"name": "@dave:example.test", "displayname": "Dave", "deactivated": true}]}' >/dev/null

reset_requests() { emu POST /_emu/requests/reset "" >/dev/null; }
no_writes() { w=$(emu_writes) && test "$w" = 0 || { echo "the server saw $w writes"; return 1; }; }
# st PYTHON-EXPR: asserts an expression over s, the emulator's /_emu/state
st() {
	emu_state >"$T/state.json" &&
	python3 -c "import json, sys; s = json.load(open(sys.argv[1])); u = s['users']
toks = {t['token']: t for t in s['registration_tokens']}
assert ($1), json.dumps(s, indent=1)" "$T/state.json"
}

test_expect_success 'user list: a table of every account, deactivated ones included' '
	expect_status 0 user list &&
	grep -Eq "^ID +DISPLAY NAME +ADMIN +ACTIVE" "$T/stdout" &&
	grep -Eq "^admin +Admin +yes +yes" "$T/stdout" &&
	grep -Eq "^bob +Bob +no +yes" "$T/stdout" &&
	grep -Eq "^dave +Dave +no +no" "$T/stdout" &&
	test "$(grep -c . "$T/stdout")" = 5
'
test_expect_success 'user list -o json parses and includes deactivated users' '
	expect_status 0 -o json user list &&
	python3 -c "
import json, sys
l = json.load(open(sys.argv[1]))
by = {x[\"id\"]: x for x in l}
assert [x[\"id\"] for x in l] == [\"admin\", \"alice\", \"bob\", \"dave\"], l
assert by[\"dave\"][\"active\"] is False and by[\"dave\"][\"display_name\"] == \"Dave\", by[\"dave\"]
assert by[\"admin\"][\"admin\"] is True and by[\"bob\"][\"admin\"] is False
" "$T/stdout"
'
test_expect_success 'user list --email shows the e-mail addresses' '
	expect_status 0 user list --email && grep_in "$T/stdout" "bob@example.test"
'
test_expect_success 'user show: one account, in text and json' '
	expect_status 0 user show bob &&
	grep -Eq "^display_name +Bob$" "$T/stdout" && grep -Eq "^email +bob@example.test$" "$T/stdout" &&
	expect_status 0 -o json user show dave &&
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"id\"]==\"dave\" and d[\"active\"] is False, d" "$T/stdout"
'
test_expect_success 'user show of an unknown user: 1 naming it' '
	expect_status 1 user show nobody && grep_in "$T/stderr" "no user '"'nobody'"' on example.test" &&
	test ! -s "$T/stdout"
'
test_expect_success 'user deactivate of the acting admin: 1, refused, nothing changed' '
	reset_requests &&
	expect_status 1 user deactivate admin &&
	grep_in "$T/stderr" "refusing to deactivate '"'admin'"': it is the acting admin" &&
	grep_in "$T/stderr" "--force" && no_writes &&
	st "u[\"@admin:example.test\"][\"deactivated\"] == 0"
'
test_expect_success 'demoting the last admin (the acting one): 1, refused, nothing changed' '
	reset_requests &&
	expect_status 1 user update admin --no-admin &&
	grep_in "$T/stderr" "refusing to remove admin rights from '"'admin'"'" && no_writes &&
	st "u[\"@admin:example.test\"][\"admin\"] == 1"
'
test_expect_success 'user create: the account exists with display name and e-mail' '
	expect_status 0 user create judy --display-name "Judy Hopps" --email judy@example.test &&
	grep_in "$T/stdout" "+ user judy" &&
	st "u[\"@judy:example.test\"][\"displayname\"] == \"Judy Hopps\" and u[\"@judy:example.test\"][\"admin\"] == 0
    and u[\"@judy:example.test\"][\"deactivated\"] == 0
    and [(t[\"medium\"], t[\"address\"]) for t in u[\"@judy:example.test\"][\"threepids\"]] == [(\"email\", \"judy@example.test\")]" &&
	expect_status 0 user list && grep -Eq "^judy +Judy Hopps +no +yes" "$T/stdout"
'
test_expect_success 'user create of an existing account: 1, and the account is left alone' '
	emu POST /_emu/seed "{\"users\": [{\"name\": \"@boss:example.test\", \"displayname\": \"The Boss\", \"admin\": true}]}" >/dev/null &&
	reset_requests &&
	expect_status 1 user create boss --display-name Impostor &&
	grep_in "$T/stderr" "boss" && grep -qi "exists" "$T/stderr" && no_writes &&
	st "u[\"@boss:example.test\"][\"admin\"] == 1 and u[\"@boss:example.test\"][\"displayname\"] == \"The Boss\""
'
test_expect_success 'user create with a bad e-mail: 64 "not an e-mail address", nothing created' '
	reset_requests &&
	expect_status 64 user create erin --email erin-at-example.test &&
	grep_in "$T/stderr" "not an e-mail address" && no_writes &&
	st "\"@erin:example.test\" not in u"
'
test_expect_success 'user create with an id that is not a local id: 64 naming it, nothing sent' '
	reset_requests &&
	expect_status 64 user create "Bad Name" && grep_in "$T/stderr" "Bad Name" && no_writes &&
	st "not any(\" \" in n for n in u)"
'
test_expect_success 'user update --display-name --email: from -> to, and on the server' '
	expect_status 0 user update judy --display-name Judith --email judith@example.test &&
	grep_in "$T/stdout" "display_name: \"Judy Hopps\" -> \"Judith\"" &&
	grep_in "$T/stdout" "email: \"judy@example.test\" -> \"judith@example.test\"" &&
	st "u[\"@judy:example.test\"][\"displayname\"] == \"Judith\"
    and [t[\"address\"] for t in u[\"@judy:example.test\"][\"threepids\"]] == [\"judith@example.test\"]"
'
test_expect_success 'user update --admin then --no-admin' '
	expect_status 0 user update judy --admin && grep_in "$T/stdout" "admin: false -> true" &&
	st "u[\"@judy:example.test\"][\"admin\"] == 1" &&
	expect_status 0 user update judy --no-admin && grep_in "$T/stdout" "admin: true -> false" &&
	st "u[\"@judy:example.test\"][\"admin\"] == 0"
'
test_expect_success 'user update to what it already is: nothing sent' '
	reset_requests &&
	expect_status 0 user update judy --display-name Judith &&
	cat "$T/stdout" "$T/stderr" | grep -q "Nothing to change: user judy is already as asked" && no_writes &&
	st "u[\"@judy:example.test\"][\"displayname\"] == \"Judith\""
'
test_expect_success 'user update usage errors: --admin with --no-admin, or nothing to set: 64' '
	reset_requests &&
	expect_status 64 user update judy --admin --no-admin && grep_in "$T/stderr" "not both" &&
	expect_status 64 user update judy && grep_in "$T/stderr" "usage: msgadm user update" && no_writes
'
test_expect_success 'user update of an unknown user: 1 naming it, nothing written' '
	reset_requests &&
	expect_status 1 user update nobody --display-name X &&
	grep_in "$T/stderr" "no user '"'nobody'"'" && no_writes && st "\"@nobody:example.test\" not in u"
'
test_expect_success 'user deactivate: deactivated on the server and in user list' '
	expect_status 0 user deactivate judy && grep_in "$T/stdout" "- user judy (deactivate)" &&
	st "u[\"@judy:example.test\"][\"deactivated\"] == 1" &&
	expect_status 0 user list && grep -Eq "^judy +Judith +no +no" "$T/stdout"
'
test_expect_success 'user reactivate: active again, its random password never printed, even with -v' '
	expect_status 0 -v user reactivate judy &&
	grep_in "$T/stdout" "~ user judy (reactivate)" &&
	grep_in "$T/stderr" "\"password\":\"<redacted>\"" &&
	st "u[\"@judy:example.test\"][\"deactivated\"] == 0 and len(u[\"@judy:example.test\"][\"password\"] or \"\") >= 16" &&
	pw=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"users\"][\"@judy:example.test\"][\"password\"])" "$T/state.json") &&
	not_in "$T/stdout" "$pw" && not_in "$T/stderr" "$pw"
'
test_expect_success 'user reactivate of an active account changes nothing (not its password)' '
	reset_requests &&
	expect_status 0 user reactivate alice && no_writes &&
	st "u[\"@alice:example.test\"][\"password\"] == \"alice-secret\""
'
test_expect_success 'user reactivate of an unknown user: 1 naming it, no account created' '
	reset_requests &&
	expect_status 1 user reactivate ghost && grep_in "$T/stderr" "ghost" && no_writes &&
	st "\"@ghost:example.test\" not in u"
'
test_expect_success 'invite create NAME --uses 3 --expires 2027-03-31: in invite list and on the server' '
	expect_status 0 invite create onboarding-q2 --uses 3 --expires 2027-03-31 &&
	grep_in "$T/stdout" "+ token onboarding-q2" &&
	st "toks[\"onboarding-q2\"][\"uses_allowed\"] == 3 and toks[\"onboarding-q2\"][\"expiry_time\"] == 1806537600000" &&
	expect_status 0 invite list &&
	grep -Eq "^onboarding-q2 +3 +0 +2027-03-31$" "$T/stdout" &&
	expect_status 0 -o json invite list &&
	python3 -c "
import json, sys
l = json.load(open(sys.argv[1]))
assert [(t[\"name\"], t[\"uses\"], t[\"expires\"]) for t in l] == [(\"onboarding-q2\", 3, \"2027-03-31\")], l
" "$T/stdout"
'
test_expect_success 'invite create with a bad name, --uses -1 or a bad date: 64, nothing changed' '
	reset_requests && emu_state >"$T/before.json" &&
	expect_status 64 invite create "bad name" && grep_in "$T/stderr" "bad name" &&
	expect_status 64 invite create ok1 --uses -1 && grep_in "$T/stderr" "--uses" &&
	expect_status 64 invite create ok2 --uses ten && grep_in "$T/stderr" "--uses" &&
	expect_status 64 invite create ok3 --expires 2027-02-30 && grep_in "$T/stderr" "not a valid date" &&
	expect_status 64 invite create ok4 --expires 31.03.2027 && grep_in "$T/stderr" "not a valid date" &&
	no_writes && emu_state >"$T/after.json" && cmp "$T/before.json" "$T/after.json"
'
test_expect_success 'invite create --uses beyond any integer: 64, not silently clamped' '
	reset_requests &&
	expect_status 64 invite create huge --uses 99999999999999999999999 &&
	grep_in "$T/stderr" "--uses" && no_writes && st "\"huge\" not in toks"
'
test_expect_success 'invite create of an existing name: 1, the token unchanged' '
	expect_status 1 invite create onboarding-q2 --uses 9 && grep_in "$T/stderr" "onboarding-q2" &&
	st "toks[\"onboarding-q2\"][\"uses_allowed\"] == 3"
'
test_expect_success 'invite revoke: gone from the server and from invite list' '
	expect_status 0 invite revoke onboarding-q2 && grep_in "$T/stdout" "- token onboarding-q2 (delete)" &&
	st "\"onboarding-q2\" not in toks" &&
	expect_status 0 invite list && not_in "$T/stdout" "onboarding-q2"
'
test_expect_success 'invite revoke of an unknown token succeeds: already gone' '
	reset_requests && emu_state >"$T/before.json" &&
	expect_status 0 invite revoke never-was && no_writes &&
	emu_state >"$T/after.json" && cmp "$T/before.json" "$T/after.json"
'
test_expect_success 'server info: version and the capability table' '
	expect_status 0 server info &&
	grep -Eq "^server_version +1\.67\.0$" "$T/stdout" &&
	grep -Eq "^POLICY FIELD +LEVEL +HOW" "$T/stdout" &&
	grep -Eq "^users\.list\[\]\.admin +managed " "$T/stdout" &&
	grep -Eq "^federation +managed +m\.room\.server_acl" "$T/stdout" &&
	grep -Eq "^retention\.default +config-managed +homeserver\.yaml" "$T/stdout"
'
test_expect_success 'server info -o json parses' '
	expect_status 0 -o json server info &&
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d[\"driver\"] == \"synapse\" and d[\"server\"] == \"example.test\", d
assert d[\"reported\"][\"server_version\"] == \"1.67.0\", d[\"reported\"]
caps = {c[\"path\"]: c[\"level\"] for c in d[\"capabilities\"]}
assert caps[\"invites.tokens\"] == \"managed\" and caps[\"federation\"] == \"managed\", caps
assert caps[\"invites.registration\"] == \"config-managed\", caps
assert set(caps.values()) <= {\"managed\", \"observed\", \"config-managed\", \"unsupported\"}, caps
" "$T/stdout"
'
# Last: after this the admin token is gone (Synapse drops a deactivated user's tokens).
test_expect_success 'user deactivate of the acting admin with --force does it' '
	expect_status 0 user deactivate admin --force &&
	st "u[\"@admin:example.test\"][\"deactivated\"] == 1"
'
