#!/bin/sh
# Rooms against a real Synapse 1.67.0: server ACLs in rooms made by several local users, public and
# private, where the admin is no member (make_room_admin and the join, as the server does them);
# m.room.retention; retention enforce purging for real (the purge followed to its end, the history
# gone as the room messages API shows); federation destinations as findings; event reports made
# through the client API by a user.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/synapse/harness.sh"
synapse_require
synapse_start main example.test
synapse_contexts
say "# synapse started in $SYN_START_MS ms"
for u in alice bob carol; do synapse_user main "$u" || say "not ok - registering $u"; done

# Rooms made by their users through the client API; the admin is in none of them. Their ids go to
# $T/rooms.json by name.
synapse_py main '
def room(owner, body, members=()):
    rid = ok("POST", "/_matrix/client/v3/createRoom", body, auth=owner)["room_id"]
    for m in members:
        if body.get("preset") != "public_chat":
            ok("POST", "/_matrix/client/v3/rooms/%s/invite" % q(rid), {"user_id": "@%s:example.test" % m}, auth=owner)
        ok("POST", "/_matrix/client/v3/join/" + q(rid), {}, auth=m)
    return rid
R = {}
R["ops"] = room("alice", {"name": "Ops", "preset": "private_chat", "room_alias_name": "ops"}, ["bob"])
R["town"] = room("bob", {"name": "Town", "preset": "public_chat", "room_alias_name": "town", "visibility": "public"}, ["carol"])
R["secret"] = room("carol", {"name": "Secret", "preset": "private_chat"})
R["local"] = room("alice", {"name": "Local", "preset": "private_chat", "creation_content": {"m.federate": False}})
R["chat"] = room("alice", {"name": "Chat", "preset": "private_chat", "room_alias_name": "chat"}, ["bob"])
for i, who in enumerate(["alice", "bob", "alice"]):
    ok("PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/ops%d" % (q(R["ops"]), i),
       {"msgtype": "m.text", "body": "ops %d" % i}, auth=who)
json.dump(R, open(A[0], "w"))
' "$T/rooms.json" || say "not ok - making the rooms"
room_id() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/rooms.json" "$1"; }

# rs NAME PYTHON-EXPR: asserts an expression over the room's current state as the admin API reads
# it: s (by "type" or "type|state_key": content), members (joined user ids), rid.
rs() {
	synapse_py main '
rid = json.load(open(A[0]))[A[1]]
s = {}
for e in ok("GET", "/_synapse/admin/v1/rooms/%s/state" % q(rid))["state"]:
    s[e["type"] if e["state_key"] == "" else e["type"] + "|" + e["state_key"]] = e["content"]
members = ok("GET", "/_synapse/admin/v1/rooms/%s/members" % q(rid))["members"]
if not eval(A[2]):
    print(json.dumps({"state": s, "members": members}, indent=1)); sys.exit(1)' "$T/rooms.json" "$1" "$2"
}
ACL='{"allow": ["bund.de", "example.test", "partner.gov.nl"], "deny": [], "allow_ip_literals": False}'

cat >"$T/policy.yaml" <<'YAML'
version: 1
server: example.test
federation:
  mode: allowlist
  partners: [partner.gov.nl, bund.de]
retention:
  rooms:
    - {room: "#ops:example.test", max_lifetime: 30d}
YAML

