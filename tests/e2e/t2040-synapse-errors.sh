#!/bin/sh
# Errors from a real Synapse 1.67.0 and how msgadm takes them: 401 for a bad token and 403 for a
# non-admin's token (77), 404 for an unknown user (1), a real 429 with retry_after_ms from low rate
# limits, honoured (the wait is the server's, not the backoff's), an unreachable server once it is
# stopped (69); and the token in none of ps, output, -v traces or the audit log.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/synapse/harness.sh"
synapse_require
synapse_start main example.test
synapse_contexts
say "# synapse main started in $SYN_START_MS ms"
synapse_user main alice || say "not ok - registering alice"

cat >"$T/users.yaml" <<'YAML'
version: 1
server: example.test
users:
  list:
    - {id: zed, display_name: Zed}
YAML
no_zed() {
	synapse_api main admin GET /_synapse/admin/v2/users/@zed:example.test >"$T/r" &&
	test "$(head -n 1 "$T/r")" = 404
}

test_expect_success '401 with a bad token: 77, naming the request and M_UNKNOWN_TOKEN, nothing changed' '
	expect_status 77 --context badtoken user list &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 401 M_UNKNOWN_TOKEN: Invalid access token passed." &&
	expect_status 77 --context badtoken apply -f "$T/users.yaml" --yes && no_zed
'
test_expect_success '403 with a non-admin'"'"'s token: 77 and the server'"'"'s words, nothing changed' '
	expect_status 77 --context user user list &&
	grep_in "$T/stderr" "synapse: GET /_synapse/admin/v2/users: 403 M_FORBIDDEN: You are not a server admin" &&
	expect_status 77 --context user plan -f "$T/users.yaml" &&
	expect_status 77 --context user apply -f "$T/users.yaml" --yes && no_zed
'
test_expect_success '404 for an unknown user: 1, naming it; deactivating it is 1 too and makes no account' '
	expect_status 1 user show nobody &&
	grep_in "$T/stderr" "synapse: no user '"'"'nobody'"'"' on example.test" && test ! -s "$T/stdout" &&
	expect_status 1 user deactivate nobody && grep_in "$T/stderr" "nobody" &&
	synapse_api main admin GET /_synapse/admin/v2/users/@nobody:example.test >"$T/r" &&
	test "$(head -n 1 "$T/r")" = 404
'
test_expect_success 'server info: the real version and the capability table' '
	expect_status 0 server info &&
	grep_in "$T/stdout" "1.67.0" && grep_in "$T/stdout" "users.list[].admin"
'

# --- a real 429: rc_message allows one event per 2 s. The admin makes three rooms with its limit
# lifted (override_ratelimit), then the override goes, and msgadm sends one ACL per room.
printf 'rc_message: {per_second: 0.5, burst_count: 1}\n' >"$T/low.yaml"
synapse_start lim example.test "$T/low.yaml"
say "# synapse lim (low rate limits) started in $SYN_START_MS ms"
synapse_py lim '
u = "/_synapse/admin/v1/users/@admin:example.test/override_ratelimit"
ok("POST", u, {"messages_per_second": 0, "burst_count": 0})
for n in ("one", "two", "three"):
    ok("POST", "/_matrix/client/v3/createRoom", {"name": n, "preset": "private_chat"})
ok("DELETE", u)
' || say "not ok - making the rooms of lim"
synapse_contexts
printf 'version: 1\nserver: example.test\nfederation: {mode: allowlist, partners: [bund.de]}\n' >"$T/acl.yaml"
# watch_process PID FILE: while PID runs (up to 10 s), appends what ps shows and the process's own
# command line and environment to FILE, every 50 ms.
watch_process() {
	: >"$2"
	i=0
	while test -d "/proc/$1" && [ $i -lt 200 ]; do
		{ ps -eo args; tr "\0" " " <"/proc/$1/cmdline"; tr "\0" "\n" <"/proc/$1/environ"; } >>"$2" 2>/dev/null
		sleep 0.05
		i=$((i + 1))
	done
	test -s "$2"
}

