#!/bin/sh
# retention enforce against the Synapse emulator: purge history older than each room's max_lifetime
# (retention.rooms, then retention.default for the other rooms the server is in), follow each purge
# to its end, report per room, exit 3 when one failed; --dry-run sends no POST; a second run deletes
# nothing more.
. "$(dirname "$0")/lib.sh"
start_synapse_emu

D=86400000
emu POST /_emu/seed "{\"rooms\": [
 {\"room_id\": \"!ops:example.test\", \"alias\": \"#ops:example.test\", \"name\": \"Ops\", \"purge_polls\": 3,
  \"members\": [{\"user_id\": \"@zed:partner.test\"}],
  \"messages\": [{\"sender\": \"@zed:partner.test\", \"age_ms\": $((40 * D))}, {\"sender\": \"@admin:example.test\", \"age_ms\": $((39 * D))},
   {\"sender\": \"@zed:partner.test\", \"age_ms\": $((35 * D))}, {\"sender\": \"@zed:partner.test\", \"age_ms\": $((2 * D))}]},
 {\"room_id\": \"!bad:example.test\", \"name\": \"Bad\", \"purge_fails\": \"database is locked\",
  \"messages\": [{\"sender\": \"@zed:partner.test\", \"age_ms\": $((500 * D))}, {\"sender\": \"@zed:partner.test\", \"age_ms\": $((400 * D))}]},
 {\"room_id\": \"!old:example.test\", \"name\": \"Old\",
  \"messages\": [{\"sender\": \"@zed:partner.test\", \"age_ms\": $((800 * D))}, {\"sender\": \"@zed:partner.test\", \"age_ms\": $((700 * D))}]},
 {\"room_id\": \"!new:example.test\", \"name\": \"New\"},
 {\"room_id\": \"!gone:example.test\", \"creator\": \"@bob:partner.test\", \"name\": \"Gone\",
  \"messages\": [{\"sender\": \"@bob:partner.test\", \"age_ms\": $((900 * D))}]}]}" >/dev/null

cat >"$T/all.yaml" <<'YAML'
version: 1
server: example.test
retention:
  default: {max_lifetime: 1y}
  rooms:
    - {room: "#ops:example.test", max_lifetime: 30d}
    - {room: "#nope:example.test", max_lifetime: 30d}
    - {room: "!new:example.test", min_lifetime: 1d}
YAML
cat >"$T/ops.yaml" <<'YAML'
version: 1
server: example.test
retention:
  rooms:
    - {room: "#ops:example.test", max_lifetime: 30d}
YAML

# msgs ROOM: how many messages the room has left
msgs() {
	emu_state | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["rooms"][sys.argv[1]]["messages"]))' "$1"
}
line() { grep -F -- "$1" "$T/stdout" | grep -qF -- "$2" || { echo "no line with '$1' and '$2':"; cat "$T/stdout"; return 1; }; }

test_expect_success 'emulator: purge_history and its status answer like Synapse 1.67' '
	python3 - "$EMU_URL" "$(cat "$T/admin.token")" >"$T/r" <<-PY &&
	import json, sys, urllib.request, urllib.error
	base, tok = sys.argv[1:3]
	def call(method, path, body=None):
	    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
	                                 method=method, headers={"Authorization": "Bearer " + tok})
	    try:
	        with urllib.request.urlopen(req, timeout=10) as r:
	            return r.status, r.read().decode()
	    except urllib.error.HTTPError as e:
	        return e.code, e.read().decode()
	print(*call("POST", "/_synapse/admin/v1/purge_history/%21new%3Aexample.test", {"purge_up_to_ts": 1000, "delete_local_events": False}))
	print(*call("GET", "/_synapse/admin/v1/purge_history_status/nonexistent"))
	print(*call("POST", "/_synapse/admin/v1/purge_history/!new:example.test", {}))
	PY
	grep_in "$T/r" "404 {\"errcode\": \"M_NOT_FOUND\", \"error\": \"there is no event to be purged\"}" &&
	grep_in "$T/r" "404 {\"errcode\": \"M_NOT_FOUND\", \"error\": \"purge id '"'"'nonexistent'"'"' not found\"}" &&
	grep_in "$T/r" "400 {\"errcode\": \"M_BAD_JSON\", \"error\": \"must specify purge_up_to_event_id or purge_up_to_ts\"}"
'

test_expect_success 'dry run: says which rooms would be purged and sends no POST' '
	emu POST /_emu/requests/reset "" >/dev/null &&
	expect_status 0 retention enforce -f "$T/all.yaml" --dry-run &&
	line "!ops:example.test" "retention.rooms[0]" && line "!ops:example.test" "would purge" &&
	line "!bad:example.test" "retention.default" && line "!bad:example.test" "would purge" &&
	line "#nope:example.test" "nothing to purge" && line "#nope:example.test" "no room #nope:example.test on example.test" &&
	line "!new:example.test" "the rule names no max_lifetime" &&
	not_in "$T/stdout" "!gone:example.test" &&
	test "$(emu_writes)" = 0 && test "$(msgs !ops:example.test)" = 4 && test "$(msgs !old:example.test)" = 2
'

test_expect_code 3 'enforce: one purge completes, one fails, a young room has nothing to purge; exit 3' '
	run retention enforce -f "$T/all.yaml"
'

# What goes is what a real 1.67 deletes (t2050 holds the emulator to it): every message older than
# the purge point, the admin's own too (room version 9: delete_local_events false keeps nothing).
test_expect_success 'enforce: the report and what the server deleted' '
	line "!ops:example.test" "purged" && line "!ops:example.test" "complete" &&
	line "!bad:example.test" "failed" && line "!bad:example.test" "database is locked" &&
	line "!old:example.test" "purged" && line "#nope:example.test" "nothing to purge" &&
	test ! -s "$T/stderr" &&
	test "$(msgs !ops:example.test)" = 1 && test "$(msgs !old:example.test)" = 1 &&
	test "$(msgs !bad:example.test)" = 2 && test "$(msgs !gone:example.test)" = 1 &&
	emu GET /_emu/requests >"$T/req" &&
	python3 -c "import json, sys
r = json.load(open(sys.argv[1]))
n = r[\"by_route\"].get(\"GET /_synapse/admin/v1/purge_history_status/<purge_id>\", 0)
assert n >= 4 + 2 + 2, r[\"by_route\"]" "$T/req" &&
	grep_in "$HOME/.local/state/msgadm/audit.jsonl" "\"op\":\"purge\",\"type\":\"room_history\",\"key\":\"!bad:example.test\"" &&
	grep_in "$HOME/.local/state/msgadm/audit.jsonl" "\"outcome\":\"failed\",\"message\":\"purge "
'

test_expect_success 'second run right after: nothing more is deleted' '
	run retention enforce -f "$T/all.yaml"; test $? = 3 &&
	test "$(msgs !ops:example.test)" = 1 && test "$(msgs !old:example.test)" = 1 &&
	line "!new:example.test" "nothing to purge"
'

test_expect_success '-o json: one object per room with scope, rule, cutoff, status and message' '
	expect_status 0 -o json retention enforce -f "$T/ops.yaml" &&
	python3 -c "import json, sys, re
r = json.load(open(sys.argv[1]))
assert [(e[\"scope\"], e[\"rule\"], e[\"status\"]) for e in r] == [(\"!ops:example.test\", \"retention.rooms[0]\", \"purged\")], r
assert re.fullmatch(r\"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\", r[0][\"cutoff\"]), r
assert sorted(r[0]) == [\"cutoff\", \"message\", \"rule\", \"scope\", \"status\"], r" "$T/stdout"
'

test_expect_code 77 'a token that is not a server admin stops the run (77)' '
	run --context user retention enforce -f "$T/ops.yaml"
'

test_expect_code 64 'retention enforce needs -f' '
	run retention enforce
'
