/* Synapse registration tokens (/_synapse/admin/v1/registration_tokens)
 * fragments for what only the configuration file can hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/exitcode.h"
#include "synapse.h"

#define DAY_MS 86400000LL

/* A policy date is the last day a token works: it expires at the next midnight UTC. */
static json_t *expiry_to_wire(const json_t *date)
{
	struct tm tm = {0};

	if (!json_is_string(date) ||
	    sscanf(json_string_value(date), "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return json_null();
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return json_integer((json_int_t)timegm(&tm) * 1000 + DAY_MS);
}

static json_t *expiry_from_wire(const json_t *ms)
{
	char date[16];
	time_t t;
	struct tm tm;

	if (!json_is_integer(ms))
		return json_null();
	t = (time_t)((json_integer_value(ms) - 1) / 1000);
	if (gmtime_r(&t, &tm) == NULL || strftime(date, sizeof(date), "%Y-%m-%d", &tm) == 0)
		return json_null();
	return json_string(date);
}

json_t *synapse_token_from_wire(const json_t *wire)
{
	const json_t *name = json_object_get(wire, "token");
	const json_t *uses = json_object_get(wire, "uses_allowed");

	if (!json_is_string(name))
		return NULL;
	return json_pack("{s:O,s:O,s:o,s:I,s:I}", "name", name, "uses",
			 json_is_integer(uses) ? uses : json_null(), "expires",
			 expiry_from_wire(json_object_get(wire, "expiry_time")), "used",
			 json_integer_value(json_object_get(wire, "completed")), "pending",
			 json_integer_value(json_object_get(wire, "pending")));
}

int synapse_list_tokens(struct session *s, const json_t *details, json_t **tokens, struct msg_err *err)
{
	const char *path = "/_synapse/admin/v1/registration_tokens";
	json_t *r = NULL, *all, *t;
	size_t i;

	(void)details; /* the list holds every field */
	if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, NULL, NULL, &r, err) != 0)
		return -1;
	if (!json_is_array(json_object_get(r, "registration_tokens"))) {
		json_decref(r);
		return err_set(err, EXIT_PROTOCOL, "synapse: GET %s: reply lacks 'registration_tokens'",
			       path);
	}
	all = json_object();
	json_array_foreach(json_object_get(r, "registration_tokens"), i, t)
	{
		json_t *token = synapse_token_from_wire(t);
		if (token == NULL) {
			json_decref(all);
			json_decref(r);
			return err_set(err, EXIT_PROTOCOL, "synapse: GET %s: entry %zu has no token string",
				       path, i);
		}
		json_object_set_new(all, json_string_value(json_object_get(token, "name")), token);
	}
	json_decref(r);
	*tokens = all;
	return 0;
}

static json_t *wire_token_fields(const json_t *fields)
{
	json_t *body = json_object();

	if (json_object_get(fields, "uses") != NULL)
		json_object_set(body, "uses_allowed", json_object_get(fields, "uses"));
	if (json_object_get(fields, "expires") != NULL)
		json_object_set_new(body, "expiry_time", expiry_to_wire(json_object_get(fields, "expires")));
	return body;
}

static int get_token(struct session *s, const char *name, json_t **token, struct msg_err *err)
{
	static const long not_found[] = {404, 0};
	char *escaped = http_escape(name), *path = NULL;
	json_t *r = NULL;
	long status = 0;
	int rc = -1;

	if (escaped == NULL || asprintf(&path, "/_synapse/admin/v1/registration_tokens/%s", escaped) < 0) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, not_found, &status, &r, err) != 0)
		goto done;
	*token = status == 404 ? NULL : synapse_token_from_wire(r);
	rc = 0;
done:
	json_decref(r);
	free(path);
	free(escaped);
	return rc;
}

int synapse_create_token(struct session *s, const json_t *change, struct msg_err *err)
{
	const char *path = "/_synapse/admin/v1/registration_tokens/new";
	const json_t *token = json_object_get(change, "after");
	const char *name = json_string_value(json_object_get(token, "name"));
	json_t *body = wire_token_fields(token), *r = NULL, *found = NULL;
	struct msg_err first;
	int rc = -1;

	if (name != NULL)
		json_object_set(body, "token", json_object_get(token, "name"));
	if (syn_call(s, "POST", path, body, HTTP_NOT_IDEMPOTENT, NULL, NULL, &r, err) == 0) {
		found = synapse_token_from_wire(r);
		rc = found ? 0 : err_set(err, EXIT_PROTOCOL, "synapse: POST %s: reply has no token", path);
		goto done;
	}
	if (!err->unknown_outcome || name == NULL)
		goto done;
	/* The request may have reached the server: look before deciding, never repeat blindly. */
	first = *err;
	if (get_token(s, name, &found, err) != 0)
		goto done;
	if (found != NULL) {
		rc = 0;
	} else {
		*err = first;
		err_prefix(err, "token '%s' was not created (checked by reading it back)", name);
	}
done:
	json_decref(found);
	json_decref(body);
	json_decref(r);
	return rc;
}

int synapse_update_token(struct session *s, const json_t *change, struct msg_err *err)
{
	char *escaped = http_escape(change_key(change)), *path = NULL;
	json_t *fields = change_targets(change), *body = wire_token_fields(fields);
	int rc;

	if (escaped == NULL || asprintf(&path, "/_synapse/admin/v1/registration_tokens/%s", escaped) < 0)
		rc = err_set(err, EXIT_FAILURE_, "out of memory");
	else
		rc = syn_call(s, "PUT", path, body, HTTP_IDEMPOTENT, NULL, NULL, NULL, err);
	json_decref(fields);
	json_decref(body);
	free(path);
	free(escaped);
	return rc;
}

int synapse_delete_token(struct session *s, const json_t *change, struct msg_err *err)
{
	static const long gone[] = {404, 0}; /* already deleted: the goal holds */
	char *escaped = http_escape(change_key(change)), *path = NULL;
	int rc;

	if (escaped == NULL || asprintf(&path, "/_synapse/admin/v1/registration_tokens/%s", escaped) < 0)
		rc = err_set(err, EXIT_FAILURE_, "out of memory");
	else
		rc = syn_call(s, "DELETE", path, NULL, HTTP_IDEMPOTENT, gone, NULL, NULL, err);
	free(path);
	free(escaped);
	return rc;
}
