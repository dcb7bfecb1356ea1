/* The resource table's own file: op names, type lookup and the policy's sections. The only place
 * that compares an op's or a type's name. */
#include "resource.h"

#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "io/jpath.h"

static const struct {
	const char *name, *gerund;
	char mark;
	enum op_effect effect;
	const char *deviation; /* the field an offline check reports, and the value it expects */
	bool expected;
} ops[OP_COUNT] = {
    [OP_CREATE] = {"create", "creating", '+', EFFECT_ADD, "present", true},
    [OP_REACTIVATE] = {"reactivate", "reactivating", '~', EFFECT_CHANGE, "active", true},
    [OP_UPDATE] = {"update", "changing", '~', EFFECT_CHANGE, NULL, false},
    [OP_DELETE] = {"delete", "deleting", '-', EFFECT_REMOVE, "present", false},
    [OP_DEACTIVATE] = {"deactivate", "deactivating", '-', EFFECT_REMOVE, "active", false},
};

const char *op_name(enum change_op op)
{
	return op < OP_COUNT ? ops[op].name : "?";
}

const char *op_gerund(enum change_op op)
{
	return op < OP_COUNT ? ops[op].gerund : "?";
}

enum op_effect op_effect(enum change_op op)
{
	return op < OP_COUNT ? ops[op].effect : EFFECT_CHANGE;
}

char op_mark(enum change_op op)
{
	return op < OP_COUNT ? ops[op].mark : '-';
}

const char *op_deviation_field(enum change_op op, bool *expected)
{
	if (op >= OP_COUNT)
		return NULL;
	*expected = ops[op].expected;
	return ops[op].deviation;
}

enum change_op change_op(const json_t *change)
{
	const char *name = json_string_value(json_object_get(change, "op"));

	for (int op = 0; name != NULL && op < OP_COUNT; op++)
		if (strcmp(ops[op].name, name) == 0)
			return (enum change_op)op;
	return OP_NONE;
}

const char *change_type(const json_t *change)
{
	return json_string_value(json_object_get(change, "type"));
}

const char *change_key(const json_t *change)
{
	return json_string_value(json_object_get(change, "key"));
}

bool change_is(const json_t *change, const struct resource_type *t)
{
	const char *type = change_type(change);

	return type != NULL && strcmp(type, t->name) == 0;
}

json_t *change_new(enum change_op op, const char *type, const char *key, const char *path)
{
	json_t *c = json_object();

	json_object_set_new(c, "op", json_string(op_name(op)));
	json_object_set_new(c, "type", json_string(type));
	json_object_set_new(c, "key", json_string(key));
	if (path != NULL)
		json_object_set_new(c, "path", json_string(path));
	return c;
}

json_t *change_targets(const json_t *change)
{
	json_t *out = json_object();
	const char *field;
	json_t *f;

	json_object_foreach(json_object_get(change, "fields"), field, f)
	    json_object_set(out, field, json_object_get(f, "to"));
	return out;
}

void desired_init(struct desired *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	d->items = json_object();
	d->path = path;
	d->unlisted = OP_NONE;
	d->limit = -1;
}

void desired_take_field(struct desired *d, const char *key, const char *field)
{
	json_t *item = json_object_get(d->items, key), *copy;

	if (json_object_get(item, field) == NULL || (copy = json_deep_copy(item)) == NULL)
		return;
	json_object_del(copy, field);
	json_object_set_new(d->items, key, copy);
}

const char *desired_path(const struct resource_type *t, const struct desired *d, const char *key)
{
	/* the paths are a cache of listed: made here, freed with the rest by desired_clear */
	struct desired *cache = (struct desired *)d;
	const json_t *item;
	char path[128];
	size_t i;

	if (d->listed == NULL)
		return NULL;
	if (d->paths == NULL) {
		cache->paths = json_object();
		json_array_foreach(d->listed, i, item)
		{
			const char *k = json_string_value(json_object_get(item, t->key));

			if (k == NULL)
				continue; /* as expand skipped it */
			jpath_index(path, sizeof(path), t->list, i);
			json_object_set_new(cache->paths, k, json_string(path));
		}
	}
	return json_string_value(json_object_get(d->paths, key));
}

void desired_clear(struct desired *d)
{
	json_decref(d->items);
	json_decref(d->paths);
	json_decref(d->protect);
	json_decref(d->leave);
	json_decref(d->source);
	memset(d, 0, sizeof(*d));
}

