#!/bin/sh
# Policy as code against the Synapse emulator: plan, apply, drift, export round trip, saved plans.
. "$(dirname "$0")/lib.sh"
start_synapse_emu

emu POST /_emu/seed '{"users": [
  {"name": "@bob:example.test", "displayname": "bob"},
  {"name": "@carol:example.test", "displayname": "carol"},
  {"name": "@dave:example.test", "displayname": "Dave", "deactivated": true},
  {"name": "@erin:example.test", "displayname": "erin", "threepids": [{"medium": "email", "address": "erin@example.test"}]}],
 "registration_tokens": [
  {"token": "old-token", "uses_allowed": 5},
  {"token": "keep-token", "uses_allowed": 1, "expiry_time": null}]}' >/dev/null

cat >"$T/policy.yaml" <<'YAML'
version: 1
server: example.test
users:
  manage: exclusive
  protect: [admin, alice, carol]
  max_deactivations: 3
  list:
    - id: judy
      display_name: Judy Hopps
      email: Judy@Example.test
    - {id: bob, display_name: Bob Builder, admin: true}
    - {id: carol, display_name: Someone Else}
    - {id: dave}
invites:
  registration: token
  tokens:
    - {name: onboarding-q1, uses: 25, expires: 2027-03-31}
    - {name: keep-token, uses: 10}
federation:
  mode: allowlist
  partners: [bund.de]
retention:
  rooms:
    - {room: "#ops:example.test", max_lifetime: 30d}
YAML

test_expect_success 'plan lists every change with +, ~ and -' '
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "+ user judy" &&
	grep_in "$T/stdout" "~ user bob" &&
	grep_in "$T/stdout" "display_name: \"bob\" -> \"Bob Builder\"" &&
	grep_in "$T/stdout" "admin: false -> true" &&
	grep_in "$T/stdout" "~ user dave (reactivate)" &&
	grep_in "$T/stdout" "- user erin (deactivate: not in the policy (users.manage: exclusive))" &&
	grep_in "$T/stdout" "+ token onboarding-q1" &&
	grep_in "$T/stdout" "~ token keep-token" &&
	grep_in "$T/stdout" "- token old-token (delete" &&
	grep_in "$T/stdout" "Plan: 2 to add, 3 to change, 2 to deactivate/delete."
'
test_expect_success 'plan names what apply will not change, with the config fragment' '
	grep_in "$T/stdout" "invites.registration: config-managed" &&
	grep_in "$T/stdout" "registration_requires_token: true" &&
	grep_in "$T/stdout" "federation: config-managed" &&
	grep_in "$T/stdout" "- bund.de" &&
	grep_in "$T/stdout" "retention.rooms[0]: note: no room #ops:example.test on example.test" &&
	grep_in "$T/stdout" "users.list[2]: note: user is protected (users.protect): not changed"
'
test_expect_success 'plan does not touch protected users' '
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "users.list[2]: note: user is protected (users.protect): not changed" &&
	not_in "$T/stdout" "+ user carol" &&
	not_in "$T/stdout" "~ user carol" &&
	not_in "$T/stdout" "- user carol" &&
	expect_status 0 -o json plan -f "$T/policy.yaml" &&
	python3 -c "
