"""Rooms, room state, the room directory and federation destinations for synapse_emu.py.

TEST FIXTURE ONLY (see synapse_emu.py). The answers copy what a real Synapse 1.67.0 returned in
the observed transcripts (transcript-rooms.txt, transcript-events.txt); where those show nothing
they follow the 1.67 code paths, listed under "Guessed behaviour" in README.md.

The main module calls install() with itself, so that errors raised here are the ones its
dispatcher catches (it runs as __main__: importing it from here would load a second copy).
"""

import secrets
import string
import time

H = None  # synapse_emu's helpers (ApiError, bad, q_integer, ...), set by install()

ROOM_ORDERS = ("alphabetical", "size", "name", "canonical_alias", "joined_members",
               "joined_local_members", "version", "creator", "encryption", "federatable", "public",
               "join_rules", "guest_access", "history_visibility", "state_events")
DEST_ORDERS = ("destination", "retry_last_ts", "retry_interval", "failure_ts",
               "last_successful_stream_ordering")
# The power_levels content Synapse 1.67 writes for createRoom (transcript-rooms.txt)
DEFAULT_PL_EVENTS = {"m.room.name": 50, "m.room.power_levels": 100, "m.room.history_visibility": 100,
                     "m.room.canonical_alias": 50, "m.room.avatar": 50, "m.room.tombstone": 100,
                     "m.room.server_acl": 100, "m.room.encryption": 100}
CANONICALJSON_MAX_INT = 2 ** 53 - 1
ID_CHARS = string.ascii_letters


def install(helpers):
    global H
    H = helpers


def new_event_id():
    return "$" + secrets.token_urlsafe(32)[:43]


def event_repr(ev):
    """repr() of a FrozenEventV3, as Synapse puts it into "not in room" errors."""
    if ev is None:
        return "None"
    # outlier is the 0 SQLite stored, not False (t2050 compared it with a real 1.67)
    return "<FrozenEventV3 event_id=%s, type=%s, state_key=%s, outlier=0>" % (
        ev["event_id"], ev["type"], ev["state_key"])


def glob_matches(pattern, name):
    """Matrix glob (case-insensitive, * and ?), anchored at both ends, like glob_to_regex."""
    import re
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, name, re.I | re.S) is not None


def is_ip_literal(name):
    if name.startswith("["):
        return True
    parts = name.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)


def server_matches_acl(server, content):
    """synapse.federation.federation_server.server_matches_acl_event"""
    allow_ip = content.get("allow_ip_literals", True)
    if not isinstance(allow_ip, bool):
        allow_ip = True
    if not allow_ip and is_ip_literal(server):
        return False
    deny = content.get("deny", [])
    allow = content.get("allow", [])
    if any(isinstance(e, str) and glob_matches(e, server) for e in (deny if isinstance(deny, list) else [])):
        return False
    return any(isinstance(e, str) and glob_matches(e, server) for e in (allow if isinstance(allow, list) else []))


def validate_canonicaljson(value):
    if type(value) is int:
        if not -CANONICALJSON_MAX_INT <= value <= CANONICALJSON_MAX_INT:
            raise H.bad("JSON integer out of range", "M_BAD_JSON")
    elif type(value) is float:
        raise H.bad("Bad JSON value: float", "M_BAD_JSON")
    elif isinstance(value, dict):
        for v in value.values():
            validate_canonicaljson(v)
    elif isinstance(value, list):
        for v in value:
            validate_canonicaljson(v)
    elif not isinstance(value, (bool, str)) and value is not None:
        raise H.bad("Unknown JSON value", "M_BAD_JSON")


