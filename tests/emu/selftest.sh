#!/bin/sh
# Hand-run sanity check of synapse_emu.py: a few exact answers, faults, state, then a 100,000-user
# paging benchmark. Usage: sh tests/emu/selftest.sh [N_USERS]   (needs curl and python3)
set -u
here=$(cd "$(dirname "$0")" && pwd)
emu="$here/synapse_emu.py"
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0

start() { # extra args...
	rm -f "$tmp/port"
	python3 "$emu" --port 0 --port-file "$tmp/port" --admin-token-file "$tmp/admin" \
		--user-token-file "$tmp/user" "$@" 2>>"$tmp/stderr" &
	pid=$!
	i=0
	while [ ! -s "$tmp/port" ]; do
		i=$((i + 1)); [ $i -gt 200 ] && { echo "emulator did not start"; cat "$tmp/stderr"; exit 1; }
		sleep 0.05
	done
	base="http://127.0.0.1:$(cat "$tmp/port")"
	A=$(cat "$tmp/admin"); U=$(cat "$tmp/user")
}
stop() { kill "$pid"; wait "$pid"; rc=$?; pid=""; [ $rc -eq 0 ] || { echo "not ok - exit status $rc"; fails=$((fails + 1)); }; }

check() { # title expected-status expected-body curl-args...
	title=$1 want_status=$2 want_body=$3; shift 3
	got=$(curl -s -o "$tmp/body" -w '%{http_code}' "$@")
	body=$(cat "$tmp/body")
	if [ "$got" = "$want_status" ] && [ "$body" = "$want_body" ]; then
		echo "ok - $title"
	else
		echo "not ok - $title: got $got $body"; fails=$((fails + 1))
	fi
}

start
auth="Authorization: Bearer $A"
check "server_version without auth" 200 '{"server_version": "1.67.0", "python_version": "3.11.2"}' "$base/_synapse/admin/v1/server_version"
check "missing token" 401 '{"errcode": "M_MISSING_TOKEN", "error": "Missing access token"}' "$base/_synapse/admin/v2/users"
check "bad token" 401 '{"errcode": "M_UNKNOWN_TOKEN", "error": "Invalid access token passed.", "soft_logout": false}' -H "Authorization: Bearer nope" "$base/_synapse/admin/v2/users"
check "non-admin" 403 '{"errcode": "M_FORBIDDEN", "error": "You are not a server admin"}' -H "Authorization: Bearer $U" "$base/_synapse/admin/v2/users"
check "whoami" 200 '{"user_id": "@admin:example.test", "is_guest": false, "device_id": "EMUADMINDEVICE"}' -H "$auth" "$base/_matrix/client/v3/account/whoami"
check "unknown user" 404 '{"errcode": "M_NOT_FOUND", "error": "User not found"}' -H "$auth" "$base/_synapse/admin/v2/users/%40nobody%3Aexample.test"
check "limit=-5" 400 '{"errcode": "M_INVALID_PARAM", "error": "Query parameter limit must be a string representing a positive integer."}' -H "$auth" "$base/_synapse/admin/v2/users?limit=-5"
check "wrong method" 400 '{"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"}' -X DELETE "$base/_synapse/admin/v1/server_version"
check "not JSON" 400 '{"errcode": "M_NOT_JSON", "error": "Content not JSON."}' -H "$auth" -X PUT -d '{"x":' "$base/_synapse/admin/v2/users/@frank:example.test"
check "token create" 200 '{"token": "t1", "uses_allowed": 3, "pending": 0, "completed": 0, "expiry_time": null}' -H "$auth" -X POST -d '{"token":"t1","uses_allowed":3}' "$base/_synapse/admin/v1/registration_tokens/new"
check "unknown token" 404 '{"errcode": "M_NOT_FOUND", "error": "No such registration token: t2"}' -H "$auth" "$base/_synapse/admin/v1/registration_tokens/t2"
check "list page" 200 '{"users": [{"name": "@admin:example.test", "user_type": null, "is_guest": 0, "admin": 1, "deactivated": 0, "shadow_banned": 0, "displayname": "Admin", "avatar_url": null, "creation_ts": '"$(curl -s -H "$auth" "$base/_synapse/admin/v2/users/@admin:example.test" | sed 's/.*"creation_ts": \([0-9]*\).*/\1/')"'000}], "total": 2, "next_token": "1"}' -H "$auth" "$base/_synapse/admin/v2/users?limit=1"

before=$(curl -s "$base/_emu/state")
curl -s -X POST -d '{"kind":"status","status":503,"match":"PUT /_synapse/admin/v2/users/"}' "$base/_emu/fault" >/dev/null
check "fault 503" 503 "$(printf '<html>\r\n<head><title>503 Service Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n')" -H "$auth" -X PUT -d '{"displayname":"x"}' "$base/_synapse/admin/v2/users/@zed:example.test"
curl -s -X POST -d '{"kind":"rate_limit","retry_after_ms":7}' "$base/_emu/fault" >/dev/null
check "fault 429" 429 '{"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests", "retry_after_ms": 7}' -H "$auth" -X PUT -d '{}' "$base/_synapse/admin/v2/users/@zed:example.test"
after=$(curl -s "$base/_emu/state")
if [ "$before" = "$after" ]; then echo "ok - faulted writes left the state alone"; else echo "not ok - state changed"; fails=$((fails + 1)); fi
got=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" -X PUT -d '{"password":"pw"}' "$base/_synapse/admin/v2/users/@zed:example.test")
if [ "$got" = 201 ]; then echo "ok - create answers 201"; else echo "not ok - create answered $got"; fails=$((fails + 1)); fi
writes=$(curl -s "$base/_emu/requests" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["writes"], d["faulted"])')
if [ "$writes" = "2 2" ]; then echo "ok - request counters"; else echo "not ok - counters: $writes"; fails=$((fails + 1)); fi
stop

n=${1:-100000}
t0=$(python3 -c 'import time; print(time.time())')
start --seed-users "$n"
python3 - "$base" "$A" "$t0" "$n" <<'EOF'
import http.client, json, sys, time
base, token, t0, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
host, port = base.split("//")[1].split(":")
c = http.client.HTTPConnection(host, int(port))
c.request("GET", "/_synapse/admin/v1/server_version"); c.getresponse().read()
print("# startup with %d seeded users: %.2fs (spawn to first answer)" % (n, time.time() - t0))
h = {"Authorization": "Bearer " + token}
for run in (1, 2):
    t, frm, pages, seen = time.monotonic(), "0", 0, 0
    while True:
        c.request("GET", "/_synapse/admin/v2/users?limit=1000&from=" + frm, headers=h)
        r = c.getresponse(); body = json.loads(r.read())
        pages += 1; seen += len(body["users"])
        if "next_token" not in body:
            break
        frm = body["next_token"]
    el = time.monotonic() - t
    ok = seen == body["total"] == n + 2
    print("%s - listed %d users in %d pages, %.2fs, %.0f pages/s (run %d)" % ("ok" if ok else "not ok", seen, pages, el, pages / el, run))
EOF
stop
[ $fails -eq 0 ] && echo "selftest passed" || echo "selftest: $fails failed"
[ $fails -eq 0 ]
