"""Event reports for synapse_emu.py: GET /_synapse/admin/v1/event_reports[/<report_id>].

TEST FIXTURE ONLY (see synapse_emu.py). The answers copy what a real Synapse 1.67.0 returned in
transcript-events.txt: the list entries' fields in the order id, received_ts, room_id, event_id,
user_id, score, reason, sender, canonical_alias, name; "total" always; no "next_token" on the last
page; 404 M_NOT_FOUND "Event report not found" for an unknown id; the first report made gets id 2.
Where the transcript shows nothing (pagination, bad parameters, the details' event_json) they follow
the 1.67 code paths, listed under "Guessed behaviour" in README.md.

Reports are added with /_emu/seed: {"event_reports": [{"room_id", "user_id", "id"?, "event_id"?,
"sender"?, "score"?, "reason"?, "received_ts"? (ms), "content"? (the reported event's content)}]}.
Like Synapse's JOIN on room_stats_state, a report needs a room the emulator knows; the room's
name and canonical alias are read from its current state when the reports are listed.
"""

import secrets
import time

H = None  # synapse_emu's helpers (ApiError, bad, q_integer, ...), set by install()
FIRST_ID = 2  # observed: the first report on a fresh 1.67 got id 2


def install(helpers):
    global H
    H = helpers


class Reports:
    """The event reports part of the emulator's state (one per Store)."""

    def __init__(self):
        self.reports = {}  # id -> dict (stored fields)
        self.next_id = FIRST_ID

    def dump(self):
        return {"event_reports": [dict(self.reports[i]) for i in sorted(self.reports)]}


def register(emu):
    A = "/_synapse/admin/v1"
    emu._route("GET", A + "/event_reports", r"^/_synapse/admin/v1/event_reports$",
               lambda c, req: list_reports(emu, c))
    emu._route("GET", A + "/event_reports/<report_id>",
               r"^/_synapse/admin/v1/event_reports/(?P<report_id>[^/]*)$",
               lambda c, req, report_id: get_report(emu, report_id))


def reports_of(emu):
    return emu.store.reports


def entry(emu, r):
    """A list entry, in the transcript's field order; room name and alias from the room's state."""
    room = emu.store.rooms.rooms.get(r["room_id"])
    name = room.content("m.room.name") if room else None
    alias = room.content("m.room.canonical_alias") if room else None
    return {"id": r["id"], "received_ts": r["received_ts"], "room_id": r["room_id"],
            "event_id": r["event_id"], "user_id": r["user_id"], "score": r["score"],
            "reason": r["reason"], "sender": r["sender"],
            "canonical_alias": (alias or {}).get("alias"), "name": (name or {}).get("name")}


def list_reports(emu, ctx):
    q = ctx.query
    start = H.q_integer(q, "from", 0)
    limit = H.q_integer(q, "limit", 100)
    direction = H.q_string(q, "dir", "b")
    user_id = H.q_string(q, "user_id")
    room_id = H.q_string(q, "room_id")
    if start < 0:
        raise H.bad("The start parameter must be a positive integer.", "M_INVALID_PARAM")
    if limit < 0:
        raise H.bad("The limit parameter must be a positive integer.", "M_INVALID_PARAM")
    if direction not in ("f", "b"):
        raise H.bad("Unknown direction: %s" % direction, "M_INVALID_PARAM")
    rows = [r for r in reports_of(emu).reports.values() if r["room_id"] in emu.store.rooms.rooms]
    # 1.67 filters with "er.user_id LIKE ?" / "er.room_id LIKE ?" and %value%: substrings, with
    # SQLite's case-insensitive ASCII and its % and _ wildcards
    if user_id:
        m = H.like_matcher("%" + user_id + "%")
        rows = [r for r in rows if m(r["user_id"])]
    if room_id:
        m = H.like_matcher("%" + room_id + "%")
        rows = [r for r in rows if m(r["room_id"])]
    rows.sort(key=lambda r: (r["received_ts"], r["id"]), reverse=direction == "b")
    page = [entry(emu, r) for r in rows[start:start + limit]]
    out = {"event_reports": page, "total": len(rows)}
    if start + limit < len(rows):
        out["next_token"] = start + len(page)  # an integer here, unlike the users list
    return 200, out


def get_report(emu, report_id):
    try:
        rid = int(report_id)
    except ValueError:
        rid = -1
    if rid < 0:
        raise H.bad("The report_id parameter must be a string representing a positive integer.",
                    "M_INVALID_PARAM")
    r = reports_of(emu).reports.get(rid)
    if r is None or r["room_id"] not in emu.store.rooms.rooms:
        raise H.not_found("Event report not found")
    out = entry(emu, r)
    out["event_json"] = {"auth_events": [], "content": r["content"], "depth": 10, "hashes": {},
                         "origin_server_ts": r["received_ts"] - 1000, "prev_events": [],
                         "room_id": r["room_id"], "sender": r["sender"], "signatures": {},
                         "type": "m.room.message", "unsigned": {"age_ts": r["received_ts"] - 1000}}
    return 200, out


def seed(emu, spec):
    """Part of /_emu/seed; returns how many reports there are."""
    reps = reports_of(emu)
    for s in spec.get("event_reports", ()):
        for f in ("room_id", "user_id"):
            if not isinstance(s.get(f), str):
                raise H.bad("seed: every event report needs a string %r" % f)
        if s["room_id"] not in emu.store.rooms.rooms:
            raise H.bad("seed: event report in unknown room %s" % s["room_id"])
        rid = s.get("id", reps.next_id)
        reps.next_id = max(reps.next_id, rid + 1)
        reps.reports[rid] = {
            "id": rid, "received_ts": s.get("received_ts", int(time.time() * 1000)),
            "room_id": s["room_id"], "event_id": s.get("event_id", "$" + secrets.token_urlsafe(32)[:43]),
            "user_id": s["user_id"], "score": s.get("score"), "reason": s.get("reason"),
            "sender": s.get("sender", "@admin:%s" % emu.server_name),
            "content": s.get("content", {"msgtype": "m.text", "body": "reported message"})}
    return len(reps.reports)
