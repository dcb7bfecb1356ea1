/* Tests of cli/engine/diff.c: what the diff engine plans for a policy against a canonical state, and in which
 * order. Policies and states are written as JSON with single quotes (J() turns them into double quotes)
 * so that each test reads like the policy and server state it describes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/diff.h"
#include "engine/driver.h"
#include "base/exitcode.h"
#include "test_json.h"

/* Compares a value with the expected JSON, showing both in canonical form when they differ. */
static void assert_json(const json_t *got, const char *expected)
{
	assert_json_as(got, J(expected), JSON_SORT_KEYS);
}

/* Runs the diff, expecting success; changes and notes are held. */
static void run_diff(const char *policy, const char *actual, json_t **changes, json_t **notes)
{
	struct msg_err err = {0};

	*changes = *notes = NULL;
	assert_int_equal(diff_compute(J(policy), J(actual), changes, notes, &err), 0);
	assert_non_null(*changes);
	assert_non_null(*notes);
	hold(*changes);
	hold(*notes);
}

/* The change list as "op type key, ..." for order checks. */
static const char *summary(const json_t *changes)
{
	static char buf[1024];
	json_t *c;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(changes, i, c)
	{
		size_t used = strlen(buf);
		snprintf(buf + used, sizeof(buf) - used, "%s%s %s %s", i ? ", " : "",
			 json_string_value(json_object_get(c, "op")),
			 json_string_value(json_object_get(c, "type")),
			 json_string_value(json_object_get(c, "key")));
	}
	return buf;
}

/* ---- users: create, update, reactivate ---- */

static void test_absent_user_is_created_active(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'list': [{'id': 'zed'}, {'id': 'alice', 'display_name': 'Alice', "
		 "'email': 'alice@example.test', 'admin': false}]}}",
		 "{'users': {'zed': {'id': 'zed', 'admin': false, 'active': true}}}", &changes, &notes);
	assert_json(changes,
		    "[{'op': 'create', 'type': 'user', 'key': 'alice', 'path': 'users.list[1]', "
		    "'after': {'id': 'alice', 'display_name': 'Alice', 'email': 'alice@example.test', "
		    "'admin': false, 'active': true}}]");
	assert_int_equal(json_array_size(notes), 0);
}

static void test_explicitly_active_absent_user_is_created(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'list': [{'id': 'amy', 'active': true}]}}", "{'users': {}}", &changes, &notes);
	assert_string_equal(summary(changes), "create user amy");
}

static void test_equal_user_gives_no_change(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'list': [{'id': 'bob', 'display_name': 'Bob', 'email': 'bob@example.test', "
		 "'admin': true, 'active': true}]}}",
		 "{'users': {'bob': {'id': 'bob', 'display_name': 'Bob', 'email': 'bob@example.test', "
		 "'admin': true, 'active': true}}}",
		 &changes, &notes);
	assert_int_equal(json_array_size(changes), 0);
	assert_int_equal(json_array_size(notes), 0);
}

static void test_update_names_only_the_changed_fields(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'list': [{'id': 'bob', 'display_name': 'Robert', 'email': 'bob@example.test', "
		 "'admin': true}]}}",
		 "{'users': {'bob': {'id': 'bob', 'display_name': 'Bob', 'email': 'bob@example.test', "
		 "'admin': false, 'active': true}}}",
		 &changes, &notes);
	assert_json(changes, "[{'op': 'update', 'type': 'user', 'key': 'bob', 'path': 'users.list[0]', "
			     "'fields': {'display_name': {'from': 'Bob', 'to': 'Robert'}, "
			     "'admin': {'from': false, 'to': true}}}]");
}

static void test_omitted_fields_are_not_managed(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff(
	    "{'users': {'list': [{'id': 'bob'}, {'id': 'carol', 'admin': false}]}}",
	    "{'users': {'bob': {'id': 'bob', 'display_name': 'Whatever', 'email': 'x@example.test', "
	    "'admin': true, 'active': true}, "
	    "'carol': {'id': 'carol', 'display_name': 'C', 'email': null, 'admin': false, 'active': true}}}",
	    &changes, &notes);
	assert_int_equal(json_array_size(changes), 0);
}

static void test_email_compares_without_case(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'list': [{'id': 'bob', 'email': 'Bob.Smith@Example.TEST'}]}}",
		 "{'users': {'bob': {'id': 'bob', 'email': 'bob.smith@example.test', 'active': true}}}",
		 &changes, &notes);
	assert_int_equal(json_array_size(changes), 0);
}

