#!/bin/sh
# The ejabberd test harness against a real ejabberd (Debian's 23.01): a private instance answers its
# HTTP API for the admin only (Basic with the full JID, or an OAuth token), listens on 127.0.0.1 only,
# takes configuration changes through the msgadm.yml fragment with reload_config and keeps the old
# configuration when the fragment is broken, and every instance is gone when its test script ends,
# whether it ends normally, fails or is killed. A failed start is a "not ok", never a skip.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ejabberd/harness.sh"

ejabberd_start main example.test
say "# ejabberd main: API answering, admin registered and token issued in $EJ_START_MS ms; RSS $(sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$EJ_PID/status")"

# expect_api NAME AUTH COMMAND JSON STATUS [PYTHON]: the call answers HTTP STATUS; PYTHON, if given,
# is an expression over the body b (text) and j (parsed JSON, or None) that must be true.
expect_api() {
	ejabberd_request "$1" "$2" "$3" "$4" >"$T/reply" || { echo "no HTTP answer"; return 1; }
	python3 - "$T/reply" "$5" "${6:-True}" <<'PY'
import json, sys
status, _, b = open(sys.argv[1]).read().partition("\n")
b = b.rstrip("\n")
try:
    j = json.loads(b)
except ValueError:
    j = None
ok = status == sys.argv[2] and eval(sys.argv[3])
if not ok:
    print("got HTTP %s %s; wanted %s and %s" % (status, b, sys.argv[2], sys.argv[3]))
sys.exit(0 if ok else 1)
PY
}

test_expect_success 'the admin calls the API with HTTP Basic and the full JID' '
	expect_api main basic registered_users "{\"host\": \"example.test\"}" 200 "\"admin\" in j" &&
	ejabberd_api main registered_users "{\"host\": \"example.test\"}" >"$T/users" &&
	grep_in "$T/users" "\"admin\"" &&
	test "$(cat "$EJ_BASIC_FILE")" = "admin@example.test:$EJ_ADMIN_PASSWORD" &&
	test "$(stat -c %a "$EJ_BASIC_FILE") $(stat -c %a "$EJ_TOKEN_FILE")" = "600 600"
'
test_expect_success 'the OAuth token issued by the harness works as a Bearer token' '
	expect_api main bearer registered_users "{\"host\": \"example.test\"}" 200 "\"admin\" in j" &&
	expect_api main bearer status "{}" 200 "\"is running\" in b"
'
test_expect_success 'no credentials: 403 code 32 (the stock loopback-is-admin rule is not there)' '
	expect_api main none registered_users "{\"host\": \"example.test\"}" 403 "j[\"code\"] == 32" &&
	expect_api main none status "{}" 403 "j[\"code\"] == 32"
'
test_expect_success 'a wrong password, a bare user name or a bad token: 401 code 10' '
	expect_api main basic:admin@example.test:wrong registered_users "{\"host\": \"example.test\"}" 401 "j[\"code\"] == 10" &&
	expect_api main "basic:admin:$EJ_ADMIN_PASSWORD" registered_users "{\"host\": \"example.test\"}" 401 "j[\"code\"] == 10" &&
	expect_api main bearer:not-a-token registered_users "{\"host\": \"example.test\"}" 401 "j[\"code\"] == 10"
'
test_expect_success 'ejabberd_api fails on an HTTP error and still prints the body' '
	! ejabberd_api main no_such_command "{}" >"$T/body" 2>"$T/err" &&
	grep_in "$T/body" "\"code\":40" && grep_in "$T/err" "HTTP 404"
'

test_expect_success 'every socket of the node listens on 127.0.0.1, on the ports the harness chose' '
	python3 - "$EJ_PID" "$EJ_C2S_PORT $EJ_S2S_PORT $EJ_HTTP_PORT $EJ_DIST_PORT" <<-\PY
	import os, sys
	root, want = int(sys.argv[1]), sorted(int(p) for p in sys.argv[2].split())
	pids, todo = set(), [root]
	while todo:  # the node and everything it started (erl_child_setup, inet_gethost)
	    p = todo.pop()
	    pids.add(p)
	    for t in os.listdir("/proc/%d/task" % p):
	        todo += [int(c) for c in open("/proc/%d/task/%s/children" % (p, t)).read().split()]
	inodes = set()
	for p in pids:
	    for fd in os.listdir("/proc/%d/fd" % p):
	        try:
	            l = os.readlink("/proc/%d/fd/%s" % (p, fd))
	        except OSError:
	            continue
	        if l.startswith("socket:["):
	            inodes.add(l[8:-1])
	listening, bad = [], []
	for proto in ("tcp", "tcp6", "udp", "udp6"):
	    for line in open("/proc/net/" + proto).read().splitlines()[1:]:
	        f = line.split()
	        if f[9] not in inodes:
	            continue
	        addr, port = f[1].split(":")
	        # TCP: only LISTEN (0A); UDP: every bound socket (07) counts.
	        if proto.startswith("tcp") and f[3] != "0A":
	            continue
	        listening.append((proto, addr, int(port, 16)))
	        if addr != "0100007F":
	            bad.append((proto, addr, int(port, 16)))
	print("listening:", listening)
	assert not bad, "not on 127.0.0.1: %r" % bad
	assert sorted(p for _, _, p in listening) == want, "ports %r, wanted %r" % (listening, want)
	PY
