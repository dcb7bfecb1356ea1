/* Synapse per-room retention: each retention.rooms rule held as the room's m.room.retention state
 * (MSC1763: max_lifetime and min_lifetime in milliseconds). Rules name rooms by id or by alias;
 * aliases are resolved through the room directory. The server-wide default stays in homeserver.yaml
 * (retention.default_policy), and Synapse purges only when retention is enabled there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "synapse.h"

/* Adds field (a policy duration) to item in milliseconds; absent fields are left out. */
static int rule_ms(const json_t *rule, const char *field, const char *path, json_t *item, struct msg_err *err)
{
	const char *text = json_string_value(json_object_get(rule, field));
	int64_t ms;

	if (text == NULL)
		return 0;
	if (syn_duration_ms(text, path, field, &ms, err) != 0)
		return -1;
	json_object_set_new(item, field, json_integer((json_int_t)ms));
	return 0;
}

/* The item a rule asks for: {"max_lifetime": ms, "min_lifetime": ms}, the fields it names. */
int synapse_retention_item(const json_t *rule, const char *path, json_t **item, struct msg_err *err)
{
	json_t *out = json_object();
	const json_t *lo, *hi;

	if (rule_ms(rule, "max_lifetime", path, out, err) != 0 ||
	    rule_ms(rule, "min_lifetime", path, out, err) != 0) {
		json_decref(out);
		return -1;
	}
	lo = json_object_get(out, "min_lifetime");
	hi = json_object_get(out, "max_lifetime");
	if (lo != NULL && hi != NULL && json_integer_value(lo) > json_integer_value(hi)) {
		json_decref(out);
		return err_set(err, EXIT_DATAERR, "%s: min_lifetime %s is longer than max_lifetime %s", path,
			       json_string_value(json_object_get(rule, "min_lifetime")),
			       json_string_value(json_object_get(rule, "max_lifetime")));
	}
	*item = out;
	return 0;
}

static void not_found_note(json_t *notes, const char *path, const char *room, const char *server)
{
	char text[512];

	snprintf(text, sizeof(text), "no room %s on %s: nothing to set until it exists", room, server);
	json_array_append_new(notes,
			      json_pack("{s:s,s:s,s:s}", "path", path, "level", "note", "message", text));
}

int synapse_retention_read(struct session *s, const json_t *policy, json_t **desired, json_t **actual,
			   json_t *notes, struct msg_err *err)
{
	const json_t *rules = json_object_get(json_object_get(policy, "retention"), "rooms");
	json_t *want = json_object(), *have = json_object(), *seen = json_object();
	json_t *rule, *item = NULL, *state = NULL;
	char *admin = NULL, *room_id = NULL;
	size_t i;
	int rc = -1;

	if (syn_admin_id(s, &admin, err) != 0)
		goto done;
	json_array_foreach(rules, i, rule)
	{
		const char *room = json_string_value(json_object_get(rule, "room"));
		const json_t *current, *before;
		char path[64], label[512];

		snprintf(path, sizeof(path), "retention.rooms[%zu]", i);
		if (room == NULL) {
			err_set(err, EXIT_DATAERR, "%s: a rule needs a room", path);
			goto done;
		}
		if (synapse_retention_item(rule, path, &item, err) != 0)
			goto done;
		if (json_object_size(item) == 0) {
			json_array_append_new(notes, json_pack("{s:s,s:s,s:s}", "path", path, "level", "note",
							       "message",
							       "the rule names no lifetime: nothing to set"));
			json_decref(item);
			item = NULL;
			continue;
		}
		if (syn_room_resolve(s, room, &room_id, err) != 0)
			goto done;
		if (room_id == NULL) {
			not_found_note(notes, path, room, s->context->server);
			json_decref(item);
			item = NULL;
			continue;
		}
		if (strcmp(room, room_id) != 0)
			snprintf(label, sizeof(label), "%s (%s)", room_id, room);
		else
			snprintf(label, sizeof(label), "%s", room_id);
		if ((before = json_object_get(seen, room_id)) != NULL) {
			err_set(err, EXIT_DATAERR, "%s: room %s already has a rule: %s", path, label,
				json_string_value(before));
			goto done;
		}
		json_object_set_new(seen, room_id, json_string(path));
		if (syn_room_state(s, room_id, &state, err) != 0)
			goto done;
		current = syn_state_content(state, "m.room.retention", "");
		if (current != NULL)
			json_object_set(have, room_id, (json_t *)current);
		if (syn_item_differs(item, current))
			syn_note_access(notes, path, label,
					syn_admin_access(state, admin, "m.room.retention"));
		json_object_set_new(want, room_id, item);
		item = NULL;
		json_decref(state);
		state = NULL;
		free(room_id);
		room_id = NULL;
	}
	rc = 0;
done:
	if (rc == 0) {
		*desired = want;
		*actual = have;
	} else {
		json_decref(want);
		json_decref(have);
	}
	json_decref(item);
	json_decref(state);
	json_decref(seen);
	free(room_id);
	free(admin);
	return rc;
}

/* What Synapse would refuse anyway (400 "'min_lifetime' can't be greater than 'max_lifetime"),
 * said before anything is sent, as can happen when a rule names one bound and the room holds the
 * other. */
static int retention_check(struct session *s, const json_t *content, struct msg_err *err)
{
	const json_t *lo = json_object_get(content, "min_lifetime"),
		     *hi = json_object_get(content, "max_lifetime");

	(void)s;
	if (json_is_integer(lo) && json_is_integer(hi) && json_integer_value(lo) > json_integer_value(hi))
		return err_set(err, EXIT_FAILURE_,
			       "synapse: the room's min_lifetime (%" JSON_INTEGER_FORMAT
			       " ms) would exceed its max_lifetime (%" JSON_INTEGER_FORMAT
			       " ms); set both in the rule",
			       json_integer_value(lo), json_integer_value(hi));
	return 0;
}

int synapse_retention_apply(struct session *s, const json_t *change, struct msg_err *err)
{
	return syn_room_apply_change(s, change, "m.room.retention", retention_check, err);
}
