/* A resource type the engine has never heard of, added through the table alone: a made-up "widget"
 * type and a fake driver that serves it. Planning, ordering, the digest, apply and export handle it
 * with no engine file edited, as they will a directory's groups or a room's members. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "engine/driver.h"
#include "engine/plan.h"
#include "engine/policy.h"
#include "test_fake_driver.h"
#include "test_json.h"

static const struct resource_field widget_fields[] = {
    {"colour", 0},
    {"size", FIELD_NULLABLE},
    {"spins", FIELD_OBSERVED},
    {NULL, 0},
};

static const struct resource_type widget = {
    .name = "widget",
    .plural = "widgets",
    .section = "widgets",
    .list = "widgets",
    .key = "name",
    .state_key = "widgets",
    .capability = "widgets",
    .fields = widget_fields,
    /* before users and tokens, removals after everything */
    .stage = {[OP_CREATE] = 5, [OP_UPDATE] = 6, [OP_DELETE] = 99},
    .expand = resource_expand_list,
};

/* The fake server's widgets, and the changes apply handed over. */
static const char *server_widgets = "{}";
static json_t *applied;

static int list_widgets(struct session *s, const json_t *details, json_t **items, struct msg_err *err)
{
	(void)s;
	(void)details;
	(void)err;
	*items = json_deep_copy(J(server_widgets));
	return 0;
}

static int apply_widget(struct session *s, const json_t *change, struct msg_err *err)
{
	(void)s;
	(void)err;
	json_array_append(applied, (json_t *)change);
	return 0;
}

static const struct capability fake_caps[] = {
    {"widgets", CAP_MANAGED, "the widget API"},
    {NULL, CAP_UNSUPPORTED, NULL},
};
static const struct resource_ops fake_resources[] = {
    {.type = &widget,
     .list = list_widgets,
     .apply = {[OP_CREATE] = apply_widget, [OP_UPDATE] = apply_widget, [OP_DELETE] = apply_widget}},
    {.type = NULL},
};
static const struct driver fake_driver = {
    .name = "widgets",
    .capabilities = fake_caps,
    .resources = fake_resources,
    .whoami = fake_whoami,
};

static struct context ctx = {.name = "t", .server = "example.test", .url = "http://127.0.0.1:1"};

/* The plan for a policy (taken as it is: no schema knows widgets) against the fake server. */
static json_t *plan_for(const char *policy, const char *widgets)
{
	struct session s = {.driver = &fake_driver, .context = &ctx};
	struct policy p = {.file = "p.yaml", .doc = J(policy), .pos = yaml_pos_new()};
	struct msg_err err = {0};
	json_t *plan = NULL;

	server_widgets = widgets;
	if (plan_build(&s, &p, false, &plan, &err) != 0)
		fail_msg("plan_build: %s", err.text);
	yaml_pos_free(p.pos);
	free(s.whoami);
	return hold(plan);
}

static const char *const policy =
    "{'version': 1, 'server': 'example.test', 'widgets': [{'name': 'b', 'colour': 'red'}, "
    "{'name': 'a', 'colour': 'blue', 'size': null}, {'name': 'same', 'colour': 'green'}]}";

static void test_a_made_up_type_is_planned_in_its_order(void **state)
{
	json_t *plan, *c;

	(void)state;
	plan = plan_for(policy,
			"{'b': {'name': 'b', 'colour': 'pink', 'spins': 3}, "
			"'same': {'name': 'same', 'colour': 'green', 'spins': 9}, 'aged': {'name': 'aged'}}");
	/* creations and updates at their stages, then the server's widget the list lacks, whatever
	 * the keys' order says */
	assert_string_equal(ops(plan), "create widget a, update widget b, delete widget aged");
	c = json_array_get(json_object_get(plan, "changes"), 1);
	assert_json_as(json_object_get(c, "fields"), J("{'colour': {'from': 'pink', 'to': 'red'}}"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "path")), "widgets[0]");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(plan, "changes"), 2), "reason")),
	    "not in widgets");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(plan, "summary"), "remove")), 1);
}

static void test_its_items_are_in_the_digest(void **state)
{
	const char *a, *b;

	(void)state;
	a = json_string_value(
	    json_object_get(plan_for(policy, "{'a': {'name': 'a', 'colour': 'x'}}"), "state_digest"));
	b = json_string_value(
	    json_object_get(plan_for(policy, "{'a': {'name': 'a', 'colour': 'y'}}"), "state_digest"));
	assert_string_not_equal(a, b);
}

static void test_apply_hands_its_changes_to_its_driver(void **state)
{
	struct session s = {.driver = &fake_driver, .context = &ctx};
	json_t *plan = plan_for(policy, "{'old': {'name': 'old'}}"), *results = NULL;

	(void)state;
	applied = hold(json_array());
	assert_int_equal(plan_apply(&s, plan, &no_journal, NULL, &results), 0);
	hold(results);
	assert_int_equal(json_array_size(applied), 4); /* a, b, same, then old */
	assert_string_equal(json_string_value(json_object_get(json_array_get(applied, 3), "op")), "delete");
}

static void test_export_writes_its_list(void **state)
{
	struct session s = {.driver = &fake_driver, .context = &ctx};
	struct msg_err err = {0};
	json_t *doc = NULL;

	(void)state;
	server_widgets = "{'z': {'name': 'z', 'colour': 'red', 'spins': 2}, 'a': {'name': 'a'}}";
	assert_int_equal(export_policy(&s, &doc, &err), 0);
	hold(doc);
	/* by key; the observed field left out, the nullable one written */
	assert_json_as(json_object_get(doc, "widgets"),
		       J("[{'name': 'a', 'size': null}, {'name': 'z', 'colour': 'red', 'size': null}]"), 0);
}

/* A field the server does not manage is taken out of the desired items and noted, never out of the
 * policy the plan carries (apply PLAN plans that policy again). */
static void test_an_unmanaged_field_leaves_the_policy_whole(void **state)
{
	static const struct capability caps[] = {
	    {"widgets", CAP_MANAGED, "the widget API"},
	    {"widgets[].colour", CAP_CONFIG, "the widget config file"},
	    {NULL, CAP_UNSUPPORTED, NULL},
	};
	struct driver colourless = fake_driver;
	struct session s = {.driver = &colourless, .context = &ctx};
	struct policy p = {.file = "p.yaml", .doc = J(policy), .pos = yaml_pos_new()};
	struct msg_err err = {0};
	json_t *plan = NULL;

	(void)state;
	colourless.capabilities = caps;
	server_widgets = "{'b': {'name': 'b', 'colour': 'pink'}}";
	assert_int_equal(plan_build(&s, &p, false, &plan, &err), 0);
	hold(plan);
	free(s.whoami);
	yaml_pos_free(p.pos);
	/* no colour change planned, a note says why, and every colour is still in the policy */
	assert_string_equal(ops(plan), "create widget a, create widget same");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(plan, "notes"), 0), "path")),
	    "widgets[].colour");
	assert_json_as(json_object_get(json_object_get(plan, "policy"), "widgets"),
		       json_object_get(J(policy), "widgets"), 0);
}

#define T(f) cmocka_unit_test_teardown(f, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_a_made_up_type_is_planned_in_its_order),	T(test_its_items_are_in_the_digest),
	    T(test_apply_hands_its_changes_to_its_driver),	T(test_export_writes_its_list),
	    T(test_an_unmanaged_field_leaves_the_policy_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