class Room:
    def __init__(self, room_id, creator, version):
        self.room_id = room_id
        self.creator = creator
        self.version = version
        self.public = False    # published in the room directory
        self.state = {}        # (type, state_key) -> event
        self.messages = []     # timeline events that are not state, oldest first
        self.purge_fails = None  # seeded: every purge of this room fails with this error
        self.purge_polls = 1     # seeded: how many status polls answer "active" first

    def get(self, etype, key=""):
        return self.state.get((etype, key))

    def content(self, etype, key=""):
        ev = self.get(etype, key)
        return ev["content"] if ev else None

    def send(self, sender, etype, content, key=""):
        ev = {"type": etype, "room_id": self.room_id, "sender": sender, "content": content,
              "state_key": key, "origin_server_ts": H.now_ms(), "event_id": new_event_id()}
        prev = self.state.get((etype, key))
        if prev is not None:  # a real server links the event to the state it replaced
            ev["replaces_state"] = prev["event_id"]
        self.state[(etype, key)] = ev
        return ev

    def membership(self, user):
        c = self.content("m.room.member", user)
        return c.get("membership") if c else None

    def joined(self):
        return sorted(k for (t, k), ev in self.state.items()
                      if t == "m.room.member" and ev["content"].get("membership") == "join")

    def power(self, user):
        pl = self.content("m.room.power_levels")
        if pl is None:
            return 100 if user == self.creator else 0
        users = pl.get("users", {})
        return int(users[user]) if user in users else int(pl.get("users_default", 0))

    def needed(self, etype):
        pl = self.content("m.room.power_levels")
        if pl is None:
            return 0
        return int(pl.get("events", {}).get(etype, pl.get("state_default", 50)))

    def stats(self, server_name):
        """A room of GET /_synapse/admin/v1/rooms, fields in the transcript's order."""
        joined = self.joined()
        enc = self.content("m.room.encryption")
        ga = self.content("m.room.guest_access")
        return {
            "room_id": self.room_id,
            "name": (self.content("m.room.name") or {}).get("name"),
            "canonical_alias": (self.content("m.room.canonical_alias") or {}).get("alias"),
            "joined_members": len(joined),
            "joined_local_members": sum(1 for u in joined if u.endswith(":" + server_name)),
            "version": self.version,
            "creator": self.creator,
            "encryption": enc.get("algorithm") if enc else None,
            "federatable": (self.content("m.room.create") or {}).get("m.federate", True),
            "public": self.public,
            "join_rules": (self.content("m.room.join_rules") or {}).get("join_rule"),
            "guest_access": ga.get("guest_access") if ga else None,
            "history_visibility": (self.content("m.room.history_visibility") or {}).get("history_visibility"),
            "state_events": len(self.state),
            "room_type": (self.content("m.room.create") or {}).get("type"),
        }


def serialize(ev, now):
    """An event of the admin room state API; one that replaced earlier state names it, in unsigned
    and at the top level, in 1.67's key order (seen in t2050)."""
    age = max(0, now - ev["origin_server_ts"])
    unsigned = {"age": age}
    if "replaces_state" in ev:
        unsigned = {"replaces_state": ev["replaces_state"], "age": age}
    out = {"type": ev["type"], "room_id": ev["room_id"], "sender": ev["sender"], "content": ev["content"],
           "state_key": ev["state_key"], "origin_server_ts": ev["origin_server_ts"],
           "unsigned": unsigned, "event_id": ev["event_id"], "user_id": ev["sender"], "age": age}
    if "replaces_state" in ev:
        out["replaces_state"] = ev["replaces_state"]
    return out


class Rooms:
    """The rooms part of the emulator's state (one per Store)."""

    def __init__(self, server_name):
        self.server_name = server_name
        self.rooms = {}          # room_id -> Room
        self.aliases = {}        # "#alias:server" -> room_id
        self.destinations = {}   # name -> dict
        self.purges = {}         # purge_id -> {"status", "error", "polls"}

    def dump(self):
        out = {}
        for rid in sorted(self.rooms):
            r = self.rooms[rid]
            state = {}
            for (t, k), ev in sorted(r.state.items()):
                state.setdefault(t, {})[k] = ev["content"]
            out[rid] = {"room_id": rid, "creator": r.creator, "version": r.version, "public": r.public,
                        "aliases": sorted(a for a, i in self.aliases.items() if i == rid),
                        "members": {k: ev["content"].get("membership") for (t, k), ev in sorted(r.state.items())
                                    if t == "m.room.member"},
                        "state": state,
                        "messages": [{"event_id": m["event_id"], "sender": m["sender"],
                                      "origin_server_ts": m["origin_server_ts"]} for m in r.messages]}
        return {"rooms": out, "room_aliases": dict(sorted(self.aliases.items())),
                "destinations": [dict(self.destinations[d]) for d in sorted(self.destinations)]}


# --------------------------------------------------------------------------
# endpoints (methods of Emulator, bound by register)


