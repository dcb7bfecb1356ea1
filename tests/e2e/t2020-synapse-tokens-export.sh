#!/bin/sh
# Registration tokens, the export round trip and saved plans against a real Synapse 1.67.0: tokens
# created, changed and deleted through plan/apply and invite create/revoke; plan --detailed-exitcode
# exits 0 after apply and after export; apply PLAN refuses a state that changed since the plan.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/synapse/harness.sh"
synapse_require
synapse_start main example.test
synapse_contexts
say "# synapse started in $SYN_START_MS ms"

# tok PYTHON-EXPR: asserts an expression over t, the server's registration tokens by name.
tok() {
	synapse_py main '
t = {x["token"]: x for x in ok("GET", "/_synapse/admin/v1/registration_tokens")["registration_tokens"]}
if not eval(A[0]):
    print(json.dumps(t, indent=1)); sys.exit(1)' "$1"
}
synapse_py main '
ok("POST", "/_synapse/admin/v1/registration_tokens/new", {"token": "old-token", "uses_allowed": 5})
ok("POST", "/_synapse/admin/v1/registration_tokens/new", {"token": "keep-token", "uses_allowed": 1})
' || say "not ok - seeding tokens"
synapse_user main bob || say "not ok - registering bob"

cat >"$T/policy.yaml" <<'YAML'
version: 1
server: example.test
users:
  manage: exclusive
  protect: [admin]
  max_deactivations: 3
  list:
    - {id: bob, display_name: Bob Builder}
    - {id: judy, display_name: Judy Hopps, email: judy@example.test}
invites:
  registration: token
  tokens:
    - {name: onboarding-q1, uses: 25, expires: 2027-03-31}
    - {name: keep-token, uses: 10}
YAML

test_expect_success 'plan: a token to create, one to change, one to delete' '
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "+ token onboarding-q1" && grep_in "$T/stdout" "~ token keep-token" &&
	grep_in "$T/stdout" "uses: 1 -> 10" && grep_in "$T/stdout" "- token old-token (delete" &&
	grep_in "$T/stdout" "invites.registration: config-managed" &&
	grep_in "$T/stdout" "registration_requires_token: true"
'
test_expect_success 'apply: the server'"'"'s registration tokens are the policy'"'"'s, expiry at the next midnight UTC' '
	expect_status 0 apply -f "$T/policy.yaml" --yes &&
	tok "sorted(t) == [\"keep-token\", \"onboarding-q1\"]" &&
	tok "t[\"onboarding-q1\"][\"uses_allowed\"] == 25 and t[\"onboarding-q1\"][\"expiry_time\"] == 1806537600000" &&
	tok "t[\"keep-token\"][\"uses_allowed\"] == 10 and t[\"keep-token\"][\"expiry_time\"] is None"
'
test_expect_code 0 'plan --detailed-exitcode after apply exits 0' '
	run plan -f "$T/policy.yaml" --detailed-exitcode
'
test_expect_success 'export: a valid policy, the same twice, with the server'"'"'s users and tokens' '
	expect_status 0 export && cp "$T/stdout" "$T/export.yaml" &&
	expect_status 0 export && cmp "$T/export.yaml" "$T/stdout" &&
	expect_status 0 validate "$T/export.yaml" &&
	grep_in "$T/export.yaml" "email: judy@example.test" && grep_in "$T/export.yaml" "expires: \"2027-03-31\"" &&
	grep_in "$T/export.yaml" "name: keep-token"
'
test_expect_code 0 'export round trip: plan of the export --detailed-exitcode exits 0' '
	run plan -f "$T/export.yaml" --detailed-exitcode
'
test_expect_success 'invite create and revoke: on the real server, and invite list says so' '
	expect_status 0 invite create spring --uses 3 --expires 2027-06-30 &&
	tok "t[\"spring\"][\"uses_allowed\"] == 3 and t[\"spring\"][\"expiry_time\"] == 1814400000000" &&
	expect_status 0 invite list && grep -Eq "^spring +3 " "$T/stdout" &&
	expect_status 1 invite create spring --uses 4 && grep_in "$T/stderr" "spring" &&
	tok "t[\"spring\"][\"uses_allowed\"] == 3" &&
	expect_status 0 invite revoke spring && tok "\"spring\" not in t" &&
	expect_status 0 invite revoke spring
'
test_expect_success 'a token name with a dot is taken, as the 1.67 code does (its message says [A-Za-z0-9-_])' '
	printf "version: 1\nserver: example.test\ninvites:\n  tokens:\n    - {name: \"has.dot\", uses: 1}\n" >"$T/dot.yaml" &&
	expect_status 0 apply -f "$T/dot.yaml" --yes && tok "t[\"has.dot\"][\"uses_allowed\"] == 1" &&
	expect_status 0 invite revoke has.dot && tok "\"has.dot\" not in t"
'

# --- saved plans
cat >"$T/grace.yaml" <<'YAML'
version: 1
server: example.test
users:
  list:
    - {id: grace, display_name: Grace}
invites:
  tokens:
    - {name: keep-token, uses: 12}
YAML
test_expect_success 'plan --out then apply PLAN carries it out' '
	expect_status 0 plan -f "$T/grace.yaml" --out "$T/p1.plan" &&
	expect_status 0 apply "$T/p1.plan" --yes &&
	synapse_call main admin GET /_synapse/admin/v2/users/@grace:example.test >"$T/g" &&
	grep_in "$T/g" "\"displayname\":\"Grace\"" && tok "t[\"keep-token\"][\"uses_allowed\"] == 12"
'
test_expect_success 'apply PLAN refuses when the server changed since (a user made by hand), and changes nothing' '
	sed "s/grace/heidi/g; s/Grace/Heidi/; s/uses: 12/uses: 13/" "$T/grace.yaml" >"$T/heidi.yaml" &&
	expect_status 0 plan -f "$T/heidi.yaml" --out "$T/p2.plan" &&
	synapse_call main admin PUT /_synapse/admin/v2/users/@ivan:example.test "{\"displayname\": \"Ivan\"}" >/dev/null &&
	expect_status 1 apply "$T/p2.plan" --yes &&
	grep_in "$T/stderr" "state changed since the plan was made" &&
	synapse_api main admin GET /_synapse/admin/v2/users/@heidi:example.test >"$T/r" &&
	test "$(head -n 1 "$T/r")" = 404 && tok "t[\"keep-token\"][\"uses_allowed\"] == 12"
'
test_expect_success 'apply PLAN refuses when a token changed since, and changes nothing' '
	expect_status 0 plan -f "$T/heidi.yaml" --out "$T/p3.plan" &&
	synapse_call main admin PUT /_synapse/admin/v1/registration_tokens/keep-token "{\"uses_allowed\": 99}" >/dev/null &&
	expect_status 1 apply "$T/p3.plan" --yes &&
	grep_in "$T/stderr" "state changed since the plan was made" &&
	tok "t[\"keep-token\"][\"uses_allowed\"] == 99" &&
	synapse_api main admin GET /_synapse/admin/v2/users/@heidi:example.test >"$T/r" &&
	test "$(head -n 1 "$T/r")" = 404
'
test_expect_success 'a fresh plan of the same policy applies' '
	expect_status 0 plan -f "$T/heidi.yaml" --out "$T/p4.plan" &&
	expect_status 0 apply "$T/p4.plan" --yes &&
	tok "t[\"keep-token\"][\"uses_allowed\"] == 13" &&
	synapse_call main admin GET /_synapse/admin/v2/users/@heidi:example.test >/dev/null
'
