#!/usr/bin/env python3
"""The emulator held to a real Synapse: one fixed list of requests, sent to both.

TEST TOOL (tests/e2e/t2050-synapse-differential.sh runs it). Both servers start fresh and get the
same seed: the same users, registration tokens, rooms with their members and messages, an event
report and two federation destinations; the emulator through /_emu/seed, the real server through
its own APIs (shared-secret registration, the client API as the users, the admin API; the
destinations, which a real server records only after minutes of federation backoff, as rows of its
SQLite database). Then every request of REQUESTS goes to both, in order, and the answers are
compared: the status code, the errcode and the error text (room and event ids masked), and the JSON
shape of the body: its keys, their types (integer is not boolean), list element shapes, and so
whether next_token / next_batch are there. Values that are random by nature (ids, timestamps,
tokens) are not compared. A difference either is listed in KEPT with the reason it is kept, or
fails the run.

The request list is what msgadm sends, recorded from the -v traces of the real-Synapse suites
(tests/e2e/t20*-synapse-*.sh; see tests/emu/README.md), plus the error cases those suites and the
emulator suites provoke.

Usage: differential.py --real-url U --real-dir D --emu-url U --emu-dir D --report FILE
  --real-dir: the harness's instance directory (admin.token, users/<name>.token, shared_secret,
  homeserver.db); --emu-dir: the directory holding admin.token and user.token of the emulator.
Exit 0 when every difference is a kept one; 1 otherwise. The report (JSON) lists them all.
"""

import argparse
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

S = "example.test"
NOW_MS = None  # set at the start; the purge cut-off

# Kept differences: (request name, path in the body or "status"/"errcode"/"error", reason).
# Every entry must be met by a difference of the run (t2050 checks that the list is not stale).
KEPT = [
    ("(every JSON answer)", "serialization",
     "Synapse 1.67 writes compact JSON (',' and ':'); the emulator keeps the spacing of the observed "
     "transcripts (', ' and ': '), which its own tests match on. JSON readers, msgadm's among them, "
     "read both alike"),
]


def q(s):
    return urllib.parse.quote(s, safe="")


class Server:
    def __init__(self, kind, url, tokens):
        self.kind, self.url, self.tokens = kind, url, tokens
        self.rooms = {}   # seed name -> room id
        self.vars = {}    # captured values ({purge_id}, {event})
        self.spaced = self.compact = False  # how its JSON was written

    def call(self, method, path, body=None, auth="admin", raw_body=None, headers_out=None):
        data = raw_body.encode() if raw_body is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        tok = self.tokens.get(auth)
        if tok:
            req.add_header("Authorization", "Bearer " + tok)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, text, hdrs = r.status, r.read().decode(), r.headers
        except urllib.error.HTTPError as e:
            status, text, hdrs = e.code, e.read().decode(), e.headers
        if headers_out is not None:
            headers_out.update({k.lower(): v for k, v in hdrs.items()})
        if text[:1] in "{[":
            self.spaced = self.spaced or '": ' in text or '", "' in text
            self.compact = self.compact or '":' in text.replace('": ', "")
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text

    def ok(self, method, path, body=None, auth="admin"):
        s, j = self.call(method, path, body, auth)
        if not 200 <= s < 300:
            raise SystemExit("%s seed: %s %s: %d %s" % (self.kind, method, path, s, j))
        return j


# ---- the seed, once for each server

USERS = [  # local part, display name, e-mail, deactivated
    ("bob", "Bob", "bob@example.test", False),
    ("carol", "carol", None, False),
    ("dave", "Dave", None, True),
    ("erin", "erin", None, False),
]
TOKENS = [{"token": "old-token", "uses_allowed": 5}, {"token": "keep-token", "uses_allowed": 1}]
DESTINATIONS = [("rogue.test", 1795697000000, 0, None, 17), ("stale.test", 1795697000001, 600000, 1795690000000, None)]


