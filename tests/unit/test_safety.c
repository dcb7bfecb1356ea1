/* Tests of cli/engine/safety.c (the guards apply runs before touching a server) and of state_digest in
 * cli/engine/plan.c (how apply notices that the server changed since the plan). JSON is written with single
 * quotes; J() turns them into double quotes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/diff.h"
#include "base/exitcode.h"
#include "test_json.h"
#include "engine/plan.h"
#include "engine/safety.h"
#include "io/digest.h"

/* safety_check with JSON texts; err is cleared first. */
static int check(const char *policy, const char *actual, const char *changes, const char *acting, bool force,
		 struct msg_err *err)
{
	memset(err, 0, sizeof(*err));
	return safety_check(J(policy), J(actual), J(changes), acting, force, err);
}

static void assert_refused(int rc, const struct msg_err *err)
{
	assert_int_equal(rc, -1);
	assert_int_equal(err->status, EXIT_FAILURE_);
	assert_true(err->text[0] != '\0');
}

static void assert_mentions(const struct msg_err *err, const char *what)
{
	if (strstr(err->text, what) == NULL)
		fail_msg("'%s' not in the message: %s", what, err->text);
}

/* A server with one active admin (admin) and ordinary users. */
static const char *const one_admin = "{'users': {'admin': {'id': 'admin', 'admin': true, 'active': true}, "
				     "'bob': {'id': 'bob', 'admin': false, 'active': true}, 'carol': {'id': "
				     "'carol', 'admin': false, 'active': true}, "
				     "'dave': {'id': 'dave', 'admin': false, 'active': true}}}";
static const char *const three_deactivations = "[{'op': 'deactivate', 'type': 'user', 'key': 'bob'}, {'op': "
					       "'deactivate', 'type': 'user', 'key': 'carol'}, "
					       "{'op': 'deactivate', 'type': 'user', 'key': 'dave'}]";

/* ---- users.max_deactivations ---- */

/* A server that keeps admins in its configuration (ejabberd) reports no admin field: no plan can
 * be judged to remove the last admin, but the acting admin is still protected. */
static void test_servers_without_admin_field_skip_the_last_admin_check(void **state)
{
	struct msg_err err;

	(void)state;
	assert_int_equal(check("{}", "{'users': {'admin': {'active': true}, 'bob': {'active': true}}}",
			       "[{'op': 'deactivate', 'type': 'user', 'key': 'bob'}]", "admin", false, &err),
			 0);
	assert_int_equal(check("{}", "{'users': {'admin': {'active': true}}}", "[]", "admin", false, &err),
			 0);
	assert_refused(check("{}", "{'users': {'admin': {'active': true}}}",
			     "[{'op': 'deactivate', 'type': 'user', 'key': 'admin'}]", "admin", false, &err),
		       &err);
}

static void test_too_many_deactivations_refused_naming_users(void **state)
{
	struct msg_err err;

	(void)state;
	assert_refused(check("{'users': {'max_deactivations': 2}}", one_admin, three_deactivations, "admin",
			     false, &err),
		       &err);
	assert_mentions(&err, "max_deactivations");
	assert_mentions(&err, "bob");
	assert_mentions(&err, "carol");
	assert_mentions(&err, "dave");
}

static void test_too_many_deactivations_refused_even_with_force(void **state)
{
	struct msg_err err;

	(void)state;
	assert_refused(
	    check("{'users': {'max_deactivations': 2}}", one_admin, three_deactivations, "admin", true, &err),
	    &err);
	assert_mentions(&err, "dave");
}

static void test_deactivations_up_to_the_limit_pass(void **state)
{
	struct msg_err err;

	(void)state;
	assert_int_equal(check("{'users': {'max_deactivations': 3}}", one_admin, three_deactivations, "admin",
			       false, &err),
			 0);
	/* No limit in the policy: no limit. */
	assert_int_equal(check("{'users': {}}", one_admin, three_deactivations, "admin", false, &err), 0);
}

static void test_limit_zero_and_token_deletes(void **state)
{
	struct msg_err err;

	(void)state;
	/* Deleting tokens is not deactivating users. */
	assert_int_equal(
	    check("{'users': {'max_deactivations': 0}}", one_admin,
		  "[{'op': 'delete', 'type': 'token', 'key': 'a'}, {'op': 'delete', 'type': 'token', "
		  "'key': 'b'}]",
		  "admin", false, &err),
	    0);
	assert_refused(check("{'users': {'max_deactivations': 0}}", one_admin,
			     "[{'op': 'deactivate', 'type': 'user', 'key': 'bob'}]", "admin", false, &err),
		       &err);
	assert_mentions(&err, "bob");
}