def register(emu):
    A = "/_synapse/admin/v1"
    R = r"(?P<room_id>[^/]*)"
    emu._route("GET", A + "/rooms", r"^/_synapse/admin/v1/rooms$", lambda c, req: list_rooms(emu, c))
    emu._route("GET", A + "/rooms/<room_id>", r"^/_synapse/admin/v1/rooms/%s$" % R,
               lambda c, req, room_id: room_details(emu, room_id))
    emu._route("GET", A + "/rooms/<room_id>/state", r"^/_synapse/admin/v1/rooms/%s/state$" % R,
               lambda c, req, room_id: room_state(emu, room_id))
    emu._route("GET", A + "/rooms/<room_id>/members", r"^/_synapse/admin/v1/rooms/%s/members$" % R,
               lambda c, req, room_id: room_members(emu, room_id))
    emu._route("POST", A + "/rooms/<room_identifier>/make_room_admin",
               r"^/_synapse/admin/v1/rooms/(?P<ident>[^/]*)/make_room_admin$",
               lambda c, req, ident: make_room_admin(emu, c, req, ident))
    emu._route("POST", A + "/purge_history/<room_id>", r"^/_synapse/admin/v1/purge_history/%s$" % R,
               lambda c, req, room_id: purge_history(emu, c, room_id))
    emu._route("GET", A + "/purge_history_status/<purge_id>",
               r"^/_synapse/admin/v1/purge_history_status/(?P<purge_id>[^/]*)$",
               lambda c, req, purge_id: purge_status(emu, purge_id))
    emu._route("GET", A + "/federation/destinations", r"^/_synapse/admin/v1/federation/destinations$",
               lambda c, req: list_destinations(emu, c))
    emu._route("GET", A + "/federation/destinations/<destination>",
               r"^/_synapse/admin/v1/federation/destinations/(?P<dest>[^/]*)$",
               lambda c, req, dest: get_destination(emu, dest))
    emu._route("GET", A + "/federation/destinations/<destination>/rooms",
               r"^/_synapse/admin/v1/federation/destinations/(?P<dest>[^/]*)/rooms$",
               lambda c, req, dest: destination_rooms(emu, c, dest))
    for ver in ("r0", "v3"):
        C = "/_matrix/client/" + ver
        Cre = r"^/_matrix/client/" + ver
        emu._route("POST", C + "/join/<room_id_or_alias>", Cre + r"/join/(?P<ident>[^/]*)$",
                   lambda c, req, ident: join(emu, c, req, ident), auth="user")
        state = Cre + r"/rooms/%s/state/(?P<etype>[^/]*)(?:/(?P<key>[^/]*))?$" % R
        emu._route("PUT", C + "/rooms/<room_id>/state/<type>/<state_key>", state,
                   lambda c, req, room_id, etype, key: put_state(emu, c, req, room_id, etype, key or ""), auth="user")
        emu._route("GET", C + "/rooms/<room_id>/state/<type>/<state_key>", state,
                   lambda c, req, room_id, etype, key: get_state(emu, req, room_id, etype, key or ""), auth="user")
        emu._route("GET", C + "/directory/room/<room_alias>", Cre + r"/directory/room/(?P<alias>[^/]*)$",
                   lambda c, req, alias: directory(emu, alias), auth=None)


def rooms_of(emu):
    return emu.store.rooms


def find_room(emu, room_id):
    room = rooms_of(emu).rooms.get(room_id)
    if room is None:
        raise H.not_found("Room not found")
    return room


def list_rooms(emu, ctx):
    q = ctx.query
    start = H.q_integer(q, "from", 0)
    limit = H.q_integer(q, "limit", 100)
    order_by = H.q_string(q, "order_by", "name", ROOM_ORDERS)
    search = H.q_string(q, "search_term")
    if search == "":
        raise H.bad("search_term cannot be an empty string", "M_INVALID_PARAM")
    direction = H.q_string(q, "dir", "f", ("f", "b"))
    if start < 0:
        raise H.bad("Query parameter from must be a string representing a positive integer.", "M_INVALID_PARAM")
    if limit < 0:
        raise H.bad("Query parameter limit must be a string representing a positive integer.", "M_INVALID_PARAM")
    server = emu.server_name
    rows = [r.stats(server) for r in rooms_of(emu).rooms.values()]
    if search:
        m_name = H.like_matcher("%" + search.lower() + "%")
        m_alias = H.like_matcher("#%" + search.lower() + "%:%")
        m_id = H.like_matcher(search)
        rows = [r for r in rows if (r["name"] is not None and m_name(r["name"].lower()))
                or (r["canonical_alias"] is not None and m_alias(r["canonical_alias"].lower()))
                or m_id(r["room_id"])]
    column = {"alphabetical": "name", "size": "joined_members", "join_rules": "join_rules"}.get(order_by, order_by)
    descending = column in ("joined_members", "joined_local_members", "version", "federatable", "public",
                            "state_events")

    def key(r):  # NULL first in ascending order, as SQLite; room id breaks ties
        v = r[column]
        return (v is not None, v if v is not None else 0, r["room_id"])
    rows.sort(key=key, reverse=descending != (direction == "b"))
    total = len(rows)
    out = {"offset": start, "rooms": rows[start:start + limit], "total_rooms": total}
    if start + limit < total:
        out["next_batch"] = start + limit
    if start > 0:
        out["prev_batch"] = start - limit if start > limit else 0
    return 200, out