test_expect_success 'a real 429 with retry_after_ms: msgadm waits what the server says, and apply succeeds' '
	tok=$(cat "$SYN_TOKEN_FILE") &&
	t0=$(date +%s%3N) &&
	{ "$MSGADM" -v apply -f "$T/acl.yaml" --yes >"$T/out" 2>"$T/err" & } && mpid=$! &&
	watch_process "$mpid" "$T/ps" &&
	wait "$mpid" && ms=$(($(date +%s%3N) - t0)) && echo "apply took $ms ms" &&
	grep_in "$T/out" "Apply: 3 changes, 0 failed." &&
	grep -q "msgadm -v apply -f" "$T/ps" && not_in "$T/ps" "$tok" &&
	python3 - "$T/err" <<-\PY
	import json, re, sys
	lines = open(sys.argv[1]).read().splitlines()
	hints = [json.loads(l[2:])["retry_after_ms"] for l in lines if l.startswith("< {") and "M_LIMIT_EXCEEDED" in l]
	waits = [int(m.group(1)) for l in lines for m in [re.match(r"\* retrying in (\d+) ms", l)] if m]
	print("retry_after_ms:", hints, "waited:", waits)
	assert hints and all(isinstance(h, int) and h > 1000 for h in hints), hints
	assert len(waits) == len(hints) and all(w >= h for w, h in zip(waits, hints)), (waits, hints)
	assert any(l.startswith("< 429") for l in lines)
	PY
'
test_expect_success '... the rooms hold the ACL, as the server says' '
	synapse_py lim "
for r in ok(\"GET\", \"/_synapse/admin/v1/rooms\")[\"rooms\"]:
    st = {e[\"type\"]: e[\"content\"] for e in ok(\"GET\", \"/_synapse/admin/v1/rooms/%s/state\" % q(r[\"room_id\"]))[\"state\"]}
    assert st.get(\"m.room.server_acl\", {}).get(\"allow\") == [\"bund.de\", \"example.test\"], st
"
'
test_expect_success 'a 429 with no retries left: the change fails naming M_LIMIT_EXCEEDED, exit 3' '
	MSGADM_CONFIG="$T/noretry.config" && export MSGADM_CONFIG && SYN_RETRIES=0 synapse_contexts &&
	printf "version: 1\nserver: example.test\nfederation: {mode: closed}\n" >"$T/closed.yaml" &&
	expect_status 3 apply -f "$T/closed.yaml" --yes &&
	grep_in "$T/stdout" "429 M_LIMIT_EXCEEDED: Too Many Requests"
'
test_expect_success 'an unreachable server (stopped): 69, "cannot connect" naming the request, nothing hangs' '
	synapse_stop lim &&
	t0=$(date +%s) &&
	expect_status 69 user list && test $(($(date +%s) - t0)) -lt 20 &&
	grep_in "$T/stderr" "/_synapse/admin/v2/users" &&
	grep -qi "connect" "$T/stderr" &&
	expect_status 69 plan -f "$T/acl.yaml"
'

# --- the token nowhere
synapse_use main
synapse_contexts
test_expect_success 'the tokens are in none of: output, -v traces, saved plans, the audit log' '
	: >"$T/all" &&
	for args in "user list" "-o json user list" "plan -f $T/users.yaml" "-o json plan -f $T/users.yaml" \
		"plan -f $T/users.yaml --out $T/p.plan" "apply $T/p.plan --yes" "user deactivate zed" "user reactivate zed" \
		"invite create tok1 --uses 1" "invite list" "room list" "export" "server info" "audit reports"; do
		# -v first: the traced run is the one that makes the change (a reactivation sends a password)
		# (their exit statuses do not matter here: the second apply of a plan is refused, say)
		# shellcheck disable=SC2086
		{ "$MSGADM" -v $args >>"$T/all" 2>&1 || :; } &&
		# shellcheck disable=SC2086
		{ "$MSGADM" $args >>"$T/all" 2>&1 || :; } || return 1
	done &&
	! "$MSGADM" --context user user list >>"$T/all" 2>&1 &&
	! "$MSGADM" -v --context badtoken user list >>"$T/all" 2>&1 &&
	! "$MSGADM" -v --context down user list >>"$T/all" 2>&1 &&
	grep_in "$T/all" "Bearer <redacted>" && grep_in "$T/all" "\"password\":\"<redacted>\"" &&
	cat "$T/p.plan" >>"$T/all" && test -s "$HOME/.local/state/msgadm/audit.jsonl" &&
	cat "$HOME"/.local/state/msgadm/*.jsonl >>"$T/all" &&
	for f in "$SYN_TOKEN_FILE" "$SYN_DIR/users/alice.token" "$SYN_DIR/bad.token" "$SYN_DIR/shared_secret"; do
		not_in "$T/all" "$(cat "$f")" || exit 1
	done
'
