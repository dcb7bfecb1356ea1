/* From directory entries to users (cli/directory/users_map.c): ids in lower case, the fields the
 * policy names, who is left out and why, duplicates, disabled entries, admins, member_of by DN and by
 * uid, and the empty answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/exitcode.h"
#include "directory/users.h"
#include "test_json.h"

/* A local part: letters, digits and ._- only (a stand-in for a driver's rule). */
static int check(const struct context *ctx, const char *id, char *why, size_t size)
{
	(void)ctx;
	for (const char *c = id; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", *c)) {
			snprintf(why, size, "'%c' is not allowed", *c);
			return -1;
		}
	return 0;
}

static const struct directory_ids ids = {.check = check};

static const struct directory_query query = {
    .base = "ou=people,dc=t",
    .filter = "(objectClass=inetOrgPerson)",
    .id_attr = "uid",
    .display_name_attr = "cn",
    .email_attr = "mail",
    .anchor_attr = "entryUUID",
};

static const char *const people =
    "[{'dn': 'uid=Alice,ou=people,dc=t', 'attrs': {'uid': ['Alice'], 'cn': ['Alice Liddell'], 'mail': "
    "['alice@t.gov'], 'entryuuid': ['u-1']}},"
    " {'dn': 'uid=bob,ou=people,dc=t', 'attrs': {'uid': ['bob'], 'entryuuid': ['u-2']}},"
    " {'dn': 'uid=bad one,ou=people,dc=t', 'attrs': {'uid': ['bad one'], 'entryuuid': ['u-3']}},"
    " {'dn': 'cn=noid,ou=people,dc=t', 'attrs': {'cn': ['No Id'], 'entryuuid': ['u-4']}},"
    " {'dn': 'uid=noanchor,ou=people,dc=t', 'attrs': {'uid': ['noanchor']}}]";

static json_t *map(const struct directory_query *q, const char *entries, const char *members,
		   const char *member_uids, const char *disabled, const char *admins, struct msg_err *err)
{
	json_t *out = NULL;

	if (directory_users_map(q, J(entries), members ? J(members) : NULL,
				member_uids ? J(member_uids) : NULL, disabled ? J(disabled) : NULL,
				admins ? J(admins) : NULL, NULL, &ids, &out, err) != 0)
		return NULL;
	return hold(out);
}

static void test_ids_fields_and_who_is_left_out(void **state)
{
	struct msg_err err = {0};
	json_t *out;

	(void)state;
	out = map(&query, people, NULL, NULL, NULL, NULL, &err);
	assert_non_null(out);
	assert_json_as(
	    json_object_get(out, "users"),
	    J("{'alice': {'id': 'alice', 'anchor': 'u-1', 'dn': 'uid=Alice,ou=people,dc=t', 'active': "
	      "true, 'display_name': 'Alice Liddell', 'email': 'alice@t.gov'}, 'bob': {'id': 'bob', "
	      "'anchor': 'u-2', 'dn': 'uid=bob,ou=people,dc=t', 'active': true}}"),
	    JSON_SORT_KEYS);
	/* never a different name: the bad id is left out, named with its DN and why */
	assert_json_as(
	    json_object_get(out, "left_out"),
	    J("[{'dn': 'uid=bad one,ou=people,dc=t', 'reason': 'uid \\u0027bad one\\u0027 cannot be an "
	      "account name here: \\u0027 \\u0027 is not allowed'},"
	      " {'dn': 'cn=noid,ou=people,dc=t', 'reason': 'has no uid'},"
	      " {'dn': 'uid=noanchor,ou=people,dc=t', 'reason': 'has no entryUUID (the anchor that keeps "
	      "its account through renames)'}]"),
	    0);
	assert_int_equal(json_integer_value(json_object_get(out, "entries")), 5);
}