static void test_missing_email_is_set(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'list': [{'id': 'dave', 'email': 'dave@example.test'}]}}",
		 "{'users': {'dave': {'id': 'dave', 'email': null, 'admin': false, 'active': true}}}",
		 &changes, &notes);
	assert_json(json_object_get(json_array_get(changes, 0), "fields"),
		    "{'email': {'from': null, 'to': 'dave@example.test'}}");
	assert_string_equal(summary(changes), "update user dave");
}

static void test_other_display_name_case_is_a_change(void **state)
{
	json_t *changes, *notes;

	(void)state;
	/* Only e-mail is case-insensitive: a display name's case is what other users see. */
	run_diff("{'users': {'list': [{'id': 'bob', 'display_name': 'BOB'}]}}",
		 "{'users': {'bob': {'id': 'bob', 'display_name': 'bob', 'active': true}}}", &changes,
		 &notes);
	assert_string_equal(summary(changes), "update user bob");
}

static void test_inactive_listed_user_is_reactivated(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff(
	    "{'users': {'list': [{'id': 'erin'}]}}",
	    "{'users': {'erin': {'id': 'erin', 'display_name': 'erin', 'admin': false, 'active': false}}}",
	    &changes, &notes);
	assert_json(changes,
		    "[{'op': 'reactivate', 'type': 'user', 'key': 'erin', 'path': 'users.list[0]'}]");
}

static void test_reactivation_comes_before_the_update(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'list': [{'id': 'erin', 'display_name': 'Erin', 'active': true}]}}",
		 "{'users': {'erin': {'id': 'erin', 'display_name': 'erin', 'active': false}}}", &changes,
		 &notes);
	assert_string_equal(summary(changes), "reactivate user erin, update user erin");
	assert_json(json_object_get(json_array_get(changes, 1), "fields"),
		    "{'display_name': {'from': 'erin', 'to': 'Erin'}}");
}

/* ---- users meant to be inactive ---- */

static void test_inactive_desired_absent_user_needs_nothing(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'list': [{'id': 'ghost', 'display_name': 'Ghost', 'active': false}]}}",
		 "{'users': {}}", &changes, &notes);
	assert_int_equal(json_array_size(changes), 0);
	assert_int_equal(json_array_size(notes), 0);
}

static void test_inactive_desired_active_user_is_deactivated(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'list': [{'id': 'alice'}, {'id': 'mallory', 'active': false}]}}",
		 "{'users': {'alice': {'id': 'alice', 'active': true}, "
		 "'mallory': {'id': 'mallory', 'admin': false, 'active': true}}}",
		 &changes, &notes);
	assert_int_equal(json_array_size(changes), 1);
	assert_string_equal(summary(changes), "deactivate user mallory");
	assert_string_equal(json_string_value(json_object_get(json_array_get(changes, 0), "path")),
			    "users.list[1]");
	assert_non_null(json_string_value(json_object_get(json_array_get(changes, 0), "reason")));
}

static void test_fields_of_inactive_users_are_ignored(void **state)
{
	json_t *changes, *notes;

	(void)state;
	/* Already inactive: the different name and e-mail (servers clear it) do not matter. */
	run_diff(
	    "{'users': {'list': [{'id': 'erin', 'display_name': 'Erin E.', 'email': 'erin@example.test', "
	    "'active': false}]}}",
	    "{'users': {'erin': {'id': 'erin', 'display_name': 'erin', 'email': null, 'active': false}}}",
	    &changes, &notes);
	assert_int_equal(json_array_size(changes), 0);
	/* Still active: deactivated, not updated first. */
	run_diff(
	    "{'users': {'list': [{'id': 'erin', 'display_name': 'Erin E.', 'admin': true, "
	    "'active': false}]}}",
	    "{'users': {'erin': {'id': 'erin', 'display_name': 'erin', 'admin': false, 'active': true}}}",
	    &changes, &notes);
	assert_string_equal(summary(changes), "deactivate user erin");
}

/* ---- users.manage and users.protect ---- */