const struct resource_type *const resource_types[] = {&resource_user, &resource_token, NULL};

const char *const policy_sections[] = {
    "users",
    "invites.tokens",
    "invites.registration",
    "invites.allowed_domains",
    "invites.guests",
    "federation",
    "retention.default",
    "retention.rooms",
    NULL,
};

bool policy_meta_key(const char *key)
{
	return strcmp(key, "version") == 0 || strcmp(key, "server") == 0 || strcmp(key, "lint") == 0;
}

const struct resource_type *resource_of_section(const char *path)
{
	for (size_t i = 0; resource_types[i] != NULL; i++)
		if (strcmp(resource_types[i]->section, path) == 0)
			return resource_types[i];
	return NULL;
}

const struct resource_type *resource_named(const struct driver *d, const char *name)
{
	if (name == NULL)
		return NULL;
	for (const struct resource_ops *o = d ? d->resources : NULL; o && o->type; o++)
		if (strcmp(o->type->name, name) == 0)
			return o->type;
	for (size_t i = 0; resource_types[i] != NULL; i++)
		if (strcmp(resource_types[i]->name, name) == 0)
			return resource_types[i];
	return NULL;
}

const struct resource_field *resource_field(const struct resource_type *t, const char *name)
{
	for (const struct resource_field *f = t ? t->fields : NULL; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

bool resource_field_is(const struct resource_type *t, const char *name, unsigned flag)
{
	const struct resource_field *f = resource_field(t, name);

	return f != NULL && (f->flags & flag) != 0;
}

bool resource_field_compared(const struct resource_field *f)
{
	return !(f->flags & (FIELD_OBSERVED | FIELD_LIFECYCLE | FIELD_DIRECTIVE));
}

bool resource_compared(const struct resource_type *t, const char *name)
{
	const struct resource_field *f = resource_field(t, name);

	return f != NULL && resource_field_compared(f);
}

const char *resource_field_with(const struct resource_type *t, unsigned flag)
{
	for (const struct resource_field *f = t ? t->fields : NULL; f && f->name; f++)
		if (f->flags & flag)
			return f->name;
	return NULL;
}

int resource_stage(const struct resource_type *t, enum change_op op)
{
	return t != NULL && op < OP_COUNT && t->stage[op] != 0 ? t->stage[op] : 50;
}

/* The object holding the last part of path, and that part; NULL when an object above is missing. */
static json_t *holder_of(const json_t *doc, const char *path, char *leaf, size_t size, bool make)
{
	json_t *obj = (json_t *)doc;
	const char *dot;

	while ((dot = strchr(path, '.')) != NULL && obj != NULL) {
		char part[64];
		json_t *next;

		snprintf(part, sizeof(part), "%.*s", (int)(dot - path), path);
		next = json_object_get(obj, part);
		if (next == NULL && make) {
			next = json_object();
			json_object_set_new(obj, part, next);
		}
		obj = json_is_object(next) ? next : NULL;
		path = dot + 1;
	}
	snprintf(leaf, size, "%s", path);
	return obj;
}

json_t *policy_at(const json_t *doc, const char *path)
{
	char leaf[64];

	return json_object_get(holder_of(doc, path, leaf, sizeof(leaf), false), leaf);
}

void policy_drop(json_t *doc, const char *path)
{
	char leaf[64];
	json_t *holder = holder_of(doc, path, leaf, sizeof(leaf), false);

	if (holder != NULL)
		json_object_del(holder, leaf);
}

void policy_put(json_t *doc, const char *path, json_t *value)
{
	char leaf[64];
	json_t *holder = holder_of(doc, path, leaf, sizeof(leaf), true);

	if (holder != NULL)
		json_object_set_new(holder, leaf, value);
	else
		json_decref(value);
}

int resource_expand_list(const struct resource_type *t, const struct session *s, const json_t *section,
			 struct desired *out, json_t *notes, struct msg_err *err)
{
	const json_t *item;
	size_t i;

	(void)s;
	(void)notes;
	(void)err;
	out->listed = section;
	json_array_foreach(section, i, item)
	{
		const char *key = json_string_value(json_object_get(item, t->key));

		if (key == NULL)
			continue; /* the schema requires it: only a hand-made policy lacks it */
		json_object_set(out->items, key, (json_t *)item); /* shared: see desired_take_field */
	}
	out->unlisted = OP_DELETE;
	snprintf(out->unlisted_reason, sizeof(out->unlisted_reason), "not in %s", t->list);
	return 0;
}