def seed_emulator(emu):
    emu.ok("POST", "/_emu/seed", {"users": [
        dict({"name": "@%s:%s" % (u, S), "displayname": d, "deactivated": off},
             **({"threepids": [{"medium": "email", "address": m}]} if m else {}))
        for u, d, m, off in USERS], "registration_tokens": TOKENS})
    rooms = emu.ok("POST", "/_emu/seed", {"rooms": [
        {"creator": "@alice:%s" % S, "name": "Ops", "alias": "#ops:%s" % S,
         "members": [{"user_id": "@bob:%s" % S}],
         "messages": [{"sender": "@alice:%s" % S, "body": "hello 1", "age_ms": 2000},
                      {"sender": "@bob:%s" % S, "body": "hello 2", "age_ms": 1000}]},
        {"creator": "@bob:%s" % S, "name": "Town", "alias": "#town:%s" % S, "join_rule": "public",
         "members": [{"user_id": "@carol:%s" % S}]},
        {"creator": "@alice:%s" % S, "name": "Local", "federate": False}]})["rooms"]
    emu.rooms = dict(zip(("ops", "town", "local"), rooms))
    state = emu.ok("GET", "/_emu/state")
    ev = [m for m in state["rooms"][emu.rooms["ops"]]["messages"] if m["sender"] == "@alice:%s" % S][0]
    emu.ok("POST", "/_emu/seed", {
        "event_reports": [{"room_id": emu.rooms["ops"], "user_id": "@bob:%s" % S, "sender": "@alice:%s" % S,
                           "event_id": ev["event_id"], "score": -100, "reason": "spam"}],
        "destinations": [{"destination": d, "retry_last_ts": t, "retry_interval": i, "failure_ts": f,
                          "last_successful_stream_ordering": o} for d, t, i, f, o in DESTINATIONS]})
    emu.vars["event"] = ev["event_id"]


def register(real, secret, local, displayname):
    password = secrets.token_urlsafe(18)
    nonce = real.ok("GET", "/_synapse/admin/v1/register", auth="none")["nonce"]
    mac = hmac.new(secret.encode(), digestmod=hashlib.sha1)
    mac.update(b"\0".join([nonce.encode(), local.encode(), password.encode(), b"notadmin"]))
    r = real.ok("POST", "/_synapse/admin/v1/register", {
        "nonce": nonce, "username": local, "password": password, "admin": False, "mac": mac.hexdigest(),
        "displayname": displayname}, auth="none")
    return r["access_token"]


def seed_real(real, real_dir):
    secret = open(os.path.join(real_dir, "shared_secret")).read().strip()
    for u, d, m, off in USERS:
        real.tokens[u] = register(real, secret, u, d)
        if m:
            real.ok("PUT", "/_synapse/admin/v2/users/@%s:%s" % (u, S), {"threepids": [{"medium": "email", "address": m}]})
    for t in TOKENS:
        real.ok("POST", "/_synapse/admin/v1/registration_tokens/new", t)

    def room(owner, body, members):
        rid = real.ok("POST", "/_matrix/client/v3/createRoom", body, auth=owner)["room_id"]
        for m in members:
            if body.get("preset") != "public_chat":
                real.ok("POST", "/_matrix/client/v3/rooms/%s/invite" % q(rid), {"user_id": "@%s:%s" % (m, S)}, auth=owner)
            real.ok("POST", "/_matrix/client/v3/join/" + q(rid), {}, auth=m)
        return rid
    real.rooms["ops"] = room("alice", {"name": "Ops", "preset": "private_chat", "room_alias_name": "ops"}, ["bob"])
    real.rooms["town"] = room("bob", {"name": "Town", "preset": "public_chat", "room_alias_name": "town",
                                      "visibility": "public"}, ["carol"])
    real.rooms["local"] = room("alice", {"name": "Local", "preset": "private_chat",
                                         "creation_content": {"m.federate": False}}, [])
    for i, (who, text) in enumerate((("alice", "hello 1"), ("bob", "hello 2"))):
        ev = real.ok("PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/seed%d" % (q(real.rooms["ops"]), i),
                     {"msgtype": "m.text", "body": text}, auth=who)["event_id"]
        if who == "alice":
            real.vars["event"] = ev
    real.ok("POST", "/_matrix/client/v3/rooms/%s/report/%s" % (q(real.rooms["ops"]), q(real.vars["event"])),
            {"score": -100, "reason": "spam"}, auth="bob")
    for u, d, m, off in USERS:
        if off:
            real.ok("POST", "/_synapse/admin/v1/deactivate/@%s:%s" % (u, S), {"erase": False})
    c = sqlite3.connect(os.path.join(real_dir, "homeserver.db"), timeout=10)
    c.executemany("INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, "
                  "last_successful_stream_ordering) VALUES (?, ?, ?, ?, ?)", DESTINATIONS)
    c.commit()
    c.close()


