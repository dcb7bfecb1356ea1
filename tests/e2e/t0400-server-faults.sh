#!/bin/sh
# When the server misbehaves: each failure maps to its documented exit status (msgadm(1)), the message
# names the request, retries follow http.h, and nothing is changed on the server that should not be.
. "$(dirname "$0")/lib.sh"
start_synapse_emu

# Extra contexts: "prefixed" puts a bogus path before every request (each one hits an endpoint the
# server does not know, like a Synapse behind the wrong reverse-proxy path); "slow" gives up after 1 s.
cat >>"$MSGADM_CONFIG" <<CFG
  - name: prefixed
    driver: synapse
    url: $EMU_URL/prefix
    server: example.test
    token_file: $T/admin.token
    retries: 0
  - name: slow
    driver: synapse
    url: $EMU_URL
    server: example.test
    token_file: $T/admin.token
    retries: 2
    timeout: 1
CFG

USERS_LIST='GET /_synapse/admin/v2/users'
TOKEN_NEW='POST /_synapse/admin/v1/registration_tokens/new'
TOKEN_GET='GET /_synapse/admin/v1/registration_tokens/<token>'

SEED='"users": [
  {"name": "@bob:example.test", "displayname": "bob"},
  {"name": "@carol:example.test", "displayname": "carol"},
  {"name": "@dave:example.test", "displayname": "dave"}],
 "registration_tokens": [{"token": "old-token", "uses_allowed": 5}]'