def room_details(emu, room_id):
    room = find_room(emu, room_id)
    out = room.stats(emu.server_name)
    room_type = out.pop("room_type")
    joined = set(room.joined())
    devices = {(uid, dev) for _tok, (uid, dev) in emu.store.tokens.items() if uid in joined}
    out.update({"avatar": (room.content("m.room.avatar") or {}).get("url"),
                "topic": (room.content("m.room.topic") or {}).get("topic"),
                "room_type": room_type, "joined_local_devices": len(devices), "forgotten": False})
    return 200, out


def room_state(emu, room_id):
    room = find_room(emu, room_id)
    now = H.now_ms()
    return 200, {"state": [serialize(ev, now) for _k, ev in sorted(room.state.items())]}


def room_members(emu, room_id):
    members = find_room(emu, room_id).joined()
    return 200, {"members": members, "total": len(members)}


def resolve(emu, ident):
    """RoomID or RoomAlias -> room id, like the servlets' lookup_room_alias."""
    if ident.startswith("!") and ":" in ident:
        return ident
    if ident.startswith("#") and ":" in ident:
        rid = rooms_of(emu).aliases.get(ident)
        if rid is None:
            raise H.not_found("Room alias %s not found" % ident)
        return rid
    raise H.bad("%s was not legal room ID or room alias" % ident)


def displayname(emu, user_id):
    u = emu.store.users.get(user_id)
    return u.displayname if u is not None else None


def member_content(emu, user_id, membership):
    c = {"membership": membership}
    name = displayname(emu, user_id)
    if name is not None:
        c["displayname"] = name
    return c


def make_room_admin(emu, ctx, req, ident):
    """MakeRoomAdminRestServlet (1.67): raises the caller to the level of the most powerful joined
    local user, then invites it when it is neither joined nor invited and the room is not public."""
    body = H.parse_json_object(ctx.body, allow_empty=True)
    room_id = resolve(emu, ident)
    user_to_add = body.get("user_id", req["user_id"])
    room = rooms_of(emu).rooms.get(room_id)
    if room is None or not room.state:
        raise H.bad("Server not in room")
    pl = room.content("m.room.power_levels")
    if pl is not None:
        users = pl.get("users", {})
        local = sorted((u for u in users if u.endswith(":" + emu.server_name)), key=lambda u: users[u])
        if not local:
            raise H.bad("No local admin user in room")
        admin_user = next((u for u in reversed(local) if room.membership(u) == "join"), None)
        if admin_user is None:
            raise H.bad("No local admin user in room")
        new_pl = dict(pl)
        new_pl["users"] = dict(users)
        new_pl["users"][user_to_add] = users[admin_user]
        level = room.power(admin_user)
        old = users.get(user_to_add)
        if level < room.needed("m.room.power_levels") or (old is not None and old > level):
            raise H.bad("No local admin user in room with power to update power levels.")
    else:
        admin_user = room.creator
        if not admin_user.endswith(":" + emu.server_name):
            raise H.bad("No local admin user in room")
        new_pl = {"users": {admin_user: 100, user_to_add: 100}}
    room.send(admin_user, "m.room.power_levels", new_pl)
    if room.membership(user_to_add) in ("join", "invite"):
        return 200, {}
    if (room.content("m.room.join_rules") or {}).get("join_rule") == "public":
        return 200, {}
    room.send(admin_user, "m.room.member", member_content(emu, user_to_add, "invite"), user_to_add)
    return 200, {}


