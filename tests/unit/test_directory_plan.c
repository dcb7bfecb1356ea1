/* users.directory in a plan (cli/engine/resource_user.c, plan.c) with a fake directory and a fake
 * server: the directory's users are desired, users.list adds and overrides, those left out are noted,
 * leavers are deactivated with users.manage: exclusive and named so, protect and max_deactivations
 * hold, the plan records the directory's digest and a saved plan is refused when it changes. */
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

static const char *server_users = "{}";
static const char *answer_json;
static int reads;

static int list_users(struct session *s, const json_t *details, json_t **items, struct msg_err *err)
{
	(void)s;
	(void)details;
	(void)err;
	*items = json_deep_copy(J(server_users));
	return 0;
}

static const struct capability caps[] = {
    {"users.manage", CAP_MANAGED, "the user API"},
    {NULL, CAP_UNSUPPORTED, NULL},
};
static const struct resource_ops resources[] = {{.type = &resource_user, .list = list_users}, {.type = NULL}};
static const struct driver fake_driver = {
    .name = "fake", .capabilities = caps, .resources = resources, .whoami = fake_whoami};
static struct context ctx = {.name = "t", .server = "example.test", .url = "http://127.0.0.1:1"};

static int read_directory(const struct directory_source *src, const struct session *s, const json_t *spec,
			  json_t **answer, struct msg_err *err)
{
	(void)src;
	(void)s;
	(void)err;
	reads++;
	assert_string_equal(json_string_value(json_object_get(spec, "source")), "corp");
	*answer = json_deep_copy(J(answer_json));
	return 0;
}

static const struct directory_source directory = {.read = read_directory};

static const char *const answer_two =
    "{'users': {'alice': {'id': 'alice', 'display_name': 'Alice', 'active': true, 'anchor': 'a-1', 'dn': "
    "'uid=alice,dc=t'}, 'bob': {'id': 'bob', 'email': 'bob@t.gov', 'active': false, 'anchor': 'b-2', 'dn': "
    "'uid=bob,dc=t'}}, 'left_out': [{'dn': 'uid=Bad One,dc=t', 'reason': 'no'}], 'entries': 3, "
    "'directory': 'corp', 'url': 'ldaps://ldap.t', 'digest': 'sha256:one'}";

static const char *const policy_exclusive =
    "{'version': 1, 'server': 'example.test', 'users': {'manage': 'exclusive', 'protect': ['admin'], "
    "'directory': {'source': 'corp', 'base': 'dc=t'}, 'list': [{'id': 'alice', 'display_name': 'Alice "
    "L.'}, {'id': 'bot'}]}}";

static json_t *plan_of(const char *policy, struct msg_err *err)
{
	struct session s = {.driver = &fake_driver, .context = &ctx, .directory = &directory};
	struct policy p = {.file = "p.yaml", .doc = J(policy), .pos = yaml_pos_new()};
	json_t *plan = NULL;
	int rc = plan_build(&s, &p, false, &plan, err);

	yaml_pos_free(p.pos);
	free(s.whoami);
	return rc == 0 ? hold(plan) : NULL;
}

static void test_the_directory_and_the_list_make_the_users(void **state)
{
	struct msg_err err = {0};
	json_t *plan, *changes;

	(void)state;
	answer_json = answer_two;
	server_users = "{'admin': {'id': 'admin', 'admin': true, 'active': true}, 'carol': {'id': 'carol', "
		       "'active': true}, 'bob': {'id': 'bob', 'active': true}}";
	plan = plan_of(policy_exclusive, &err);
	assert_non_null(plan);
	changes = json_object_get(plan, "changes");
	/* alice from the directory with the list's name; the bot from the list; bob disabled in the
	 * directory; carol in neither; admin protected */
	assert_string_equal(ops(plan),
			    "create user alice, create user bot, deactivate user bob, deactivate user carol");
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(json_array_get(changes, 0), "after"), "display_name")),
			    "Alice L.");
	assert_null(json_object_get(json_object_get(json_array_get(changes, 0), "after"), "anchor"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(changes, 0), "path")),
			    "users.list[0]");
	assert_string_equal(json_string_value(json_object_get(json_array_get(changes, 3), "reason")),
			    "not among the users of directory corp or users.list (users.manage: exclusive)");
	/* the plan names the directory and what it read; the entry left out is a note */
	assert_json_as(
	    json_object_get(plan, "sources"),
	    J("[{'directory': 'corp', 'url': 'ldaps://ldap.t', 'entries': 3, 'users': 2, 'left_out': 1, "
	      "'digest': 'sha256:one'}]"),
	    0);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(plan, "notes"), 0), "message")),
	    "uid=Bad One,dc=t: left out: no");
}

