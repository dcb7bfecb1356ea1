/* The live state as a policy document: what `export` prints. Deterministic: each type's items sorted
 * by key, each item's fields in its type's order. */
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "io/json_sort.h"
#include "plan.h"

/* One item as a policy entry: its key, then the fields a policy can hold (null only where null is a
 * value of its own). */
static json_t *export_item(const struct resource_type *t, const char *key, const json_t *item)
{
	json_t *out = json_object();

	json_object_set_new(out, t->key, json_string(key));
	for (const struct resource_field *f = t->fields; f && f->name; f++) {
		json_t *v = json_object_get(item, f->name);

		if (f->flags & (FIELD_OBSERVED | FIELD_DIRECTIVE))
			continue;
		if (f->flags & FIELD_NULLABLE)
			json_object_set(out, f->name, v ? v : json_null());
		else if (v != NULL && !json_is_null(v))
			json_object_set(out, f->name, v);
	}
	return out;
}

static int export_type(struct session *s, const struct resource_type *t, const struct resource_ops *ops,
		       json_t *doc, struct msg_err *err)
{
	json_t *items = NULL, *keys, *list, *k, *section;
	size_t i;

	if (ops->list(s, json_true(), &items, err) != 0)
		return -1;
	keys = json_sorted_keys(items);
	list = json_array();
	json_array_foreach(keys, i, k)
	{
		const char *key = json_string_value(k);

		json_array_append_new(list, export_item(t, key, json_object_get(items, key)));
	}
	/* what a policy writes beside the list ("manage: listed") comes first */
	if (t->export_defaults != NULL && strcmp(t->section, t->list) != 0) {
		section = json_loads(t->export_defaults, 0, NULL);
		policy_put(doc, t->section, section ? section : json_object());
	}
	policy_put(doc, t->list, list);
	json_decref(keys);
	json_decref(items);
	return 0;
}

int export_policy(struct session *s, json_t **policy, struct msg_err *err)
{
	const struct driver *d = s->driver;
	json_t *doc = json_pack("{s:i,s:s}", "version", 1, "server", s->context->server);
	const struct resource_type *types[32];
	const size_t n = driver_policy_types(d, types, 32);

	for (size_t i = 0; i < n; i++) {
		const struct resource_ops *ops = driver_resource(d, types[i]);

		if (ops != NULL && ops->list != NULL && export_type(s, types[i], ops, doc, err) != 0)
			goto fail;
	}
	if (d->export_sections != NULL && d->export_sections(s, doc, err) != 0)
		goto fail;
	*policy = doc;
	return 0;
fail:
	json_decref(doc);
	return -1;
}
