#!/bin/sh
# The Synapse test harness against a real Synapse 1.67.0: a private instance on 127.0.0.1 only, its
# first admin made through the shared-secret register API, nothing written into the read-only
# sources, a blank server on request, and nothing left running when a test script ends, however it
# ends. Without sources the suites are skipped, each with its reason, and fail under CI.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/synapse/harness.sh"
synapse_require

: >"$T/before-start"
sleep 1 # file times have a resolution of a few ms; be sure the stamp is older than anything written
synapse_start main example.test
say "# synapse main: API answering, admin made and background updates done in $SYN_START_MS ms; RSS $(sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$SYN_PID/status")"

test_expect_success 'Synapse 1.67.0 answers, and the admin made through the shared secret is an admin' '
	synapse_call main none GET /_synapse/admin/v1/server_version >"$T/v" &&
	grep_in "$T/v" "\"server_version\":\"1.67.0\"" &&
	synapse_call main admin GET /_synapse/admin/v2/users/@admin:example.test >"$T/admin" &&
	grep_in "$T/admin" "\"admin\":1" && grep_in "$T/admin" "\"deactivated\":0" &&
	synapse_call main admin GET /_matrix/client/v3/account/whoami >"$T/who" &&
	grep_in "$T/who" "\"user_id\":\"@admin:example.test\""
'
test_expect_success 'secrets are in 0600 files, never on the server'"'"'s command line or in its environment' '
	test "$(stat -c %a "$SYN_TOKEN_FILE") $(stat -c %a "$SYN_DIR/shared_secret") $(stat -c %a "$SYN_DIR/homeserver.yaml")" = "600 600 600" &&
	tok=$(cat "$SYN_TOKEN_FILE") && secret=$(cat "$SYN_DIR/shared_secret") &&
	test -n "$tok" && test -n "$secret" &&
	tr "\0" " " <"/proc/$SYN_PID/cmdline" >"$T/cmdline" && cat "$T/cmdline" &&
	grep_in "$T/cmdline" "-m synapse.app.homeserver -c $SYN_DIR/homeserver.yaml" &&
	tr "\0" "\n" <"/proc/$SYN_PID/environ" >"$T/environ" &&
	not_in "$T/cmdline" "$secret" && not_in "$T/environ" "$secret" && not_in "$T/cmdline" "$tok" &&
	ps -eo args >"$T/ps" && not_in "$T/ps" "$secret" && not_in "$T/ps" "$tok"
'
test_expect_success 'the server listens on 127.0.0.1 only, on the one port the harness chose' '
	python3 - "$SYN_PID" "$SYN_PORT" <<-\PY
	import os, sys
	pid, port = int(sys.argv[1]), int(sys.argv[2])
	inodes = set()
	for fd in os.listdir("/proc/%d/fd" % pid):
	    try:
	        l = os.readlink("/proc/%d/fd/%s" % (pid, fd))
	    except OSError:
	        continue
	    if l.startswith("socket:["):
	        inodes.add(l[8:-1])
	listening = []
	for proto in ("tcp", "tcp6", "udp", "udp6"):
	    for line in open("/proc/net/" + proto).read().splitlines()[1:]:
	        f = line.split()
	        if f[9] in inodes and (proto.startswith("udp") or f[3] == "0A"):
	            listening.append((proto, f[1]))
	print("listening:", listening)
	assert listening == [("tcp", "0100007F:%04X" % port)], listening
	PY
'
test_expect_success 'the sources are left as they were: no bytecode, no file written inside them' '
	find "$SYN_SRC" -newer "$T/before-start" >"$T/newer" && test ! -s "$T/newer" &&
	find "$SYN_SRC" -name __pycache__ >"$T/pycache" && test ! -s "$T/pycache" &&
	test -d "$SYN_PYCACHE"
'
test_expect_success 'an account made without a password right after the start stays active' '
	synapse_call main admin PUT /_synapse/admin/v2/users/@early:example.test "{\"displayname\": \"Early\"}" >/dev/null &&
	sleep 2 &&
	synapse_call main admin GET /_synapse/admin/v2/users/@early:example.test >"$T/early" &&
	grep_in "$T/early" "\"deactivated\":0"
