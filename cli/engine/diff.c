#include "diff.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/exitcode.h"

/* The order changes are applied in: things others depend on first, removals last. */
static int stage_of(const char *type, const char *op)
{
	static const struct {
		const char *type, *op;
		int stage;
	} stages[] = {
	    {"token", "create", 10},	{"token", "update", 11}, {"user", "create", 20},
	    {"user", "reactivate", 21}, {"user", "update", 22},	 {"token", "delete", 80},
	    {"user", "deactivate", 90}, {"user", "delete", 91},
	};
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (strcmp(stages[i].type, type) == 0 && strcmp(stages[i].op, op) == 0)
			return stages[i].stage;
	return 50;
}

static int by_stage_then_key(const void *a, const void *b)
{
	const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
	int sx = stage_of(json_string_value(json_object_get(x, "type")),
			  json_string_value(json_object_get(x, "op")));
	int sy = stage_of(json_string_value(json_object_get(y, "type")),
			  json_string_value(json_object_get(y, "op")));

	if (sx != sy)
		return sx - sy;
	if (strcmp(json_string_value(json_object_get(x, "type")),
		   json_string_value(json_object_get(y, "type"))))
		return strcmp(json_string_value(json_object_get(x, "type")),
			      json_string_value(json_object_get(y, "type")));
	return strcmp(json_string_value(json_object_get(x, "key")),
		      json_string_value(json_object_get(y, "key")));
}

static json_t *change_new(const char *op, const char *type, const char *key, const char *path)
{
	json_t *c = json_object();

	json_object_set_new(c, "op", json_string(op));
	json_object_set_new(c, "type", json_string(type));
	json_object_set_new(c, "key", json_string(key));
	if (path != NULL)
		json_object_set_new(c, "path", json_string(path));
	return c;
}

/* E-mail addresses compare without regard to case: servers store them lowercased. */
static int field_equal(const char *field, const json_t *want, const json_t *have)
{
	if (strcmp(field, "email") == 0 && json_is_string(want) && json_is_string(have))
		return strcasecmp(json_string_value(want), json_string_value(have)) == 0;
	if (want == NULL || have == NULL)
		return want == have || (json_is_null(want) && have == NULL) ||
		       (json_is_null(have) && want == NULL);
	return json_equal(want, have);
}

/* The fields of want (among names) that differ from have, as {field: {from, to}}, or NULL. */
static json_t *changed_fields(const json_t *want, const json_t *have, const char *const *names)
{
	json_t *fields = NULL;

	for (size_t i = 0; names[i] != NULL; i++) {
		json_t *w = json_object_get(want, names[i]);
		json_t *h = json_object_get(have, names[i]);

		if (w == NULL || field_equal(names[i], w, h))
			continue;
		if (fields == NULL)
			fields = json_object();
		json_object_set_new(fields, names[i],
				    json_pack("{s:O,s:O}", "from", h ? h : json_null(), "to", w));
	}
	return fields;
}

static int is_protected(const json_t *users, const char *id)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(users, "protect"), i, p)
	{
		if (strcmp(json_string_value(p), id) == 0)
			return 1;
	}
	return 0;
}

static const char *const user_fields[] = {"display_name", "email", "admin", NULL};
static const char *const token_fields[] = {"uses", "expires", NULL};

