#!/usr/bin/env python3
"""Emulator of the Synapse 1.67 admin API, for msgadm's tests.

TEST FIXTURE ONLY: it keeps everything in memory, stores passwords in clear and
exposes an unauthenticated /_emu/ control API. Never point anything real at it.

It answers like a real Synapse 1.67.0 (SQLite) did in the observed transcripts:
integer booleans, creation_ts in seconds for one user and in milliseconds in
the list, next_token as a string that is absent on the last page, 400
M_UNRECOGNIZED for unknown endpoints and wrong methods, the exact error bodies.
See README.md next to this file for flags, control endpoints and the places
where real-server behaviour had to be guessed.

Python 3 standard library only.
"""

import argparse
import bisect
import email.utils
import http
import json
import os
import re
import secrets
import signal
import socket
import socketserver
import ssl
import string
import struct
import sys
import threading
import time
import traceback
import urllib.parse
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import synapse_emu_rooms as rooms_api  # rooms, room state, directory, destinations
import synapse_emu_reports as reports_api  # event reports

PYTHON_VERSION = "3.11.2"  # what the observed server reported
MAX_USERID_LENGTH = 255
MAX_DISPLAYNAME_LEN = 256
MAX_AVATAR_URL_LEN = 1000
USER_TYPES = ("support", "bot")
MXID_LOCALPART_ALLOWED = frozenset("_-./=" + string.ascii_lowercase + string.digits)
REG_TOKEN_CHARS = string.ascii_letters + string.digits + "._~-"
REG_TOKEN_CHARS_SET = frozenset(REG_TOKEN_CHARS)
USER_SORT_ORDERS = ("name", "displayname", "is_guest", "admin", "deactivated",
                    "user_type", "avatar_url", "shadow_banned", "creation_ts")

# Real Synapse 1.67 raises SynapseError(400, "Must provide a password to
# re-activate an account.") without an errcode, i.e. M_UNKNOWN.
REACTIVATE_ERRCODE = "M_UNKNOWN"

EMPTY = ()  # shared immutable empty list for users without threepids/external ids


# --------------------------------------------------------------------------
# errors


class ApiError(Exception):
    """A Matrix error reply: status, errcode, error and optional extra fields."""

    def __init__(self, status, errcode, error, **extra):
        super().__init__(error)
        self.status = status
        self.errcode = errcode
        self.error = error
        self.extra = extra

    def body(self):
        d = {"errcode": self.errcode, "error": self.error}
        d.update(self.extra)
        return d


def bad(error, errcode="M_UNKNOWN", status=400, **extra):
    return ApiError(status, errcode, error, **extra)


def not_found(error):
    return ApiError(404, "M_NOT_FOUND", error)


