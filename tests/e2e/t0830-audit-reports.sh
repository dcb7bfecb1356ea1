#!/bin/sh
# audit reports against the Synapse emulator: every page of GET /_synapse/admin/v1/event_reports
# (next_token as 1.67 sends it), --room and --user matched exactly although Synapse matches them
# with LIKE '%value%', an empty list, a non-admin token (77), a reply that would paginate for ever
# (76), and ejabberd contexts told "not available" without a connection.
. "$(dirname "$0")/lib.sh"
start_synapse_emu

py() {
	code=$1
	shift
	python3 -c "import json, sys
$code" "$@"
}

emu POST /_emu/seed '{"users": [{"name": "@bob:example.test"}, {"name": "@b_b:example.test"}],
 "rooms": [
  {"room_id": "!abc:example.test", "creator": "@admin:example.test", "name": "Ops", "alias": "#ops:example.test"},
  {"room_id": "!xabc:example.test", "creator": "@admin:example.test"}]}' >/dev/null

test_expect_success 'no reports: a table that says so, and [] as JSON' '
	expect_status 0 audit reports &&
	grep_in "$T/stdout" "(no event reports)" &&
	expect_status 0 -o json audit reports &&
	test "$(cat "$T/stdout")" = "[]"
'

# 250 reports in !abc by alice, bob and b_b in turn, 3 in !xabc by bob; received_ts ascending by id
emupy '
reps = []
who = ["@alice:example.test", "@bob:example.test", "@b_b:example.test"]
for i in range(250):
    reps.append({"room_id": "!abc:example.test", "user_id": who[i % 3], "sender": "@mallory:example.test",
                 "score": -100 + (i % 5), "reason": "spam %d" % i, "received_ts": 1795697015000 + i * 1000,
                 "event_id": "$ev%d" % i})
for i in range(3):
    reps.append({"room_id": "!xabc:example.test", "user_id": "@bob:example.test", "reason": None,
                 "received_ts": 1795698000000 + i, "event_id": "$x%d" % i})
print(call("POST", "/_emu/seed", {"event_reports": reps})["event_reports"])
' >"$T/seeded"

test_expect_success 'the emulator answers like the 1.67 transcript: fields, integer next_token, none at the end' '
	test "$(cat "$T/seeded")" = 253 &&
	python3 - "$EMU_URL" "$(cat "$T/admin.token")" <<-\PY
	import json, sys, urllib.request
	def get(q):
	    req = urllib.request.Request(sys.argv[1] + "/_synapse/admin/v1/event_reports" + q,
	                                 headers={"Authorization": "Bearer " + sys.argv[2]})
	    return json.load(urllib.request.urlopen(req))
	a = get("?from=0&limit=10&dir=f")
	assert list(a["event_reports"][0]) == ["id", "received_ts", "room_id", "event_id", "user_id", "score",
	    "reason", "sender", "canonical_alias", "name"], list(a["event_reports"][0])
	assert a["next_token"] == 10 and a["total"] == 253 and a["event_reports"][0]["id"] == 2, a
	assert a["event_reports"][0]["canonical_alias"] == "#ops:example.test" and a["event_reports"][0]["name"] == "Ops"
	b = get("?from=250&limit=10&dir=f")
	assert "next_token" not in b and len(b["event_reports"]) == 3, b
	PY
'

test_expect_success 'audit reports reads all three pages, oldest first, each report once' '
	emu POST /_emu/requests/reset >/dev/null &&
	expect_status 0 -o json audit reports &&
	py "
