/* Synapse rooms: the admin room API (list, details, state, members), the room directory, and
 * writing room state as the acting admin, which must be joined and powerful enough first.
 *
 * Observed on 1.67: the admin API reads any room's state without membership, but state is written
 * through the client API as a member. make_room_admin raises the admin to the level of the most
 * powerful joined local user and, in a room that is not public, INVITES it; a state PUT still
 * fails 403 "not in room" until the admin joins. So a write is: make_room_admin, join, PUT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "synapse.h"
#include "engine/pool.h"

char *syn_room_path_id(const char *id_or_alias)
{
	const char *colon = strchr(id_or_alias, ':');
	char *local = NULL, *l = NULL, *d = NULL, *out = NULL;

	if (colon == NULL || (id_or_alias[0] != '!' && id_or_alias[0] != '#'))
		return http_escape(id_or_alias);
	local = strndup(id_or_alias + 1, (size_t)(colon - id_or_alias - 1));
	if (local != NULL && (l = http_escape(local)) != NULL && (d = http_escape(colon + 1)) != NULL &&
	    asprintf(&out, "%s%s:%s", id_or_alias[0] == '!' ? "!" : "%23", l, d) < 0)
		out = NULL;
	free(local);
	free(l);
	free(d);
	return out;
}

/* A pagination token as a number: 1.67 answers next_batch as an integer, the documentation shows
 * strings too. -1 when absent, -2 when unusable. */
static json_int_t page_token(const json_t *v)
{
	char *end;
	long long n;

	if (v == NULL || json_is_null(v))
		return -1;
	if (json_is_integer(v))
		return json_integer_value(v) >= 0 ? json_integer_value(v) : -2;
	if (!json_is_string(v))
		return -2;
	n = strtoll(json_string_value(v), &end, 10);
	return *json_string_value(v) && *end == '\0' && n >= 0 ? (json_int_t)n : -2;
}

int syn_rooms_list(struct session *s, json_t **rooms, struct msg_err *err)
{
	const int limit = s->context->page_size > 0 ? s->context->page_size : 500;
	json_t *all = json_array(), *r = NULL;
	json_int_t from = 0, next;
	char path[128];

	for (;;) {
		snprintf(path, sizeof(path),
			 "/_synapse/admin/v1/rooms?from=%" JSON_INTEGER_FORMAT "&limit=%d", from, limit);
		if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, NULL, NULL, &r, err) != 0)
			goto fail;
		if (!json_is_array(json_object_get(r, "rooms"))) {
			err_set(err, EXIT_PROTOCOL,
				"synapse: GET /_synapse/admin/v1/rooms: reply lacks 'rooms'");
			goto fail;
		}
		json_array_extend(all, json_object_get(r, "rooms"));
		next = page_token(json_object_get(r, "next_batch"));
		if (next == -1)
			next = page_token(json_object_get(r, "next_token"));
		json_decref(r);
		r = NULL;
		if (next == -1)
			break;
		if (next <= from) { /* -2, or a token that does not move on */
			err_set(err, EXIT_PROTOCOL,
				"synapse: GET /_synapse/admin/v1/rooms: next_batch does not move past "
				"%" JSON_INTEGER_FORMAT,
				from);
			goto fail;
		}
		from = next;
	}
	*rooms = all;
	return 0;
fail:
	json_decref(r);
	json_decref(all);
	return -1;
}

int syn_room_state(struct session *s, const char *room_id, json_t **state, struct msg_err *err)
{
	char *rid = syn_room_path_id(room_id), *path = NULL;
	json_t *r = NULL;
	int rc = -1;

	if (rid == NULL || asprintf(&path, "/_synapse/admin/v1/rooms/%s/state", rid) < 0) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, NULL, NULL, &r, err) != 0)
		goto done;
	if (!json_is_array(json_object_get(r, "state"))) {
		err_set(err, EXIT_PROTOCOL, "synapse: GET %s: reply lacks a 'state' list", path);
		goto done;
	}
	*state = json_incref(json_object_get(r, "state"));
	rc = 0;
done:
	json_decref(r);
	free(path);
	free(rid);
	return rc;
}

const json_t *syn_state_content(const json_t *state, const char *type, const char *state_key)
{
	json_t *ev;
	size_t i;

	json_array_foreach(state, i, ev)
	{
		const char *t = json_string_value(json_object_get(ev, "type"));
		const char *k = json_string_value(json_object_get(ev, "state_key"));

		if (t && k && strcmp(t, type) == 0 && strcmp(k, state_key) == 0)
			return json_is_object(json_object_get(ev, "content")) ? json_object_get(ev, "content")
									      : NULL;
	}
	return NULL;
}

