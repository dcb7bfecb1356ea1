#include "diff.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/exitcode.h"

/* A field of want against have's: null and absent are the same, and a caseless field's strings
 * compare without regard to case. */
static bool field_equal(const struct resource_field *f, const json_t *want, const json_t *have)
{
	if ((f->flags & FIELD_CASELESS) && json_is_string(want) && json_is_string(have))
		return strcasecmp(json_string_value(want), json_string_value(have)) == 0;
	if (have == NULL)
		return json_is_null(want);
	return json_equal(want, have);
}

static void add_field(json_t **fields, const char *name, const json_t *from, const json_t *to)
{
	if (*fields == NULL)
		*fields = json_object();
	json_object_set_new(*fields, name,
			    json_pack("{s:O,s:O}", "from", from ? from : json_null(), "to", to));
}

/* The fields of want that differ from have, as {field: {from, to}}, or NULL: the type's compared
 * fields, or for a type without a field list every field of want, an absent one differing. */
static json_t *changed_fields(const struct resource_type *t, const json_t *want, const json_t *have)
{
	json_t *fields = NULL, *w, *h;
	const char *name;

	if (t->fields == NULL) {
		json_object_foreach((json_t *)want, name, w)
		{
			h = json_object_get(have, name);
			if (h == NULL || !json_equal(w, h))
				add_field(&fields, name, h, w);
		}
		return fields;
	}
	/* the field at hand, not looked up by name again for each of 100,000 items */
	for (const struct resource_field *f = t->fields; f->name != NULL; f++) {
		if (!resource_field_compared(f) || (w = json_object_get(want, f->name)) == NULL)
			continue;
		h = json_object_get(have, f->name);
		if (!field_equal(f, w, h))
			add_field(&fields, f->name, h, w);
	}
	return fields;
}

static bool in(const json_t *set, const char *key)
{
	return json_object_size(set) > 0 && json_object_get(set, key) != NULL;
}

static void append(json_t *changes, json_t *c, const char *reason)
{
	if (reason != NULL)
		json_object_set_new(c, "reason", json_string(reason));
	json_array_append_new(changes, c);
}

/* The policy path of item key: looked up only for a change or a note, not for each item that matches. */
static const char *path_of(const struct resource_type *t, const struct desired *d, const char *key)
{
	const char *path = desired_path(t, d, key);

	return path != NULL ? path : d->path;
}

static void diff_one(const struct resource_type *t, const struct desired *d, const char *key,
		     const json_t *want, const json_t *have, json_t *changes, json_t *notes)
{
	const char *life = resource_field_with(t, FIELD_LIFECYCLE);
	const json_t *active = life ? json_object_get(want, life) : NULL;
	const bool want_active = json_is_object(want) && (active == NULL || json_is_true(active));
	const bool have_active = have != NULL && (life == NULL || json_is_true(json_object_get(have, life)));
	char text[256];
	json_t *fields, *c;

	if (in(d->protect, key)) {
		fields = have && json_is_object(want) ? changed_fields(t, want, have) : NULL;
		if ((have == NULL && want_active) || fields != NULL ||
		    (have != NULL && life != NULL && have_active != want_active)) {
			snprintf(text, sizeof(text), "%s is protected (%s): not changed", t->name,
				 d->protect_path);
			json_array_append_new(
			    notes, json_pack("{s:s,s:s}", "path", path_of(t, d, key), "message", text));
		}
		json_decref(fields);
		return;
	}
	if (in(d->leave, key))
		return;
	if (json_is_null(want)) {
		if (have != NULL)
			append(changes, change_new(OP_DELETE, t->name, key, path_of(t, d, key)),
			       d->delete_reason);
		return;
	}
	if (have == NULL) {
		json_t *after;

		if (!want_active)
			return; /* absent and meant to be inactive: nothing to do */
		after = life ? json_deep_copy(want) : json_incref((json_t *)want);
		if (life)
			json_object_set_new(after, life, json_true());
		c = change_new(OP_CREATE, t->name, key, path_of(t, d, key));
		json_object_set_new(c, "after", after);
		json_array_append_new(changes, c);
		return;
	}
	if (!want_active) {
		/* Other fields of an item meant to be inactive are left alone: servers clear some
		 * (e-mail) on deactivation, and comparing them would never settle. */
		snprintf(text, sizeof(text), "%s: false in the policy", life);
		if (have_active)
			append(changes, change_new(OP_DEACTIVATE, t->name, key, path_of(t, d, key)), text);
		return;
	}
	if (!have_active)
		json_array_append_new(changes, change_new(OP_REACTIVATE, t->name, key, path_of(t, d, key)));
	fields = changed_fields(t, want, have);
	if (fields != NULL) {
		c = change_new(OP_UPDATE, t->name, key, path_of(t, d, key));
		json_object_set_new(c, "fields", fields);
		json_array_append_new(changes, c);
	}
}