# fresh [FAULT]: the emulator back to the seeded state with no faults but FAULT (a JSON object or
# list), request counters at zero, and the state saved to $T/before.json for unchanged.
fresh() { emu_fresh "{\"reset\": true, $SEED}" "${1-}" "$T/before.json"; }
# unchanged: the state equals the one fresh saved, and no write succeeded.
unchanged() {
	emupy '
before = json.load(open(A[0]))
assert call("GET", "/_emu/state") == before, "the server state changed"
w = call("GET", "/_emu/requests")["writes"]
assert w == 0, "%d writes" % w
' "$T/before.json"
}
# hits ROUTE: how many requests the emulator saw on a route ("GET /_synapse/admin/v2/users").
hits() {
	emupy 'print(call("GET", "/_emu/requests")["by_route"].get(A[0], 0))' "$1"
}
# want_hits ROUTE N [ROUTE N...]: exact request counts per route.
want_hits() {
	emupy '
r = call("GET", "/_emu/requests")["by_route"]
bad = [(A[i], r.get(A[i], 0), int(A[i + 1])) for i in range(0, len(A), 2) if r.get(A[i], 0) != int(A[i + 1])]
assert not bad, "requests (route, got, wanted): %r; all: %r" % (bad, r)
' "$@"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

cat >"$T/policy.yaml" <<'YAML'
version: 1
server: example.test
users:
  list:
    - {id: judy, display_name: Judy Hopps}
    - {id: bob, display_name: Bob Builder}
    - {id: carol, display_name: Carol Danvers}
    - {id: dave, display_name: Dave Lister}
invites:
  tokens:
    - {name: old-token, uses: 5}
    - {name: onboarding-q1, uses: 25}
YAML
fresh

test_expect_success 'the policy has changes to make (so the cases below can show that none were made)' '
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "Plan: 2 to add, 3 to change, 0 to deactivate/delete."
'

# --- authentication and reachability

test_expect_success '401: exit 77 naming the request and M_UNKNOWN_TOKEN' '
	fresh &&
	expect_status 77 --context badtoken user list &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 401 M_UNKNOWN_TOKEN: Invalid access token passed." &&
	test ! -s "$T/stdout"
'
test_expect_success '401 during plan and apply: 77, and nothing is changed' '
	fresh &&
	expect_status 77 --context badtoken plan -f "$T/policy.yaml" &&
	grep -Eq "^msgadm: synapse: GET /_[a-z0-9_/]+: 401 M_UNKNOWN_TOKEN" "$T/stderr" &&
	expect_status 77 --context badtoken apply -f "$T/policy.yaml" --yes &&
	grep -Eq "^msgadm: synapse: GET /_[a-z0-9_/]+: 401 M_UNKNOWN_TOKEN" "$T/stderr" &&
	unchanged
'
test_expect_success '403 for a token that is not a server admin: 77 and the server says why' '
	fresh &&
	expect_status 77 --context user user list &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 403 M_FORBIDDEN: You are not a server admin"
'
test_expect_success '403 during plan and apply: 77, and nothing is changed' '
	fresh &&
	expect_status 77 --context user plan -f "$T/policy.yaml" &&
	grep_in "$T/stderr" "403 M_FORBIDDEN: You are not a server admin" &&
	expect_status 77 --context user apply -f "$T/policy.yaml" --yes &&
	grep -Eq "^msgadm: synapse: GET /_[a-z0-9_/]+: 403 M_FORBIDDEN: You are not a server admin" "$T/stderr" &&
	unchanged
'
test_expect_success 'nothing listens: 69, "cannot connect" naming the request and the server' '
	expect_status 69 --context down user list &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: cannot connect to http://127.0.0.1:1" &&
	expect_status 69 --context down plan -f "$T/policy.yaml" &&
	grep -Eq "^msgadm: synapse: GET /_[a-z0-9_/]+: cannot connect to http://127.0.0.1:1" "$T/stderr" &&
	expect_status 69 --context down apply -f "$T/policy.yaml" --yes &&
	grep_in "$T/stderr" "cannot connect"
'

# --- 5xx and 429 on the users list (context emu: retries: 2, so at most 3 attempts)

test_expect_success 'persistent 500 on the users list: plan exits 69, changes nothing, stays within the retries' '
	fresh "{\"kind\": \"status\", \"status\": 500, \"count\": 10, \"match\": \"$USERS_LIST?\"}" &&
	expect_status 69 plan -f "$T/policy.yaml" &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 500 M_UNKNOWN: Internal server error" &&
	n=$(hits "$USERS_LIST") && test "$n" -ge 1 && test "$n" -le 3 &&
	unchanged
'
test_expect_success 'persistent 502 from a proxy: retried (3 attempts with retries: 2), then 69' '
	fresh "{\"kind\": \"status\", \"status\": 502, \"count\": -1, \"match\": \"$USERS_LIST?\"}" &&
	expect_status 69 plan -f "$T/policy.yaml" &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 502" &&
	want_hits "$USERS_LIST" 3 &&
	unchanged
'
test_expect_success 'a 503 once: retried, and the plan succeeds' '
	fresh "{\"kind\": \"status\", \"status\": 503, \"count\": 1, \"match\": \"$USERS_LIST?\"}" &&
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "Plan: 2 to add, 3 to change, 0 to deactivate/delete." &&
	want_hits "$USERS_LIST" 2 &&
	test "$(emu_writes)" = 0
'
test_expect_success '429 once with retry_after_ms 200: waits at least 0.2 s, then succeeds' '
	fresh "{\"kind\": \"rate_limit\", \"retry_after_ms\": 200, \"count\": 1, \"match\": \"$USERS_LIST?\"}" &&
	t0=$(now_ms) &&
	expect_status 0 plan -f "$T/policy.yaml" &&
	t1=$(now_ms) &&
	echo "took $((t1 - t0)) ms" &&
	test $((t1 - t0)) -ge 200 &&
	grep_in "$T/stdout" "Plan: 2 to add" &&
	want_hits "$USERS_LIST" 2
'
test_expect_success '429 once with Retry-After: 1 (longer than any backoff of the first retry): waits 1 s' '
	fresh "{\"kind\": \"rate_limit\", \"retry_after_ms\": 0, \"retry_after_header\": \"1\", \"count\": 1, \"match\": \"$USERS_LIST?\"}" &&
	t0=$(now_ms) &&
	expect_status 0 plan -f "$T/policy.yaml" &&
	t1=$(now_ms) &&
	echo "took $((t1 - t0)) ms" &&
	test $((t1 - t0)) -ge 1000 &&
	want_hits "$USERS_LIST" 2
'
test_expect_success 'persistent 429: 75 after the retries, naming the request, nothing changed' '
	fresh "{\"kind\": \"rate_limit\", \"retry_after_ms\": 20, \"count\": -1, \"match\": \"$USERS_LIST?\"}" &&
	expect_status 75 plan -f "$T/policy.yaml" &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 429 M_LIMIT_EXCEEDED" &&
	want_hits "$USERS_LIST" 3 &&
	unchanged
'
test_expect_success 'persistent 429 during apply: 75 and nothing is changed' '
	fresh "{\"kind\": \"rate_limit\", \"retry_after_ms\": 20, \"count\": -1, \"match\": \"$USERS_LIST?\"}" &&
	expect_status 75 apply -f "$T/policy.yaml" --yes &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 429" &&
	unchanged
'

# --- broken replies

test_expect_success 'persistently truncated reply: 76, "reply truncated", nothing changed' '
	fresh "{\"kind\": \"truncate\", \"count\": -1, \"match\": \"$USERS_LIST?\"}" &&
	expect_status 76 plan -f "$T/policy.yaml" &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: reply truncated" &&
	n=$(hits "$USERS_LIST") && test "$n" -ge 1 && test "$n" -le 3 &&
	unchanged
'
test_expect_success 'a truncated reply once on a GET: retried, success' '
	fresh "{\"kind\": \"truncate\", \"count\": 1, \"match\": \"$USERS_LIST?\"}" &&
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "Plan: 2 to add, 3 to change" &&
	want_hits "$USERS_LIST" 2
'
test_expect_success 'connection dropped once on a GET: retried, success' '
	fresh "{\"kind\": \"drop\", \"count\": 1, \"match\": \"$USERS_LIST?\"}" &&
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "Plan: 2 to add, 3 to change" &&
	want_hits "$USERS_LIST" 2
'
test_expect_success 'connection dropped on the first request of a run (fresh connection): retried, success' '
	fresh "{\"kind\": \"drop\", \"count\": 1}" &&
	expect_status 0 user list &&
	grep_in "$T/stdout" "carol" &&
	want_hits "$USERS_LIST" 2
'
test_expect_success 'connection dropped on every attempt: 76 naming the request' '
	fresh "{\"kind\": \"drop\", \"count\": -1, \"match\": \"$USERS_LIST?\"}" &&
	expect_status 76 user list &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: connection closed without a reply"
'
test_expect_success '200 with an HTML body on the users list: 76 "not a JSON object", nothing changed' '
	fresh "{\"kind\": \"not_json\", \"count\": -1, \"match\": \"$USERS_LIST?\"}" &&
	expect_status 76 plan -f "$T/policy.yaml" &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 200 but the reply is not a JSON object" &&
	expect_status 76 apply -f "$T/policy.yaml" --yes &&
	grep_in "$T/stderr" "not a JSON object" &&
	unchanged
'
test_expect_success 'an unknown endpoint (400 M_UNRECOGNIZED, the real server answer): 76 naming the request' '
	fresh &&
	expect_status 76 --context prefixed user list &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 400 M_UNRECOGNIZED" &&
	want_hits "GET /prefix/_synapse/admin/v2/users (unrecognized)" 1 &&
	expect_status 76 --context prefixed plan -f "$T/policy.yaml" &&
	grep -Eq "^msgadm: synapse: GET /_[a-z0-9_/]+: 400 M_UNRECOGNIZED" "$T/stderr" &&
	expect_status 76 --context prefixed apply -f "$T/policy.yaml" --yes &&
	grep_in "$T/stderr" "400 M_UNRECOGNIZED" &&
	test "$(emu_writes)" = 0
'
test_expect_success 'a server without the registration token API (400 M_UNRECOGNIZED there): 76 naming it' '
	fresh "{\"kind\": \"status\", \"status\": 400, \"count\": -1,
		\"match\": \"GET /_synapse/admin/v1/registration_tokens\",
		\"body\": \"{\\\"errcode\\\": \\\"M_UNRECOGNIZED\\\", \\\"error\\\": \\\"Unrecognized request\\\"}\"}" &&
	expect_status 76 plan -f "$T/policy.yaml" &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v1/registration_tokens: 400 M_UNRECOGNIZED: Unrecognized request" &&
	unchanged
'

# --- apply when some changes fail

# bob's PUT fails with 500 on every attempt; @ and : may be sent raw or percent-encoded.
bob_fault() {
	echo "[{\"kind\": \"status\", \"status\": $1, \"count\": 10, \"match\": \"PUT /_synapse/admin/v2/users/@bob:\"},
		{\"kind\": \"status\", \"status\": $1, \"count\": 10, \"match\": \"PUT /_synapse/admin/v2/users/%40bob%3A\"}]"
}
check_state() { # check_state 'python assertions on u (users by id) and toks (tokens by name)'
	emupy '
s = call("GET", "/_emu/state")
u = s["users"]
toks = {t["token"]: t for t in s["registration_tokens"]}
exec(A[0])
' "$1"
}

test_expect_code 3 'a 500 on one change: apply exits 3' '
	fresh "$(bob_fault 500)" &&
	run apply -f "$T/policy.yaml" --yes
'
test_expect_success '... the failed change is reported with the request and the reason' '
	grep -Eq "failed: synapse: PUT /_synapse/admin/v2/users/(@|%40)bob(:|%3A)example.test: 500 M_UNKNOWN: Internal server error" "$T/stdout" &&
	grep_in "$T/stdout" "Apply: 5 changes, 1 failed." &&
	grep_in "$T/stderr" "1 of 5 changes did not succeed"
'
test_expect_success '... and the other changes were made' '
	check_state "
assert u[\"@bob:example.test\"][\"displayname\"] == \"bob\", u[\"@bob:example.test\"]
assert u[\"@judy:example.test\"][\"displayname\"] == \"Judy Hopps\"
assert u[\"@carol:example.test\"][\"displayname\"] == \"Carol Danvers\", u[\"@carol:example.test\"]
assert u[\"@dave:example.test\"][\"displayname\"] == \"Dave Lister\", u[\"@dave:example.test\"]
assert toks[\"onboarding-q1\"][\"uses_allowed\"] == 25
"
'
test_expect_success '... and a following plan shows only the failed change' '
	emu_clear_faults &&
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "~ user bob" &&
	grep_in "$T/stdout" "Plan: 0 to add, 1 to change, 0 to deactivate/delete."
'
test_expect_success 'apply -o json reports each change with its status' '
	fresh "$(bob_fault 500)" &&
	expect_status 3 -o json apply -f "$T/policy.yaml" --yes &&
	python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
st = {(x[\"change\"][\"type\"], x[\"change\"][\"key\"]): x[\"status\"] for x in r[\"results\"]}
assert st[(\"user\", \"bob\")] == \"failed\", st
assert r[\"failed\"] >= 1
bob = [x for x in r[\"results\"] if x[\"change\"][\"key\"] == \"bob\"][0]
assert \"500\" in bob[\"message\"] and bob[\"exit\"] != 0, bob
" "$T/stdout"
'

test_expect_success 'one worker: a 503 on one change after the retries (server unavailable) stops the run: exit 3' '
	fresh "$(bob_fault 503)" &&
	expect_status 3 apply -f "$T/policy.yaml" --yes --parallel 1 &&
	grep -Eq "failed: synapse: PUT /_synapse/admin/v2/users/(@|%40)bob(:|%3A)example.test: 503" "$T/stdout" &&
	grep -A3 "~ user dave" "$T/stdout" | grep -q "not attempted" &&
	want_hits "PUT /_synapse/admin/v2/users/<user_id>" 4 &&
	check_state "
assert u[\"@judy:example.test\"][\"displayname\"] == \"Judy Hopps\"
assert u[\"@bob:example.test\"][\"displayname\"] == \"bob\"
assert u[\"@dave:example.test\"][\"displayname\"] == \"dave\"
"
'

cat >"$T/token.yaml" <<'YAML'
version: 1
server: example.test
invites:
  tokens:
    - {name: old-token, uses: 5}
    - {name: q9, uses: 7}
YAML
test_expect_success 'a 502 on the token create POST: not re-sent blindly, re-read, reported as not created' '
	fresh "{\"kind\": \"status\", \"status\": 502, \"count\": 10, \"match\": \"$TOKEN_NEW\"}" &&
	expect_status 3 apply -f "$T/token.yaml" --yes &&
	want_hits "$TOKEN_NEW" 1 &&
	test "$(hits "$TOKEN_GET")" -ge 1 &&
	grep_in "$T/stdout" "failed: token '"'"'q9'"'"' was not created" &&
	grep_in "$T/stdout" "POST /_synapse/admin/v1/registration_tokens/new: 502" &&
	! grep -A3 "+ token q9" "$T/stdout" | grep -q "done" &&
	check_state "assert \"q9\" not in toks, toks" &&
	emu_clear_faults &&
	expect_status 0 plan -f "$T/token.yaml" &&
	grep_in "$T/stdout" "+ token q9"
'
test_expect_success 'the token POST times out but the server made it: found by re-reading, not created twice' '
	fresh "[{\"kind\": \"delay\", \"delay_ms\": 1600, \"count\": 1, \"match\": \"$TOKEN_NEW\"},
		{\"kind\": \"delay\", \"delay_ms\": 900, \"count\": 1, \"match\": \"GET /_synapse/admin/v1/registration_tokens/q9\"}]" &&
	expect_status 0 --context slow apply -f "$T/token.yaml" --yes &&
	want_hits "$TOKEN_NEW" 1 &&
	want_hits "$TOKEN_GET" 1 &&
	grep_in "$T/stdout" "Apply: 1 change, 0 failed." &&
	check_state "assert toks[\"q9\"][\"uses_allowed\"] == 7, toks"
'

test_expect_success 'one worker: a 403 in the middle of apply stops the run: exit 3, later changes not attempted' '
	fresh "[{\"kind\": \"status\", \"status\": 403, \"count\": -1, \"match\": \"PUT /_synapse/admin/v2/users/@carol:\",
		\"body\": \"{\\\"errcode\\\": \\\"M_FORBIDDEN\\\", \\\"error\\\": \\\"You are not a server admin\\\"}\"},
		{\"kind\": \"status\", \"status\": 403, \"count\": -1, \"match\": \"PUT /_synapse/admin/v2/users/%40carol%3A\",
		\"body\": \"{\\\"errcode\\\": \\\"M_FORBIDDEN\\\", \\\"error\\\": \\\"You are not a server admin\\\"}\"}]" &&
	expect_status 3 apply -f "$T/policy.yaml" --yes --parallel 1 &&
	grep -Eq "failed: synapse: PUT /_synapse/admin/v2/users/(@|%40)carol(:|%3A)example.test: 403 M_FORBIDDEN: You are not a server admin" "$T/stdout" &&
	grep -A3 "~ user dave" "$T/stdout" | grep -q "not attempted" &&
	grep_in "$T/stderr" "of 5 changes did not succeed" &&
	emupy "
recent = call(\"GET\", \"/_emu/requests\")[\"recent\"]
last = recent[-1]
assert last[\"method\"] == \"PUT\" and \"carol\" in last[\"path\"] and last[\"status\"] == 403, recent[-3:]
" &&
	check_state "
assert u[\"@judy:example.test\"][\"displayname\"] == \"Judy Hopps\"
assert u[\"@bob:example.test\"][\"displayname\"] == \"Bob Builder\"
assert u[\"@carol:example.test\"][\"displayname\"] == \"carol\"
assert u[\"@dave:example.test\"][\"displayname\"] == \"dave\"
"
'