test_expect_success 'room list and room show: the rooms the users made, as the server reports them' '
	expect_status 0 room list &&
	grep -Eq "^ID +ALIAS +NAME +MEMBERS +ACL$" "$T/stdout" &&
	grep -Eq "^$(room_id ops) +#ops:example.test +Ops +2 +no$" "$T/stdout" &&
	grep -Eq "^$(room_id town) +#town:example.test +Town +2 +no$" "$T/stdout" &&
	grep -Eq "^$(room_id secret) +- +Secret +1 +no$" "$T/stdout" &&
	test "$(grep -c . "$T/stdout")" = 6 &&
	expect_status 0 -o json room show "#ops:example.test" &&
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d[\"joined\"] == [\"@alice:example.test\", \"@bob:example.test\"], d
assert d[\"admin_membership\"] is None and d[\"join_rule\"] == \"invite\" and d[\"server_acl\"] is None, d
assert d[\"creator\"] == \"@alice:example.test\" and d[\"federatable\"] is True, d
" "$T/stdout" &&
	expect_status 1 room show "#nope:example.test" &&
	grep_in "$T/stderr" "no room '"'"'#nope:example.test'"'"' on example.test"
'
test_expect_success 'plan: an ACL for each federatable room, the admin to join each first; retention for #ops' '
	expect_status 0 plan -f "$T/policy.yaml" &&
	for r in ops town secret chat; do
		grep_in "$T/stdout" "+ room_acl $(room_id $r)" || exit 1
	done &&
	not_in "$T/stdout" "+ room_acl $(room_id local)" &&
	grep_in "$T/stdout" "the admin will join $(room_id secret) (\"Secret\") first: make_room_admin, then join" &&
	grep_in "$T/stdout" "the admin will join $(room_id town) (#town:example.test) first" &&
	grep_in "$T/stdout" "the room cannot federate (m.federate: false)" &&
	grep_in "$T/stdout" "+ room_retention $(room_id ops)" &&
	grep_in "$T/stdout" "Plan: 5 to add, 0 to change, 0 to deactivate/delete."
'
test_expect_success 'apply: every federatable room holds the ACL, the local-only room none' '
	expect_status 0 apply -f "$T/policy.yaml" --yes &&
	grep_in "$T/stdout" "Apply: 5 changes, 0 failed." &&
	for r in ops town secret chat; do
		rs $r "s[\"m.room.server_acl\"] == $ACL" || exit 1
	done &&
	rs local "\"m.room.server_acl\" not in s"
'
test_expect_success 'make_room_admin and the join, for real: the admin is joined with the creator'"'"'s power' '
	rs ops "\"@admin:example.test\" in members and s[\"m.room.member|@admin:example.test\"][\"membership\"] == \"join\"" &&
	rs ops "s[\"m.room.power_levels\"][\"users\"][\"@admin:example.test\"] == 100 == s[\"m.room.power_levels\"][\"users\"][\"@alice:example.test\"]" &&
	rs secret "sorted(members) == [\"@admin:example.test\", \"@carol:example.test\"]" &&
	rs town "\"@admin:example.test\" in members and s[\"m.room.join_rules\"][\"join_rule\"] == \"public\"" &&
	rs local "\"@admin:example.test\" not in members"
'
test_expect_success 'the members see the ACL through the client API' '
	synapse_call main carol GET "/_matrix/client/v3/rooms/$(room_id secret)/state/m.room.server_acl/" >"$T/acl" &&
	grep_in "$T/acl" "\"allow\":[\"bund.de\",\"example.test\",\"partner.gov.nl\"]" &&
	grep_in "$T/acl" "\"allow_ip_literals\":false"
'
test_expect_success 'retention: m.room.retention in milliseconds, set in #ops' '
	rs ops "s[\"m.room.retention\"] == {\"max_lifetime\": 2592000000}"
'
test_expect_code 0 'plan --detailed-exitcode right after apply exits 0' '
	run plan -f "$T/policy.yaml" --detailed-exitcode
'
test_expect_success 'an ACL changed by a member is planned back for that room only, and apply restores it' '
	synapse_call main alice PUT "/_matrix/client/v3/rooms/$(room_id ops)/state/m.room.server_acl/" \
		"{\"allow\": [\"*\"], \"deny\": [\"evil.example\"], \"allow_ip_literals\": false}" >/dev/null &&
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "~ room_acl $(room_id ops)" &&
	grep_in "$T/stdout" "Plan: 0 to add, 1 to change, 0 to deactivate/delete." &&
	expect_status 0 apply -f "$T/policy.yaml" --yes &&
	rs ops "s[\"m.room.server_acl\"] == $ACL"
'
test_expect_success 'export reads federation back from the rooms'"'"' ACLs; the plan of the export exits 0' '
	expect_status 0 export && cp "$T/stdout" "$T/export.yaml" &&
	grep_in "$T/export.yaml" "mode: allowlist" && grep_in "$T/export.yaml" "- bund.de" &&
	grep_in "$T/export.yaml" "- partner.gov.nl" &&
	expect_status 0 plan -f "$T/export.yaml" --detailed-exitcode
'
test_expect_success 'closed: every federatable room allows only the server itself' '
	printf "version: 1\nserver: example.test\nfederation: {mode: closed}\n" >"$T/closed.yaml" &&
	expect_status 0 apply -f "$T/closed.yaml" --yes &&
	for r in ops town secret chat; do
		rs $r "s[\"m.room.server_acl\"][\"allow\"] == [\"example.test\"]" || exit 1
	done &&
	expect_status 0 plan -f "$T/closed.yaml" --detailed-exitcode
'

# --- retention enforce, for real
cat >"$T/enforce.yaml" <<'YAML'
version: 1
server: example.test
retention:
  rooms:
    - {room: "#chat:example.test", max_lifetime: 3s}
YAML
chat_messages() { synapse_py main 'print(" | ".join(messages(json.load(open(A[0]))["chat"], "bob")))' "$T/rooms.json"; }
test_expect_success 'retention enforce: the purge is followed to complete and the old messages are gone' '
	synapse_py main "
rid = json.load(open(A[0]))[\"chat\"]
for i in range(3):
    ok(\"PUT\", \"/_matrix/client/v3/rooms/%s/send/m.room.message/old%d\" % (q(rid), i), {\"msgtype\": \"m.text\", \"body\": \"old %d\" % i}, auth=\"alice\" if i != 1 else \"bob\")
time.sleep(4.5)
ok(\"PUT\", \"/_matrix/client/v3/rooms/%s/send/m.room.message/new\" % q(rid), {\"msgtype\": \"m.text\", \"body\": \"new\"}, auth=\"alice\")
" "$T/rooms.json" &&
	test "$(chat_messages)" = "old 0 | old 1 | old 2 | new" &&
	expect_status 0 -v retention enforce -f "$T/enforce.yaml" &&
	grep -F "$(room_id chat)" "$T/stdout" | grep -q purged &&
	grep -F "$(room_id chat)" "$T/stdout" | grep -q complete &&
	grep -q "^> POST .*/_synapse/admin/v1/purge_history/" "$T/stderr" &&
	grep -q "^> GET .*/_synapse/admin/v1/purge_history_status/" "$T/stderr" &&
	grep_in "$T/stderr" "\"status\":\"complete\"" &&
	test "$(chat_messages)" = "new"
'
test_expect_success 'a second run right after deletes nothing more; the room and its state stay' '
	expect_status 0 retention enforce -f "$T/enforce.yaml" &&
	test "$(chat_messages)" = "new" &&
	rs chat "s[\"m.room.name\"] == {\"name\": \"Chat\"} and sorted(members) == [\"@admin:example.test\", \"@alice:example.test\", \"@bob:example.test\"]"
'
test_expect_success 'retention enforce --dry-run sends no purge and deletes nothing' '
	expect_status 0 -v retention enforce -f "$T/enforce.yaml" --dry-run &&
	grep -F "$(room_id chat)" "$T/stdout" | grep -q "would purge" &&
	not_in "$T/stderr" "/_synapse/admin/v1/purge_history" &&
	test "$(chat_messages)" = "new"
'

# --- event reports, made by a user through the client API
test_expect_success 'audit reports: a report bob made on alice'"'"'s message, as the server stored it' '
	synapse_py main "
rid = json.load(open(A[0]))[\"ops\"]
ev = [e for e in ok(\"GET\", \"/_matrix/client/v3/rooms/%s/messages?dir=b&limit=20\" % q(rid), auth=\"bob\")[\"chunk\"]
      if e[\"type\"] == \"m.room.message\" and e[\"sender\"] == \"@alice:example.test\"][0]
ok(\"POST\", \"/_matrix/client/v3/rooms/%s/report/%s\" % (q(rid), q(ev[\"event_id\"])), {\"score\": -100, \"reason\": \"spam\"}, auth=\"bob\")
open(A[1], \"w\").write(ev[\"event_id\"])
" "$T/rooms.json" "$T/reported" &&
	expect_status 0 -o json audit reports &&
	python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r) == 1, r
x = r[0]
assert x[\"reporter\"] == \"@bob:example.test\" and x[\"sender\"] == \"@alice:example.test\", x
assert x[\"room_alias\"] == \"#ops:example.test\" and x[\"room_name\"] == \"Ops\" and x[\"score\"] == -100, x
assert x[\"reason\"] == \"spam\" and x[\"event_id\"] == open(sys.argv[2]).read() and isinstance(x[\"id\"], int), x
" "$T/stdout" "$T/reported" &&
	expect_status 0 audit reports --room "#ops:example.test" --user bob &&
	grep -q "#ops:example.test  *@bob:example.test  *@alice:example.test  *-100  spam$" "$T/stdout" &&
	expect_status 0 -o json audit reports --user carol && test "$(cat "$T/stdout")" = "[]"
'

# --- federation destinations. A real server records a destination only after its federation
# sender gave up on it, which takes minutes of Synapse's long-retry backoff; the rows are written
# into the instance's own database instead, and the server's own admin API reads them back.
test_expect_success 'destinations outside the allowlist are findings; plan --detailed-exitcode exits 2 for them' '
	python3 - "$SYN_DIR/homeserver.db" <<-\PY &&
	import sqlite3, sys
	c = sqlite3.connect(sys.argv[1], timeout=10)
	c.executemany("INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering) VALUES (?, ?, ?, ?, ?)",
	    [("partner.gov.nl", 1795697000000, 0, None, 42), ("rogue.test", 1795697000000, 0, None, 17),
	     ("stale.test", 1795697000001, 600000, 1795690000000, None)])
	c.commit()
	PY
	synapse_call main admin GET "/_synapse/admin/v1/federation/destinations?from=0&limit=2" >"$T/d" &&
	grep_in "$T/d" "\"total\":3" && grep_in "$T/d" "\"next_token\":\"2\"" &&
	MSGADM_CONFIG="$T/paged.config" && export MSGADM_CONFIG && synapse_contexts "page_size: 1" &&
	expect_status 0 apply -f "$T/policy.yaml" --yes &&
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "No changes: the server matches the policy." &&
	grep_in "$T/stdout" "? federation: the server federates with rogue.test, which mode allowlist does not admit (last successful send: stream ordering 17)" &&
	grep_in "$T/stdout" "? federation: the server federates with stale.test, which mode allowlist does not admit (no successful send recorded; failing since 2026-11-26T" &&
	not_in "$T/stdout" "with partner.gov.nl" &&
	expect_status 2 plan -f "$T/policy.yaml" --detailed-exitcode
'
