/* The live state as a policy document: what `export` prints. Deterministic: users sorted by id,
 * tokens by name, keys in the policy schema's order. */
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "io/json_sort.h"
#include "plan.h"

static json_t *export_user(const json_t *u)
{
	json_t *out = json_pack("{s:O}", "id", json_object_get(u, "id"));
	const char *fields[] = {"display_name", "email", "admin", "active"};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		json_t *v = json_object_get(u, fields[i]);
		if (v != NULL && !json_is_null(v))
			json_object_set(out, fields[i], v);
	}
	return out;
}

static json_t *export_token(const json_t *t)
{
	return json_pack("{s:O,s:O,s:O}", "name", json_object_get(t, "name"), "uses",
			 json_object_get(t, "uses"), "expires", json_object_get(t, "expires"));
}

int export_policy(struct session *s, json_t **policy, struct msg_err *err)
{
	const struct driver *d = s->driver;
	json_t *doc = json_pack("{s:i,s:s}", "version", 1, "server", s->context->server);
	json_t *users = NULL, *tokens = NULL, *keys = NULL, *list, *k;
	size_t i;

	if (d->list_users != NULL) {
		if (d->list_users(s, json_true(), &users, err) != 0)
			goto fail;
		keys = json_sorted_keys(users);
		list = json_array();
		json_array_foreach(keys, i, k)
		    json_array_append_new(list, export_user(json_object_get(users, json_string_value(k))));
		json_object_set_new(doc, "users", json_pack("{s:s,s:o}", "manage", "listed", "list", list));
		json_decref(keys);
	}
	if (d->list_tokens != NULL) {
		if (d->list_tokens(s, &tokens, err) != 0)
			goto fail;
		keys = json_sorted_keys(tokens);
		list = json_array();
		json_array_foreach(keys, i, k)
		    json_array_append_new(list, export_token(json_object_get(tokens, json_string_value(k))));
		json_object_set_new(doc, "invites", json_pack("{s:o}", "tokens", list));
		json_decref(keys);
	}
	if (d->export_sections != NULL && d->export_sections(s, doc, err) != 0)
		goto fail;
	json_decref(users);
	json_decref(tokens);
	*policy = doc;
	return 0;
fail:
	json_decref(users);
	json_decref(tokens);
	json_decref(doc);
	return -1;
}
