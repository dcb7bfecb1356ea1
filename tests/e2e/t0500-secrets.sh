#!/bin/sh
# Secrets stay secret: the bearer token never shows in output, messages, traces, saved plans or the
# process list; the password msgadm sets when reactivating never shows in a trace; a token file that
# others can read is refused before anything is sent.
. "$(dirname "$0")/lib.sh"
start_synapse_emu

TOKEN=$(cat "$T/admin.token")
USER_TOKEN=$(cat "$T/user.token")
BAD_TOKEN=$(cat "$T/bad.token")
USERS_LIST='GET /_synapse/admin/v2/users'

SEED='"users": [
  {"name": "@bob:example.test", "displayname": "bob"},
  {"name": "@dave:example.test", "displayname": "dave", "deactivated": true},
  {"name": "@erin:example.test", "displayname": "erin", "deactivated": true}],
 "registration_tokens": [{"token": "old-token", "uses_allowed": 5}]'
# fresh [FAULT]: seeded state, no faults but FAULT, request counters at zero.
fresh() { emu_fresh "{\"reset\": true, $SEED}" "${1-}"; }
request_total() { emupy 'print(call("GET", "/_emu/requests")["total"])'; }

# no_secret FILE...: none of the tokens appears in any FILE (fixed strings).
no_secret() {
	for f in "$@"; do
		for s in "$TOKEN" "$USER_TOKEN" "$BAD_TOKEN"; do
			if grep -qF -- "$s" "$f"; then
				echo "a token appears in $f:"
				grep -nF -- "$s" "$f"
				return 1
			fi
		done
	done
}
# collect: append this run's stdout and stderr to $T/all.out and $T/all.err.
collect() { cat "$T/stdout" >>"$T/all.out" && cat "$T/stderr" >>"$T/all.err"; }

cat >"$T/policy.yaml" <<'YAML'
version: 1
server: example.test
users:
  list:
    - {id: judy, display_name: Judy Hopps, email: judy@example.test}
    - {id: bob, display_name: Bob Builder}
invites:
  tokens:
    - {name: old-token, uses: 5}
    - {name: onboarding-q1, uses: 25}
YAML
fresh