r = json.load(open(sys.argv[1]))
assert len(r) == 253, len(r)
assert [x[\"id\"] for x in r] == list(range(2, 255)), [x[\"id\"] for x in r][:5]
f = r[0]
assert f == {\"id\": 2, \"time\": \"2026-11-26T12:43:35Z\", \"received_ts\": 1795697015000,
  \"room_id\": \"!abc:example.test\", \"room_alias\": \"#ops:example.test\", \"room_name\": \"Ops\",
  \"event_id\": \"\$ev0\", \"reporter\": \"@alice:example.test\", \"sender\": \"@mallory:example.test\",
  \"score\": -100, \"reason\": \"spam 0\"}, f
assert r[-1][\"room_alias\"] is None and r[-1][\"reason\"] is None and r[-1][\"score\"] is None, r[-1]
" "$T/stdout" &&
	emu GET /_emu/requests >"$T/req" &&
	py "
q = json.load(open(sys.argv[1]))
assert q[\"by_route\"] == {\"GET /_synapse/admin/v1/event_reports\": 3}, q[\"by_route\"]
paths = [x[\"path\"] for x in q[\"recent\"]]
assert [p.split(\"?\")[1].split(\"&\")[0] for p in paths] == [\"from=0\", \"from=100\", \"from=200\"], paths
assert all(\"limit=100\" in p and \"dir=f\" in p for p in paths), paths
" "$T/req"
'

test_expect_success 'the text table: one line per report with room alias, reporter, score, reason' '
	expect_status 0 audit reports &&
	test "$(wc -l <"$T/stdout")" -eq 254 &&
	head -n 1 "$T/stdout" | grep -q "^ *ID  TIME  *ROOM  *REPORTER  *SENDER  *SCORE  REASON$" &&
	sed -n 2p "$T/stdout" | grep -q "^ *2  2026-11-26T12:43:35Z  #ops:example.test  *@alice:example.test  *@mallory:example.test  *-100  spam 0$" &&
	tail -n 1 "$T/stdout" | grep -q "^ *254  .*  !xabc:example.test  *@bob:example.test .* -  -$"
'

test_expect_success '--user matches the reporter exactly (Synapse LIKE would take @b_b for @bob too)' '
	expect_status 0 -o json audit reports --user bob &&
	py "
r = json.load(open(sys.argv[1]))
assert {x[\"reporter\"] for x in r} == {\"@bob:example.test\"} and len(r) == 83 + 3, len(r)
" "$T/stdout" &&
	expect_status 0 -o json audit reports --user @b_b:example.test &&
	py "
r = json.load(open(sys.argv[1]))
assert {x[\"reporter\"] for x in r} == {\"@b_b:example.test\"} and len(r) == 83, len(r)
" "$T/stdout" &&
	emu GET /_emu/requests >"$T/req" && grep_in "$T/req" "user_id=%40b_b%3Aexample.test"
'

test_expect_success '--room takes an id or an alias and matches exactly (not !xabc for !abc)' '
	expect_status 0 -o json audit reports --room "!abc:example.test" &&
	py "
r = json.load(open(sys.argv[1]))
assert len(r) == 250 and {x[\"room_id\"] for x in r} == {\"!abc:example.test\"}, len(r)
" "$T/stdout" &&
	expect_status 0 -o json audit reports --room "#ops:example.test" --user alice &&
	py "
r = json.load(open(sys.argv[1]))
assert len(r) == 84 and {(x[\"room_id\"], x[\"reporter\"]) for x in r} == {(\"!abc:example.test\", \"@alice:example.test\")}, len(r)
" "$T/stdout" &&
	expect_status 0 audit reports --room "!xabc:example.test" --user alice &&
	grep_in "$T/stdout" "(no event reports)"
'

test_expect_success 'an unknown alias is an error (1); a bad --room or --user is 64' '
	expect_status 1 audit reports --room "#nope:example.test" &&
	grep_in "$T/stderr" "no room '"'"'#nope:example.test'"'"' on example.test" &&
	expect_status 64 audit reports --room ops &&
	expect_status 64 audit reports --user @nocolon
'

test_expect_success 'a non-admin token: 77 with the server'"'"'s words' '
	expect_status 77 --context user audit reports &&
	grep_in "$T/stderr" "403 M_FORBIDDEN: You are not a server admin"
'

test_expect_success 'a next_token that does not move forward is 76, not an endless loop' '
	emu_fault "{\"kind\": \"not_json\", \"match\": \"GET /_synapse/admin/v1/event_reports\", \"count\": -1,
	  \"body\": \"{\\\"event_reports\\\": [], \\\"total\\\": 9, \\\"next_token\\\": 0}\"}" &&
	expect_status 76 audit reports &&
	grep_in "$T/stderr" "next_token does not move past from=0" &&
	emu_clear_faults
'

test_expect_success 'ejabberd: "not available", decided from the context without connecting' '
	printf "admin@example.test:not-the-secret" >"$T/ej.basic" && chmod 600 "$T/ej.basic" &&
	cat >>"$MSGADM_CONFIG" <<-CFG &&
	  - name: ej
	    driver: ejabberd
	    url: http://127.0.0.1:1
	    server: example.test
	    auth: basic
	    token_file: $T/ej.basic
	CFG
	expect_status 1 --context ej audit reports &&
	grep_in "$T/stderr" "event reports are not available on ejabberd"
'