class Raw:
    """A reply body that is already encoded JSON."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = data


def dumps(obj):
    # Same separators as the observed transcripts (", " and ": "), ASCII escapes.
    return json.dumps(obj)


def encode(obj):
    return obj.data if isinstance(obj, Raw) else dumps(obj).encode()


# --------------------------------------------------------------------------
# helpers copying Synapse's request parsing rules


def parse_json_object(body, allow_empty=False):
    if not body and allow_empty:
        return {}
    try:
        content = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except Exception:
        raise bad("Content not JSON.", "M_NOT_JSON")
    if allow_empty and content is None:
        return {}
    if not isinstance(content, dict):
        raise bad("Content must be a JSON object.", "M_BAD_JSON")
    return content


def _reject_constant(name):
    raise ValueError("Invalid JSON value: '%s'" % name)


def assert_params_in_dict(body, required):
    absent = [k for k in required if k not in body]
    if absent:
        raise bad("Missing params: %r" % absent, "M_MISSING_PARAM")


def q_integer(q, name, default):
    if name in q:
        try:
            return int(q[name][0])
        except Exception:
            raise bad("Query parameter %r must be an integer" % name, "M_INVALID_PARAM")
    return default


def q_boolean(q, name, default=None):
    if name in q:
        try:
            return {b"true": True, b"false": False}[q[name][0]]
        except Exception:
            raise bad("Boolean query parameter %r must be one of ['true', 'false']" % name,
                      "M_INVALID_PARAM")
    return default


def q_string(q, name, default=None, allowed=None):
    if name not in q:
        return default
    try:
        value = q[name][0].decode("ascii")
    except ValueError:
        raise bad("Query parameter %r must be %s" % (name, "ascii"))
    if allowed is not None and value not in allowed:
        raise bad("Query parameter %r must be one of [%s]" % (name, ", ".join(repr(v) for v in allowed)),
                  "M_INVALID_PARAM")
    return value


def parse_user_id(s):
    """UserID.from_string: returns (localpart, domain)."""
    if len(s) < 1 or s[0] != "@":
        raise bad("Expected UserID string to start with '@'", "M_INVALID_PARAM")
    parts = s[1:].split(":", 1)
    if len(parts) != 2:
        raise bad("Expected UserID of the form '@localname:domain'", "M_INVALID_PARAM")
    return parts[0], parts[1]


def canonicalise_email(address):
    address = address.strip()
    parts = address.split("@")
    if len(parts) != 2:
        raise ValueError("Unable to parse email address")
    return parts[0].casefold() + "@" + parts[1].lower()


def like_matcher(pattern):
    """SQLite LIKE (no escape char, ASCII case-insensitive) as a regex match function."""
    out = []
    for c in pattern:
        if c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        else:
            out.append(re.escape(c))
    return re.compile("".join(out) + r"\Z", re.S | re.I | re.A).match


def now_ms():
    return int(time.time() * 1000)


# --------------------------------------------------------------------------
# state


class User:
    __slots__ = ("name", "localpart", "password", "is_guest", "admin", "deactivated",
                 "shadow_banned", "erased", "creation_ts", "user_type", "displayname",
                 "avatar_url", "threepids", "external_ids", "appservice_id",
                 "consent_version", "consent_server_notice_sent", "list_json")

    def __init__(self, name, creation_ts):
        self.name = name
        self.localpart = name[1:].split(":", 1)[0]
        self.password = None
        self.is_guest = 0
        self.admin = 0
        self.deactivated = 0
        self.shadow_banned = 0
        self.erased = False
        self.creation_ts = creation_ts
        self.user_type = None
        self.displayname = None
        self.avatar_url = None
        self.threepids = EMPTY      # list of {"medium","address","validated_at","added_at"}
        self.external_ids = EMPTY   # list of {"auth_provider","external_id"}
        self.appservice_id = None
        self.consent_version = None
        self.consent_server_notice_sent = None
        self.list_json = None

    def list_entry(self):
        """Encoded entry of GET /v2/users (cached until the user changes)."""
        if self.list_json is None:
            self.list_json = dumps({
                "name": self.name,
                "user_type": self.user_type,
                "is_guest": self.is_guest,
                "admin": self.admin,
                "deactivated": self.deactivated,
                "shadow_banned": self.shadow_banned,
                "displayname": self.displayname,
                "avatar_url": self.avatar_url,
                "creation_ts": None if self.creation_ts is None else self.creation_ts * 1000,
            })
        return self.list_json

    def full(self):
        """Body of GET/PUT /v2/users/<user_id> (AdminHandler.get_user)."""
        return {
            "name": self.name,
            "is_guest": self.is_guest,
            "admin": self.admin,
            "consent_version": self.consent_version,
            "consent_server_notice_sent": self.consent_server_notice_sent,
            "appservice_id": self.appservice_id,
            "creation_ts": self.creation_ts,
            "user_type": self.user_type,
            "deactivated": self.deactivated,
            "shadow_banned": self.shadow_banned,
            "displayname": self.displayname,
            "avatar_url": self.avatar_url,
            "threepids": [dict(t) for t in self.threepids],
            "external_ids": [dict(e) for e in self.external_ids],
        }

    def state(self):
        d = self.full()
        d["erased"] = self.erased
        d["password"] = self.password
        return d


class Store:
    def __init__(self, server_name):
        self.server_name = server_name
        self.users = {}            # name -> User
        self.sorted_names = []     # every user name, ascending
        self.lower_names = set()   # lower-cased names (case-insensitive "already taken")
        self.view_cache = {}       # list query -> [User] in answer order
        self.threepid_owner = {}   # (medium, address) -> user name
        self.extid_owner = {}      # (auth_provider, external_id) -> user name
        self.tokens = {}           # access token -> (user_id, device_id)
        self.reg_tokens = {}       # token -> dict, insertion order (SQLite rowid order)
        self.rooms = rooms_api.Rooms(server_name)
        self.reports = reports_api.Reports()

    # ---- users

    def changed(self, user):
        user.list_json = None
        self.view_cache.clear()

    def add_user(self, name, creation_ts=None):
        user = User(name, int(time.time()) if creation_ts is None else creation_ts)
        self.users[name] = user
        self.lower_names.add(name.lower())
        bisect.insort(self.sorted_names, name)
        self.view_cache.clear()
        return user

    def bulk_add_users(self, names, creation_ts):
        for name in names:
            u = User(name, creation_ts)
            u.displayname = u.localpart
            self.users[name] = u
        self.sorted_names = sorted(self.users)
        self.lower_names = {n.lower() for n in self.sorted_names}
        self.view_cache.clear()

    def warm_user_list(self):
        """Prepares the list of every user the way msgadm asks for it (guests=false,
        deactivated=true, by name), entries encoded: a benchmark then measures the client, not
        the emulator's first encoding of every seeded user."""
        for u in self.user_view(None, None, False, True, "name", "f"):
            u.list_entry()

    def user_view(self, name, user_id, guests, deactivated, order_by, direction):
        if name:
            user_id = None
        key = (name, user_id, guests, deactivated, order_by, direction)
        view = self.view_cache.get(key)
        if view is not None:
            return view
        users = self.users
        seq = [users[n] for n in self.sorted_names]
        if name:
            m1 = like_matcher("@%" + name.lower() + "%:%")
            m2 = like_matcher("%" + name.lower() + "%")
            seq = [u for u in seq if m1(u.name) or
                   (isinstance(u.displayname, str) and m2(u.displayname.lower()))]
        elif user_id:
            m = like_matcher("%" + user_id.lower() + "%")
            seq = [u for u in seq if m(u.name)]
        if not guests:
            seq = [u for u in seq if not u.is_guest]
        if not deactivated:
            seq = [u for u in seq if not u.deactivated]
        # ORDER BY <column> <dir>, u.name ASC; NULL sorts first in ASC (SQLite)
        if order_by == "name":
            if direction == "b":
                seq.reverse()
        else:
            def key_fn(u, attr=order_by):
                v = getattr(u, attr)
                if v is None:
                    return (0, 0, "")
                if isinstance(v, bool):
                    v = int(v)
                if isinstance(v, (int, float)):
                    return (1, v, "")
                return (2, 0, str(v))
            seq.sort(key=key_fn, reverse=(direction == "b"))  # stable: ties stay name ASC
        if len(self.view_cache) > 64:
            self.view_cache.clear()
        self.view_cache[key] = seq
        return seq

    def add_threepid(self, user, medium, address, validated_at):
        # AuthHandler.add_threepid
        if medium not in ["email", "msisdn"]:
            raise bad("'%s' is not a valid value for 'medium'" % (medium,), "M_INVALID_PARAM")
        if medium == "email":
            address = canonicalise_email(address)  # ValueError -> 500, like Synapse
        key = (medium, address)
        # user_add_threepid is an upsert on (medium, address): it moves the
        # threepid away from whoever had it.
        owner = self.threepid_owner.get(key)
        if owner is not None and owner in self.users:
            other = self.users[owner]
            other.threepids = [t for t in other.threepids
                               if (t["medium"], t["address"]) != key]
            self.changed(other)
        entry = {"medium": medium, "address": address,
                 "validated_at": validated_at, "added_at": now_ms()}
        user.threepids = [t for t in user.threepids if (t["medium"], t["address"]) != key] + [entry]
        self.threepid_owner[key] = user.name
        self.changed(user)

    def delete_threepid(self, user, medium, address):
        if medium == "email":
            address = canonicalise_email(address)
        key = (medium, address)
        user.threepids = [t for t in user.threepids if (t["medium"], t["address"]) != key]
        if self.threepid_owner.get(key) == user.name:
            del self.threepid_owner[key]
        self.changed(user)

    def record_external_id(self, user, auth_provider, external_id):
        key = (auth_provider, external_id)
        if key in self.extid_owner:
            raise bad("External id is already in use.", status=409)
        self.extid_owner[key] = user.name
        user.external_ids = list(user.external_ids) + [
            {"auth_provider": auth_provider, "external_id": external_id}]
        self.changed(user)

    def replace_external_ids(self, user, new):
        # one transaction: either all replaced or nothing changes
        keys = []
        for provider, ext in new:
            key = (provider, ext)
            owner = self.extid_owner.get(key)
            if key in keys or (owner is not None and owner != user.name):
                raise bad("External id is already in use.", status=409)
            keys.append(key)
        for e in user.external_ids:
            self.extid_owner.pop((e["auth_provider"], e["external_id"]), None)
        for key in keys:
            self.extid_owner[key] = user.name
        user.external_ids = [{"auth_provider": p, "external_id": e} for p, e in keys]
        self.changed(user)

    def delete_tokens_for(self, user_id, except_token=None):
        for tok in [t for t, (uid, _dev) in self.tokens.items()
                    if uid == user_id and t != except_token]:
            del self.tokens[tok]

    def deactivate(self, user, erase):
        # DeactivateAccountHandler.deactivate_account
        for t in user.threepids:
            if self.threepid_owner.get((t["medium"], t["address"])) == user.name:
                del self.threepid_owner[(t["medium"], t["address"])]
        user.threepids = EMPTY
        self.delete_tokens_for(user.name)
        user.password = None
        if erase:
            user.avatar_url = None
            user.displayname = None
            user.erased = True
        user.deactivated = 1
        self.changed(user)

    # ---- registration tokens

    @staticmethod
    def token_valid(t, now):
        uses_ok = t["uses_allowed"] is None or t["uses_allowed"] > t["pending"] + t["completed"]
        time_ok = t["expiry_time"] is None or t["expiry_time"] > now
        return uses_ok and time_ok

    # ---- whole state (for /_emu/state)

    def dump(self):
        out = {
            "users": {n: self.users[n].state() for n in self.sorted_names},
            "registration_tokens": [dict(t) for t in self.reg_tokens.values()],
            "access_tokens": [{"token": tok, "user_id": uid, "device_id": dev}
                              for tok, (uid, dev) in sorted(self.tokens.items())],
        }
        out.update(self.rooms.dump())
        out.update(self.reports.dump())
        return out