def join(emu, ctx, req, ident):
    H.parse_json_object(ctx.body, allow_empty=True)
    room_id = resolve(emu, ident)
    user = req["user_id"]
    room = rooms_of(emu).rooms.get(room_id)
    if room is None:
        raise H.bad("No known servers", status=404)
    membership = room.membership(user)
    if membership == "ban":
        raise H.ApiError(403, "M_FORBIDDEN", "You are banned from this room")
    rule = (room.content("m.room.join_rules") or {}).get("join_rule")
    if membership not in ("join", "invite") and rule != "public":
        raise H.ApiError(403, "M_FORBIDDEN", "You are not invited to this room.")
    if membership != "join":
        room.send(user, "m.room.member", member_content(emu, user, "join"), user)
    return 200, {"room_id": room_id}


def put_state(emu, ctx, req, room_id, etype, key):
    content = H.parse_json_object(ctx.body)
    sender = req["user_id"]
    room = rooms_of(emu).rooms.get(room_id)
    if room is None:
        raise H.ApiError(403, "M_FORBIDDEN", "Unknown room")
    # EventValidator.validate_new runs before the auth rules
    validate_canonicaljson(content)
    if etype == "m.room.retention":
        lo, hi = content.get("min_lifetime"), content.get("max_lifetime")
        if lo is not None and not isinstance(lo, int):
            raise H.bad("'min_lifetime' must be an integer", "M_BAD_JSON")
        if hi is not None and not isinstance(hi, int):
            raise H.bad("'max_lifetime' must be an integer", "M_BAD_JSON")
        if lo is not None and hi is not None and lo > hi:
            raise H.bad("'min_lifetime' can't be greater than 'max_lifetime", "M_BAD_JSON")
    if etype == "m.room.server_acl" and not server_matches_acl(emu.server_name, content):
        raise H.bad("Can't create an ACL event that denies the local server")
    member = room.get("m.room.member", sender)
    if member is None or member["content"].get("membership") != "join":
        raise H.ApiError(403, "M_FORBIDDEN", "User %s not in room %s (%s)" % (sender, room_id, event_repr(member)))
    have, need = room.power(sender), room.needed(etype)
    if have < need:
        raise H.ApiError(403, "M_FORBIDDEN", "You don't have permission to post that to the room. "
                         "user_level (%d) < send_level (%d)" % (have, need))
    return 200, {"event_id": room.send(sender, etype, content, key)["event_id"]}


def get_state(emu, req, room_id, etype, key):
    user = req["user_id"]
    room = rooms_of(emu).rooms.get(room_id)
    membership = room.membership(user) if room else None
    if membership not in ("join", "leave"):
        visibility = (room.content("m.room.history_visibility") or {}).get("history_visibility") if room else None
        if visibility != "world_readable":
            raise H.ApiError(403, "M_FORBIDDEN", "User %s not in room %s, and room previews are disabled"
                             % (user, room_id))
    ev = room.get(etype, key)
    if ev is None:
        raise H.not_found("Event not found.")
    return 200, ev["content"]


def directory(emu, alias):
    if not alias.startswith("#"):
        raise H.bad("Expected RoomAlias string to start with '#'", "M_INVALID_PARAM")
    rid = rooms_of(emu).aliases.get(alias)
    if rid is None:
        raise H.not_found("Room alias %s not found" % alias)
    room = rooms_of(emu).rooms[rid]
    hosts = {u.split(":", 1)[1] for u in room.joined()} - {emu.server_name}
    return 200, {"room_id": rid, "servers": [emu.server_name] + sorted(hosts)}


