#!/bin/sh
# Closed federation and retention through the API, room by room, against the Synapse emulator:
# rooms made by several users (public and private, the admin joined or not); the plan lists only the
# rooms that differ and says where the admin must join first; apply writes m.room.server_acl and
# m.room.retention, and reports a room it cannot change as a failed change.
. "$(dirname "$0")/lib.sh"
start_synapse_emu

EMU2_PID=
cleanup() {
	[ -n "$EMU2_PID" ] && kill "$EMU2_PID" 2>/dev/null && wait "$EMU2_PID" 2>/dev/null
	[ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null && wait "$EMU_PID" 2>/dev/null
	rm -rf "$T"
}

emu POST /_emu/seed '{"users": [{"name": "@bob:example.test", "displayname": "Bob"}, {"name": "@carol:example.test"}],
 "rooms": [
  {"room_id": "!lobby:example.test", "creator": "@bob:example.test", "name": "Lobby", "alias": "#lobby:example.test",
   "join_rule": "public", "members": [{"user_id": "@alice:example.test"}]},
  {"room_id": "!ops:example.test", "creator": "@bob:example.test", "name": "Ops", "alias": "#ops:example.test",
   "members": [{"user_id": "@carol:example.test", "power": 50}, {"user_id": "@zed:partner.test"}]},
  {"room_id": "!adm:example.test", "creator": "@admin:example.test", "name": "Admins"},
  {"room_id": "!low:example.test", "creator": "@bob:example.test", "name": "Low", "members": [{"user_id": "@admin:example.test"}]},
  {"room_id": "!done:example.test", "creator": "@admin:example.test", "name": "Done", "state": [{"type": "m.room.server_acl",
   "content": {"allow": ["bund.de", "example.test", "partner.test"], "deny": [], "allow_ip_literals": false}}]},
  {"room_id": "!remote:partner.test", "creator": "@zed:partner.test", "name": "Remote", "members": [{"user_id": "@carol:example.test"}]},
  {"room_id": "!gone:example.test", "creator": "@bob:example.test", "name": "Gone", "members": [{"user_id": "@bob:example.test", "membership": "leave"}]},
  {"room_id": "!local:example.test", "creator": "@bob:example.test", "name": "Local only", "federate": false}]}' >/dev/null

# api METHOD PATH [JSON]: one request with the admin token; prints "STATUS BODY".
api() {
	python3 - "$EMU_URL" "$(cat "$T/admin.token")" "$@" <<'PY'
import sys, urllib.request, urllib.error
base, tok, method, path = sys.argv[1:5]
data = sys.argv[5].encode() if len(sys.argv) > 5 else None
req = urllib.request.Request(base + path, data=data, method=method, headers={"Authorization": "Bearer " + tok})
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
PY
}
# st PYTHON-EXPR: asserts an expression over r (the rooms of /_emu/state) and acl(room), ret(room),
# member(room, user).
st() {
	emu_state >"$T/state.json" &&
	python3 -c "import json, sys
s = json.load(open(sys.argv[1])); r = s['rooms']
acl = lambda i: r[i]['state'].get('m.room.server_acl', {}).get('')
ret = lambda i: r[i]['state'].get('m.room.retention', {}).get('')
member = lambda i, u: r[i]['members'].get(u)
power = lambda i, u: r[i]['state']['m.room.power_levels']['']['users'].get(u)
assert ($1), json.dumps(r, indent=1)" "$T/state.json"
}
reset_requests() { emu POST /_emu/requests/reset "" >/dev/null; }
ALLOW='["bund.de", "example.test", "partner.test"]'