# --------------------------------------------------------------------------
# the API


class Emulator:
    def __init__(self, server_name, version, admin_token, user_token, seed_users):
        self.server_name = server_name
        self.version = version
        self.store = Store(server_name)
        self.admin_token = admin_token
        self.user_token = user_token
        self.seed_users = seed_users
        self.lock = threading.RLock()  # one API request at a time touches the state
        self.routes = {}
        rooms_api.install(sys.modules[__name__])
        reports_api.install(sys.modules[__name__])
        self._register_routes()
        self.reset_state(seed_users)

    # ---- bootstrap state

    def reset_state(self, seed_users):
        s = Store(self.server_name)
        start = int(time.time())
        admin = s.add_user("@admin:%s" % self.server_name, start)
        admin.admin = 1
        admin.displayname = "Admin"
        s.tokens[self.admin_token] = (admin.name, "EMUADMINDEVICE")
        if self.user_token:
            alice = s.add_user("@alice:%s" % self.server_name, start)
            alice.displayname = "alice"
            s.tokens[self.user_token] = (alice.name, "EMUALICEDEVICE")
        if seed_users:
            width = max(6, len(str(seed_users)))
            s.bulk_add_users(["@user%0*d:%s" % (width, i, self.server_name)
                              for i in range(1, seed_users + 1)], start)
            s.warm_user_list()
        self.store = s

    # ---- routing

    def _route(self, method, template, regex, fn, auth="admin"):
        self.routes.setdefault(method, []).append(
            (re.compile(regex), "%s %s" % (method, template), fn, auth))

    def _register_routes(self):
        A = "/_synapse/admin"
        self._route("GET", A + "/v1/server_version", r"^/_synapse/admin/v1/server_version$",
                    self.server_version, auth=None)
        self._route("GET", A + "/v2/users", r"^/_synapse/admin/v2/users$", self.list_users)
        for m, fn in (("GET", self.get_user), ("PUT", self.put_user)):
            self._route(m, A + "/v2/users/<user_id>",
                        r"^/_synapse/admin/v2/users/(?P<user_id>[^/]*)$", fn)
        self._route("POST", A + "/v1/deactivate/<user_id>",
                    r"^/_synapse/admin/v1/deactivate/(?P<user_id>[^/]*)$", self.deactivate)
        for m, fn in (("GET", self.get_admin), ("PUT", self.put_admin)):
            self._route(m, A + "/v1/users/<user_id>/admin",
                        r"^/_synapse/admin/v1/users/(?P<user_id>[^/]*)/admin$", fn)
        self._route("GET", A + "/v1/registration_tokens",
                    r"^/_synapse/admin/v1/registration_tokens$", self.list_reg_tokens)
        self._route("POST", A + "/v1/registration_tokens/new",
                    r"^/_synapse/admin/v1/registration_tokens/new$", self.new_reg_token)
        for m, fn in (("GET", self.get_reg_token), ("PUT", self.put_reg_token),
                      ("DELETE", self.delete_reg_token)):
            self._route(m, A + "/v1/registration_tokens/<token>",
                        r"^/_synapse/admin/v1/registration_tokens/(?P<token>[^/]*)$", fn)
        for ver in ("r0", "v3", "unstable"):
            self._route("GET", "/_matrix/client/%s/account/whoami" % ver,
                        r"^/_matrix/client/%s/account/whoami$" % ver, self.whoami, auth="user")
        rooms_api.register(self)
        reports_api.register(self)

    def match(self, method, path):
        """-> (route key, handler, auth kind, kwargs) or None."""
        for regex, key, fn, auth in self.routes.get(method, ()):
            m = regex.match(path)
            if m:
                kwargs = {k: urllib.parse.unquote(v) if v else v for k, v in m.groupdict().items()}
                return key, fn, auth, kwargs
        return None

    # ---- auth (Auth.get_user_by_req / assert_user_is_admin)

    def requester(self, ctx):
        headers = ctx.headers.get_all("Authorization") or []
        qp = ctx.query.get("access_token")
        if headers:
            if qp is not None:
                raise ApiError(401, "M_MISSING_TOKEN",
                               "Mixing Authorization headers and access_token query parameters.")
            if len(headers) > 1:
                raise ApiError(401, "M_MISSING_TOKEN", "Too many Authorization headers.")
            parts = headers[0].split(" ")
            if parts[0] == "Bearer" and len(parts) == 2:
                token = parts[1]
            else:
                raise ApiError(401, "M_MISSING_TOKEN", "Invalid Authorization header.")
        else:
            if not qp:
                raise ApiError(401, "M_MISSING_TOKEN", "Missing access token")
            token = qp[0].decode("latin-1")
        entry = self.store.tokens.get(token)
        if entry is None or entry[0] not in self.store.users:
            raise ApiError(401, "M_UNKNOWN_TOKEN", "Invalid access token passed.", soft_logout=False)
        return {"user_id": entry[0], "device_id": entry[1], "token": token}

    def check_admin(self, req):
        if not self.store.users[req["user_id"]].admin:
            raise ApiError(403, "M_FORBIDDEN", "You are not a server admin")

    # ---- endpoints

    def server_version(self, ctx, req):
        return 200, {"server_version": self.version, "python_version": PYTHON_VERSION}

    def whoami(self, ctx, req):
        return 200, {"user_id": req["user_id"], "is_guest": False, "device_id": req["device_id"]}

    def list_users(self, ctx, req):
        q = ctx.query
        start = q_integer(q, "from", 0)
        limit = q_integer(q, "limit", 100)
        if start < 0:
            raise bad("Query parameter from must be a string representing a positive integer.",
                      "M_INVALID_PARAM")
        if limit < 0:
            raise bad("Query parameter limit must be a string representing a positive integer.",
                      "M_INVALID_PARAM")
        user_id = q_string(q, "user_id")
        name = q_string(q, "name")
        guests = q_boolean(q, "guests", True)
        deactivated = q_boolean(q, "deactivated", False)
        order_by = q_string(q, "order_by", "name", USER_SORT_ORDERS)
        direction = q_string(q, "dir", "f", ("f", "b"))
        view = self.store.user_view(name, user_id, guests, deactivated, order_by, direction)
        total = len(view)
        page = view[start:start + limit]
        out = '{"users": [' + ", ".join(u.list_entry() for u in page) + '], "total": %d' % total
        if start + limit < total:
            out += ', "next_token": "%d"' % (start + len(page))
        return 200, Raw((out + "}").encode())

    def _local_user(self, user_id, remote_msg):
        local, domain = parse_user_id(user_id)
        if domain != self.server_name:
            raise bad(remote_msg)
        return local

    def get_user(self, ctx, req, user_id):
        self._local_user(user_id, "Can only look up local users")
        user = self.store.users.get(user_id)
        if user is None:
            raise not_found("User not found")
        return 200, user.full()

    def put_user(self, ctx, req, user_id):
        s = self.store
        localpart, domain = parse_user_id(user_id)
        body = parse_json_object(ctx.body)
        if domain != self.server_name:
            raise bad("This endpoint can only be used with local users")
        user = s.users.get(user_id)

        threepids = body.get("threepids")
        if threepids is not None:
            for threepid in threepids:
                assert_params_in_dict(threepid, ["medium", "address"])
        external_ids = body.get("external_ids")
        if external_ids is not None:
            for external_id in external_ids:
                assert_params_in_dict(external_id, ["auth_provider", "external_id"])
        user_type = body.get("user_type", None)
        if user_type is not None and user_type not in USER_TYPES:
            raise bad("Invalid user type")
        set_admin_to = body.get("admin", False)
        if not isinstance(set_admin_to, bool):
            raise bad("Param 'admin' must be a boolean, if given", "M_BAD_JSON")
        password = body.get("password", None)
        if password is not None:
            if not isinstance(password, str) or len(password) > 512:
                raise bad("Invalid password")
        logout_devices = body.get("logout_devices", True)
        if not isinstance(logout_devices, bool):
            raise bad("'logout_devices' parameter is not of type boolean")
        deactivate = body.get("deactivated", False)
        if not isinstance(deactivate, bool):
            raise bad("'deactivated' parameter is not of type boolean")
        if external_ids is not None:
            new_external_ids = [(e["auth_provider"], e["external_id"]) for e in external_ids]
        if threepids is not None:
            # Synapse builds a set; keep request order for determinism
            new_threepids = list(dict.fromkeys((t["medium"], t["address"]) for t in threepids))

        if user is not None:  # modify
            if "displayname" in body:
                self._set_displayname(user, body["displayname"])
            if threepids is not None:
                cur = [(t["medium"], t["address"]) for t in user.threepids]
                for medium, address in [c for c in cur if c not in new_threepids]:
                    s.delete_threepid(user, medium, address)
                now = now_ms()
                for medium, address in [n for n in new_threepids if n not in cur]:
                    s.add_threepid(user, medium, address, now)
            if external_ids is not None:
                s.replace_external_ids(user, new_external_ids)
            if "avatar_url" in body and isinstance(body["avatar_url"], str):
                self._set_avatar_url(user, body["avatar_url"])
            if "admin" in body and set_admin_to != bool(user.admin):
                if user_id == req["user_id"] and not set_admin_to:
                    raise bad("You may not demote yourself.")
                user.admin = 1 if set_admin_to else 0
                s.changed(user)
            if password is not None:
                user.password = password
                if logout_devices:
                    s.delete_tokens_for(user.name, except_token=req["token"])
                s.changed(user)
            if "deactivated" in body:
                if deactivate and not user.deactivated:
                    s.deactivate(user, False)
                elif not deactivate and user.deactivated:
                    if "password" not in body:
                        raise bad("Must provide a password to re-activate an account.",
                                  REACTIVATE_ERRCODE)
                    user.deactivated = 0
                    user.erased = False
                    s.changed(user)
            if "user_type" in body:
                user.user_type = user_type
                s.changed(user)
            return 200, user.full()

        # create (RegistrationHandler.register_user + check_username)
        if any(c not in MXID_LOCALPART_ALLOWED for c in localpart):
            raise bad("User ID can only contain characters a-z, 0-9, or '=_-./'", "M_INVALID_USERNAME")
        if not localpart:
            raise bad("User ID cannot be empty", "M_INVALID_USERNAME")
        if localpart[0] == "_":
            raise bad("User ID may not begin with _", "M_INVALID_USERNAME")
        full_id = "@%s:%s" % (localpart, domain)
        if len(full_id) > MAX_USERID_LENGTH:
            raise bad("User ID may not be longer than %s characters" % MAX_USERID_LENGTH,
                      "M_INVALID_USERNAME")
        if full_id.lower() in s.lower_names:
            raise bad("User ID already taken.", "M_USER_IN_USE")
        displayname = body.get("displayname", None)
        user = s.add_user(full_id)
        user.password = password
        user.admin = 1 if set_admin_to else 0
        user.displayname = localpart if displayname is None else displayname
        user.user_type = user_type
        s.changed(user)
        if threepids is not None:
            now = now_ms()
            for medium, address in new_threepids:
                s.add_threepid(user, medium, address, now)
        if external_ids is not None:
            for provider, ext in new_external_ids:
                s.record_external_id(user, provider, ext)
        if "avatar_url" in body and isinstance(body["avatar_url"], str):
            self._set_avatar_url(user, body["avatar_url"])
        return 201, user.full()

    def _set_displayname(self, user, value):
        # ProfileHandler.set_displayname(by_admin=True)
        if not isinstance(value, str):
            raise bad("'displayname' must be a string", "M_INVALID_PARAM")
        if len(value) > MAX_DISPLAYNAME_LEN:
            raise bad("Displayname is too long (max %i)" % MAX_DISPLAYNAME_LEN)
        user.displayname = None if value == "" else value
        self.store.changed(user)

    def _set_avatar_url(self, user, value):
        if len(value) > MAX_AVATAR_URL_LEN:
            raise bad("Avatar URL is too long (max %i)" % MAX_AVATAR_URL_LEN)
        user.avatar_url = None if value == "" else value
        self.store.changed(user)

    def deactivate(self, ctx, req, user_id):
        self._local_user(user_id, "Can only deactivate local users")
        user = self.store.users.get(user_id)
        if user is None:
            raise not_found("User not found")
        body = parse_json_object(ctx.body, allow_empty=True)
        erase = body.get("erase", False)
        if not isinstance(erase, bool):
            raise bad("Param 'erase' must be a boolean, if given", "M_BAD_JSON")
        self.store.deactivate(user, erase)
        return 200, {"id_server_unbind_result": "success"}

    def get_admin(self, ctx, req, user_id):
        self._local_user(user_id, "Only local users can be admins of this homeserver")
        user = self.store.users.get(user_id)
        return 200, {"admin": bool(user is not None and user.admin)}

    def put_admin(self, ctx, req, user_id):
        localpart, domain = parse_user_id(user_id)
        body = parse_json_object(ctx.body)
        assert_params_in_dict(body, ["admin"])
        if domain != self.server_name:
            raise bad("Only local users can be admins of this homeserver")
        set_admin_to = bool(body["admin"])
        if user_id == req["user_id"] and not set_admin_to:
            raise bad("You may not demote yourself.")
        user = self.store.users.get(user_id)
        if user is None:  # simple_update_one_txn on no row
            raise ApiError(404, "M_UNKNOWN", "No row found")
        user.admin = 1 if set_admin_to else 0
        self.store.changed(user)
        return 200, {}

    def list_reg_tokens(self, ctx, req):
        valid = q_boolean(ctx.query, "valid")
        toks = list(self.store.reg_tokens.values())
        if valid is not None:
            now = now_ms()
            toks = [t for t in toks if Store.token_valid(t, now) == valid]
        return 200, {"registration_tokens": [dict(t) for t in toks]}

    def new_reg_token(self, ctx, req):
        s = self.store
        body = parse_json_object(ctx.body)
        if "token" in body:
            token = body["token"]
            if not isinstance(token, str):
                raise bad("token must be a string", "M_INVALID_PARAM")
            if not (0 < len(token) <= 64):
                raise bad("token must not be empty and must not be longer than 64 characters",
                          "M_INVALID_PARAM")
            if not set(token).issubset(REG_TOKEN_CHARS_SET):
                raise bad("token must consist only of characters matched by the regex [A-Za-z0-9-_]",
                          "M_INVALID_PARAM")
        else:
            length = body.get("length", 16)
            if not isinstance(length, int):
                raise bad("length must be an integer", "M_INVALID_PARAM")
            if not (0 < length <= 64):
                raise bad("length must be greater than zero and not greater than 64", "M_INVALID_PARAM")
            while True:
                token = "".join(secrets.choice(REG_TOKEN_CHARS) for _ in range(length))
                if token not in s.reg_tokens:
                    break
        uses_allowed = body.get("uses_allowed", None)
        if not (uses_allowed is None or (isinstance(uses_allowed, int) and uses_allowed >= 0)):
            raise bad("uses_allowed must be a non-negative integer or null", "M_INVALID_PARAM")
        expiry_time = body.get("expiry_time", None)
        if not isinstance(expiry_time, (int, type(None))):
            raise bad("expiry_time must be an integer or null", "M_INVALID_PARAM")
        if isinstance(expiry_time, int) and expiry_time < now_ms():
            raise bad("expiry_time must not be in the past", "M_INVALID_PARAM")
        if token in s.reg_tokens:
            raise bad("Token already exists: %s" % token, "M_INVALID_PARAM")
        s.reg_tokens[token] = {"token": token,
                               "uses_allowed": None if uses_allowed is None else int(uses_allowed),
                               "pending": 0, "completed": 0,
                               "expiry_time": None if expiry_time is None else int(expiry_time)}
        return 200, {"token": token, "uses_allowed": uses_allowed, "pending": 0, "completed": 0,
                     "expiry_time": expiry_time}

    def get_reg_token(self, ctx, req, token):
        t = self.store.reg_tokens.get(token)
        if t is None:
            raise not_found("No such registration token: %s" % token)
        return 200, dict(t)

    def put_reg_token(self, ctx, req, token):
        body = parse_json_object(ctx.body)
        new = {}
        if "uses_allowed" in body:
            uses_allowed = body["uses_allowed"]
            if not (uses_allowed is None or (isinstance(uses_allowed, int) and uses_allowed >= 0)):
                raise bad("uses_allowed must be a non-negative integer or null", "M_INVALID_PARAM")
            new["uses_allowed"] = None if uses_allowed is None else int(uses_allowed)
        if "expiry_time" in body:
            expiry_time = body["expiry_time"]
            if not isinstance(expiry_time, (int, type(None))):
                raise bad("expiry_time must be an integer or null", "M_INVALID_PARAM")
            if isinstance(expiry_time, int) and expiry_time < now_ms():
                raise bad("expiry_time must not be in the past", "M_INVALID_PARAM")
            new["expiry_time"] = None if expiry_time is None else int(expiry_time)
        t = self.store.reg_tokens.get(token)
        if t is None:
            raise not_found("No such registration token: %s" % token)
        t.update(new)
        return 200, dict(t)

    def delete_reg_token(self, ctx, req, token):
        if self.store.reg_tokens.pop(token, None) is None:
            raise not_found("No such registration token: %s" % token)
        return 200, {}

    # ---- dispatch of one API request (called with self.lock held)

    def handle(self, ctx, matched):
        if matched is None:
            return 400, {"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"}
        _key, fn, auth, kwargs = matched
        try:
            req = None
            if auth is not None:
                req = self.requester(ctx)
                if auth == "admin":
                    self.check_admin(req)
            return fn(ctx, req, **kwargs)
        except ApiError as e:
            return e.status, e.body()

    # ---- /_emu/seed

    def seed(self, spec):
        s = self.store
        if not isinstance(spec, dict):
            raise bad("seed body must be a JSON object")
        if spec.get("reset"):
            self.reset_state(self.seed_users)  # back to the startup state
            s = self.store
        for u in spec.get("users", ()):
            name = u.get("name")
            if not isinstance(name, str):
                raise bad("seed: every user needs a string 'name'")
            _local, domain = parse_user_id(name)
            if domain != self.server_name:
                raise bad("seed: %s is not a local user of %s" % (name, self.server_name))
            user = s.users.get(name)
            if user is None:
                user = s.add_user(name, u.get("creation_ts"))
                user.displayname = user.localpart
            for f in ("password", "displayname", "avatar_url", "user_type", "creation_ts",
                      "appservice_id", "consent_version", "consent_server_notice_sent"):
                if f in u:
                    setattr(user, f, u[f])
            for f in ("admin", "deactivated", "is_guest", "shadow_banned"):
                if f in u:
                    setattr(user, f, 1 if u[f] else 0)
            if "erased" in u:
                user.erased = bool(u["erased"])
            if "threepids" in u:
                for t in user.threepids:
                    s.threepid_owner.pop((t["medium"], t["address"]), None)
                user.threepids = EMPTY
                for t in u["threepids"]:
                    now = now_ms()
                    key = (t["medium"], t["address"])
                    owner = s.threepid_owner.get(key)
                    if owner is not None and owner != name:
                        raise bad("seed: threepid %r already belongs to %s" % (key, owner))
                    user.threepids = list(user.threepids) + [{
                        "medium": t["medium"], "address": t["address"],
                        "validated_at": t.get("validated_at", now), "added_at": t.get("added_at", now)}]
                    s.threepid_owner[key] = name
            if "external_ids" in u:
                s.replace_external_ids(user, [(e["auth_provider"], e["external_id"])
                                              for e in u["external_ids"]])
            s.changed(user)
        for t in spec.get("registration_tokens", ()):
            tok = t.get("token")
            if not isinstance(tok, str):
                raise bad("seed: every registration token needs a string 'token'")
            s.reg_tokens[tok] = {"token": tok, "uses_allowed": t.get("uses_allowed"),
                                 "pending": t.get("pending", 0), "completed": t.get("completed", 0),
                                 "expiry_time": t.get("expiry_time")}
        for t in spec.get("access_tokens", ()):
            if t.get("user_id") not in s.users:
                raise bad("seed: access token for unknown user %r" % t.get("user_id"))
            s.tokens[t["token"]] = (t["user_id"], t.get("device_id", "EMUDEVICE"))
        made = rooms_api.seed(self, spec)  # after the users: members take their display names
        reports = reports_api.seed(self, spec)  # after the rooms they are in
        return {"users": len(s.users), "registration_tokens": len(s.reg_tokens), "rooms": made,
                "event_reports": reports}


