/* Event reports (GET /_synapse/admin/v1/event_reports): what users reported to the server admins.
 * Observed on 1.67 (transcript-events.txt): {"event_reports": [...], "total": N}, "next_token" only
 * while more pages follow (an integer, unlike the users list's string), entries
 * {"id", "received_ts", "room_id", "event_id", "user_id" (the reporter), "score", "reason", "sender",
 * "canonical_alias", "name"}. Synapse filters user_id and room_id with SQL LIKE '%value%', so a
 * filter also matches longer ids and "_" matches any character: the entries are matched exactly
 * here as well. Pages are read oldest first (dir=f), so reports arriving meanwhile only add to the
 * last page instead of shifting the offsets. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/exitcode.h"
#include "synapse.h"

#define REPORTS_PAGE 100

static json_t *str_or_null(const json_t *v)
{
	return json_is_string(v) ? json_incref((json_t *)v) : json_null();
}

/* The canonical report (driver.h) from a wire entry; NULL when the entry is malformed. */
static json_t *report_from_wire(const json_t *w)
{
	const json_t *id = json_object_get(w, "id"), *ts = json_object_get(w, "received_ts");
	const json_t *score = json_object_get(w, "score");
	char when[32] = "";
	struct tm tm;
	time_t secs;

	if (!json_is_object(w) || !json_is_integer(id) || !json_is_integer(ts) ||
	    !json_is_string(json_object_get(w, "room_id")) || !json_is_string(json_object_get(w, "user_id")))
		return NULL;
	secs = (time_t)(json_integer_value(ts) / 1000);
	if (gmtime_r(&secs, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_pack("{s:O, s:s, s:O, s:O, s:o, s:o, s:o, s:O, s:o, s:o, s:o}", "id", id, "time", when,
			 "received_ts", ts, "room_id", json_object_get(w, "room_id"), "room_alias",
			 str_or_null(json_object_get(w, "canonical_alias")), "room_name",
			 str_or_null(json_object_get(w, "name")), "event_id",
			 str_or_null(json_object_get(w, "event_id")), "reporter",
			 json_object_get(w, "user_id"), "sender", str_or_null(json_object_get(w, "sender")),
			 "score", json_is_integer(score) ? json_incref((json_t *)score) : json_null(),
			 "reason", str_or_null(json_object_get(w, "reason")));
}

/* The filter's room as an id (an alias resolved through the directory) and user as a full id;
 * both NULL when not asked for. */
static int filter_ids(struct session *s, const json_t *filter, char **room_id, char **user_id,
		      struct msg_err *err)
{
	const char *room = json_string_value(json_object_get(filter, "room"));
	const char *user = json_string_value(json_object_get(filter, "user"));

	*room_id = *user_id = NULL;
	if (user != NULL) {
		if (user[0] == '@' ? (*user_id = strdup(user)) == NULL
				   : asprintf(user_id, "@%s:%s", user, s->context->server) < 0) {
			*user_id = NULL;
			return err_set(err, EXIT_FAILURE_, "out of memory");
		}
	}
	if (room == NULL)
		return 0;
	if (room[0] != '#')
		return (*room_id = strdup(room)) ? 0 : err_set(err, EXIT_FAILURE_, "out of memory");
	if (syn_room_resolve(s, room, room_id, err) != 0)
		return -1;
	if (*room_id == NULL)
		return err_set(err, EXIT_FAILURE_, "synapse: no room '%s' on %s", room, s->context->server);
	return 0;
}

/* The query string's filter part: "&room_id=...&user_id=..." (may be empty); malloc'd. */
static char *filter_query(const char *room_id, const char *user_id)
{
	char *r = room_id ? http_escape(room_id) : NULL, *u = user_id ? http_escape(user_id) : NULL;
	char *out = NULL;

	if ((room_id == NULL || r != NULL) && (user_id == NULL || u != NULL) &&
	    asprintf(&out, "%s%s%s%s", r ? "&room_id=" : "", r ? r : "", u ? "&user_id=" : "", u ? u : "") <
		0)
		out = NULL;
	free(r);
	free(u);
	return out;
}

/* next_token as a number: Synapse 1.67 sends an integer; a numeric string is taken too. -1 when
 * there is none, -2 when it is not a number. */
static long long next_token(const json_t *reply)
{
	const json_t *t = json_object_get(reply, "next_token");
	char *end;
	long long v;

	if (t == NULL || json_is_null(t))
		return -1;
	if (json_is_integer(t))
		return json_integer_value(t);
	if (!json_is_string(t))
		return -2;
	v = strtoll(json_string_value(t), &end, 10);
	return *json_string_value(t) && *end == '\0' ? v : -2;
}

/* Appends one page's entries that match the filter exactly; seen drops entries listed twice. */
static int take_page(const json_t *page, const char *room_id, const char *user_id, json_t *seen, json_t *out,
		     const char *path, struct msg_err *err)
{
	const json_t *w;
	char key[32];
	size_t i;

	json_array_foreach(page, i, w)
	{
		json_t *r = report_from_wire(w);

		if (r == NULL)
			return err_set(
			    err, EXIT_PROTOCOL,
			    "synapse: GET %s: report %zu lacks an integer id or received_ts, or its "
			    "room_id or user_id",
			    path, i);
		snprintf(key, sizeof(key), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(r, "id")));
		if ((room_id && strcmp(json_string_value(json_object_get(r, "room_id")), room_id) != 0) ||
		    (user_id && strcmp(json_string_value(json_object_get(r, "reporter")), user_id) != 0) ||
		    json_object_get(seen, key) != NULL) {
			json_decref(r);
			continue;
		}
		json_object_set_new(seen, key, json_true());
		json_array_append_new(out, r);
	}
	return 0;
}

int synapse_list_event_reports(struct session *s, const json_t *filter, json_t **reports, struct msg_err *err)
{
	const char *base = "/_synapse/admin/v1/event_reports";
	char *room_id = NULL, *user_id = NULL, *query = NULL, *path = NULL;
	json_t *out = json_array(), *seen = json_object(), *reply = NULL;
	long long from = 0, next;
	int rc = -1;

	if (filter_ids(s, filter, &room_id, &user_id, err) != 0)
		goto done;
	if ((query = filter_query(room_id, user_id)) == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	for (;;) {
		free(path);
		path = NULL;
		json_decref(reply);
		reply = NULL;
		if (asprintf(&path, "%s?from=%lld&limit=%d&dir=f%s", base, from, REPORTS_PAGE, query) < 0) {
			path = NULL;
			err_set(err, EXIT_FAILURE_, "out of memory");
			goto done;
		}
		if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, NULL, NULL, &reply, err) != 0)
			goto done;
		if (!json_is_array(json_object_get(reply, "event_reports"))) {
			err_set(err, EXIT_PROTOCOL, "synapse: GET %s: reply lacks the event_reports list",
				base);
			goto done;
		}
		if (take_page(json_object_get(reply, "event_reports"), room_id, user_id, seen, out, base,
			      err) != 0)
			goto done;
		next = next_token(reply);
		if (next == -1)
			break;
		/* an opaque token in principle; one that does not move forward would loop for ever */
		if (next <= from) {
			err_set(err, EXIT_PROTOCOL, "synapse: GET %s: next_token %s from=%lld", base,
				next == -2 ? "is not a number after" : "does not move past", from);
			goto done;
		}
		from = next;
	}
	*reports = json_incref(out);
	rc = 0;
done:
	json_decref(reply);
	json_decref(seen);
	json_decref(out);
	free(path);
	free(query);
	free(room_id);
	free(user_id);
	return rc;
}
