#!/bin/sh
# The emulator held to a real Synapse 1.67.0 (tests/emu/differential.py): the same seed, the same
# fixed list of requests (what msgadm sends, recorded from the -v traces of the real-Synapse suites,
# and the errors it meets), compared by status code, errcode and error text, and JSON shape: keys,
# types, integer versus boolean, next_token presence. Every difference is fixed in the emulator or
# kept in differential.py's KEPT list with its reason.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/synapse/harness.sh"
synapse_require
# a low limit on failed logins gives the list a real 429 to compare with the emulator's
printf 'rc_login:\n  failed_attempts: {per_second: 0.1, burst_count: 3}\n' >"$T/login.yaml"
synapse_start main example.test "$T/login.yaml"
synapse_user main alice || say "not ok - registering alice"
say "# synapse started in $SYN_START_MS ms"
start_synapse_emu

test_expect_success 'the emulator answers the fixed request list as the real server does' '
	python3 "$TOP/tests/emu/differential.py" --real-url "$SYN_URL" --real-dir "$SYN_DIR" \
		--emu-url "$EMU_URL" --emu-dir "$T" --report "$T/report.json" >"$T/diff.out" 2>&1 &&
	cat "$T/diff.out"
'
sed 's/^/# /' "$T/diff.out"
test_expect_success 'the list is long enough to mean something, the kept differences few and explained' '
	python3 - "$T/report.json" <<-\PY
	import json, sys
	r = json.load(open(sys.argv[1]))
	assert r["requests"] >= 70, r["requests"]
	kept = [d for d in r["differences"] if d["kept"]]
	assert len(kept) == len(r["differences"]) and len(kept) <= 3, r["differences"]
	assert all(len(d["kept"]) > 40 for d in kept), kept
	assert not r["stale_kept"], r["stale_kept"]
	by = {x["request"]: x for x in r["exchanges"]}
	# the answers the comparison stands on are real ones, not errors on both sides
	assert by["users, first of pages"]["real"][0] == 200 and "next_token" in by["users, first of pages"]["real"][1]
	assert "next_token" not in by["users, last page"]["real"][1]
	assert by["create user"]["real"][0] == 201 and by["ACL"]["real"][0] == 200
	assert by["login, rate limited"]["real"][0] == 429
	assert by["messages left after the purge"]["real"][1] == {"messages": 0}
	PY
'