def purge_history(emu, ctx, room_id):
    """PurgeHistoryRestServlet (1.67), held to a real 1.67 by t2050. With purge_up_to_ts, the purge
    point is found server-wide: the first event of any room received at or after the cut-off (or none:
    past the newest), then this room's last event at or before it; no such event: 404. Every
    non-state event older than the point goes; the point and all state stay. delete_local_events
    false keeps local events only in rooms of version 1 and 2: Synapse tells them by an event id
    ending in ":server", which the hash ids of later versions never do."""
    body = H.parse_json_object(ctx.body, allow_empty=True)
    delete_local = bool(body.get("delete_local_events", False))
    rooms = rooms_of(emu).rooms
    room = rooms.get(room_id)
    events = (list(room.state.values()) + room.messages) if room else []
    event_id = body.get("purge_up_to_event_id")
    if event_id is not None:
        point = next((e for e in events if e["event_id"] == event_id), None)
        if point is None:
            raise H.not_found("Could not find event %s" % event_id)
    elif "purge_up_to_ts" in body:
        ts = body["purge_up_to_ts"]
        if type(ts) is not int:
            raise H.bad("purge_up_to_ts must be an int", "M_BAD_JSON")
        later = [e["origin_server_ts"] for r in rooms.values() for e in list(r.state.values()) + r.messages
                 if e["origin_server_ts"] >= ts]
        first_after = min(later) if later else None
        before = [e for e in events if first_after is None or e["origin_server_ts"] <= first_after]
        if not before:
            raise H.not_found("there is no event to be purged")
        point = max(before, key=lambda e: e["origin_server_ts"])
    else:
        raise H.bad("must specify purge_up_to_event_id or purge_up_to_ts", "M_BAD_JSON")
    purge_id = "".join(secrets.choice(ID_CHARS) for _ in range(16))
    entry = {"status": "complete", "polls": room.purge_polls}
    if room.purge_fails is not None:
        entry.update(status="failed", error=room.purge_fails)
    else:
        local = ":" + emu.server_name
        keep_local = not delete_local and room.version in ("1", "2")
        room.messages = [m for m in room.messages if m["origin_server_ts"] >= point["origin_server_ts"]
                         or (keep_local and m["sender"].endswith(local))]
    rooms_of(emu).purges[purge_id] = entry
    return 200, {"purge_id": purge_id}


def purge_status(emu, purge_id):
    entry = rooms_of(emu).purges.get(purge_id)
    if entry is None:
        raise H.not_found("purge id '%s' not found" % purge_id)
    if entry["polls"] > 0:
        entry["polls"] -= 1
        return 200, {"status": "active"}
    out = {"status": entry["status"]}
    if "error" in entry:
        out["error"] = entry["error"]
    return 200, out


def page_args(q):
    start = H.q_integer(q, "from", 0)
    limit = H.q_integer(q, "limit", 100)
    if start < 0:
        raise H.bad("Query parameter from must be a string representing a positive integer.", "M_INVALID_PARAM")
    if limit < 0:
        raise H.bad("Query parameter limit must be a string representing a positive integer.", "M_INVALID_PARAM")
    return start, limit


def list_destinations(emu, ctx):
    q = ctx.query
    start, limit = page_args(q)
    name = H.q_string(q, "destination")
    order_by = H.q_string(q, "order_by", "destination", DEST_ORDERS)
    direction = H.q_string(q, "dir", "f", ("f", "b"))
    rows = list(rooms_of(emu).destinations.values())
    if name:
        m = H.like_matcher("%" + name.lower() + "%")
        rows = [d for d in rows if m(d["destination"])]
    rows.sort(key=lambda d: (d[order_by] is not None, d[order_by] or 0, d["destination"]),
              reverse=direction == "b")
    page = [dict(d) for d in rows[start:start + limit]]
    out = {"destinations": page, "total": len(rows)}
    if start + limit < len(rows):
        out["next_token"] = str(start + len(page))
    return 200, out


def get_destination(emu, dest):
    d = rooms_of(emu).destinations.get(dest)
    if d is None:
        raise H.not_found("Unknown destination")
    return 200, {k: d[k] for k in ("destination", "last_successful_stream_ordering", "failure_ts",
                                   "retry_last_ts", "retry_interval")}


def destination_rooms(emu, ctx, dest):
    if dest not in rooms_of(emu).destinations:
        raise H.not_found("Unknown destination")
    start, limit = page_args(ctx.query)
    rows = [{"room_id": rid, "stream_ordering": 0} for rid, r in sorted(rooms_of(emu).rooms.items())
            if any(u.endswith(":" + dest) for u in r.joined())]
    out = {"rooms": rows[start:start + limit], "total": len(rows)}
    if start + limit < len(rows):
        out["next_token"] = str(start + limit)
    return 200, out


# --------------------------------------------------------------------------
# /_emu/seed: {"rooms": [...], "destinations": [...]}


def new_room_id(rooms, server):
    while True:
        rid = "!%s:%s" % ("".join(secrets.choice(ID_CHARS) for _ in range(18)), server)
        if rid not in rooms.rooms:
            return rid