static void diff_one_user(const json_t *users_sec, const json_t *want, const json_t *have, const char *path,
			  json_t *changes, json_t *notes)
{
	const char *id = json_string_value(json_object_get(want, "id"));
	const json_t *active = json_object_get(want, "active");
	int want_active = active == NULL || json_is_true(active);
	json_t *fields;

	if (is_protected(users_sec, id)) {
		fields = have ? changed_fields(want, have, user_fields) : NULL;
		if ((have == NULL && want_active) || fields != NULL ||
		    (have && json_is_true(json_object_get(have, "active")) != want_active))
			json_array_append_new(notes,
					      json_pack("{s:s,s:s}", "path", path, "message",
							"user is protected (users.protect): not changed"));
		json_decref(fields);
		return;
	}
	if (json_is_true(json_object_get(want, DIFF_LEAVE_USER)))
		return;
	if (json_is_true(json_object_get(want, "delete"))) {
		if (have != NULL) {
			json_t *c = change_new("delete", "user", id, path);
			json_object_set_new(c, "reason", json_string("delete: true in the policy"));
			json_array_append_new(changes, c);
		}
		return;
	}
	if (have == NULL) {
		json_t *after;

		if (!want_active)
			return; /* absent and meant to be inactive: nothing to do */
		after = json_deep_copy(want);
		json_object_set_new(after, "active", json_true());
		json_array_append_new(changes, json_pack("{s:s,s:s,s:s,s:s,s:o}", "op", "create", "type",
							 "user", "key", id, "path", path, "after", after));
		return;
	}
	if (!want_active) {
		/* Other fields of an account meant to be inactive are left alone: servers clear some
		 * (e-mail) on deactivation, and comparing them would never settle. */
		if (json_is_true(json_object_get(have, "active"))) {
			json_t *c = change_new("deactivate", "user", id, path);
			json_object_set_new(c, "reason", json_string("active: false in the policy"));
			json_array_append_new(changes, c);
		}
		return;
	}
	if (!json_is_true(json_object_get(have, "active")))
		json_array_append_new(changes, change_new("reactivate", "user", id, path));
	fields = changed_fields(want, have, user_fields);
	if (fields != NULL) {
		json_t *c = change_new("update", "user", id, path);
		json_object_set_new(c, "fields", fields);
		json_array_append_new(changes, c);
	}
}

static void diff_users(const json_t *users_sec, const json_t *actual_users, json_t *changes, json_t *notes)
{
	const char *manage = json_string_value(json_object_get(users_sec, "manage"));
	json_t *listed = json_object();
	const char *id;
	json_t *want, *have;
	char path[64];
	size_t i;

	json_array_foreach(json_object_get(users_sec, "list"), i, want)
	{
		id = json_string_value(json_object_get(want, "id"));
		snprintf(path, sizeof(path), "users.list[%zu]", i);
		json_object_set_new(listed, id, json_true());
		diff_one_user(users_sec, want, json_object_get(actual_users, id), path, changes, notes);
	}
	if (manage != NULL && strcmp(manage, "exclusive") == 0) {
		json_object_foreach((json_t *)actual_users, id, have)
		{
			json_t *c;

			if (json_object_get(listed, id) || !json_is_true(json_object_get(have, "active")) ||
			    is_protected(users_sec, id))
				continue;
			c = change_new("deactivate", "user", id, NULL);
			json_object_set_new(c, "reason",
					    json_string("not in the policy (users.manage: exclusive)"));
			json_array_append_new(changes, c);
		}
	}
	json_decref(listed);
}

static void diff_tokens(const json_t *tokens, const json_t *actual_tokens, json_t *changes)
{
	json_t *listed = json_object();
	const char *name;
	json_t *want, *have;
	char path[64];
	size_t i;

	json_array_foreach(tokens, i, want)
	{
		name = json_string_value(json_object_get(want, "name"));
		snprintf(path, sizeof(path), "invites.tokens[%zu]", i);
		json_object_set_new(listed, name, json_true());
		have = json_object_get(actual_tokens, name);
		if (have == NULL) {
			json_array_append_new(changes,
					      json_pack("{s:s,s:s,s:s,s:s,s:O}", "op", "create", "type",
							"token", "key", name, "path", path, "after", want));
		} else {
			json_t *fields = changed_fields(want, have, token_fields);
			if (fields != NULL) {
				json_t *c = change_new("update", "token", name, path);
				json_object_set_new(c, "fields", fields);
				json_array_append_new(changes, c);
			}
		}
	}
	json_object_foreach((json_t *)actual_tokens, name, have)
	{
		if (json_object_get(listed, name) == NULL) {
			json_t *c = change_new("delete", "token", name, NULL);
			json_object_set_new(c, "reason", json_string("not in invites.tokens"));
			json_array_append_new(changes, c);
		}
	}
	json_decref(listed);
}