# --------------------------------------------------------------------------
# faults and request accounting


FAULT_KINDS = ("status", "rate_limit", "drop", "reset", "truncate", "not_json", "delay")

PROXY_HTML = ("<html>\r\n<head><title>{code} {phrase}</title></head>\r\n<body>\r\n"
              "<center><h1>{code} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
              "</body>\r\n</html>\r\n")


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []
        self.next_id = 1

    def add(self, spec):
        if not isinstance(spec, dict):
            raise bad("fault must be a JSON object")
        kind = spec.get("kind")
        if kind not in FAULT_KINDS:
            raise bad("fault kind must be one of %s" % ", ".join(FAULT_KINDS))
        count = spec.get("count", 1)
        if not isinstance(count, int):
            raise bad("count must be an integer (negative = unlimited)")
        status = spec.get("status", 500)
        if kind == "status" and not (isinstance(status, int) and 100 <= status <= 599):
            raise bad("status must be an HTTP status code")
        f = {"id": self.next_id, "kind": kind, "status": status,
             "count": count, "match": spec.get("match"),
             "retry_after_ms": spec.get("retry_after_ms", 50),
             "retry_after_header": spec.get("retry_after_header"),
             "delay_ms": spec.get("delay_ms", 0),
             "content_type": spec.get("content_type"),
             "body": spec.get("body"), "acted": spec.get("acted") is True, "hits": 0}
        with self.lock:
            self.next_id += 1
            self.items.append(f)
        return f

    def clear(self):
        with self.lock:
            self.items = []

    def take(self, target):
        """First fault matching "METHOD /path?query", consuming one of its uses."""
        with self.lock:
            for f in self.items:
                if f["count"] == 0:
                    continue
                if f["match"] and f["match"] not in target:
                    continue
                if f["count"] > 0:
                    f["count"] -= 1
                f["hits"] += 1
                return dict(f)
        return None

    def listing(self):
        with self.lock:
            return [dict(f) for f in self.items]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = 0  # API requests being handled now
        self.reset()

    def reset(self):
        self.total = 0
        self.writes = 0
        self.faulted = 0
        self.by_route = {}
        self.recent = deque(maxlen=1000)
        self.most_in_flight = self.in_flight  # the most at one time since the reset

    def enter(self):
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def leave(self):
        with self.lock:
            self.in_flight -= 1

    def record(self, route, method, path, status, fault):
        with self.lock:
            self.total += 1
            self.by_route[route] = self.by_route.get(route, 0) + 1
            if fault and fault != "delay":
                self.faulted += 1
            elif status is not None and 200 <= status < 300 and method in ("PUT", "POST", "DELETE"):
                self.writes += 1
            self.recent.append({"method": method, "path": path, "status": status, "fault": fault})

    def snapshot(self):
        with self.lock:
            return {"total": self.total, "writes": self.writes, "faulted": self.faulted,
                    "most_in_flight": self.most_in_flight,
                    "by_route": dict(sorted(self.by_route.items())), "recent": list(self.recent)}