'
test_expect_success 'synapse_user registers a local user with a token of its own (not an admin)' '
	synapse_user main alice "" Alice &&
	test "$(stat -c %a "$SYN_DIR/users/alice.token")" = 600 &&
	synapse_call main alice GET /_matrix/client/v3/account/whoami >"$T/who" &&
	grep_in "$T/who" "@alice:example.test" &&
	synapse_api main alice GET /_synapse/admin/v2/users >"$T/r" &&
	test "$(head -n 1 "$T/r")" = 403
'
test_expect_success 'synapse_blank: a blank database on the same port, a new admin token, the old one dead' '
	cp "$SYN_TOKEN_FILE" "$T/old.token" && port=$SYN_PORT && pid=$SYN_PID &&
	t0=$(date +%s%3N) && synapse_blank main && echo "blank restart: $(($(date +%s%3N) - t0)) ms" &&
	synapse_use main && test "$SYN_PORT" = "$port" && test "$SYN_PID" != "$pid" && ! test -d "/proc/$pid" &&
	synapse_call main admin GET "/_synapse/admin/v2/users?deactivated=true" >"$T/users" &&
	grep_in "$T/users" "\"total\":1" && not_in "$T/users" "@early:" && not_in "$T/users" "@alice:" &&
	synapse_api main "file:$T/old.token" GET /_synapse/admin/v2/users >"$T/r" &&
	test "$(head -n 1 "$T/r")" = 401
'
synapse_use main
test_expect_success 'synapse_stop ends the server by its pid; an extra configuration replaces the defaults' '
	printf "rc_message: {per_second: 0.5, burst_count: 2}\n" >"$T/low.yaml" &&
	synapse_start second other.test "$T/low.yaml" &&
	test "$SYN_SERVER" = other.test &&
	synapse_call second none GET /_synapse/admin/v1/server_version >/dev/null &&
	grep -c "^rc_message:" "$SYN_DIR/homeserver.yaml" | grep -qx 2 &&
	tail -n 1 "$SYN_DIR/homeserver.yaml" | grep -q "per_second: 0.5" &&
	pid2=$SYN_PID && synapse_stop second && ! test -d "/proc/$pid2" &&
	! synapse_api second none GET /_synapse/admin/v1/server_version 2>/dev/null &&
	synapse_call main none GET /_synapse/admin/v1/server_version >/dev/null
'
synapse_use main

