/* The names the tables use for places in a policy hold against schemas/policy.schema.json: every
 * driver's capability paths and served sections, the engine's types (section, list, fields) and the
 * policy's sections. A typo would otherwise read as "unsupported" and drop a setting into a note. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "drivers/drivers.h"
#include "io/schema.h"
#include "test_json.h"

/* A local reference ("#/$defs/user") resolved in the policy schema; other nodes as they are. */
static const json_t *deref(const json_t *node)
{
	const char *ref = json_string_value(json_object_get(node, "$ref"));
	const char prefix[] = "#/$defs/";

	if (ref == NULL || strncmp(ref, prefix, sizeof(prefix) - 1) != 0)
		return node;
	return json_object_get(json_object_get(schema_policy(), "$defs"), ref + sizeof(prefix) - 1);
}

/* The schema of a dotted policy path ("users.list[].email": [] is an item of a list), or NULL. */
static const json_t *schema_at(const char *path)
{
	const json_t *node = schema_policy();
	char name[64];

	while (node != NULL && *path) {
		size_t n = strcspn(path, ".");
		bool items = n >= 2 && strncmp(path + n - 2, "[]", 2) == 0;

		snprintf(name, sizeof(name), "%.*s", (int)(items ? n - 2 : n), path);
		node = json_object_get(json_object_get(deref(node), "properties"), name);
		if (node != NULL && items)
			node = json_object_get(deref(node), "items");
		path += n + (path[n] == '.');
	}
	return node;
}

static void assert_in_schema(const char *what, const char *path)
{
	if (schema_at(path) == NULL)
		fail_msg("%s: '%s' is no place in schemas/policy.schema.json", what, path);
}

static void test_every_capability_path_is_in_the_schema(void **state)
{
	char what[128];

	(void)state;
	for (size_t i = 0; drivers[i] != NULL; i++) {
		snprintf(what, sizeof(what), "driver %s: capability", drivers[i]->name);
		assert_non_null(drivers[i]->capabilities);
		for (const struct capability *c = drivers[i]->capabilities; c->path != NULL; c++)
			assert_in_schema(what, c->path);
	}
}

static void test_every_served_section_is_in_the_schema(void **state)
{
	char what[128];

	(void)state;
	for (size_t i = 0; drivers[i] != NULL; i++) {
		snprintf(what, sizeof(what), "driver %s: resource section", drivers[i]->name);
		for (const struct resource_ops *o = drivers[i]->resources; o && o->type; o++)
			assert_in_schema(what, o->section ? o->section : o->type->section);
	}
}

static void test_the_engine_types_are_in_the_schema(void **state)
{
	char path[128];

	(void)state;
	for (size_t i = 0; resource_types[i] != NULL; i++) {
		const struct resource_type *t = resource_types[i];

		assert_in_schema(t->name, t->section);
		assert_in_schema(t->name, t->list);
		assert_in_schema(t->name, t->capability);
		assert_non_null(json_object_get(json_object_get(schema_policy(), "$defs"), t->schema_def));
		snprintf(path, sizeof(path), "%s[].%s", t->list, t->key);
		assert_in_schema(t->name, path);
		for (const struct resource_field *f = t->fields; f->name != NULL; f++) {
			if (f->flags & FIELD_OBSERVED)
				continue; /* the server's alone: no policy holds it */
			snprintf(path, sizeof(path), "%s[].%s", t->list, f->name);
			assert_in_schema(t->name, path);
		}
	}
	for (size_t i = 0; policy_sections[i] != NULL; i++)
		assert_in_schema("policy section", policy_sections[i]);
}

/* The check itself tells a typo from a place. */
static void test_a_typo_is_no_place(void **state)
{
	(void)state;
	assert_non_null(schema_at("users.list[].email"));
	assert_non_null(schema_at("invites.registration"));
	assert_null(schema_at("users.list[].emial"));
	assert_null(schema_at("users.list.email"));
	assert_null(schema_at("invites.registraton"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_capability_path_is_in_the_schema),
	    cmocka_unit_test(test_every_served_section_is_in_the_schema),
	    cmocka_unit_test(test_the_engine_types_are_in_the_schema),
	    cmocka_unit_test(test_a_typo_is_no_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