def seed_room(emu, spec):
    """Builds a room the way createRoom does (private_chat or public_chat preset), then applies the
    given members and state. A room_id already present is replaced."""
    rooms = rooms_of(emu)
    server = emu.server_name
    creator = spec.get("creator", "@admin:%s" % server)
    rid = spec.get("room_id") or new_room_id(rooms, server)
    if not rid.startswith("!") or ":" not in rid:
        raise H.bad("seed: room_id must look like !opaque:server")
    for alias in [a for a, i in rooms.aliases.items() if i == rid]:
        del rooms.aliases[alias]
    rule = spec.get("join_rule", "invite")
    room = Room(rid, creator, str(spec.get("version", "9")))
    room.public = bool(spec.get("public", rule == "public"))
    rooms.rooms[rid] = room
    create = {"room_version": room.version, "creator": creator}
    if spec.get("federate") is False:
        create["m.federate"] = False
    room.send(creator, "m.room.create", create)
    room.send(creator, "m.room.member", member_content(emu, creator, "join"), creator)
    powers = {creator: 100}
    for m in spec.get("members", ()):
        if "power" in m:
            powers[m["user_id"]] = m["power"]
    room.send(creator, "m.room.power_levels", spec.get("power_levels") or {
        "users": powers, "users_default": 0, "events": dict(DEFAULT_PL_EVENTS), "events_default": 0,
        "state_default": 50, "ban": 50, "kick": 50, "redact": 50, "invite": 0, "historical": 100})
    room.send(creator, "m.room.join_rules", {"join_rule": rule})
    room.send(creator, "m.room.history_visibility", {"history_visibility": spec.get("history_visibility", "shared")})
    if rule != "public":
        room.send(creator, "m.room.guest_access", {"guest_access": "can_join"})
    if spec.get("name") is not None:
        room.send(creator, "m.room.name", {"name": spec["name"]})
    if spec.get("topic") is not None:
        room.send(creator, "m.room.topic", {"topic": spec["topic"]})
    if spec.get("encryption"):
        room.send(creator, "m.room.encryption", {"algorithm": spec["encryption"]})
    if spec.get("alias"):
        alias = spec["alias"]
        if rooms.aliases.get(alias, rid) != rid:
            raise H.bad("seed: alias %s already points to %s" % (alias, rooms.aliases[alias]))
        rooms.aliases[alias] = rid
        room.send(creator, "m.room.canonical_alias", {"alias": alias})
    for m in spec.get("members", ()):
        uid, membership = m["user_id"], m.get("membership", "join")
        sender = uid if membership in ("join", "leave") else creator
        if membership == "join" and rule != "public" and uid != creator:
            # as on a real server: invited first, so the join replaces the invite (replaces_state)
            room.send(creator, "m.room.member", member_content(emu, uid, "invite"), uid)
        room.send(sender, "m.room.member", member_content(emu, uid, membership), uid)
    for s in spec.get("state", ()):
        room.send(s.get("sender", creator), s["type"], s["content"], s.get("state_key", ""))
    now = H.now_ms()
    for m in spec.get("messages", ()):
        room.messages.append({"type": "m.room.message", "room_id": rid, "sender": m.get("sender", creator),
                              "content": {"msgtype": "m.text", "body": m.get("body", "hello")},
                              "origin_server_ts": now - int(m.get("age_ms", 0)), "event_id": new_event_id()})
    room.messages.sort(key=lambda e: e["origin_server_ts"])
    if spec.get("purge_fails") is not None:
        room.purge_fails = str(spec["purge_fails"])
    room.purge_polls = int(spec.get("purge_polls", 1))
    return rid


def seed(emu, spec):
    """Part of /_emu/seed; returns the ids of the rooms it made, in order."""
    made = [seed_room(emu, r) for r in spec.get("rooms", ())]
    for d in spec.get("destinations", ()):
        name = d.get("destination")
        if not isinstance(name, str):
            raise H.bad("seed: every destination needs a string 'destination'")
        rooms_of(emu).destinations[name] = {
            "destination": name, "retry_last_ts": d.get("retry_last_ts", int(time.time() * 1000)),
            "retry_interval": d.get("retry_interval", 0), "failure_ts": d.get("failure_ts"),
            "last_successful_stream_ordering": d.get("last_successful_stream_ordering")}
    return made