# child NAME 'CODE' [ENV...]: a test script of its own (lib.sh + harness, its own $T, no ../shared
# beside its tree) that runs CODE.
child() {
	mkdir -p "$T/$1/tests/e2e"
	{
		echo ". \"$TOP/tests/e2e/lib.sh\""
		echo ". \"$TOP/tests/synapse/harness.sh\""
		echo "echo \"\$T\" >\"$T/$1.T\""
		printf '%s\n' "$2"
	} >"$T/$1/tests/e2e/t.sh"
}
wait_file() { # FILE SECONDS: until FILE is not empty
	i=0
	while ! test -s "$1" && [ $i -lt $(($2 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	test -s "$1"
}
gone() { # PID: the process has ended (within 2 s), zombies included
	i=0
	while test -d "/proc/$1" && ! grep -q "^State:[[:space:]]*Z" "/proc/$1/status" 2>/dev/null && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	! test -d "/proc/$1" || grep -q "^State:[[:space:]]*Z" "/proc/$1/status"
}

test_expect_success 'a test that fails after starting Synapse leaves no server and no files behind' '
	child failing "synapse_require; synapse_start x example.test; echo \$SYN_PID >\"$T/failing.pid\"; say \"not ok - on purpose\"; exit 3" &&
	{ MSGADM_SYNAPSE_SRC="$SYN_SRC" sh "$T/failing/tests/e2e/t.sh" >"$T/failing.out" 2>&1; rc=$?; } &&
	cat "$T/failing.out" &&
	test "$rc" -eq 3 && test -s "$T/failing.pid" && gone "$(cat "$T/failing.pid")" &&
	! test -e "$(cat "$T/failing.T")"
'
test_expect_success 'a test killed with SIGTERM while Synapse runs stops it too' '
	child killed "synapse_require; synapse_start y example.test; echo \$SYN_PID >\"$T/killed.pid\"; sleep 60 & echo \$! >\"$T/killed.sleep\"; wait" &&
	{ MSGADM_SYNAPSE_SRC="$SYN_SRC" sh "$T/killed/tests/e2e/t.sh" >"$T/killed.out" 2>&1 & } &&
	kpid=$! &&
	wait_file "$T/killed.sleep" 60 &&
	test -s "$T/killed.pid" && test -d "/proc/$(cat "$T/killed.pid")" &&
	kill -TERM "$kpid" && { wait "$kpid"; rc=$?; } &&
	{ kill "$(cat "$T/killed.sleep")" 2>/dev/null || :; } &&
	cat "$T/killed.out" &&
	test "$rc" -eq 143 && gone "$(cat "$T/killed.pid")" && ! test -e "$(cat "$T/killed.T")"
'
test_expect_success 'a configuration Synapse refuses: "not ok" with the reason from its output, exit 1' '
	printf "server_name: [broken\n" >"$T/bad.yaml" &&
	child bad "synapse_require; synapse_start z example.test \"$T/bad.yaml\"; say \"ok - not reached\"" &&
	{ MSGADM_SYNAPSE_SRC="$SYN_SRC" sh "$T/bad/tests/e2e/t.sh" >"$T/bad.out" 2>&1; rc=$?; } &&
	cat "$T/bad.out" &&
	test "$rc" -eq 1 &&
	grep_in "$T/bad.out" "not ok - synapse could not be started (z): the server stopped during start" &&
	grep_in "$T/bad.out" "#   " && not_in "$T/bad.out" "ok - not reached" &&
	! test -e "$(cat "$T/bad.T")"
'
test_expect_success 'no sources: "skipped: REASON" and exit 0; with CI=true "not ok - REASON" and exit 1' '
	child nosrc "synapse_require; say \"ok - not reached\"" &&
	{ MSGADM_SYNAPSE_SRC=/nonexistent CI= sh "$T/nosrc/tests/e2e/t.sh" >"$T/nosrc.out" 2>&1; rc=$?; } &&
	cat "$T/nosrc.out" &&
	test "$rc" -eq 0 && test "$(cat "$T/nosrc.out")" = "skipped: no Synapse sources: set MSGADM_SYNAPSE_SRC" &&
	{ MSGADM_SYNAPSE_SRC=/nonexistent CI=true sh "$T/nosrc/tests/e2e/t.sh" >"$T/ci.out" 2>&1; rc=$?; } &&
	cat "$T/ci.out" &&
	test "$rc" -eq 1 && test "$(head -n 1 "$T/ci.out")" = "not ok - no Synapse sources: set MSGADM_SYNAPSE_SRC" &&
	not_in "$T/ci.out" "ok - not reached"
'
test_expect_success 'tests/run counts a skipped script, names it with its reason, and says "N skipped"' '
	mkdir -p "$T/tree/tests/e2e" "$T/tree/tests/synapse" "$T/tree/tests/tools" &&
	cp "$TOP/tests/run" "$T/tree/tests/run" && cp "$TOP/tests/e2e/lib.sh" "$T/tree/tests/e2e/" &&
	cp -R "$TOP/tests/tools/chainlint" "$TOP/tests/tools/chainlint-cases" "$T/tree/tests/tools/" &&
	cp "$TOP/tests/synapse/harness.sh" "$T/tree/tests/synapse/" &&
	printf ". \"\$(dirname \"\$0\")/lib.sh\"\ntest_expect_success one true\n" >"$T/tree/tests/e2e/t1-plain.sh" &&
	printf ". \"\$(dirname \"\$0\")/lib.sh\"\n. \"\$TOP/tests/synapse/harness.sh\"\nsynapse_require\n" >"$T/tree/tests/e2e/t2-syn.sh" &&
	{ MSGADM_SYNAPSE_SRC= CI= sh "$T/tree/tests/run" --only e2e >"$T/run.out" 2>&1; rc=$?; } &&
	cat "$T/run.out" &&
	test "$rc" -eq 0 &&
	grep_in "$T/run.out" "SKIP e2e t2-syn (skipped: no Synapse sources: set MSGADM_SYNAPSE_SRC)" &&
	tail -n 1 "$T/run.out" | grep -qx "[0-9]* passed, 0 failed, 1 skipped" &&
	{ MSGADM_SYNAPSE_SRC= CI=true sh "$T/tree/tests/run" --only e2e >"$T/run.out" 2>&1; rc=$?; } &&
	cat "$T/run.out" &&
	test "$rc" -ne 0 && grep_in "$T/run.out" "not ok - no Synapse sources: set MSGADM_SYNAPSE_SRC" &&
	tail -n 1 "$T/run.out" | grep -qx "[0-9]* passed, 1 failed"
'