/* ---- the acting admin ---- */

static void test_deactivating_the_acting_admin_refused(void **state)
{
	const char *two_admins = "{'users': {'admin': {'id': 'admin', 'admin': true, 'active': true}, "
				 "'ops': {'id': 'ops', 'admin': true, 'active': true}}}";
	struct msg_err err;

	(void)state;
	/* Another admin remains: only the acting-admin rule can refuse this. */
	assert_refused(check("{'users': {}}", two_admins,
			     "[{'op': 'deactivate', 'type': 'user', 'key': 'ops'}]", "ops", false, &err),
		       &err);
	assert_mentions(&err, "'ops'");
	assert_mentions(&err, "acting admin");
	assert_mentions(&err, "--force");
	assert_int_equal(check("{'users': {}}", two_admins,
			       "[{'op': 'deactivate', 'type': 'user', 'key': 'ops'}]", "ops", true, &err),
			 0);
}

static void test_demoting_the_acting_admin_refused(void **state)
{
	const char *two_admins = "{'users': {'admin': {'id': 'admin', 'admin': true, 'active': true}, "
				 "'ops': {'id': 'ops', 'admin': true, 'active': true}}}";
	const char *demote = "[{'op': 'update', 'type': 'user', 'key': 'ops', "
			     "'fields': {'admin': {'from': true, 'to': false}}}]";
	struct msg_err err;

	(void)state;
	assert_refused(check("{'users': {}}", two_admins, demote, "ops", false, &err), &err);
	assert_mentions(&err, "remove admin rights from 'ops'");
	assert_int_equal(check("{'users': {}}", two_admins, demote, "ops", true, &err), 0);
	/* Someone else's account: fine. */
	assert_int_equal(check("{'users': {}}", two_admins, demote, "admin", false, &err), 0);
}

static void test_other_changes_to_the_acting_admin_pass(void **state)
{
	struct msg_err err;

	(void)state;
	assert_int_equal(check("{'users': {}}", one_admin,
			       "[{'op': 'update', 'type': 'user', 'key': 'admin', "
			       "'fields': {'display_name': {'from': 'Admin', 'to': 'Root'}, "
			       "'email': {'from': null, 'to': 'root@example.test'}}}]",
			       "admin", false, &err),
			 0);
}

/* ---- at least one active admin ---- */

static void test_removing_the_last_admin_refused_unless_forced(void **state)
{
	const char *changes = "[{'op': 'deactivate', 'type': 'user', 'key': 'admin'}]";
	struct msg_err err;

	(void)state;
	/* acting NULL: the token's account is unknown, so only the last-admin rule applies. */
	assert_refused(check("{'users': {}}", one_admin, changes, NULL, false, &err), &err);
	assert_mentions(&err, "without an active admin");
	assert_int_equal(check("{'users': {}}", one_admin, changes, NULL, true, &err), 0);
	assert_refused(check("{'users': {}}", one_admin,
			     "[{'op': 'update', 'type': 'user', 'key': 'admin', "
			     "'fields': {'admin': {'from': true, 'to': false}}}]",
			     NULL, false, &err),
		       &err);
}

static void test_inactive_admins_do_not_count(void **state)
{
	struct msg_err err;

	(void)state;
	assert_refused(check("{'users': {}}",
			     "{'users': {'admin': {'id': 'admin', 'admin': true, 'active': true}, "
			     "'old': {'id': 'old', 'admin': true, 'active': false}}}",
			     "[{'op': 'deactivate', 'type': 'user', 'key': 'admin'}]", NULL, false, &err),
		       &err);
}

static void test_another_active_admin_is_enough(void **state)
{
	struct msg_err err;

	(void)state;
	assert_int_equal(check("{'users': {}}",
			       "{'users': {'admin': {'id': 'admin', 'admin': true, 'active': true}, "
			       "'ops': {'id': 'ops', 'admin': true, 'active': true}}}",
			       "[{'op': 'deactivate', 'type': 'user', 'key': 'admin'}]", NULL, false, &err),
			 0);
}