static void test_exclusive_deactivates_unlisted_active_users(void **state)
{
	json_t *changes, *notes;
	const char *reason;

	(void)state;
	run_diff(
	    "{'users': {'manage': 'exclusive', 'list': [{'id': 'alice'}]}}",
	    "{'users': {'alice': {'id': 'alice', 'active': true}, 'carol': {'id': 'carol', 'active': true}, "
	    "'bob': {'id': 'bob', 'admin': false, 'active': true}}}",
	    &changes, &notes);
	assert_string_equal(summary(changes), "deactivate user bob, deactivate user carol");
	/* No policy line asks for it: the change has no path, and its reason says why. */
	assert_null(json_object_get(json_array_get(changes, 0), "path"));
	reason = json_string_value(json_object_get(json_array_get(changes, 0), "reason"));
	assert_non_null(reason);
	assert_non_null(strstr(reason, "exclusive"));
}

static void test_exclusive_spares_protected_and_inactive_users(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'manage': 'exclusive', 'protect': ['bot'], 'list': [{'id': 'alice'}]}}",
		 "{'users': {'alice': {'id': 'alice', 'active': true}, 'bot': {'id': 'bot', 'active': true}, "
		 "'erin': {'id': 'erin', 'active': false}, 'carol': {'id': 'carol', 'active': true}}}",
		 &changes, &notes);
	assert_string_equal(summary(changes), "deactivate user carol");
}

static void test_listed_mode_leaves_unlisted_users_alone(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff(
	    "{'users': {'manage': 'listed', 'list': [{'id': 'alice'}]}}",
	    "{'users': {'alice': {'id': 'alice', 'active': true}, 'carol': {'id': 'carol', 'active': true}}}",
	    &changes, &notes);
	assert_int_equal(json_array_size(changes), 0);
	/* listed is the default */
	run_diff(
	    "{'users': {'list': [{'id': 'alice'}]}}",
	    "{'users': {'alice': {'id': 'alice', 'active': true}, 'carol': {'id': 'carol', 'active': true}}}",
	    &changes, &notes);
	assert_int_equal(json_array_size(changes), 0);
}

static void test_protected_listed_user_gets_a_note_not_a_change(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'protect': ['root', 'bot', 'newbie'], 'list': ["
		 "{'id': 'root', 'admin': false}, {'id': 'bot', 'active': false}, {'id': 'newbie'}]}}",
		 "{'users': {'root': {'id': 'root', 'admin': true, 'active': true}, "
		 "'bot': {'id': 'bot', 'admin': false, 'active': true}}}",
		 &changes, &notes);
	assert_int_equal(json_array_size(changes), 0);
	assert_int_equal(json_array_size(notes), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 0), "path")),
			    "users.list[0]");
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 1), "path")),
			    "users.list[1]");
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 2), "path")),
			    "users.list[2]");
	assert_non_null(
	    strstr(json_string_value(json_object_get(json_array_get(notes, 0), "message")), "protect"));
}

/* ---- tokens ---- */

/* ---- delete: true ---- */

static void test_delete_removes_an_existing_account_last(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'list': [{'id': 'zed', 'delete': true}, {'id': 'amy'}, {'id': 'gone', 'delete': "
		 "true}]}}",
		 "{'users': {'zed': {'id': 'zed', 'active': false}}}", &changes, &notes);
	assert_string_equal(summary(changes), "create user amy, delete user zed");
	assert_json(json_array_get(changes, 1), "{'op': 'delete', 'type': 'user', 'key': 'zed', 'path': "
						"'users.list[0]', 'reason': 'delete: true in the policy'}");
}

static void test_delete_of_an_absent_account_needs_nothing(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'users': {'list': [{'id': 'ghost', 'delete': true}]}}", "{'users': {}}", &changes, &notes);
	assert_int_equal(json_array_size(changes), 0);
}

/* An account the policy deletes on a server that cannot delete any: the user type's expand leaves
 * it listed, so exclusive mode spares it, and never changed, saying so in a note. */
static void test_undeletable_users_are_neither_changed_nor_deactivated(void **state)
{
	static const struct capability caps[] = {
	    {"users.list[].delete", CAP_UNSUPPORTED, "keeps every account"},
	    {NULL, CAP_UNSUPPORTED, NULL},
	};
	static const struct driver keeper = {.name = "keeper", .capabilities = caps};
	const struct context ctx = {.name = "t", .server = "example.test"};
	const struct session s = {.driver = &keeper, .context = &ctx};
	json_t *changes = hold(json_array()), *notes = hold(json_array());
	struct msg_err err = {0};
	struct desired d;

	(void)state;
	desired_init(&d, resource_user.list);
	assert_int_equal(
	    resource_user.expand(&resource_user, &s,
				 J("{'manage': 'exclusive', 'list': [{'id': 'zed', 'delete': true}]}"), &d,
				 notes, &err),
	    0);
	diff_resource(&resource_user, &d,
		      J("{'zed': {'id': 'zed', 'active': true, 'display_name': 'Z'}, "
			"'eve': {'id': 'eve', 'active': true}}"),
		      changes, notes);
	desired_clear(&d);
	assert_string_equal(summary(changes), "deactivate user eve");
	assert_int_equal(json_array_size(notes), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 0), "message")),
			    "zed: keeper cannot delete accounts: left as it is (keeps every account)");
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 0), "path")),
			    "users.list[0]");
}