# ---- the requests: (name, method, path, body, auth); {ops} etc. are the server's own ids, raw in
# the path as msgadm sends them ("!" and ":" unescaped); {ops%} is percent-encoded.

ACL = {"allow": ["bund.de", S, "partner.gov.nl"], "deny": [], "allow_ip_literals": False}
P = "/_synapse/admin"
REQUESTS = [
    ("server version", "GET", P + "/v1/server_version", None, "none"),
    ("whoami admin", "GET", "/_matrix/client/v3/account/whoami", None, "admin"),
    ("whoami alice", "GET", "/_matrix/client/v3/account/whoami", None, "alice"),
    ("no token", "GET", P + "/v2/users", None, "none"),
    ("bad token", "GET", P + "/v2/users", None, "bad"),
    ("not an admin", "GET", P + "/v2/users", None, "alice"),
    ("users, one page", "GET", P + "/v2/users?from=0&limit=500&guests=false&deactivated=true", None, "admin"),
    ("users, first of pages", "GET", P + "/v2/users?from=0&limit=2&guests=false&deactivated=true", None, "admin"),
    ("users, last page", "GET", P + "/v2/users?from=4&limit=2&guests=false&deactivated=true", None, "admin"),
    ("users, active only", "GET", P + "/v2/users?from=0&limit=10", None, "admin"),
    ("users, bad limit", "GET", P + "/v2/users?limit=-5", None, "admin"),
    ("user with e-mail", "GET", P + "/v2/users/@bob:" + S, None, "admin"),
    ("deactivated user", "GET", P + "/v2/users/@dave:" + S, None, "admin"),
    ("unknown user", "GET", P + "/v2/users/@nobody:" + S, None, "admin"),
    ("remote user", "GET", P + "/v2/users/@remote:other.server", None, "admin"),
    ("create user", "PUT", P + "/v2/users/@judy:" + S,
     {"displayname": "Judy Hopps", "threepids": [{"medium": "email", "address": "judy@example.test"}]}, "admin"),
    ("modify user", "PUT", P + "/v2/users/@judy:" + S, {"displayname": "Judy H."}, "admin"),
    ("make admin", "PUT", P + "/v2/users/@bob:" + S, {"admin": True}, "admin"),
    ("admin flag", "GET", P + "/v1/users/@bob:%s/admin" % S, None, "admin"),
    ("change e-mail", "PUT", P + "/v2/users/@bob:" + S,
     {"threepids": [{"medium": "email", "address": "b.builder@example.test"}]}, "admin"),
    ("deactivate", "POST", P + "/v1/deactivate/@erin:" + S, {"erase": False}, "admin"),
    ("deactivate again", "POST", P + "/v1/deactivate/@erin:" + S, {"erase": False}, "admin"),
    ("deactivate unknown", "POST", P + "/v1/deactivate/@nobody:" + S, {"erase": False}, "admin"),
    ("reactivate", "PUT", P + "/v2/users/@erin:" + S, {"deactivated": False, "password": "Reactivated-1"}, "admin"),
    ("reactivate without password", "PUT", P + "/v2/users/@dave:" + S, {"deactivated": False}, "admin"),
    ("demote yourself", "PUT", P + "/v2/users/@admin:" + S, {"admin": False}, "admin"),
    ("not json", "PUT", P + "/v2/users/@frank:" + S, '{"displayname":', "admin"),
    ("tokens", "GET", P + "/v1/registration_tokens", None, "admin"),
    ("token create", "POST", P + "/v1/registration_tokens/new",
     {"token": "onboarding-q1", "uses_allowed": 25, "expiry_time": 4102444800000}, "admin"),
    ("token create again", "POST", P + "/v1/registration_tokens/new", {"token": "onboarding-q1"}, "admin"),
    ("token bad name", "POST", P + "/v1/registration_tokens/new", {"token": "bad token!"}, "admin"),
    ("token change", "PUT", P + "/v1/registration_tokens/keep-token", {"uses_allowed": 10}, "admin"),
    ("token change back", "PUT", P + "/v1/registration_tokens/keep-token",
     {"uses_allowed": None, "expiry_time": None}, "admin"),
    ("token get", "GET", P + "/v1/registration_tokens/keep-token", None, "admin"),
    ("token delete", "DELETE", P + "/v1/registration_tokens/old-token", None, "admin"),
    ("token delete again", "DELETE", P + "/v1/registration_tokens/old-token", None, "admin"),
    ("token get deleted", "GET", P + "/v1/registration_tokens/old-token", None, "admin"),
    ("rooms", "GET", P + "/v1/rooms?from=0&limit=500", None, "admin"),
    ("rooms, first of pages", "GET", P + "/v1/rooms?from=0&limit=1", None, "admin"),
    ("rooms, last page", "GET", P + "/v1/rooms?from=2&limit=1", None, "admin"),
    ("room details", "GET", P + "/v1/rooms/{ops}", None, "admin"),
    ("room state", "GET", P + "/v1/rooms/{ops}/state", None, "admin"),
    ("room members", "GET", P + "/v1/rooms/{ops}/members", None, "admin"),
    ("unknown room", "GET", P + "/v1/rooms/!nosuch:" + S, None, "admin"),
    ("alias", "GET", "/_matrix/client/v3/directory/room/%23ops:" + S, None, "admin"),
    ("unknown alias", "GET", "/_matrix/client/v3/directory/room/%23nope:" + S, None, "admin"),
    ("ACL, admin not in room", "PUT", "/_matrix/client/v3/rooms/{ops}/state/m.room.server_acl/", ACL, "admin"),
    ("make_room_admin", "POST", P + "/v1/rooms/{ops}/make_room_admin", {}, "admin"),
    ("ACL, admin invited", "PUT", "/_matrix/client/v3/rooms/{ops}/state/m.room.server_acl/", ACL, "admin"),
    ("join", "POST", "/_matrix/client/v3/join/{ops}", {}, "admin"),
    ("ACL", "PUT", "/_matrix/client/v3/rooms/{ops}/state/m.room.server_acl/", ACL, "admin"),
    ("ACL read back", "GET", "/_matrix/client/v3/rooms/{ops}/state/m.room.server_acl/", None, "admin"),
    ("ACL shutting the server out", "PUT", "/_matrix/client/v3/rooms/{ops}/state/m.room.server_acl/",
     {"allow": ["bund.de"], "deny": [], "allow_ip_literals": False}, "admin"),
    ("retention", "PUT", "/_matrix/client/v3/rooms/{ops}/state/m.room.retention/", {"max_lifetime": 2592000000}, "admin"),
    ("retention min above max", "PUT", "/_matrix/client/v3/rooms/{ops}/state/m.room.retention/",
     {"max_lifetime": 1000, "min_lifetime": 2000}, "admin"),
    ("room state after", "GET", P + "/v1/rooms/{ops}/state", None, "admin"),
    ("make_room_admin, public room", "POST", P + "/v1/rooms/{town}/make_room_admin", {}, "admin"),
    ("join public room", "POST", "/_matrix/client/v3/join/{town}", {}, "admin"),
    ("make_room_admin, unknown room", "POST", P + "/v1/rooms/!nosuch:%s/make_room_admin" % S, {}, "admin"),
    ("event reports", "GET", P + "/v1/event_reports?from=0&limit=100&dir=f", None, "admin"),
    ("event reports by user", "GET", P + "/v1/event_reports?from=0&limit=100&dir=f&user_id=%40bob%3Aexample.test",
     None, "admin"),
    ("unknown event report", "GET", P + "/v1/event_reports/999", None, "admin"),
    ("destinations", "GET", P + "/v1/federation/destinations?from=0&limit=500", None, "admin"),
    ("destinations, first of pages", "GET", P + "/v1/federation/destinations?from=0&limit=1", None, "admin"),
    ("destinations, last page", "GET", P + "/v1/federation/destinations?from=1&limit=1", None, "admin"),
    ("destination", "GET", P + "/v1/federation/destinations/rogue.test", None, "admin"),
    ("unknown destination", "GET", P + "/v1/federation/destinations/unknown.test", None, "admin"),
    ("purge, no event before", "POST", P + "/v1/purge_history/{local}", {"purge_up_to_ts": 1, "delete_local_events": False}, "admin"),
    ("purge", "POST", P + "/v1/purge_history/{ops}", {"purge_up_to_ts": "{now}", "delete_local_events": False}, "admin"),
    ("purge status", "POLL", P + "/v1/purge_history_status/{purge_id}", None, "admin"),
    ("unknown purge", "GET", P + "/v1/purge_history_status/nonexistent", None, "admin"),
    ("messages left after the purge", "COUNT", "ops", None, "admin"),
    ("login, rate limited", "LOGIN429", "/_matrix/client/v3/login", None, "none"),
    ("unrecognized endpoint", "GET", P + "/v1/nonexistent_endpoint", None, "admin"),
    ("wrong method", "DELETE", P + "/v1/server_version", None, "admin"),
]