static void test_a_directory_user_not_in_the_list_has_the_section_as_path(void **state)
{
	struct msg_err err = {0};
	json_t *plan;

	(void)state;
	answer_json = answer_two;
	server_users = "{'admin': {'id': 'admin', 'admin': true, 'active': true}}";
	plan = plan_of("{'version': 1, 'server': 'example.test', 'users': {'directory': {'source': 'corp', "
		       "'base': 'dc=t'}}}",
		       &err);
	assert_non_null(plan);
	/* bob is disabled and has no account: he gets none */
	assert_string_equal(ops(plan), "create user alice");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(plan, "changes"), 0), "path")),
	    "users.directory");
}

static void test_max_deactivations_holds_for_leavers(void **state)
{
	struct msg_err err = {0};

	(void)state;
	answer_json = answer_two;
	server_users =
	    "{'admin': {'id': 'admin', 'admin': true, 'active': true}, 'x1': {'id': 'x1', 'active': "
	    "true}, 'x2': {'id': 'x2', 'active': true}, 'x3': {'id': 'x3', 'active': true}}";
	assert_null(
	    plan_of("{'version': 1, 'server': 'example.test', 'users': {'manage': 'exclusive', "
		    "'max_deactivations': 2, 'protect': ['admin'], 'directory': {'source': 'corp', 'base': "
		    "'dc=t'}}}",
		    &err));
	assert_int_equal(err.status, EXIT_FAILURE_);
	assert_string_equal(err.text,
			    "refusing the whole plan: it would deactivate or delete 3 users, more than "
			    "users.max_deactivations (2): x1, x2, x3");
}

static void test_a_saved_plan_is_refused_when_the_directory_answers_otherwise(void **state)
{
	struct session s = {.driver = &fake_driver, .context = &ctx, .directory = &directory};
	struct msg_err err = {0};
	json_t *plan;

	(void)state;
	answer_json = answer_two;
	server_users = "{'admin': {'id': 'admin', 'admin': true, 'active': true}}";
	plan = plan_of(policy_exclusive, &err);
	assert_non_null(plan);
	assert_int_equal(plan_verify(&s, "saved.json", plan, &err), 0);
	free(s.whoami);
	s.whoami = NULL;
	/* the same users, another answer (an entry left out now reads differently) */
	answer_json =
	    "{'users': {'alice': {'id': 'alice', 'display_name': 'Alice', 'active': true, 'anchor': "
	    "'a-1', 'dn': 'uid=alice,dc=t'}, 'bob': {'id': 'bob', 'email': 'bob@t.gov', 'active': false, "
	    "'anchor': 'b-2', 'dn': 'uid=bob,dc=t'}}, 'left_out': [], 'entries': 3, 'directory': 'corp', "
	    "'url': 'ldaps://ldap.t', 'digest': 'sha256:two'}";
	assert_int_equal(plan_verify(&s, "saved.json", plan, &err), -1);
	free(s.whoami);
	assert_string_equal(err.text, "directory corp answers differently since the plan was made (digest "
				      "sha256:two, plan has sha256:one); make a new plan");
}

static void test_offline_only_the_list_and_without_a_source_nothing(void **state)
{
	struct session s = {.driver = &fake_driver, .context = &ctx};
	struct desired d;
	struct msg_err err = {0};
	json_t *notes = hold(json_array());
	const json_t *users = json_object_get(J(policy_exclusive), "users");

	(void)state;
	/* offline: the listed users only, nobody taken for unlisted, and a note says so */
	desired_init(&d, "users");
	assert_int_equal(resource_user.expand(&resource_user, NULL, users, &d, notes, &err), 0);
	assert_int_equal(json_object_size(d.items), 2);
	assert_int_equal(d.unlisted, OP_NONE);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(notes, 0), "message")),
	    "the accounts that follow the directory are not checked offline: only those users.list "
	    "names");
	desired_clear(&d);
	desired_init(&d, "users");
	assert_int_equal(resource_user.expand(&resource_user, &s, users, &d, notes, &err), -1);
	assert_string_equal(err.text, "users.directory: this command reads no directory");
	desired_clear(&d);
}

#define T(f) cmocka_unit_test_teardown(f, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_the_directory_and_the_list_make_the_users),
	    T(test_a_directory_user_not_in_the_list_has_the_section_as_path),
	    T(test_max_deactivations_holds_for_leavers),
	    T(test_a_saved_plan_is_refused_when_the_directory_answers_otherwise),
	    T(test_offline_only_the_list_and_without_a_source_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