static void test_token_create_update(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff(
	    "{'invites': {'tokens': [{'name': 'q1', 'uses': 10, 'expires': '2027-03-31'}, "
	    "{'name': 'q2', 'uses': 25, 'expires': null}, {'name': 'same', 'uses': 3}]}}",
	    "{'tokens': {'q2': {'name': 'q2', 'uses': 5, 'expires': '2026-01-01', 'used': 1, 'pending': 0}, "
	    "'same': {'name': 'same', 'uses': 3, 'expires': '2030-01-01', 'used': 0, 'pending': 0}}}",
	    &changes, &notes);
	assert_json(
	    changes,
	    "[{'op': 'create', 'type': 'token', 'key': 'q1', 'path': 'invites.tokens[0]', "
	    "'after': {'name': 'q1', 'uses': 10, 'expires': '2027-03-31'}}, "
	    "{'op': 'update', 'type': 'token', 'key': 'q2', 'path': 'invites.tokens[1]', "
	    "'fields': {'uses': {'from': 5, 'to': 25}, 'expires': {'from': '2026-01-01', 'to': null}}}]");
}

static void test_token_unlimited_uses(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'invites': {'tokens': [{'name': 'a', 'uses': null}, {'name': 'b', 'uses': null}]}}",
		 "{'tokens': {'a': {'name': 'a', 'uses': null, 'expires': null}, "
		 "'b': {'name': 'b', 'uses': 4, 'expires': null}}}",
		 &changes, &notes);
	assert_json(changes, "[{'op': 'update', 'type': 'token', 'key': 'b', 'path': 'invites.tokens[1]', "
			     "'fields': {'uses': {'from': 4, 'to': null}}}]");
}

static void test_tokens_section_deletes_unlisted_tokens(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'invites': {'tokens': [{'name': 'keep'}]}}",
		 "{'tokens': {'keep': {'name': 'keep', 'uses': 1, 'expires': null}, "
		 "'old': {'name': 'old', 'uses': null, 'expires': null}, "
		 "'yBurISyH': {'name': 'yBurISyH', 'uses': null, 'expires': null}}}",
		 &changes, &notes);
	assert_string_equal(summary(changes), "delete token old, delete token yBurISyH");
	assert_null(json_object_get(json_array_get(changes, 0), "path"));
	/* An empty list means: no tokens at all. */
	run_diff("{'invites': {'tokens': []}}",
		 "{'tokens': {'old': {'name': 'old', 'uses': null, 'expires': null}}}", &changes, &notes);
	assert_string_equal(summary(changes), "delete token old");
}

static void test_without_tokens_section_tokens_are_untouched(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff("{'invites': {'registration': 'token'}, 'users': {'list': []}}",
		 "{'users': {}, 'tokens': {'old': {'name': 'old', 'uses': null, 'expires': null}}}", &changes,
		 &notes);
	assert_int_equal(json_array_size(changes), 0);
	/* The state reader leaves the tokens section out then; that must not be an error. */
	run_diff("{'invites': {'registration': 'token'}}", "{}", &changes, &notes);
	assert_int_equal(json_array_size(changes), 0);
}

static void test_missing_state_section_is_an_error(void **state)
{
	struct msg_err err = {0};
	json_t *changes = NULL, *notes = NULL;

	(void)state;
	assert_int_equal(
	    diff_compute(J("{'invites': {'tokens': []}}"), J("{'users': {}}"), &changes, &notes, &err), -1);
	assert_int_equal(err.status, EXIT_FAILURE_);
	assert_null(changes);
	assert_null(notes);
}

/* ---- order and counts ---- */