test_expect_success 'emulator: room list and details answer like Synapse 1.67' '
	api GET "/_synapse/admin/v1/rooms?limit=3" >"$T/r" &&
	grep_in "$T/r" "200 {\"offset\": 0, \"rooms\": [{\"room_id\": \"!adm:example.test\", \"name\": \"Admins\", \"canonical_alias\": null, \"joined_members\": 1, \"joined_local_members\": 1, \"version\": \"9\", \"creator\": \"@admin:example.test\", \"encryption\": null, \"federatable\": true, \"public\": false, \"join_rules\": \"invite\", \"guest_access\": \"can_join\", \"history_visibility\": \"shared\", \"state_events\": 7, \"room_type\": null}" &&
	grep_in "$T/r" "\"total_rooms\": 8, \"next_batch\": 3}" &&
	api GET "/_synapse/admin/v1/rooms?from=6&limit=3" >"$T/r" &&
	grep_in "$T/r" "\"total_rooms\": 8, \"prev_batch\": 3}" &&
	api GET "/_synapse/admin/v1/rooms/%21nosuch%3Aexample.test" >"$T/r" &&
	grep_in "$T/r" "404 {\"errcode\": \"M_NOT_FOUND\", \"error\": \"Room not found\"}" &&
	api GET "/_synapse/admin/v1/rooms/!ops:example.test/members" >"$T/r" &&
	grep_in "$T/r" "200 {\"members\": [\"@bob:example.test\", \"@carol:example.test\", \"@zed:partner.test\"], \"total\": 3}"
'
test_expect_success 'emulator: make_room_admin invites into a private room; state PUT fails 403 until the admin joins' '
	emupy "call(\"POST\", \"/_emu/seed\", {\"rooms\": [{\"room_id\": \"!probe:example.test\", \"creator\": \"@bob:example.test\"}]})" &&
	R=/_matrix/client/v3/rooms/%21probe%3Aexample.test/state/m.room.server_acl/ &&
	api PUT "$R" "{\"allow\": [\"example.test\"]}" >"$T/r" &&
	grep_in "$T/r" "403 {\"errcode\": \"M_FORBIDDEN\", \"error\": \"User @admin:example.test not in room !probe:example.test (None)\"}" &&
	api POST /_synapse/admin/v1/rooms/%21probe%3Aexample.test/make_room_admin "{}" >"$T/r" &&
	grep_in "$T/r" "200 {}" &&
	api PUT "$R" "{\"allow\": [\"example.test\"]}" >"$T/r" &&
	grep_in "$T/r" "403 {\"errcode\": \"M_FORBIDDEN\", \"error\": \"User @admin:example.test not in room !probe:example.test (<FrozenEventV3 event_id=" &&
	api GET "$R" >"$T/r" && grep_in "$T/r" "403 {\"errcode\": \"M_FORBIDDEN\", \"error\": \"User @admin:example.test not in room !probe:example.test, and room previews are disabled\"}" &&
	api POST /_matrix/client/v3/join/%21probe%3Aexample.test "{}" >"$T/r" &&
	grep_in "$T/r" "200 {\"room_id\": \"!probe:example.test\"}" &&
	api GET "$R" >"$T/r" && grep_in "$T/r" "404 {\"errcode\": \"M_NOT_FOUND\", \"error\": \"Event not found.\"}" &&
	api PUT "$R" "{\"allow\": [\"other.test\"]}" >"$T/r" &&
	grep_in "$T/r" "400 {\"errcode\": \"M_UNKNOWN\", \"error\": \"Can'"'"'t create an ACL event that denies the local server\"}" &&
	api PUT "$R" "{\"allow\": [\"example.test\"]}" >"$T/r" && grep_in "$T/r" "200 {\"event_id\": \"\$" &&
	api GET "$R" >"$T/r" && grep_in "$T/r" "200 {\"allow\": [\"example.test\"]}" &&
	api POST /_matrix/client/v3/join/%23lobby%3Aexample.test "{}" >"$T/r" && grep_in "$T/r" "200 {\"room_id\": \"!lobby:example.test\"}" &&
	api POST /_matrix/client/v3/join/%21ops%3Aexample.test "{}" >"$T/r" &&
	grep_in "$T/r" "403 {\"errcode\": \"M_FORBIDDEN\", \"error\": \"You are not invited to this room.\"}" &&
	api GET /_matrix/client/v3/directory/room/%23nope%3Aexample.test >"$T/r" &&
	grep_in "$T/r" "404 {\"errcode\": \"M_NOT_FOUND\", \"error\": \"Room alias #nope:example.test not found\"}" &&
	api GET "/_synapse/admin/v1/federation/destinations" >"$T/r" && grep_in "$T/r" "200 {\"destinations\": [], \"total\": 0}"