int syn_room_resolve(struct session *s, const char *id_or_alias, char **room_id, struct msg_err *err)
{
	static const long not_found[] = {404, 0};
	char *rid = syn_room_path_id(id_or_alias), *path = NULL;
	const char *found;
	json_t *r = NULL;
	long status = 0;
	int rc = -1;

	if (rid == NULL || asprintf(&path,
				    id_or_alias[0] == '#' ? "/_matrix/client/v3/directory/room/%s"
							  : "/_synapse/admin/v1/rooms/%s",
				    rid) < 0) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, not_found, &status, &r, err) != 0)
		goto done;
	*room_id = NULL;
	if (status != 404) {
		found = json_string_value(json_object_get(r, "room_id"));
		if (found == NULL || found[0] != '!') {
			err_set(err, EXIT_PROTOCOL, "synapse: GET %s: reply lacks a room_id", path);
			goto done;
		}
		*room_id = strdup(found);
	}
	rc = 0;
done:
	json_decref(r);
	free(path);
	free(rid);
	return rc;
}

enum syn_access syn_admin_access(const json_t *state, const char *admin_id, const char *type)
{
	const json_t *member = syn_state_content(state, "m.room.member", admin_id);
	const json_t *pl = syn_state_content(state, "m.room.power_levels", "");
	const char *membership = json_string_value(json_object_get(member, "membership"));
	json_int_t have, need;
	json_t *v;

	if (membership == NULL || strcmp(membership, "join") != 0)
		return SYN_MUST_JOIN;
	if (pl == NULL) /* without power levels every member may send state (state_default 0) */
		return SYN_CAN_SEND;
	v = json_object_get(json_object_get(pl, "users"), admin_id);
	have = json_is_integer(v) ? json_integer_value(v)
				  : json_integer_value(json_object_get(pl, "users_default"));
	v = json_object_get(json_object_get(pl, "events"), type);
	if (json_is_integer(v))
		need = json_integer_value(v);
	else if (json_is_integer(json_object_get(pl, "state_default")))
		need = json_integer_value(json_object_get(pl, "state_default"));
	else
		need = 50;
	return have >= need ? SYN_CAN_SEND : SYN_NEEDS_POWER;
}

bool syn_item_differs(const json_t *want, const json_t *have)
{
	const char *key;
	json_t *v;

	if (have == NULL)
		return true;
	json_object_foreach((json_t *)want, key,
			    v) if (!json_equal(v, json_object_get(have, key))) return true;
	return false;
}

void syn_room_label(char *out, size_t size, const char *room_id, const json_t *wire)
{
	const char *alias = json_string_value(json_object_get(wire, "canonical_alias"));
	const char *name = json_string_value(json_object_get(wire, "name"));

	if (alias != NULL)
		snprintf(out, size, "%s (%s)", room_id, alias);
	else if (name != NULL)
		snprintf(out, size, "%s (\"%s\")", room_id, name);
	else
		snprintf(out, size, "%s", room_id);
}

void syn_note_access(json_t *notes, const char *path, const char *label, enum syn_access access)
{
	char text[768];

	if (access == SYN_CAN_SEND)
		return;
	if (access == SYN_MUST_JOIN)
		snprintf(text, sizeof(text),
			 "the admin will join %s first: make_room_admin, then join (members see it)", label);
	else
		snprintf(
		    text, sizeof(text),
		    "the admin will be given room admin power in %s first: make_room_admin (members see it)",
		    label);
	json_array_append_new(notes,
			      json_pack("{s:s,s:s,s:s}", "path", path, "level", "apply", "message", text));
}