static const char *const everything_policy =
    "{'users': {'manage': 'exclusive', 'protect': ['admin'], 'list': ["
    "{'id': 'zed'}, {'id': 'bob', 'admin': true}, {'id': 'erin'}, {'id': 'amy'}, {'id': 'carl', 'active': "
    "false}]},"
    " 'invites': {'tokens': [{'name': 'tok', 'uses': 9}, {'name': 'new1'}]}}";
static const char *const everything_state =
    "{'users': {'admin': {'id': 'admin', 'admin': true, 'active': true}, "
    "'mallory': {'id': 'mallory', 'admin': false, 'active': true}, "
    "'carl': {'id': 'carl', 'admin': false, 'active': true}, "
    "'erin': {'id': 'erin', 'admin': false, 'active': false}, "
    "'bob': {'id': 'bob', 'admin': false, 'active': true}}, "
    "'tokens': {'old': {'name': 'old', 'uses': null, 'expires': null}, "
    "'tok': {'name': 'tok', 'uses': 1, 'expires': null}}}";

static void test_changes_come_in_apply_order_then_by_key(void **state)
{
	json_t *changes, *notes;

	(void)state;
	run_diff(everything_policy, everything_state, &changes, &notes);
	assert_string_equal(summary(changes),
			    "create token new1, update token tok, create user amy, create user zed, "
			    "reactivate user erin, update user bob, delete token old, "
			    "deactivate user carl, deactivate user mallory");
}

static void test_counts(void **state)
{
	json_t *changes, *notes;
	int add = -1, change = -1, remove = -1;

	(void)state;
	run_diff(everything_policy, everything_state, &changes, &notes);
	diff_count(changes, &add, &change, &remove);
	assert_int_equal(add, 3);    /* new1, amy, zed */
	assert_int_equal(change, 3); /* tok, erin (reactivate), bob */
	assert_int_equal(remove, 3); /* old, carl, mallory */
	diff_count(J("[]"), &add, &change, &remove);
	assert_int_equal(add + change + remove, 0);
}

/* desired_details of type t for the policy's section (expanded offline). */
static json_t *details_of(const struct resource_type *t, const char *section)
{
	struct msg_err err = {0};
	struct desired d;
	json_t *details;

	desired_init(&d, t->list);
	assert_int_equal(t->expand(t, NULL, J(section), &d, NULL, &err), 0);
	details = desired_details(t, &d);
	desired_clear(&d);
	return hold(details);
}

static void test_detail_fields_are_what_the_policy_holds(void **state)
{
	(void)state;
	assert_json(details_of(&resource_user,
			       "{'list': [{'id': 'a', 'email': 'a@example.test'}, {'id': 'b'}, "
			       "{'id': 'c', 'display_name': 'C', 'email': 'c@example.test'}]}"),
		    "{'a': ['email'], 'b': [], 'c': ['display_name', 'email']}");
	assert_json(details_of(&resource_user, "{}"), "{}");
	assert_json(details_of(&resource_token, "[]"), "{}");
}

#define T(f) cmocka_unit_test_teardown(f, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_absent_user_is_created_active),
	    T(test_explicitly_active_absent_user_is_created),
	    T(test_equal_user_gives_no_change),
	    T(test_update_names_only_the_changed_fields),
	    T(test_omitted_fields_are_not_managed),
	    T(test_email_compares_without_case),
	    T(test_missing_email_is_set),
	    T(test_other_display_name_case_is_a_change),
	    T(test_inactive_listed_user_is_reactivated),
	    T(test_reactivation_comes_before_the_update),
	    T(test_inactive_desired_absent_user_needs_nothing),
	    T(test_inactive_desired_active_user_is_deactivated),
	    T(test_fields_of_inactive_users_are_ignored),
	    T(test_exclusive_deactivates_unlisted_active_users),
	    T(test_exclusive_spares_protected_and_inactive_users),
	    T(test_listed_mode_leaves_unlisted_users_alone),
	    T(test_protected_listed_user_gets_a_note_not_a_change),
	    T(test_delete_removes_an_existing_account_last),
	    T(test_delete_of_an_absent_account_needs_nothing),
	    T(test_undeletable_users_are_neither_changed_nor_deactivated),
	    T(test_token_create_update),
	    T(test_token_unlimited_uses),
	    T(test_tokens_section_deletes_unlisted_tokens),
	    T(test_without_tokens_section_tokens_are_untouched),
	    T(test_missing_state_section_is_an_error),
	    T(test_changes_come_in_apply_order_then_by_key),
	    T(test_counts),
	    T(test_detail_fields_are_what_the_policy_holds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