static void test_new_admin_replacing_the_old_passes(void **state)
{
	const char *demote_old = "{'op': 'update', 'type': 'user', 'key': 'admin', "
				 "'fields': {'admin': {'from': true, 'to': false}}}";
	char changes[512];
	struct msg_err err;

	(void)state;
	/* Created as admin. */
	snprintf(changes, sizeof(changes),
		 "[{'op': 'create', 'type': 'user', 'key': 'newadmin', "
		 "'after': {'id': 'newadmin', 'admin': true, 'active': true}}, %s]",
		 demote_old);
	assert_int_equal(check("{'users': {}}", one_admin, changes, NULL, false, &err), 0);
	/* Promoted. */
	snprintf(changes, sizeof(changes),
		 "[{'op': 'update', 'type': 'user', 'key': 'bob', 'fields': {'admin': {'from': false, 'to': "
		 "true}}}, "
		 "%s]",
		 demote_old);
	assert_int_equal(check("{'users': {}}", one_admin, changes, NULL, false, &err), 0);
	/* Created, but not as admin: refused. */
	snprintf(changes, sizeof(changes),
		 "[{'op': 'create', 'type': 'user', 'key': 'newbie', "
		 "'after': {'id': 'newbie', 'admin': false, 'active': true}}, %s]",
		 demote_old);
	assert_refused(check("{'users': {}}", one_admin, changes, NULL, false, &err), &err);
}

static void test_reactivated_admin_counts_as_active(void **state)
{
	struct msg_err err;

	(void)state;
	/* boss is an admin whose account is deactivated; the plan reactivates boss and retires admin.
	 * Afterwards boss is an active admin, so the server is not left without one. */
	assert_int_equal(check("{'users': {}}",
			       "{'users': {'admin': {'id': 'admin', 'admin': true, 'active': true}, "
			       "'boss': {'id': 'boss', 'admin': true, 'active': false}}}",
			       "[{'op': 'reactivate', 'type': 'user', 'key': 'boss'}, "
			       "{'op': 'deactivate', 'type': 'user', 'key': 'admin'}]",
			       NULL, false, &err),
			 0);
}

static void test_exclusive_plan_that_retires_the_acting_admin_refused(void **state)
{
	json_t *policy = J("{'users': {'manage': 'exclusive', 'list': [{'id': 'ops', 'admin': true}]}}");
	json_t *actual = J("{'users': {'admin': {'id': 'admin', 'admin': true, 'active': true}, "
			   "'ops': {'id': 'ops', 'admin': false, 'active': true}}}");
	json_t *changes = NULL, *notes = NULL;
	struct msg_err err = {0};

	(void)state;
	/* The operator forgot to list their own account. */
	assert_int_equal(diff_compute(policy, actual, &changes, &notes, &err), 0);
	hold(changes);
	hold(notes);
	assert_refused(safety_check(policy, actual, changes, "admin", false, &err), &err);
	assert_mentions(&err, "acting admin");
	/* The same plan run with ops' token is fine: ops becomes admin before admin is deactivated. */
	assert_int_equal(safety_check(policy, actual, changes, "ops", false, &err), 0);
}

/* Deleting is at least as final as deactivating: it counts against the limit and spares the acting
 * admin. */
static void test_deletions_count_and_spare_the_acting_admin(void **state)
{
	struct msg_err err;

	(void)state;
	assert_refused(check("{'users': {'max_deactivations': 1}}", one_admin,
			     "[{'op': 'delete', 'type': 'user', 'key': 'bob'}, {'op': 'deactivate', 'type': "
			     "'user', 'key': 'carol'}]",
			     "admin", false, &err),
		       &err);
	assert_mentions(&err, "deactivate or delete 2 users");
	assert_refused(check("{}", one_admin, "[{'op': 'delete', 'type': 'user', 'key': 'admin'}]", "admin",
			     false, &err),
		       &err);
	assert_mentions(&err, "refusing to delete 'admin'");
	assert_int_equal(
	    check("{}", one_admin, "[{'op': 'delete', 'type': 'user', 'key': 'admin'}]", "admin", true, &err),
	    0);
}

/* The acting account is an admin even where the server reports only msgadm's own admins (ejabberd's
 * msgadm_admins): taking the last of those away leaves the acting one. */