'
test_expect_success 'the node runs as user ejabberd, named NAME-<script pid>@localhost' '
	test "$(stat -c %U "/proc/$EJ_PID")" = ejabberd &&
	test "$EJ_NODE" = "main-$$@localhost" &&
	test "$EJ_URL_main" = "$EJ_URL" && test "$EJ_PID_main" = "$EJ_PID" &&
	test "$(ejabberd_use main && echo "$EJ_API")" = "http://127.0.0.1:$EJ_HTTP_PORT/api"
'
test_expect_success 'ejabberd_ctl talks to this node' '
	ejabberd_ctl main status >"$T/status" &&
	grep_in "$T/status" "The node '\''$EJ_NODE'\'' is started"
'
test_expect_success 'the node resolves only its own names, and no other' '
	ERL_INETRC="$EJ_DIR/inetrc" erl -noshell -eval "io:format(\"~p~n\", [[inet:gethostbyname(\"example.test\"), inet:gethostbyname(\"localhost\"), inet:gethostbyname(\"example.com\"), inet_res:getbyname(\"example.com\", a)]]), halt()." >"$T/resolve" &&
	cat "$T/resolve" &&
	test "$(grep -c "{127,0,0,1}" "$T/resolve")" -eq 2 &&
	test "$(grep -c "{error,nxdomain}" "$T/resolve")" -eq 2
'

# --- configuration through the msgadm.yml fragment
dump_config() { # NAME: the effective configuration, in $T/dump.yml
	ejabberd_api "$1" dump_config "{\"out\": \"$EJ_DIR/dump.yml\"}" >/dev/null && cp "$EJ_DIR/dump.yml" "$T/dump.yml"
}
test_expect_success 'the fragment starts empty, and reload_config applies a valid one' '
	test -f "$EJ_FRAGMENT" && ! test -s "$EJ_FRAGMENT" &&
	cat >"$EJ_FRAGMENT" <<-\YML &&
	acl:
	  blocked_servers:
	    server:
	      - "bad.test"
	access_rules:
	  s2s_access:
	    deny: blocked_servers
	    allow: all
	s2s_access: s2s_access
	YML
	expect_api main basic reload_config "{}" 200 "j == 0" &&
	dump_config main &&
	grep_in "$T/dump.yml" "blocked_servers:" && grep_in "$T/dump.yml" "- \"bad.test\"" &&
	grep_in "$T/dump.yml" "s2s_access: s2s_access"
'
test_expect_success 'a broken fragment: reload_config answers 400, the old configuration stays live' '
	cp "$EJ_FRAGMENT" "$T/good.yml" &&
	printf "acl: [broken\n" >"$EJ_FRAGMENT" &&
	expect_api main basic reload_config "{}" 400 "\"Failed to read YAML file\" in b and \"msgadm.yml\" in b" &&
	dump_config main &&
	grep_in "$T/dump.yml" "- \"bad.test\"" && grep_in "$T/dump.yml" "s2s_access: s2s_access" &&
	grep_in "$EJ_DIR/logs/error.log" "Configuration reload aborted" &&
	expect_api main basic registered_users "{\"host\": \"example.test\"}" 200 "\"admin\" in j"
'
test_expect_success 'a fragment repeating an option of ejabberd.yml is refused the same way' '
	printf "oauth_expire: 60\n" >"$EJ_FRAGMENT" &&
	expect_api main basic reload_config "{}" 400 "\"Duplicated option: oauth_expire\" in b" &&
	dump_config main && grep_in "$T/dump.yml" "oauth_expire: 3600"
'
test_expect_success 'an emptied fragment reloads, and its settings are gone' '
	: >"$EJ_FRAGMENT" &&
	expect_api main basic reload_config "{}" 200 "j == 0" &&
	dump_config main && not_in "$T/dump.yml" "bad.test"
'