void diff_resource(const struct resource_type *t, const struct desired *d, const json_t *actual,
		   json_t *changes, json_t *notes)
{
	const char *life = resource_field_with(t, FIELD_LIFECYCLE);
	const char *key;
	json_t *want, *have;

	json_object_foreach(d->items, key, want)
	    diff_one(t, d, key, want, json_object_get(actual, key), changes, notes);
	if (d->unlisted == OP_NONE)
		return;
	json_object_foreach((json_t *)actual, key, have)
	{
		if (in(d->items, key) || in(d->leave, key) || in(d->protect, key))
			continue;
		if (d->unlisted == OP_DEACTIVATE && life != NULL &&
		    !json_is_true(json_object_get(have, life)))
			continue; /* already inactive */
		append(changes, change_new(d->unlisted, t->name, key, NULL), d->unlisted_reason);
	}
}

int diff_compute(const json_t *policy, const json_t *actual, json_t **changes, json_t **notes,
		 struct msg_err *err)
{
	json_t *list = json_array(), *skipped = json_array();

	for (size_t i = 0; resource_types[i] != NULL; i++) {
		const struct resource_type *t = resource_types[i];
		const json_t *section = policy_at(policy, t->section);
		const json_t *items = json_object_get(actual, t->state_key);
		struct desired d;

		if (section == NULL)
			continue;
		if (items == NULL) {
			json_decref(list);
			json_decref(skipped);
			return err_set(err, EXIT_FAILURE_,
				       "internal error: the state read lacks a section the policy manages");
		}
		desired_init(&d, t->list);
		if (t->expand(t, NULL, section, &d, skipped, err) != 0) {
			desired_clear(&d);
			json_decref(list);
			json_decref(skipped);
			return -1;
		}
		diff_resource(t, &d, items, list, skipped);
		desired_clear(&d);
	}
	diff_sort(list, NULL);
	*changes = list;
	*notes = skipped;
	return 0;
}

void diff_items(const struct resource_type *t, const char *path, const json_t *desired, const json_t *actual,
		json_t *changes)
{
	struct desired d;

	desired_init(&d, path);
	json_object_update(d.items, (json_t *)desired);
	diff_resource(t, &d, actual, changes, NULL);
	desired_clear(&d);
}

struct ordered {
	json_t *change;
	int stage;
	const char *type, *key;
};

static int by_stage_then_key(const void *a, const void *b)
{
	const struct ordered *x = a, *y = b;
	int c;

	if (x->stage != y->stage)
		return x->stage - y->stage;
	if ((c = strcmp(x->type, y->type)) != 0)
		return c;
	return strcmp(x->key, y->key);
}

void diff_sort(json_t *changes, const struct driver *d)
{
	size_t i, n = json_array_size(changes);
	struct ordered *sorted = calloc(n ? n : 1, sizeof(*sorted));

	if (sorted == NULL)
		return; /* out of memory: the order stays as built, which is still valid JSON */
	for (i = 0; i < n; i++) {
		json_t *c = json_array_get(changes, i);
		const char *type = change_type(c), *key = change_key(c);

		sorted[i].change = json_incref(c);
		sorted[i].stage = resource_stage(resource_named(d, type), change_op(c));
		sorted[i].type = type ? type : "";
		sorted[i].key = key ? key : "";
	}
	qsort(sorted, n, sizeof(*sorted), by_stage_then_key);
	json_array_clear(changes);
	for (i = 0; i < n; i++)
		json_array_append_new(changes, sorted[i].change);
	free(sorted);
}

void diff_count(const json_t *changes, int *add, int *change, int *remove)
{
	json_t *c;
	size_t i;

	*add = *change = *remove = 0;
	json_array_foreach(changes, i, c)
	{
		switch (op_effect(change_op(c))) {
		case EFFECT_ADD:
			(*add)++;
			break;
		case EFFECT_REMOVE:
			(*remove)++;
			break;
		case EFFECT_CHANGE:
			(*change)++;
			break;
		}
	}
}

/* Whether fields (an array of names) lists exactly item's fields but its key, in order. */
static bool same_fields(const struct resource_type *t, const json_t *item, const json_t *fields)
{
	const char *field;
	json_t *v;
	size_t n = 0;

	if (fields == NULL)
		return false;
	json_object_foreach((json_t *)item, field, v)
	{
		const char *name;

		if (t->key != NULL && strcmp(field, t->key) == 0)
			continue;
		name = json_string_value(json_array_get(fields, n++));
		if (name == NULL || strcmp(name, field) != 0)
			return false;
	}
	return n == json_array_size(fields);
}

/* Items of one policy mostly have the same fields: consecutive items with the same list share one
 * array (drivers only read details), not one each for 100,000 users. */
json_t *desired_details(const struct resource_type *t, const struct desired *d)
{
	json_t *wanted = json_object(), *item, *v, *last = NULL;
	const char *key, *field;

	json_object_foreach(d->items, key, item)
	{
		if (!same_fields(t, item, last)) {
			last = json_array();
			json_object_foreach(item, field, v)
			{
				if (t->key == NULL || strcmp(field, t->key) != 0)
					json_array_append_new(last, json_string(field));
			}
			json_object_set_new(wanted, key, last);
		} else {
			json_object_set(wanted, key, last);
		}
	}
	return wanted;
}