static void test_the_acting_account_counts_as_an_admin(void **state)
{
	struct msg_err err;

	(void)state;
	assert_int_equal(check("{}",
			       "{'users': {'root': {'admin': false, 'active': true}, 'bob': {'admin': true, "
			       "'active': true}}}",
			       "[{'op': 'update', 'type': 'user', 'key': 'bob', 'fields': {'admin': {'from': "
			       "true, 'to': false}}}]",
			       "root", false, &err),
			 0);
	/* an acting account of another server (an ejabberd admin of another vhost) is not one here */
	assert_refused(
	    check("{}", "{'users': {'bob': {'admin': true, 'active': true}}}",
		  "[{'op': 'update', 'type': 'user', 'key': 'bob', 'fields': {'admin': {'from': true, "
		  "'to': false}}}]",
		  "root@other.test", false, &err),
	    &err);
	assert_mentions(&err, "without an active admin");
}

static void test_no_users_section_nothing_to_guard(void **state)
{
	struct msg_err err;

	(void)state;
	assert_int_equal(check("{'invites': {'tokens': []}}", "{'tokens': {}}",
			       "[{'op': 'delete', 'type': 'token', 'key': 'old'}]", "admin", false, &err),
			 0);
}

/* ---- state_digest ---- */

static void test_digest_ignores_key_order(void **state)
{
	char *a, *b;

	(void)state;
	a = state_digest(J("{'users': {'alice': {'id': 'alice', 'admin': false, 'active': true}, "
			   "'bob': {'id': 'bob', 'admin': true, 'active': true}}, 'tokens': {}}"));
	b = state_digest(J("{'tokens': {}, 'users': {'bob': {'active': true, 'admin': true, 'id': 'bob'}, "
			   "'alice': {'active': true, 'id': 'alice', 'admin': false}}}"));
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* The digest is the SHA-256 of the state as jansson writes it compact with sorted keys, whatever
 * writes it: saved plans made before must still verify. */
static void test_digest_is_of_the_sorted_compact_text(void **state)
{
	json_t *v = J("{'users': {'b\u00e9': {'id': 'b\u00e9', 'display_name': 'Tab\\there \\\"q\\\"', "
		      "'admin': false, 'active': true, 'email': null}, 'a': {'id': 'a', 'n': 1.5}}, "
		      "'tokens': {'t': {'uses_allowed': 3, 'expiry_time': null}}}");
	char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	char *want = digest_sha256_tagged(text, strlen(text)), *got = state_digest(v);

	(void)state;
	assert_non_null(want);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(text);
	free(want);
	free(got);
}

static void test_digest_changes_with_a_field(void **state)
{
	char *a, *b, *c;

	(void)state;
	a = state_digest(J("{'users': {'bob': {'id': 'bob', 'admin': true, 'active': true}}}"));
	b = state_digest(J("{'users': {'bob': {'id': 'bob', 'admin': false, 'active': true}}}"));
	c = state_digest(
	    J("{'users': {'bob': {'id': 'bob', 'admin': true, 'active': true, 'email': null}}}"));
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	free(a);
	free(b);
	free(c);
}

static void test_digest_format(void **state)
{
	char *d;

	(void)state;
	d = state_digest(J("{'users': {}}"));
	assert_non_null(d);
	assert_memory_equal(d, "sha256:", 7);
	assert_int_equal(strlen(d), 7 + 64);
	assert_int_equal(strspn(d + 7, "0123456789abcdef"), 64);
	free(d);
}

#define T(f) cmocka_unit_test_teardown(f, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_servers_without_admin_field_skip_the_last_admin_check),
	    T(test_too_many_deactivations_refused_naming_users),
	    T(test_too_many_deactivations_refused_even_with_force),
	    T(test_deactivations_up_to_the_limit_pass),
	    T(test_limit_zero_and_token_deletes),
	    T(test_deactivating_the_acting_admin_refused),
	    T(test_demoting_the_acting_admin_refused),
	    T(test_other_changes_to_the_acting_admin_pass),
	    T(test_removing_the_last_admin_refused_unless_forced),
	    T(test_inactive_admins_do_not_count),
	    T(test_another_active_admin_is_enough),
	    T(test_new_admin_replacing_the_old_passes),
	    T(test_reactivated_admin_counts_as_active),
	    T(test_exclusive_plan_that_retires_the_acting_admin_refused),
	    T(test_deletions_count_and_spare_the_acting_admin),
	    T(test_the_acting_account_counts_as_an_admin),
	    T(test_no_users_section_nothing_to_guard),
	    T(test_digest_ignores_key_order),
	    T(test_digest_is_of_the_sorted_compact_text),
	    T(test_digest_changes_with_a_field),
	    T(test_digest_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
