/* A driver's own resource type (resource_ops with read) with a fake driver: desired and actual items
 * become changes, the digest covers what was read, and apply hands changes back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "engine/diff.h"
#include "engine/driver.h"
#include "base/exitcode.h"
#include "engine/plan.h"
#include "engine/policy.h"
#include "test_fake_driver.h"
#include "test_json.h"

/* What the fake server holds, and what apply was asked to do. */
static const char *fake_actual = "{}";
static json_t *applied;

/* One item per partner: desired {partner: {"allowed": true}}, and a stale one to remove. */
static int fake_read(struct session *s, const json_t *policy, json_t **desired, json_t **actual,
		     json_t *notes, struct msg_err *err)
{
	const json_t *partners = json_object_get(json_object_get(policy, "federation"), "partners");
	json_t *p;
	size_t i;

	(void)s;
	(void)err;
	*desired = json_object();
	json_array_foreach(partners, i, p)
	    json_object_set_new(*desired, json_string_value(p), json_pack("{s:b}", "allowed", 1));
	json_object_set_new(*desired, "stale.test", json_null());
	*actual = json_deep_copy(J(fake_actual));
	json_array_append_new(notes, json_pack("{s:s,s:s}", "path", "federation", "message", "read by fake"));
	return 0;
}

/* When set, every apply fails with this status (e.g. Ctrl-C's 130). */
static int fake_apply_fails;

static int fake_apply(struct session *s, const json_t *change, struct msg_err *err)
{
	(void)s;
	json_array_append(applied, (json_t *)change);
	if (fake_apply_fails)
		return err_set(err, fake_apply_fails, "fake: failed with %d", fake_apply_fails);
	return 0;
}

static const struct resource_type peer = {.name = "peer", .plural = "peers"};
static const struct resource_ops fake_resources[] = {
    {.type = &peer,
     .section = "federation",
     .read = fake_read,
     .apply = {[OP_CREATE] = fake_apply, [OP_UPDATE] = fake_apply, [OP_DELETE] = fake_apply}},
    {.type = NULL},
};
static const struct capability fake_caps[] = {{NULL, CAP_UNSUPPORTED, NULL}};
static const struct driver fake_driver = {
    .name = "fake",
    .capabilities = fake_caps,
    .resources = fake_resources,
    .whoami = fake_whoami,
};

static json_t *plan_for(const char *actual)
{
	struct context ctx = {.name = "t", .server = "example.test", .url = "http://127.0.0.1:1"};
	struct session s = {.driver = &fake_driver, .context = &ctx};
	struct policy *p = NULL;
	struct msg_err err = {0};
	json_t *plan = NULL;

	fake_actual = actual;
	assert_int_equal(policy_from_json("p.yaml",
					  J("{'version': 1, 'server': 'example.test', 'federation': "
					    "{'mode': 'allowlist', 'partners': ['a.test', 'b.test']}}"),
					  &p, &err),
			 0);
	assert_int_equal(plan_build(&s, p, false, &plan, &err), 0);
	policy_free(p);
	free(s.whoami);
	return hold(plan);
}

static void test_items_become_ordered_changes(void **state)
{
	json_t *plan;

	(void)state;
	plan = plan_for("{'b.test': {'allowed': false}, 'stale.test': {'allowed': true}, 'c.test': {}}");
	assert_string_equal(ops(plan), "create peer a.test, update peer b.test, delete peer stale.test");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(plan, "changes"), 0), "path")),
	    "federation");
}

static void test_no_note_that_the_section_is_unsupported(void **state)
{
	json_t *plan = plan_for("{}"), *n;
	size_t i;
	int from_handler = 0;

	(void)state;
	json_array_foreach(json_object_get(plan, "notes"), i, n)
	{
		assert_null(strstr(json_string_value(json_object_get(n, "message")), "cannot plan"));
		from_handler |= strcmp(json_string_value(json_object_get(n, "message")), "read by fake") == 0;
	}
	assert_true(from_handler);
}

static void test_digest_covers_section_items(void **state)
{
	const char *a =
	    json_string_value(json_object_get(plan_for("{'b.test': {'allowed': true}}"), "state_digest"));
	const char *b =
	    json_string_value(json_object_get(plan_for("{'b.test': {'allowed': false}}"), "state_digest"));

	(void)state;
	assert_string_not_equal(a, b);
}

static void test_no_changes_when_items_match(void **state)
{
	(void)state;
	assert_string_equal(ops(plan_for("{'a.test': {'allowed': true}, 'b.test': {'allowed': true}}")), "");
}

static void test_apply_hands_section_changes_to_the_handler(void **state)
{
	struct context ctx = {.name = "t", .server = "example.test"};
	struct session s = {.driver = &fake_driver, .context = &ctx};
	json_t *plan = plan_for("{'b.test': {'allowed': false}}"), *results = NULL;

	(void)state;
	applied = hold(json_array());
	assert_int_equal(plan_apply(&s, plan, &no_journal, NULL, &results), 0);
	hold(results);
	assert_int_equal(json_array_size(applied), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(applied, 1), "key")), "b.test");
}

/* Ctrl-C during one change stops the run: the rest are not attempted, not each interrupted in turn;
 * a plain failure of one change lets the others go on. */
static void test_an_interrupt_stops_the_run(void **state)
{
	struct context ctx = {.name = "t", .server = "example.test"};
	struct session s = {.driver = &fake_driver, .context = &ctx};
	json_t *plan = plan_for("{'b.test': {'allowed': false}}"), *results = NULL;

	(void)state;
	applied = hold(json_array());
	fake_apply_fails = EXIT_INTERRUPTED;
	assert_int_equal(plan_apply(&s, plan, &no_journal, NULL, &results), 2);
	hold(results);
	assert_int_equal(json_array_size(applied), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(results, 1), "status")),
			    "not attempted");

	applied = hold(json_array());
	fake_apply_fails = EXIT_FAILURE_;
	assert_int_equal(plan_apply(&s, plan, &no_journal, NULL, &results), 2);
	hold(results);
	assert_int_equal(json_array_size(applied), 2);
	fake_apply_fails = 0;
}

static void test_diff_items_leaves_unnamed_actual_items_alone(void **state)
{
	json_t *changes = hold(json_array());

	(void)state;
	diff_items(&peer, "federation", J("{'a': {'x': 1}, 'gone': null, 'absent': null}"),
		   J("{'a': {'x': 1, 'extra': 2}, 'gone': {}, 'other': {}}"), changes);
	assert_int_equal(json_array_size(changes), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(changes, 0), "op")), "delete");
	assert_string_equal(json_string_value(json_object_get(json_array_get(changes, 0), "key")), "gone");
}

#define T(f) cmocka_unit_test_teardown(f, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_items_become_ordered_changes),
	    T(test_no_note_that_the_section_is_unsupported),
	    T(test_digest_covers_section_items),
	    T(test_no_changes_when_items_match),
	    T(test_apply_hands_section_changes_to_the_handler),
	    T(test_diff_items_leaves_unnamed_actual_items_alone),
	    T(test_an_interrupt_stops_the_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