int diff_compute(const json_t *policy, const json_t *actual, json_t **changes, json_t **notes,
		 struct msg_err *err)
{
	const json_t *users = json_object_get(policy, "users");
	const json_t *tokens = json_object_get(json_object_get(policy, "invites"), "tokens");
	json_t *list = json_array(), *skipped = json_array();

	if (users != NULL) {
		if (json_object_get(actual, "users") == NULL)
			goto missing;
		diff_users(users, json_object_get(actual, "users"), list, skipped);
	}
	if (tokens != NULL) {
		if (json_object_get(actual, "tokens") == NULL)
			goto missing;
		diff_tokens(tokens, json_object_get(actual, "tokens"), list);
	}
	diff_sort(list);
	*changes = list;
	*notes = skipped;
	return 0;
missing:
	json_decref(list);
	json_decref(skipped);
	return err_set(err, EXIT_FAILURE_,
		       "internal error: the state read lacks a section the policy manages");
}

void diff_sort(json_t *changes)
{
	size_t i, n = json_array_size(changes);
	json_t **sorted = calloc(n ? n : 1, sizeof(*sorted));

	if (sorted == NULL)
		return; /* out of memory: the order stays as built, which is still valid JSON */
	for (i = 0; i < n; i++)
		sorted[i] = json_incref(json_array_get(changes, i));
	qsort(sorted, n, sizeof(*sorted), by_stage_then_key);
	json_array_clear(changes);
	for (i = 0; i < n; i++)
		json_array_append_new(changes, sorted[i]);
	free(sorted);
}

void diff_items(const char *type, const char *path, const json_t *desired, const json_t *actual,
		json_t *changes)
{
	const char *key;
	json_t *want;

	json_object_foreach((json_t *)desired, key, want)
	{
		json_t *have = json_object_get(actual, key), *c, *fields;

		if (json_is_null(want)) {
			if (have != NULL)
				json_array_append_new(changes, change_new("delete", type, key, path));
			continue;
		}
		if (have == NULL) {
			c = change_new("create", type, key, path);
			json_object_set(c, "after", want);
			json_array_append_new(changes, c);
			continue;
		}
		fields = NULL;
		{
			const char *field;
			json_t *w;

			json_object_foreach(want, field, w)
			{
				json_t *h = json_object_get(have, field);
				if (h != NULL && json_equal(w, h))
					continue;
				if (fields == NULL)
					fields = json_object();
				json_object_set_new(
				    fields, field,
				    json_pack("{s:O,s:O}", "from", h ? h : json_null(), "to", w));
			}
		}
		if (fields != NULL) {
			c = change_new("update", type, key, path);
			json_object_set_new(c, "fields", fields);
			json_array_append_new(changes, c);
		}
	}
}

void diff_count(const json_t *changes, int *add, int *change, int *remove)
{
	json_t *c;
	size_t i;

	*add = *change = *remove = 0;
	json_array_foreach(changes, i, c)
	{
		const char *op = json_string_value(json_object_get(c, "op"));

		if (strcmp(op, "create") == 0)
			(*add)++;
		else if (strcmp(op, "deactivate") == 0 || strcmp(op, "delete") == 0)
			(*remove)++;
		else
			(*change)++;
	}
}

json_t *diff_detail_fields(const json_t *policy)
{
	json_t *wanted = json_object();
	const char *field;
	json_t *u, *v;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(policy, "users"), "list"), i, u)
	{
		json_t *fields = json_array();

		json_object_foreach(u, field, v)
		{
			if (strcmp(field, "id") != 0)
				json_array_append_new(fields, json_string(field));
		}
		json_object_set_new(wanted, json_string_value(json_object_get(u, "id")), fields);
	}
	return wanted;
}