int syn_admin_id(struct session *s, char **id, struct msg_err *err)
{
	const char *local;

	if (session_whoami(s, &local, err) != 0)
		return -1;
	*id = syn_user_path_id(s, local);
	if (*id == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	return 0;
}

/* A refusal inside one room (not joined, power too low) says nothing about the token: the run goes
 * on with the other rooms instead of stopping as it does for a 403 of the admin API. */
static int room_scoped(struct msg_err *err)
{
	if (err->status == EXIT_NOPERM && err->http_status == 403)
		err->status = EXIT_FAILURE_;
	return -1;
}

/* make_room_admin, then join unless joined already. */
static int make_able(struct session *s, const char *rid, enum syn_access access, struct msg_err *err)
{
	json_t *empty = json_object();
	char *path = NULL;
	int rc = -1;

	if (asprintf(&path, "/_synapse/admin/v1/rooms/%s/make_room_admin", rid) < 0) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	/* repeating it changes nothing more, so a retry is safe */
	if (syn_call(s, "POST", path, empty, HTTP_IDEMPOTENT, NULL, NULL, NULL, err) != 0)
		goto done;
	if (access == SYN_MUST_JOIN) {
		free(path);
		if (asprintf(&path, "/_matrix/client/v3/join/%s", rid) < 0) {
			path = NULL;
			err_set(err, EXIT_FAILURE_, "out of memory");
			goto done;
		}
		if (syn_call(s, "POST", path, empty, HTTP_IDEMPOTENT, NULL, NULL, NULL, err) != 0) {
			room_scoped(err);
			goto done;
		}
	}
	rc = 0;
done:
	free(path);
	json_decref(empty);
	return rc;
}

/* The content a change asks for: create -> after; update -> current with the fields' new values. */
static json_t *target_content(const json_t *change, const json_t *current)
{
	json_t *out, *f;
	const char *field;

	if (change_op(change) == OP_CREATE)
		return json_deep_copy(json_object_get(change, "after"));
	out = current ? json_deep_copy(current) : json_object();
	json_object_foreach(json_object_get(change, "fields"), field, f)
	    json_object_set(out, field, json_object_get(f, "to"));
	return out;
}

int syn_room_apply_change(struct session *s, const json_t *change, const char *type,
			  int (*check)(struct session *s, const json_t *content, struct msg_err *err),
			  struct msg_err *err)
{
	const char *room_id = json_string_value(json_object_get(change, "key"));
	const enum change_op op = change_op(change);
	char *rid = NULL, *admin = NULL, *path = NULL;
	json_t *state = NULL, *content = NULL;
	enum syn_access access;
	int rc = -1;

	if (room_id == NULL || (op != OP_CREATE && op != OP_UPDATE))
		return err_set(err, EXIT_FAILURE_, "synapse: %s changes are create or update, not '%s'", type,
			       op_name(op));
	rid = syn_room_path_id(room_id);
	if (rid == NULL || asprintf(&path, "/_matrix/client/v3/rooms/%s/state/%s/", rid, type) < 0) {
		path = NULL;
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	/* read again: the content to send keeps what the policy does not name, and who may send it
	 * may have changed since the plan */
	if (syn_admin_id(s, &admin, err) != 0 || syn_room_state(s, room_id, &state, err) != 0)
		goto done;
	content = target_content(change, syn_state_content(state, type, ""));
	if (content == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (check != NULL && check(s, content, err) != 0)
		goto done;
	access = syn_admin_access(state, admin, type);
	if (access != SYN_CAN_SEND && make_able(s, rid, access, err) != 0)
		goto done;
	if (syn_call(s, "PUT", path, content, HTTP_IDEMPOTENT, NULL, NULL, NULL, err) != 0) {
		room_scoped(err);
		goto done;
	}
	rc = 0;
done:
	json_decref(state);
	json_decref(content);
	free(path);
	free(admin);
	free(rid);
	return rc;
}

/* obj[key], or null when absent; borrowed. */
static json_t *field(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return v ? v : json_null();
}

/* Canonical room from an admin room list entry (or details) and its state. */
static json_t *room_from_wire(const json_t *wire, const json_t *state)
{
	const json_t *acl = syn_state_content(state, "m.room.server_acl", "");
	const json_t *retention = syn_state_content(state, "m.room.retention", "");

	return json_pack("{s:O,s:O,s:O,s:O,s:O,s:b,s:O,s:O,s:b,s:O,s:O,s:O}", "id", field(wire, "room_id"),
			 "alias", field(wire, "canonical_alias"), "name", field(wire, "name"), "members",
			 field(wire, "joined_members"), "local_members", field(wire, "joined_local_members"),
			 "public", syn_bool(json_object_get(wire, "public")), "join_rule",
			 field(wire, "join_rules"), "creator", field(wire, "creator"), "federatable",
			 json_object_get(wire, "federatable") == NULL ||
			     syn_bool(json_object_get(wire, "federatable")),
			 "encryption", field(wire, "encryption"), "server_acl", acl ? acl : json_null(),
			 "retention", retention ? retention : json_null());
}

struct room_states {
	const json_t *wire;
	json_t **state; /* by index of the room list, each read by one worker */
};

static int read_state(struct session *w, size_t i, void *ctx, struct msg_err *err)
{
	struct room_states *r = ctx;
	const char *id = json_string_value(json_object_get(json_array_get(r->wire, i), "room_id"));

	return syn_room_state(w, id, &r->state[i], err);
}

int synapse_list_rooms(struct session *s, json_t **rooms, struct msg_err *err)
{
	json_t *wire = NULL, *all = json_object(), *w;
	struct room_states r = {0};
	size_t i, n = 0;
	int rc = -1;

	if (syn_rooms_list(s, &wire, err) != 0)
		goto done;
	json_array_foreach(wire, i, w)
	{
		if (json_string_value(json_object_get(w, "room_id")) == NULL) {
			err_set(err, EXIT_PROTOCOL,
				"synapse: GET /_synapse/admin/v1/rooms: room %zu has no room_id", i);
			goto done;
		}
	}
	n = json_array_size(wire);
	if ((r.state = calloc(n ? n : 1, sizeof(*r.state))) == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	r.wire = wire;
	/* one state read per room: on a large server, this is the long part, on every worker */
	if (session_each(s, "rooms", n, read_state, &r, err) != 0)
		goto done;
	json_array_foreach(wire, i, w) json_object_set_new(
	    all, json_string_value(json_object_get(w, "room_id")), room_from_wire(w, r.state[i]));
	rc = 0;
done:
	for (i = 0; r.state != NULL && i < n; i++)
		json_decref(r.state[i]);
	free(r.state);
	json_decref(wire);
	if (rc == 0)
		*rooms = all;
	else
		json_decref(all);
	return rc;
}

int synapse_list_room_names(struct session *s, json_t **names, struct msg_err *err)
{
	json_t *wire = NULL, *all, *w;
	size_t i;

	if (syn_rooms_list(s, &wire, err) != 0)
		return -1;
	if ((all = json_array()) == NULL) {
		json_decref(wire);
		return err_set(err, EXIT_FAILURE_, "out of memory");
	}
	json_array_foreach(wire, i, w)
	{
		json_t *id = json_object_get(w, "room_id"), *alias = json_object_get(w, "canonical_alias");

		if (json_is_string(id))
			json_array_append(all, id);
		if (json_is_string(alias))
			json_array_append(all, alias);
	}
	json_decref(wire);
	*names = all;
	return 0;
}

int synapse_get_room(struct session *s, const char *id_or_alias, json_t **room, struct msg_err *err)
{
	char *room_id = NULL, *rid = NULL, *path = NULL, *admin = NULL;
	json_t *details = NULL, *state = NULL, *members = NULL, *out;
	const json_t *me;
	int rc = -1;

	if (syn_room_resolve(s, id_or_alias, &room_id, err) != 0)
		return -1;
	if (room_id == NULL) {
		*room = NULL;
		return 0;
	}
	rid = syn_room_path_id(room_id);
	if (rid == NULL || asprintf(&path, "/_synapse/admin/v1/rooms/%s", rid) < 0) {
		path = NULL;
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, NULL, NULL, &details, err) != 0 ||
	    syn_room_state(s, room_id, &state, err) != 0 || syn_admin_id(s, &admin, err) != 0)
		goto done;
	free(path);
	if (asprintf(&path, "/_synapse/admin/v1/rooms/%s/members", rid) < 0) {
		path = NULL;
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, NULL, NULL, &members, err) != 0)
		goto done;
	out = room_from_wire(details, state);
	me = syn_state_content(state, "m.room.member", admin);
	json_object_set(out, "topic", field(details, "topic"));
	json_object_set(out, "version", field(details, "version"));
	json_object_set_new(out, "joined",
			    json_is_array(json_object_get(members, "members"))
				? json_incref(json_object_get(members, "members"))
				: json_array());
	json_object_set(out, "admin_membership", field(me, "membership"));
	*room = out;
	rc = 0;
done:
	json_decref(details);
	json_decref(state);
	json_decref(members);
	free(admin);
	free(path);
	free(rid);
	free(room_id);
	return rc;
}

enum syn_room_reach syn_room_reach(const json_t *entry)
{
	const json_t *federatable = json_object_get(entry, "federatable");
	const json_t *local = json_object_get(entry, "joined_local_members");

	if (federatable != NULL && !syn_bool(federatable))
		return SYN_ROOM_LOCAL_ONLY;
	/* a room no local user is joined to: the server has left it (1.67 always sends the count) */
	if (json_is_integer(local) && json_integer_value(local) <= 0)
		return SYN_ROOM_LEFT;
	return SYN_ROOM_GOVERNED;
}