test_expect_success 'the token was read: the tests below look for a real value' '
	case $TOKEN in syt_admin_*) ;; *) echo "token: $TOKEN"; exit 1 ;; esac &&
	test ${#TOKEN} -ge 12
'
test_expect_success 'read commands in text, -v and -o json: no token on stdout or stderr' '
	: >"$T/all.out" && : >"$T/all.err" &&
	for fmt in "" "-v" "-o json" "-v -o json" "-o yaml"; do
		for cmd in "plan -f $T/policy.yaml" "export" "user list" "user list --email" "user show bob" \
			"invite list" "server info"; do
			# shellcheck disable=SC2086
			expect_status 0 $fmt $cmd && collect || exit 1
		done
	done &&
	test -s "$T/all.out" &&
	grep -q "^> Authorization: Bearer <redacted>$" "$T/all.err" &&
	no_secret "$T/all.out" "$T/all.err"
'
test_expect_success '-v traces show the Authorization header as "Bearer <redacted>" on every request' '
	expect_status 0 -v user list &&
	grep -q "^> GET " "$T/stderr" &&
	reqs=$(grep -c "^> GET " "$T/stderr") &&
	auths=$(grep -c "^> Authorization: Bearer <redacted>$" "$T/stderr") &&
	test "$reqs" -eq "$auths" &&
	grep -c "Bearer" "$T/stderr" | grep -qx "$auths" &&
	no_secret "$T/stderr" "$T/stdout"
'
test_expect_success 'apply (text, -v, -o json) and imperative changes: no token anywhere' '
	: >"$T/all.out" && : >"$T/all.err" &&
	expect_status 0 -v apply -f "$T/policy.yaml" --yes && collect &&
	grep_in "$T/stdout" "Apply: 3 changes, 0 failed." &&
	grep_in "$T/stderr" "> PUT " &&
	expect_status 0 -v -o json user create frank --display-name Frank --email frank@example.test && collect &&
	expect_status 0 user update frank --display-name "Frank N" && collect &&
	expect_status 0 -v invite create q2 --uses 3 && collect &&
	expect_status 0 -o json invite revoke q2 && collect &&
	expect_status 0 -v user deactivate frank && collect &&
	no_secret "$T/all.out" "$T/all.err"
'
test_expect_success 'saved plan files hold no token' '
	fresh &&
	expect_status 0 plan -f "$T/policy.yaml" --out "$T/a.plan" &&
	expect_status 0 -v plan -f "$T/policy.yaml" --out "$T/b.plan" &&
	expect_status 0 -o json plan -f "$T/policy.yaml" --out "$T/c.plan" &&
	grep -q "state_digest" "$T/a.plan" && grep -q "state_digest" "$T/b.plan" &&
	no_secret "$T/a.plan" "$T/b.plan" "$T/c.plan" "$T/stdout" "$T/stderr"
'
test_expect_success 'error paths hold no token: 401, 403, 500, 429, unreachable (plain and -v)' '
	: >"$T/all.out" && : >"$T/all.err" &&
	for v in "" "-v"; do
		expect_status 77 $v --context badtoken plan -f "$T/policy.yaml" && collect &&
		grep_in "$T/stderr" "M_UNKNOWN_TOKEN" &&
		expect_status 77 $v --context user user list && collect &&
		grep_in "$T/stderr" "M_FORBIDDEN" &&
		expect_status 69 $v --context down plan -f "$T/policy.yaml" && collect &&
		grep_in "$T/stderr" "cannot connect" &&
		fresh "{\"kind\": \"status\", \"status\": 500, \"count\": -1, \"match\": \"$USERS_LIST?\"}" &&
		expect_status 69 $v plan -f "$T/policy.yaml" && collect &&
		grep_in "$T/stderr" "500 M_UNKNOWN" &&
		fresh "{\"kind\": \"rate_limit\", \"retry_after_ms\": 10, \"count\": -1, \"match\": \"$USERS_LIST?\"}" &&
		expect_status 75 $v user list && collect &&
		fresh "{\"kind\": \"status\", \"status\": 502, \"count\": -1, \"match\": \"POST /_synapse/admin/v1/registration_tokens/new\"}" &&
		expect_status 3 $v apply -f "$T/policy.yaml" --yes && collect &&
		grep_in "$T/stdout" "was not created" || exit 1
	done &&
	no_secret "$T/all.out" "$T/all.err"
'
test_expect_success 'a server reply that echoes the token: redacted in the -v trace' '
	fresh "{\"kind\": \"status\", \"status\": 500, \"count\": -1, \"match\": \"$USERS_LIST?\",
		\"body\": \"{\\\"errcode\\\": \\\"M_UNKNOWN\\\", \\\"error\\\": \\\"bad header: Bearer $TOKEN\\\"}\"}" &&
	expect_status 69 -v user list &&
	grep -E "^[<>*] " "$T/stderr" >"$T/trace" &&
	grep_in "$T/trace" "bad header: Bearer <redacted>" &&
	no_secret "$T/trace"
'
test_expect_success 'a Matrix error that echoes the token: the message does not repeat it' '
	fresh "{\"kind\": \"status\", \"status\": 500, \"count\": -1, \"match\": \"$USERS_LIST?\",
		\"body\": \"{\\\"errcode\\\": \\\"M_UNKNOWN\\\", \\\"error\\\": \\\"bad header: Bearer $TOKEN\\\"}\"}" &&
	expect_status 69 user list &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 500 M_UNKNOWN" &&
	no_secret "$T/stderr" "$T/stdout"
'
test_expect_success 'a non-JSON reply that echoes the token: the message does not repeat it' '
	fresh "{\"kind\": \"not_json\", \"count\": -1, \"match\": \"$USERS_LIST?\",
		\"body\": \"<p>Authorization: Bearer $TOKEN</p>\"}" &&
	expect_status 76 user list &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 200 but the reply is not a JSON object" &&
	no_secret "$T/stderr" "$T/stdout"
'
test_expect_success 'access_token in a reply body is shown as <redacted> in the -v trace' '
	fresh "{\"kind\": \"status\", \"status\": 200, \"count\": 1, \"match\": \"$USERS_LIST?\",
		\"body\": \"{\\\"users\\\": [], \\\"access_token\\\": \\\"syt_leaked_zz9plural\\\"}\"}" &&
	expect_status 0 -v user list &&
	grep_in "$T/stderr" "\"access_token\":\"<redacted>\"" &&
	not_in "$T/stderr" "syt_leaked_zz9plural" &&
	not_in "$T/stdout" "syt_leaked_zz9plural"
'
test_expect_success 'a running msgadm shows no token in ps or /proc/PID/cmdline (nor its environment)' '
	fresh "{\"kind\": \"delay\", \"delay_ms\": 1500, \"count\": 1, \"match\": \"$USERS_LIST?\"}" &&
	{ "$MSGADM" plan -f "$T/policy.yaml" >"$T/bg.out" 2>"$T/bg.err" & pid=$!; } &&
	sleep 0.5 &&
	test -r "/proc/$pid/cmdline" &&
	tr "\0" " " <"/proc/$pid/cmdline" >"$T/cmdline" &&
	tr "\0" "\n" <"/proc/$pid/environ" >"$T/environ" &&
	ps -ww -o args= -p "$pid" >"$T/ps" &&
	grep_in "$T/cmdline" "plan -f" &&
	grep_in "$T/ps" "plan -f" &&
	no_secret "$T/cmdline" "$T/ps" "$T/environ" &&
	wait "$pid" &&
	grep_in "$T/bg.out" "Plan:" &&
	no_secret "$T/bg.out" "$T/bg.err"
'
test_expect_success 'token_env: the token is used, and shown nowhere' '
	fresh &&
	export MSGADM_TEST_TOKEN="$TOKEN" &&
	expect_status 0 -v --context envtok user list &&
	grep_in "$T/stdout" "bob" &&
	grep_in "$T/stderr" "Authorization: Bearer <redacted>" &&
	no_secret "$T/stdout" "$T/stderr"
'

# Reactivation: msgadm sends {"deactivated": false, "password": RANDOM}; the emulator keeps it in
# clear, which lets the test look for the real value.
password_of() {
	emupy 'print(call("GET", "/_emu/state")["users"][A[0]]["password"] or "")' "$1"
}
cat >"$T/reactivate.yaml" <<'YAML'
version: 1
server: example.test
users:
  list:
    - {id: dave}
YAML
test_expect_success 'apply -v reactivating an account: the password shows as <redacted>, its value nowhere' '
	fresh &&
	expect_status 0 -v apply -f "$T/reactivate.yaml" --yes &&
	grep_in "$T/stdout" "~ user dave (reactivate)" &&
	pw=$(password_of "@dave:example.test") &&
	test ${#pw} -ge 16 &&
	grep_in "$T/stderr" "\"password\":\"<redacted>\"" &&
	not_in "$T/stderr" "$pw" &&
	not_in "$T/stdout" "$pw" &&
	no_secret "$T/stdout" "$T/stderr"
'
test_expect_success 'user reactivate -v (and -o json): the password shows as <redacted>, its value nowhere' '
	fresh &&
	expect_status 0 -v -o json user reactivate erin &&
	pw=$(password_of "@erin:example.test") &&
	test ${#pw} -ge 16 &&
	grep_in "$T/stderr" "\"password\":\"<redacted>\"" &&
	not_in "$T/stderr" "$pw" &&
	not_in "$T/stdout" "$pw"
'
test_expect_success 'a failed reactivation (500) does not show the password either' '
	fresh "[{\"kind\": \"status\", \"status\": 500, \"count\": -1, \"match\": \"PUT /_synapse/admin/v2/users/@erin:\"},
		{\"kind\": \"status\", \"status\": 500, \"count\": -1, \"match\": \"PUT /_synapse/admin/v2/users/%40erin%3A\"}]" &&
	expect_status 69 -v user reactivate erin &&
	grep_in "$T/stderr" "\"password\":\"<redacted>\"" &&
	! grep -E "\"password\": ?\"[A-Za-z0-9_-]{16,}\"" "$T/stderr" "$T/stdout"
'

# Token files others can read are refused before any request.
for mode in 644 640 604; do
	test_expect_success "a token file with mode 0$mode is refused (78) before any request is sent" '
		cp "$T/admin.token" "$T/loose.token" && chmod '"$mode"' "$T/loose.token" &&
		sed "s#token_file: $T/admin.token#token_file: $T/loose.token#" "$MSGADM_CONFIG" >"$T/loose.yaml" &&
		chmod 600 "$T/loose.yaml" &&
		grep -q "loose.token" "$T/loose.yaml" &&
		fresh &&
		export MSGADM_CONFIG="$T/loose.yaml" &&
		expect_status 78 plan -f "$T/policy.yaml" &&
		grep_in "$T/stderr" "token file $T/loose.token is readable by group or others" &&
		no_secret "$T/stderr" "$T/stdout" &&
		expect_status 78 user list &&
		test "$(request_total)" = 0
	'
done