import json, sys
p = json.load(open(sys.argv[1]))
assert not [c for c in p[\"changes\"] if c[\"key\"] == \"carol\"], p[\"changes\"]
" "$T/stdout"
'
test_expect_code 2 'plan --detailed-exitcode exits 2 with changes' '
	run plan -f "$T/policy.yaml" --detailed-exitcode
'
test_expect_success 'plan -o json is machine-readable and ordered' '
	expect_status 0 -o json plan -f "$T/policy.yaml" &&
	python3 -c "
import json, sys
p = json.load(open(sys.argv[1]))
ops = [(c[\"op\"], c[\"type\"], c[\"key\"]) for c in p[\"changes\"]]
want = [(\"create\", \"token\", \"onboarding-q1\"), (\"update\", \"token\", \"keep-token\"),
        (\"create\", \"user\", \"judy\"), (\"reactivate\", \"user\", \"dave\"), (\"update\", \"user\", \"bob\"),
        (\"delete\", \"token\", \"old-token\"), (\"deactivate\", \"user\", \"erin\")]
assert ops == want, ops
assert p[\"summary\"] == {\"add\": 2, \"change\": 3, \"remove\": 2}, p[\"summary\"]
assert p[\"state_digest\"].startswith(\"sha256:\")
" "$T/stdout"
'
test_expect_success 'planning changes nothing on the server' '
	test "$(emu_writes)" = 0
'
test_expect_success 'apply without --yes off a terminal refuses and changes nothing' '
	expect_status 64 apply -f "$T/policy.yaml" </dev/null &&
	grep_in "$T/stderr" "give --yes" &&
	test "$(emu_writes)" = 0
'
test_expect_success 'apply --yes makes exactly the planned changes' '
	expect_status 0 apply -f "$T/policy.yaml" --yes &&
	grep_in "$T/stdout" "Apply: 7 changes, 0 failed." &&
	emu_state >"$T/state.json" &&
	python3 -c "
import json, sys
s = json.load(open(sys.argv[1]))
u = s[\"users\"]
a = u[\"@judy:example.test\"]
assert a[\"displayname\"] == \"Judy Hopps\" and a[\"deactivated\"] == 0, a
assert [t[\"address\"].lower() for t in a[\"threepids\"]] == [\"judy@example.test\"], a[\"threepids\"]
b = u[\"@bob:example.test\"]
assert b[\"displayname\"] == \"Bob Builder\" and b[\"admin\"] == 1, b
assert u[\"@carol:example.test\"][\"displayname\"] == \"carol\"
assert u[\"@dave:example.test\"][\"deactivated\"] == 0
assert u[\"@erin:example.test\"][\"deactivated\"] == 1
toks = {t[\"token\"]: t for t in s[\"registration_tokens\"]}
assert sorted(toks) == [\"keep-token\", \"onboarding-q1\"], toks
assert toks[\"onboarding-q1\"][\"uses_allowed\"] == 25
assert toks[\"onboarding-q1\"][\"expiry_time\"] == 1806537600000, toks  # 2027-04-01T00:00Z
assert toks[\"keep-token\"][\"uses_allowed\"] == 10
" "$T/state.json"
'
test_expect_code 0 'a second plan --detailed-exitcode right after exits 0' '
	run plan -f "$T/policy.yaml" --detailed-exitcode
'
test_expect_success 'export is a valid policy in a deterministic order' '
	expect_status 0 export && cp "$T/stdout" "$T/export1.yaml" &&
	expect_status 0 export && cmp "$T/export1.yaml" "$T/stdout" &&
	expect_status 0 validate "$T/export1.yaml" &&
	grep_in "$T/export1.yaml" "email: judy@example.test" &&
	grep_in "$T/export1.yaml" "expires: \"2027-03-31\""
'
test_expect_code 0 'export round trip: plan of the export exits 0' '
	run plan -f "$T/export1.yaml" --detailed-exitcode
'
test_expect_success 'export -o json is the same document' '
	expect_status 0 -o json export &&
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"version\"]==1 and d[\"server\"]==\"example.test\"" "$T/stdout"
'

# Saved plans: apply PLAN refuses when the server changed since.
cat >"$T/policy2.yaml" <<'YAML'
version: 1
server: example.test
users:
  list:
    - {id: frank, display_name: Frank}
YAML
test_expect_success 'plan --out saves a plan that apply PLAN carries out' '
	expect_status 0 plan -f "$T/policy2.yaml" --out "$T/p2.plan" &&
	test -s "$T/p2.plan" &&
	expect_status 0 apply "$T/p2.plan" --yes &&
	emu_state | grep -q "@frank:example.test"
'
test_expect_success 'apply PLAN refuses when the live state changed, and changes nothing' '
	cat >"$T/policy3.yaml" <<-YAML &&
	version: 1
	server: example.test
	users:
	  list:
	    - {id: grace, display_name: Grace}
	YAML
	expect_status 0 plan -f "$T/policy3.yaml" --out "$T/p3.plan" &&
	emu POST /_emu/seed "{\"users\": [{\"name\": \"@heidi:example.test\"}]}" >/dev/null &&
	emu POST /_emu/requests/reset "" >/dev/null &&
	expect_status 1 apply "$T/p3.plan" --yes &&
	grep_in "$T/stderr" "state changed since the plan was made" &&
	test "$(emu_writes)" = 0 &&
	! emu_state | grep -q "@grace:example.test"
'
test_expect_success 'apply PLAN refuses a plan edited after it was made, and changes nothing' '
	expect_status 0 plan -f "$T/policy3.yaml" --out "$T/p4.plan" &&
	python3 -c "
import json, sys
p = json.load(open(sys.argv[1]))
p[\"changes\"][0][\"after\"][\"admin\"] = True
json.dump(p, open(sys.argv[1], \"w\"))
" "$T/p4.plan" &&
	emu POST /_emu/requests/reset "" >/dev/null &&
	expect_status 65 apply "$T/p4.plan" --yes &&
	grep_in "$T/stderr" "the plan'"'"'s changes are not what its policy implies" &&
	test "$(emu_writes)" = 0
'
test_expect_success 'apply PLAN refuses a plan whose policy breaks the schema' '
	python3 -c "
import json, sys
p = json.load(open(sys.argv[1]))
p[\"policy\"][\"users\"][\"list\"][0][\"colour\"] = \"red\"
json.dump(p, open(sys.argv[1], \"w\"))
" "$T/p4.plan" &&
	expect_status 65 apply "$T/p4.plan" --yes &&
	grep_in "$T/stderr" "users.list[0].colour: unknown field" &&
	test "$(emu_writes)" = 0
'
test_expect_success 'apply of a file that is not a plan: 65' '
	echo "{\"hello\": 1}" >"$T/bogus.plan" &&
	expect_status 65 apply "$T/bogus.plan" --yes &&
	grep_in "$T/stderr" "not a msgadm plan"
'
test_expect_success 'apply needs -f or a plan, not both' '
	expect_status 64 apply -f "$T/policy.yaml" "$T/p3.plan" --yes
'
test_expect_success 'a policy for another server is refused, naming the place' '
	sed "s/^server: example.test/server: other.example/" "$T/policy2.yaml" >"$T/other.yaml" &&
	expect_status 65 plan -f "$T/other.yaml" &&
	grep_in "$T/stderr" "other.yaml:2:9: server: the policy is for '"'"'other.example'"'"' but context '"'"'emu'"'"' manages '"'"'example.test'"'"'"
'
# Synapse keeps every account it ever had: delete: true is reported and the account left alone, also
# under users.manage: exclusive (it is listed, so not deactivated either).
test_expect_success 'delete: true on Synapse: a note, no change, nothing written, the account left as it is' '
	emu_fresh "{\"reset\": true, \"users\": [{\"name\": \"@admin:example.test\", \"admin\": true}, {\"name\": \"@zoe:example.test\", \"displayname\": \"Zoe\"}]}" &&
	printf "version: 1\nserver: example.test\nusers:\n  manage: exclusive\n  protect: [admin, alice]\n  list:\n    - {id: zoe, delete: true}\n" >"$T/del.yaml" &&
	expect_status 0 plan -f "$T/del.yaml" --detailed-exitcode &&
	grep_in "$T/stdout" "users.list[0]" &&
	grep_in "$T/stdout" "zoe: synapse cannot delete accounts: left as it is (Synapse keeps every account it ever had" &&
	expect_status 0 apply -f "$T/del.yaml" --yes &&
	test "$(emu_writes)" = 0
'