'
# The lobby as it was before the probe joined it (a seed replaces a room by its id); the probe
# room stays, with an ACL of its own.
emu POST /_emu/seed '{"rooms": [{"room_id": "!lobby:example.test", "creator": "@bob:example.test", "name": "Lobby",
  "alias": "#lobby:example.test", "join_rule": "public", "members": [{"user_id": "@alice:example.test"}]}]}' >/dev/null

test_expect_success 'room list: every room with its alias, members and whether it has an ACL' '
	expect_status 0 room list &&
	grep -Eq "^ID +ALIAS +NAME +MEMBERS +ACL$" "$T/stdout" &&
	grep -Eq "^!lobby:example.test +#lobby:example.test +Lobby +2 +no$" "$T/stdout" &&
	grep -Eq "^!done:example.test +- +Done +1 +yes$" "$T/stdout" &&
	grep -Eq "^!probe:example.test +- +- +2 +yes$" "$T/stdout" &&
	test "$(grep -c . "$T/stdout")" = 10
'
test_expect_success 'room show by alias, and an unknown room' '
	expect_status 0 room show "#ops:example.test" &&
	grep -Eq "^id +!ops:example.test$" "$T/stdout" &&
	grep -Eq "^join_rule +invite$" "$T/stdout" &&
	grep -Eq "^server_acl +-$" "$T/stdout" &&
	expect_status 0 -o json room show "!done:example.test" &&
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d[\"server_acl\"][\"allow\"] == [\"bund.de\", \"example.test\", \"partner.test\"], d
assert d[\"admin_membership\"] == \"join\" and d[\"joined\"] == [\"@admin:example.test\"], d
" "$T/stdout" &&
	expect_status 1 room show "#nope:example.test" &&
	grep_in "$T/stderr" "no room '"'"'#nope:example.test'"'"' on example.test" &&
	expect_status 64 room show ops
'

cat >"$T/allow.yaml" <<'YAML'
version: 1
server: example.test
federation:
  mode: allowlist
  partners: [partner.test, bund.de]
YAML
test_expect_success 'plan: an ACL change for each room that differs, and nothing else' '
	reset_requests &&
	expect_status 0 plan -f "$T/allow.yaml" &&
	for r in adm lobby low ops; do grep_in "$T/stdout" "+ room_acl !$r:example.test" || exit 1; done &&
	grep_in "$T/stdout" "+ room_acl !remote:partner.test" &&
	grep_in "$T/stdout" "allow: [\"bund.de\",\"example.test\",\"partner.test\"]" &&
	grep_in "$T/stdout" "allow_ip_literals: false" &&
	not_in "$T/stdout" "room_acl !done" && not_in "$T/stdout" "room_acl !gone" &&
	not_in "$T/stdout" "room_acl !local" &&
	grep_in "$T/stdout" "~ room_acl !probe:example.test" &&
	grep_in "$T/stdout" "allow: [\"example.test\"] -> [\"bund.de\",\"example.test\",\"partner.test\"]" &&
	grep_in "$T/stdout" "deny: null -> []" &&
	test "$(emu_writes)" = 0
'
test_expect_success 'plan: says room by room where the admin joins or gets power first' '
	grep_in "$T/stdout" "Apply will also:" &&
	grep_in "$T/stdout" "* federation: the admin will join !lobby:example.test (#lobby:example.test) first: make_room_admin, then join (members see it)" &&
	grep_in "$T/stdout" "* federation: the admin will join !ops:example.test (#ops:example.test) first" &&
	grep_in "$T/stdout" "* federation: the admin will join !remote:partner.test (\"Remote\") first" &&
	grep_in "$T/stdout" "* federation: the admin will be given room admin power in !low:example.test (\"Low\") first" &&
	not_in "$T/stdout" "join !adm" &&
	grep_in "$T/stdout" "! federation: note: no ACL written where the room cannot federate (m.federate: false): !local:example.test" &&
	grep_in "$T/stdout" "! federation: note: no ACL written where no local member is left (the server is no longer in the room): !gone:example.test" &&
	grep_in "$T/stdout" "! federation: config-managed: homeserver.yaml: federation_domain_whitelist" &&
	grep_in "$T/stdout" "- partner.test" &&
	grep_in "$T/stdout" "Plan: 5 to add, 1 to change, 0 to deactivate/delete."
'
test_expect_success 'plan -o json: ordered room changes and the apply notes' '
	expect_status 0 -o json plan -f "$T/allow.yaml" &&
	python3 -c "
import json, sys
p = json.load(open(sys.argv[1]))
ops = [(c[\"op\"], c[\"type\"], c[\"key\"], c[\"path\"]) for c in p[\"changes\"]]
assert ops == [(\"create\", \"room_acl\", k, \"federation\") for k in [\"!adm:example.test\", \"!lobby:example.test\", \"!low:example.test\", \"!ops:example.test\"]] + [(\"update\", \"room_acl\", \"!probe:example.test\", \"federation\"), (\"create\", \"room_acl\", \"!remote:partner.test\", \"federation\")], ops
joins = [n[\"message\"] for n in p[\"notes\"] if n[\"level\"] == \"apply\"]
assert len(joins) == 4, joins
" "$T/stdout"
'
test_expect_success 'apply: every room it can change gets the ACL; the one it cannot is a failed change (exit 3)' '
	expect_status 3 apply -f "$T/allow.yaml" --yes &&
	grep_in "$T/stdout" "failed: synapse: POST /_synapse/admin/v1/rooms/!remote:partner.test/make_room_admin: 400 M_UNKNOWN: No local admin user in room" &&
	grep_in "$T/stdout" "Apply: 6 changes, 1 failed." &&
	st "all(acl(i) == {\"allow\": $ALLOW, \"deny\": [], \"allow_ip_literals\": False}
	        for i in [\"!adm:example.test\", \"!lobby:example.test\", \"!low:example.test\", \"!ops:example.test\", \"!done:example.test\", \"!probe:example.test\"])
	    and acl(\"!remote:partner.test\") is None and acl(\"!gone:example.test\") is None and acl(\"!local:example.test\") is None
	    and member(\"!lobby:example.test\", \"@admin:example.test\") == \"join\"
	    and member(\"!ops:example.test\", \"@admin:example.test\") == \"join\"
	    and power(\"!ops:example.test\", \"@admin:example.test\") == 100
	    and power(\"!low:example.test\", \"@admin:example.test\") == 100
	    and member(\"!remote:partner.test\", \"@admin:example.test\") is None"
'
test_expect_success 'plan --detailed-exitcode after: only the failed room is left (exit 2)' '
	expect_status 2 plan -f "$T/allow.yaml" --detailed-exitcode &&
	grep_in "$T/stdout" "Plan: 1 to add, 0 to change" && grep_in "$T/stdout" "+ room_acl !remote:partner.test"
'
test_expect_code 0 'once a local member has power there, apply finishes the room and the plan is empty' '
	emu POST /_emu/seed "{\"rooms\": [{\"room_id\": \"!remote:partner.test\", \"creator\": \"@zed:partner.test\", \"name\": \"Remote\",
	  \"members\": [{\"user_id\": \"@carol:example.test\", \"power\": 100}]}]}" >/dev/null &&
	expect_status 0 apply -f "$T/allow.yaml" --yes &&
	st "acl(\"!remote:partner.test\")[\"allow\"] == $ALLOW and member(\"!remote:partner.test\", \"@admin:example.test\") == \"join\"" &&
	run plan -f "$T/allow.yaml" --detailed-exitcode
'

test_expect_success 'export reads federation back from the rooms'\'' ACLs; a snapshot holds it and check passes' '
	expect_status 0 export && cp "$T/stdout" "$T/fed-export.yaml" &&
	grep_in "$T/fed-export.yaml" "mode: allowlist" &&
	python3 -c "
import sys
t = open(sys.argv[1]).read()
assert \"- bund.de\" in t and \"- partner.test\" in t and \"example.test\n\" not in t.split(\"partners:\")[1], t
" "$T/fed-export.yaml" &&
	expect_status 0 plan -f "$T/fed-export.yaml" --detailed-exitcode &&
	expect_status 0 snapshot create --out "$T/fed-snap.json" &&
	expect_status 0 check -f "$T/allow.yaml" --snapshot "$T/fed-snap.json" &&
	printf "version: 1\nserver: example.test\nfederation: {mode: allowlist, partners: [bund.de]}\n" >"$T/narrow.yaml" &&
	expect_status 2 check -f "$T/narrow.yaml" --snapshot "$T/fed-snap.json" &&
	grep_in "$T/stdout" "federation: partners: expected [\"bund.de\"]"
'
test_expect_success 'a room whose ACL differs leaves federation out of export: check says it is not in the snapshot' '
	api PUT "/_matrix/client/v3/rooms/!lobby:example.test/state/m.room.server_acl/" "{\"allow\": [\"*\"], \"deny\": []}" >/dev/null &&
	expect_status 0 export && not_in "$T/stdout" "federation" &&
	expect_status 0 snapshot create --out "$T/fed-snap2.json" &&
	expect_status 2 check -f "$T/allow.yaml" --snapshot "$T/fed-snap2.json" &&
	grep_in "$T/stdout" "not in the snapshot" &&
	expect_status 0 apply -f "$T/allow.yaml" --yes
'

cat >"$T/closed.yaml" <<'YAML'
version: 1
server: example.test
federation: {mode: closed}
YAML
test_expect_success 'closed: every room allows only the server itself' '
	expect_status 0 plan -f "$T/closed.yaml" &&
	grep_in "$T/stdout" "~ room_acl !ops:example.test" &&
	grep_in "$T/stdout" "allow: [\"bund.de\",\"example.test\",\"partner.test\"] -> [\"example.test\"]" &&
	grep_in "$T/stdout" "federation_domain_whitelist: []" &&
	not_in "$T/stdout" "Apply will also:" &&
	expect_status 0 apply -f "$T/closed.yaml" --yes &&
	st "all(acl(i) == {\"allow\": [\"example.test\"], \"deny\": [], \"allow_ip_literals\": False}
	        for i in r if i not in (\"!gone:example.test\", \"!local:example.test\"))" &&
	run plan -f "$T/closed.yaml" --detailed-exitcode
'
test_expect_success 'open: ACLs are left alone, and the plan says so' '
	reset_requests &&
	printf "version: 1\nserver: example.test\nfederation: {mode: open}\n" >"$T/open.yaml" &&
	expect_status 0 plan -f "$T/open.yaml" --detailed-exitcode &&
	grep_in "$T/stdout" "! federation: note: mode open: the rooms'"'"' server ACLs are left as they are" &&
	grep_in "$T/stdout" "# no federation_domain_whitelist" &&
	expect_status 0 apply -f "$T/open.yaml" --yes &&
	test "$(emu_writes)" = 0
'
test_expect_success 'saved plan: a room ACL changed since is refused' '
	cp "$T/allow.yaml" "$T/allow2.yaml" &&
	expect_status 0 plan -f "$T/allow2.yaml" --out "$T/acl.plan" &&
	api PUT /_matrix/client/v3/rooms/%21adm%3Aexample.test/state/m.room.server_acl/ "{\"allow\": [\"*\"]}" >"$T/r" &&
	grep_in "$T/r" "200 " && reset_requests &&
	expect_status 1 apply "$T/acl.plan" --yes &&
	grep_in "$T/stderr" "state changed since the plan was made" &&
	test "$(emu_writes)" = 0
'

# A server named by an IP address: allow_ip_literals: false would shut it out of every room.
umask 077
python3 "$TOP/tests/emu/synapse_emu.py" --port 0 --port-file "$T/port2" --server-name 127.0.0.1 \
	--admin-token-file "$T/admin.token" >"$T/emu2.log" 2>&1 &
EMU2_PID=$!
umask 022
i=0
while [ ! -s "$T/port2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
cat >>"$MSGADM_CONFIG" <<CFG
  - name: ipname
    driver: synapse
    url: http://127.0.0.1:$(cat "$T/port2")
    server: 127.0.0.1
    token_file: $T/admin.token
CFG
test_expect_success 'an ACL that would shut the server out of its own rooms is refused, and nothing is sent' '
	printf "version: 1\nserver: 127.0.0.1\nfederation: {mode: closed}\n" >"$T/ip.yaml" &&
	expect_status 65 --context ipname plan -f "$T/ip.yaml" &&
	grep_in "$T/stderr" "federation: the room server ACL for mode closed would shut 127.0.0.1 out of its own rooms (the server name is an IP address and allow_ip_literals is false); refusing to plan it" &&
	expect_status 65 --context ipname apply -f "$T/ip.yaml" --yes
'

cat >"$T/retention.yaml" <<'YAML'
version: 1
server: example.test
retention:
  rooms:
    - {room: "#ops:example.test", max_lifetime: 30d, min_lifetime: 1d}
    - {room: "!adm:example.test", max_lifetime: 1y}
    - {room: "#nope:example.test", max_lifetime: 1w}
YAML
test_expect_success 'retention: rules by alias and id become m.room.retention in milliseconds' '
	expect_status 0 plan -f "$T/retention.yaml" &&
	grep_in "$T/stdout" "+ room_retention !ops:example.test" &&
	grep_in "$T/stdout" "max_lifetime: 2592000000" && grep_in "$T/stdout" "min_lifetime: 86400000" &&
	grep_in "$T/stdout" "+ room_retention !adm:example.test" &&
	grep_in "$T/stdout" "! retention.rooms[2]: note: no room #nope:example.test on example.test: nothing to set until it exists" &&
	grep_in "$T/stdout" "Plan: 2 to add, 0 to change" &&
	expect_status 0 apply -f "$T/retention.yaml" --yes &&
	st "ret(\"!ops:example.test\") == {\"max_lifetime\": 2592000000, \"min_lifetime\": 86400000}
	    and ret(\"!adm:example.test\") == {\"max_lifetime\": 31536000000} and ret(\"!lobby:example.test\") is None"
'
test_expect_code 0 'retention: a second plan right after exits 0' '
	run plan -f "$T/retention.yaml" --detailed-exitcode
'
test_expect_success 'retention: a changed rule updates only what changed' '
	sed "s/max_lifetime: 30d, min_lifetime: 1d/max_lifetime: 7d/" "$T/retention.yaml" >"$T/retention2.yaml" &&
	expect_status 0 plan -f "$T/retention2.yaml" &&
	grep_in "$T/stdout" "~ room_retention !ops:example.test" &&
	grep_in "$T/stdout" "max_lifetime: 2592000000 -> 604800000" &&
	expect_status 0 apply -f "$T/retention2.yaml" --yes &&
	st "ret(\"!ops:example.test\") == {\"max_lifetime\": 604800000, \"min_lifetime\": 86400000}"
'
test_expect_success 'retention: refused before anything is sent when a rule cannot hold' '
	reset_requests &&
	sed "s/max_lifetime: 1y}/max_lifetime: 1d, min_lifetime: 2d}/" "$T/retention.yaml" >"$T/minmax.yaml" &&
	expect_status 65 plan -f "$T/minmax.yaml" &&
	grep_in "$T/stderr" "retention.rooms[1]: min_lifetime 2d is longer than max_lifetime 1d" &&
	sed "s/#nope:example.test/!ops:example.test/" "$T/retention.yaml" >"$T/twice.yaml" &&
	expect_status 65 plan -f "$T/twice.yaml" &&
	grep_in "$T/stderr" "retention.rooms[2]: room !ops:example.test already has a rule: retention.rooms[0]" &&
	sed "s/max_lifetime: 1y}/max_lifetime: 300000y}/" "$T/retention.yaml" >"$T/long.yaml" &&
	expect_status 65 plan -f "$T/long.yaml" &&
	grep_in "$T/stderr" "retention.rooms[1].max_lifetime: '"'"'300000y'"'"' is longer than 2^53-1 ms" &&
	test "$(emu_writes)" = 0
'
test_expect_success 'server info: federation and retention.rooms are managed' '
	expect_status 0 server info &&
	grep -Eq "^federation +managed +m\.room\.server_acl" "$T/stdout" &&
	grep -Eq "^retention\.rooms +managed +m\.room\.retention" "$T/stdout"
'
test_expect_code 0 'export round trip still exits 0 with rooms on the server' '
	expect_status 0 export >/dev/null && cp "$T/stdout" "$T/export.yaml" &&
	run plan -f "$T/export.yaml" --detailed-exitcode
'