# Requests whose whole answer is compared, values too: they measure behaviour, not shape.
COMPARE_VALUES = {"messages left after the purge", "purge status", "room members", "admin flag"}


def fill(server, text):
    def sub(m):
        key = m.group(1)
        if key.endswith("%"):
            return q(server.rooms[key[:-1]])
        if key == "now":
            return str(NOW_MS)
        if key in server.rooms:
            return server.rooms[key]
        return server.vars[key]
    return re.sub(r"\{([a-z_]+%?)\}", sub, text)


def send(server, req):
    name, method, path, body, auth = req
    if method == "COUNT":  # how many messages the room has left: the real one's /messages, the emulator's state
        rid = server.rooms[path]
        if server.kind == "emulator":
            return 200, {"messages": len(server.ok("GET", "/_emu/state")["rooms"][rid]["messages"])}
        chunk = server.ok("GET", "/_matrix/client/v3/rooms/%s/messages?dir=b&limit=100" % q(rid))["chunk"]
        return 200, {"messages": sum(1 for e in chunk if e["type"] == "m.room.message")}
    if method == "LOGIN429":  # failed logins until the rate limit answers (rc_login of the real one)
        if server.kind == "emulator":
            server.ok("POST", "/_emu/fault", {"kind": "rate_limit", "match": "POST /_matrix/client/v3/login",
                                              "count": -1, "retry_after_ms": 5000})
        login = {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": "carol"}, "password": "wrong"}
        for _ in range(6):
            hdrs = {}
            s, j = server.call("POST", "/_matrix/client/v3/login", login, auth="none", headers_out=hdrs)
            if s == 429:
                break
        if server.kind == "emulator":
            server.ok("DELETE", "/_emu/fault")
        return s, {"body": j, "retry_after_header": "retry-after" in hdrs}
    if method == "POLL":  # a status polled until it is no longer active, as msgadm does
        for _ in range(100):
            s, j = server.call("GET", fill(server, path), auth=auth)
            if not (s == 200 and isinstance(j, dict) and j.get("status") == "active"):
                return s, j
            time.sleep(0.1)
        return s, j
    raw = body if isinstance(body, str) else None
    if isinstance(body, dict) and body.get("purge_up_to_ts") == "{now}":
        body = dict(body, purge_up_to_ts=NOW_MS)
    s, j = server.call(method, fill(server, path), None if raw else body, auth, raw_body=raw)
    if name == "purge" and isinstance(j, dict) and "purge_id" in j:
        server.vars["purge_id"] = j["purge_id"]
    return s, j


def kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "str"
    return "list" if isinstance(v, list) else "object"


def merged(items):
    """One shape for all elements of a list: objects merge their keys (values merged again)."""
    out = None
    for v in items:
        out = merge(out, v)
    return out


def merge(a, b):
    if a is None:
        return b if kind(b) != "object" else {k: b[k] for k in b}
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = merge(out[k], v) if k in out else v
        return out
    if isinstance(a, list) and isinstance(b, list):
        return a + b
    return a if kind(a) == kind(b) else _Mixed(kind(a), kind(b))


class _Mixed:
    def __init__(self, *kinds):
        self.kinds = tuple(sorted(set(kinds)))


def diff(path, a, b, out):
    """Differences of shape between a (real) and b (emulator), as (path, what) pairs."""
    ka = "|".join(a.kinds) if isinstance(a, _Mixed) else kind(a)
    kb = "|".join(b.kinds) if isinstance(b, _Mixed) else kind(b)
    if ka != kb:
        # null against a value is a difference of state, not of shape, when the key is nullable on
        # both; it is still reported, the seed makes them equal
        out.append((path, "type %s (real) vs %s (emulator)" % (ka, kb)))
        return
    if ka == "object":
        for k in sorted(set(a) | set(b)):
            p = path + "." + k
            if k not in b:
                out.append((p, "only in the real answer"))
            elif k not in a:
                out.append((p, "only in the emulator's answer"))
            else:
                diff(p, a[k], b[k], out)
    elif ka == "list":
        if bool(a) != bool(b):
            out.append((path + "[]", "empty in the %s answer only" % ("real" if not a else "emulator's")))
        elif a:
            diff(path + "[]", merged(a), merged(b), out)


def mask(text):
    text = re.sub(r"![A-Za-z]+:" + re.escape(S), "!ROOM", text)
    text = re.sub(r"\$[A-Za-z0-9_\-+/]{20,}", "$EVENT", text)
    return text


def compare(name, real, emu):
    (sr, jr), (se, je) = real, emu
    out = []
    if sr != se:
        out.append(("status", "%d (real) vs %d (emulator)" % (sr, se)))
    if isinstance(jr, dict) and isinstance(je, dict):
        for k in ("errcode", "error"):
            vr, ve = jr.get(k), je.get(k)
            if isinstance(vr, str) and isinstance(ve, str) and mask(vr) != mask(ve):
                out.append((k, "%r (real) vs %r (emulator)" % (mask(vr), mask(ve))))
    diff("$", jr, je, out)
    if name in COMPARE_VALUES and jr != je:
        out.append(("value", "%s (real) vs %s (emulator)" % (json.dumps(jr), json.dumps(je))))
    return out


def main():
    global NOW_MS
    ap = argparse.ArgumentParser()
    ap.add_argument("--real-url", required=True)
    ap.add_argument("--real-dir", required=True)
    ap.add_argument("--emu-url", required=True)
    ap.add_argument("--emu-dir", required=True)
    ap.add_argument("--report", required=True)
    a = ap.parse_args()

    def tok(path):
        return open(path).read().strip()
    real = Server("real", a.real_url, {"admin": tok(os.path.join(a.real_dir, "admin.token")),
                                       "alice": tok(os.path.join(a.real_dir, "users", "alice.token")),
                                       "bad": "syt_bm90aGVyZQ_notatoken_0000", "none": None})
    emu = Server("emulator", a.emu_url, {"admin": tok(os.path.join(a.emu_dir, "admin.token")),
                                         "alice": tok(os.path.join(a.emu_dir, "user.token")),
                                         "bad": "syt_bm90aGVyZQ_notatoken_0000", "none": None})
    seed_real(real, a.real_dir)
    seed_emulator(emu)
    time.sleep(0.1)
    NOW_MS = int(time.time() * 1000)
    found, kept_hit, exchanges = [], set(), []
    for req in REQUESTS:
        r, e = send(real, req), send(emu, req)
        exchanges.append({"request": req[0], "real": r, "emulator": e})
        for where, what in compare(req[0], r, e):
            k = next((i for i, (n, p, _why) in enumerate(KEPT) if n == req[0] and p == where), None)
            if k is not None:
                kept_hit.add(k)
            found.append({"request": req[0], "where": where, "what": what,
                          "kept": KEPT[k][2] if k is not None else None,
                          "real": r, "emulator": e})
    if real.compact and not real.spaced and emu.spaced:
        k = next(i for i, (n, p, _why) in enumerate(KEPT) if p == "serialization")
        kept_hit.add(k)
        found.append({"request": KEPT[k][0], "where": "serialization", "kept": KEPT[k][2],
                      "what": "compact JSON (real) vs spaced JSON (emulator)"})
    stale = [KEPT[i][:2] for i in range(len(KEPT)) if i not in kept_hit]
    report = {"requests": len(REQUESTS), "differences": found, "stale_kept": stale, "exchanges": exchanges}
    json.dump(report, open(a.report, "w"), indent=1)
    bad = [d for d in found if d["kept"] is None]
    for d in found:
        print("%s: %s %s: %s%s" % ("kept" if d["kept"] else "DIFF", d["request"], d["where"], d["what"],
                                   " (kept: %s)" % d["kept"] if d["kept"] else ""))
    for s in stale:
        print("STALE kept difference, not met: %s %s" % s)
    print("%d requests, %d differences, %d kept, %d not explained" % (
        len(REQUESTS), len(found), len(found) - len(bad), len(bad)))
    return 1 if bad or stale else 0


if __name__ == "__main__":
    sys.exit(main())