def redact(target):
    return re.sub(r"(access_token=)[^&]*", r"\1<redacted>", target)


# --------------------------------------------------------------------------
# HTTP


class Ctx:
    __slots__ = ("method", "target", "path", "query", "headers", "body")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 600  # idle keep-alive connections go away eventually

    def setup(self):
        super().setup()
        # without this, keep-alive request/response pairs stall on delayed ACK
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.tls_failed = False
        if isinstance(self.connection, ssl.SSLSocket):
            # The handshake runs here, in the connection's thread (not in accept(), where a
            # slow or broken client would block the listener), with its own time limit.
            self.connection.settimeout(10)
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError) as e:  # OSError includes timeouts and resets
                self.tls_failed = True
                self.close_connection = True
                self.server.tls_failure(self.client_address, e)
            self.connection.settimeout(self.timeout)

    def handle(self):
        if not self.tls_failed:
            super().handle()

    def log_message(self, fmt, *args):  # silence the default stderr log
        pass

    def do_GET(self):
        self.dispatch()

    do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    # ---- plumbing

    def read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    break
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = self.headers.get("Content-Length")
        if length:
            return self.rfile.read(int(length))
        return b""

    def send(self, status, body, ctype="application/json", extra=(), cut=False):
        emu = self.server.emu
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        lines = ["HTTP/1.1 %d %s" % (status, phrase),
                 "Server: Synapse/%s" % emu.version,
                 "Date: " + email.utils.formatdate(usegmt=True),
                 "Content-Type: " + ctype,
                 "Content-Length: %d" % len(body),
                 "Cache-Control: no-cache, no-store, must-revalidate",
                 "Access-Control-Allow-Origin: *",
                 "Access-Control-Allow-Methods: GET, HEAD, POST, PUT, DELETE, OPTIONS",
                 "Access-Control-Allow-Headers: X-Requested-With, Content-Type, Authorization, Date"]
        lines.extend(extra)
        if self.close_connection:
            lines.append("Connection: close")
        elif self.request_version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        if cut:
            body = body[:len(body) // 2]
        if self.command == "HEAD":
            body = b""
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def send_json(self, status, obj, extra=()):
        self.send(status, encode(obj), extra=extra)

    # ---- one request

    def dispatch(self):
        t0 = time.monotonic()
        srv = self.server
        emu = srv.emu
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self.send_json(400, {"errcode": "M_UNKNOWN", "error": "Bad request body"})
            return
        ctx = Ctx()
        ctx.method = self.command
        ctx.target = self.path
        ctx.path, _, query = self.path.partition("?")
        # name -> [raw bytes values], like Twisted's request.args (bytes, percent-decoded)
        ctx.query = {k: [v.encode("latin-1") for v in vs] for k, vs in
                     urllib.parse.parse_qs(query, keep_blank_values=True, encoding="latin-1").items()}
        ctx.headers = self.headers
        ctx.body = body

        if ctx.path.startswith("/_emu/"):
            self.control(ctx)
            return
        srv.stats.enter()
        try:
            self.answer(ctx, srv, emu, t0)
        finally:
            srv.stats.leave()

    def answer(self, ctx, srv, emu, t0):
        # The fault is decided before anything is handled: a faulted request
        # never changes the state (except "delay", which only adds latency, and the
        # faults marked "acted").
        fault = srv.faults.take("%s %s" % (ctx.method, ctx.target))
        if ctx.method == "OPTIONS":
            matched, route = None, "OPTIONS *"
        else:
            matched = emu.match(ctx.method, ctx.path)
            route = matched[0] if matched else "%s %s (unrecognized)" % (ctx.method, ctx.path)
        if fault and fault["delay_ms"]:
            time.sleep(fault["delay_ms"] / 1000.0)
        action = None          # None (send), "drop" or "reset"
        ctype, extra, cut = "application/json", [], False
        if fault is None or fault["kind"] == "delay":
            if ctx.method == "OPTIONS":
                status, data = 204, b""
            else:
                with emu.lock:
                    try:
                        status, obj = emu.handle(ctx, matched)
                    except Exception:
                        traceback.print_exc()
                        status, obj = 500, {"errcode": "M_UNKNOWN", "error": "Internal server error"}
                data = encode(obj)
        else:
            if fault["acted"] and fault["kind"] in ("drop", "reset", "truncate") and matched is not None:
                # the server made the change, and its answer is lost on the way back
                with emu.lock:
                    try:
                        emu.handle(ctx, matched)
                    except Exception:
                        traceback.print_exc()
            status, data, ctype, extra, cut, action = self.plan_fault(ctx, matched, fault)

        # account before replying, so that a test reading /_emu/requests right
        # after getting its answer sees this request
        kind = fault["kind"] if fault else None
        srv.stats.record(route, ctx.method, redact(ctx.target), status, kind)
        if srv.log:
            srv.log_line("%s %s %s -> %s%s %.1fms" % (
                time.strftime("%Y-%m-%dT%H:%M:%S"), ctx.method, redact(ctx.target),
                "-" if status is None else status, " fault=%s" % kind if kind else "",
                (time.monotonic() - t0) * 1000))
        if action is not None:
            self.close_connection = True
            if action == "reset":  # RST instead of FIN
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            return
        if cut:
            self.close_connection = True
        self.send(status, data, ctype=ctype, extra=extra, cut=cut)

    def plan_fault(self, ctx, matched, f):
        """-> (status, body, content type, extra headers, cut, action)"""
        kind = f["kind"]
        js = "application/json"
        if kind in ("drop", "reset"):
            return None, b"", js, [], False, kind
        if kind == "rate_limit":
            extra = []
            if f["retry_after_header"] is not None:
                extra.append("Retry-After: %s" % f["retry_after_header"])
            return 429, encode({"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests",
                                "retry_after_ms": f["retry_after_ms"]}), js, extra, False, None
        if kind == "not_json":
            body = f["body"] if isinstance(f["body"], str) else "<html>oops</html>"
            return 200, body.encode(), f["content_type"] or js, [], False, None
        if kind == "truncate":
            if ctx.method == "GET" and matched is not None:
                emu = self.server.emu
                with emu.lock:  # GET handlers do not change state
                    status, obj = emu.handle(ctx, matched)
                data = encode(obj)
            else:
                status, data = 200, encode({"emu_truncated": True, "padding": "x" * 64})
            return status, data, js, [], True, None
        # kind == "status"
        status = f["status"]
        if isinstance(f["body"], str):
            return status, f["body"].encode(), f["content_type"] or js, [], False, None
        if status in (502, 503, 504):
            phrase = http.HTTPStatus(status).phrase
            return (status, PROXY_HTML.format(code=status, phrase=phrase).encode(),
                    f["content_type"] or "text/html", [], False, None)
        if status == 500:
            return status, encode({"errcode": "M_UNKNOWN", "error": "Internal server error"}), js, [], False, None
        return (status, encode({"errcode": "M_UNKNOWN", "error": "Emulated fault (HTTP %d)" % status}),
                js, [], False, None)

    # ---- /_emu/ control endpoints (no auth, never faulted, not counted)

    def control(self, ctx):
        srv = self.server
        emu = srv.emu
        key = (ctx.method, ctx.path.rstrip("/"))
        try:
            if key == ("GET", "/_emu/state"):
                with emu.lock:
                    data = json.dumps(emu.store.dump(), sort_keys=False).encode()
                self.send(200, data)
            elif key == ("GET", "/_emu/requests"):
                self.send_json(200, srv.stats.snapshot())
            elif key == ("POST", "/_emu/requests/reset"):
                with srv.stats.lock:
                    srv.stats.reset()
                self.send_json(200, {})
            elif key == ("POST", "/_emu/fault"):
                spec = json.loads(ctx.body or b"{}")
                specs = spec if isinstance(spec, list) else [spec]
                added = [srv.faults.add(s) for s in specs]
                self.send_json(200, {"added": added, "faults": srv.faults.listing()})
            elif key == ("GET", "/_emu/fault"):
                self.send_json(200, {"faults": srv.faults.listing()})
            elif key == ("DELETE", "/_emu/fault"):
                srv.faults.clear()
                self.send_json(200, {})
            elif key == ("POST", "/_emu/seed"):
                spec = json.loads(ctx.body or b"{}")
                with emu.lock:
                    res = emu.seed(spec)
                self.send_json(200, res)
            else:
                self.send_json(404, {"errcode": "M_UNRECOGNIZED",
                                     "error": "Unknown emulator control endpoint"})
        except ApiError as e:
            self.send_json(e.status, e.body())
        except (ValueError, KeyError, TypeError) as e:
            self.send_json(400, {"errcode": "M_BAD_JSON", "error": "emu control: %s" % e})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def server_bind(self):
        # skip HTTPServer.server_bind's getfqdn(), which may wait on DNS
        socketserver.TCPServer.server_bind(self)
        self.server_name = "127.0.0.1"
        self.server_port = self.server_address[1]

    def handle_error(self, request, client_address):
        # TLS errors after the handshake (a client that goes away mid-record): one line, no traceback
        if isinstance(sys.exc_info()[1], ssl.SSLError):
            self.tls_failure(client_address, sys.exc_info()[1])
        else:
            super().handle_error(request, client_address)

    def tls_failure(self, client_address, e):
        # one line per failed connection, so a test can see why; never a traceback
        sys.stderr.write("synapse_emu: TLS error from %s:%d: %s\n" % (client_address[0], client_address[1], e))
        sys.stderr.flush()

    def log_line(self, line):
        with self.log_lock:
            self.log.write(line + "\n")
            self.log.flush()


def read_or_make_token(path, prefix):
    if path is None:
        return None
    try:
        with open(path) as f:
            tok = f.read().strip()
        if tok:
            return tok
    except FileNotFoundError:
        pass
    tok = "syt_%s_%s" % (prefix, secrets.token_urlsafe(15))
    with open(path, "w") as f:
        f.write(tok + "\n")
    return tok


def main(argv=None):
    ap = argparse.ArgumentParser(description="Synapse 1.67 admin API emulator (test fixture)")
    ap.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = any free port)")
    ap.add_argument("--server-name", default="example.test")
    ap.add_argument("--admin-token-file", help="file holding the admin access token "
                    "(created with a random token if missing)")
    ap.add_argument("--user-token-file", help="file holding a non-admin token for @alice "
                    "(created if missing); without it there is no @alice")
    ap.add_argument("--seed-users", type=int, default=0, help="create N extra users @user000001..")
    ap.add_argument("--port-file", help="write the listening port here once ready")
    ap.add_argument("--version", default="1.67.0", help="server_version to report")
    ap.add_argument("--log", help="append one line per request to this file")
    ap.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate (chain)")
    ap.add_argument("--tls-key", help="PEM key of --tls-cert")
    ap.add_argument("--client-ca", help="with --tls-cert: require client certificates signed by this CA")
    args = ap.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    if args.client_ca and not args.tls_cert:
        ap.error("--client-ca needs --tls-cert and --tls-key")

    def exit_now(_sig, _frm):  # until the server runs, a signal just exits
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, exit_now)
    signal.signal(signal.SIGINT, exit_now)
    t0 = time.monotonic()
    admin_token = read_or_make_token(args.admin_token_file, "YWRtaW4") or "syt_YWRtaW4_emulatoradmintoken"
    user_token = read_or_make_token(args.user_token_file, "YWxpY2U")
    emu = Emulator(args.server_name, args.version, admin_token, user_token, args.seed_users)

    srv = Server(("127.0.0.1", args.port), Handler)
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
        if args.client_ca:
            tls.verify_mode = ssl.CERT_REQUIRED
            tls.load_verify_locations(cafile=args.client_ca)
        # accept() only wraps; Handler.setup does the handshake in the connection's thread
        srv.socket = tls.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    srv.emu = emu
    srv.faults = Faults()
    srv.stats = Stats()
    srv.log_lock = threading.Lock()
    srv.log = open(args.log, "a") if args.log else None
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    sys.stderr.write("synapse_emu: listening on 127.0.0.1:%d (%s, %d users, ready in %.2fs)\n"
                     % (port, args.server_name, len(emu.store.users), time.monotonic() - t0))
    if args.tls_cert:
        sys.stderr.write("synapse_emu: HTTPS%s\n" % (", client certificates required" if args.client_ca else ""))
    if not args.admin_token_file:
        sys.stderr.write("synapse_emu: admin token %s\n" % admin_token)
    sys.stderr.flush()

    def stop(_sig, _frm):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()
        if srv.log:
            srv.log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