static void test_two_entries_for_one_id_are_an_error_naming_both(void **state)
{
	struct msg_err err = {0};

	(void)state;
	assert_null(map(&query,
			"[{'dn': 'uid=ann,ou=a,dc=t', 'attrs': {'uid': ['ann'], 'entryuuid': ['1']}},"
			" {'dn': 'uid=ANN,ou=b,dc=t', 'attrs': {'uid': ['ANN'], 'entryuuid': ['2']}}]",
			NULL, NULL, NULL, NULL, &err));
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_string_equal(err.text, "directory: uid=ann,ou=a,dc=t and uid=ANN,ou=b,dc=t both map to the id "
				      "'ann' (uid)");
}

static void test_disabled_members_and_admins(void **state)
{
	struct directory_query q = query;
	struct msg_err err = {0};
	json_t *out, *users;

	(void)state;
	q.admins = "cn=admins,dc=t";
	/* members: alice by DN (normalized), bob by uid (a posixGroup); disabled: bob */
	out = map(&q, people, "{'uid=alice,ou=people,dc=t': true}", "{'bob': true}",
		  "{'uid=bob,ou=people,dc=t': true}", "{'uid=alice,ou=people,dc=t': true}", &err);
	assert_non_null(out);
	users = json_object_get(out, "users");
	assert_int_equal(json_object_size(users), 2);
	assert_true(json_is_true(json_object_get(json_object_get(users, "alice"), "admin")));
	assert_true(json_is_false(json_object_get(json_object_get(users, "bob"), "admin")));
	assert_true(json_is_true(json_object_get(json_object_get(users, "alice"), "active")));
	assert_true(json_is_false(json_object_get(json_object_get(users, "bob"), "active")));
	/* those who are not members are not mentioned at all */
	assert_int_equal(json_array_size(json_object_get(out, "left_out")), 0);
}

static void test_an_empty_answer_decides_nothing(void **state)
{
	struct directory_query q = query;
	struct msg_err err = {0};
	json_t *out;

	(void)state;
	assert_null(map(&q, "[]", NULL, NULL, NULL, NULL, &err));
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_string_equal(err.text,
			    "directory: the search of ou=people,dc=t for (objectClass=inetOrgPerson) "
			    "yields no users: nothing is decided on an empty answer "
			    "(users.directory.allow_empty: true if that is meant)");
	/* nobody left either, once every entry is left out */
	assert_null(map(&q, "[{'dn': 'cn=x,dc=t', 'attrs': {}}]", NULL, NULL, NULL, NULL, &err));
	q.allow_empty = true;
	out = map(&q, "[]", NULL, NULL, NULL, NULL, &err);
	assert_non_null(out);
	assert_int_equal(json_object_size(json_object_get(out, "users")), 0);
}

static void test_the_query_from_a_policy(void **state)
{
	struct directory_query q;

	(void)state;
	directory_query_of(J("{'source': 'corp', 'base': 'dc=t', 'attributes': {'id': 'sAMAccountName', "
			     "'anchor': 'objectGUID'}, 'admins': 'cn=a,dc=t', 'allow_empty': true}"),
			   &q);
	assert_string_equal(q.base, "dc=t");
	assert_string_equal(q.id_attr, "sAMAccountName");
	assert_string_equal(q.anchor_attr, "objectGUID");
	assert_string_equal(q.admins, "cn=a,dc=t");
	assert_null(q.filter);
	assert_null(q.member_of);
	assert_true(q.allow_empty);
	/* the defaults: uid and entryUUID */
	directory_query_of(J("{'source': 'corp', 'base': 'dc=t'}"), &q);
	assert_string_equal(q.id_attr, "uid");
	assert_string_equal(q.anchor_attr, "entryUUID");
}

#define T(f) cmocka_unit_test_teardown(f, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_ids_fields_and_who_is_left_out), T(test_two_entries_for_one_id_are_an_error_naming_both),
	    T(test_disabled_members_and_admins),    T(test_an_empty_answer_decides_nothing),
	    T(test_the_query_from_a_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