# --- more instances, and their end
# gone PID: the process has ended (within 1 s). A stopped node was detached from us, so its parent is
# PID 1, which on these machines reaps it only after a few seconds: until then it is a zombie.
gone() {
	i=0
	while runs "$1" && [ $i -lt 10 ]; do sleep 0.1; i=$((i + 1)); done
	! runs "$1"
}
runs() { test -d "/proc/$1" && ! grep -q "^State:[[:space:]]*Z" "/proc/$1/status" 2>/dev/null; }
test_expect_success 'a second instance gets its own ports and node, its EXTRA_YAML; ejabberd_stop ends it' '
	ejabberd_use main && main_pid=$EJ_PID && main_http=$EJ_HTTP_PORT &&
	mkdir -m 700 "$T/private" &&
	printf "acl:\n  extra_acl:\n    server:\n      - \"peer.test\"\n" >"$T/private/extra.yml" &&
	chmod 600 "$T/private/extra.yml" &&
	t0=$(date +%s%3N) &&
	EJ_EXTRA_HOSTS="peer.test" ejabberd_start second remote.test "$T/private/extra.yml" &&
	echo "start: $(($(date +%s%3N) - t0)) ms" &&
	test "$EJ_NAME" = second && test "$EJ_HTTP_PORT" != "$main_http" && test "$EJ_PID" != "$main_pid" &&
	test "$EJ_EXTRA" = "$EJ_DIR/extra.yml" &&
	expect_api second basic registered_users "{\"host\": \"remote.test\"}" 200 "j == [\"admin\"]" &&
	ejabberd_api second dump_config "{\"out\": \"$EJ_DIR/dump.yml\"}" && grep_in "$EJ_DIR/dump.yml" "extra_acl:" &&
	grep_in "$EJ_DIR/inetrc" "\"peer.test\"" && grep_in "$EJ_DIR/hosts" " peer.test" &&
	expect_api second basic registered_users "{\"host\": \"example.test\"}" 400 "\"Unknown virtual host\" in b" &&
	pid2=$EJ_PID &&
	ejabberd_stop second && echo "stop: $EJ_STOP_MS ms" &&
	gone "$pid2" &&
	! ejabberd_request second basic status "{}" &&
	expect_api main basic status "{}" 200 "\"is running\" in b"
'

# child NAME 'CODE': a test script of its own (lib.sh + harness, its own $T) that runs CODE.
child() {
	mkdir -p "$T/$1/tests/e2e"
	{
		echo ". \"$TOP/tests/e2e/lib.sh\""
		echo ". \"$TOP/tests/ejabberd/harness.sh\""
		echo "echo \"\$T\" >\"$T/$1.T\""
		printf '%s\n' "$2"
	} >"$T/$1/tests/e2e/t.sh"
}

test_expect_success 'a test that fails after starting ejabberd leaves no server and no files behind' '
	child failing "ejabberd_start x example.test >/dev/null; echo \$EJ_PID >\"$T/failing.pid\"; say \"not ok - on purpose\"; exit 3" &&
	{ sh "$T/failing/tests/e2e/t.sh" >"$T/failing.out" 2>&1; rc=$?; } &&
	cat "$T/failing.out" &&
	test "$rc" -eq 3 && test -s "$T/failing.pid" && gone "$(cat "$T/failing.pid")" &&
	! test -e "$(cat "$T/failing.T")"
'
test_expect_success 'a test killed with SIGTERM while ejabberd runs stops it too' '
	child killed "ejabberd_start y example.test >/dev/null; echo \$EJ_PID >\"$T/killed.pid\"; sleep 30 & echo \$! >\"$T/killed.sleep\"; wait" &&
	{ sh "$T/killed/tests/e2e/t.sh" >"$T/killed.out" 2>&1 & } &&
	kpid=$! && i=0 &&
	while ! test -s "$T/killed.sleep" && [ $i -lt 300 ]; do sleep 0.1 && i=$((i + 1)) || exit 1; done &&
	test -s "$T/killed.pid" && runs "$(cat "$T/killed.pid")" &&
	kill -TERM "$kpid" && { wait "$kpid"; rc=$?; } &&
	{ kill "$(cat "$T/killed.sleep")" 2>/dev/null || :; } &&
	cat "$T/killed.out" &&
	test "$rc" -eq 143 && gone "$(cat "$T/killed.pid")" && ! test -e "$(cat "$T/killed.T")"
'
test_expect_success 'a configuration ejabberd refuses: "not ok" with the reason from the log, exit 1' '
	printf "listen: [broken\n" >"$T/bad.yml" &&
	child bad "ejabberd_start z example.test \"$T/bad.yml\"; say \"ok - not reached\"" &&
	{ sh "$T/bad/tests/e2e/t.sh" >"$T/bad.out" 2>&1; rc=$?; } &&
	cat "$T/bad.out" &&
	test "$rc" -eq 1 &&
	grep_in "$T/bad.out" "not ok - ejabberd could not be started (z): the node stopped during start" &&
	grep_in "$T/bad.out" "#   " && grep_in "$T/bad.out" "extra.yml" &&
	not_in "$T/bad.out" "ok - not reached" &&
	! test -e "$(cat "$T/bad.T")"
'
test_expect_success 'no ejabberd installed: "not ok", exit 1, never a skip' '
	child missing "EJ_CTL=/nonexistent/ejabberdctl; ejabberd_start w example.test; say \"ok - not reached\"" &&
	{ sh "$T/missing/tests/e2e/t.sh" >"$T/missing.out" 2>&1; rc=$?; } &&
	cat "$T/missing.out" &&
	test "$rc" -eq 1 && grep_in "$T/missing.out" "not ok - ejabberd could not be started (w): /nonexistent/ejabberdctl is missing" &&
	not_in "$T/missing.out" "ok - not reached"
'
