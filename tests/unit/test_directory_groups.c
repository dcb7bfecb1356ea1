/* Nested groups (cli/directory/groups.c) over a made-up tree: every kind of group, nesting, a cycle,
 * members outside the search, the depth bound; and the DN form they are compared in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "directory/groups.h"
#include "test_json.h"

/* The tree: {dn: entry}; reads counts the reads made. */
static json_t *tree;
static int reads;

static int read_entry(void *ctx, const char *dn, json_t **entry, struct msg_err *err)
{
	char *norm = dn_normalize(dn);

	(void)ctx;
	(void)err;
	reads++;
	*entry = json_incref(json_object_get(tree, norm));
	free(norm);
	return 0;
}

static const struct group_reader reader = {.read = read_entry};

static const char *const people_json =
    "{'uid=alice,ou=people,dc=t': true, 'uid=bob,ou=people,dc=t': true, 'uid=carol,ou=people,dc=t': "
    "true, 'uid=dave,ou=people,dc=t': true}";

static void setup_tree(void)
{
	tree = J("{"
		 "'cn=top,ou=groups,dc=t': {'attrs': {'objectclass': ['groupOfNames'], 'member': "
		 "['uid=alice,ou=people,dc=t', 'cn=mid,ou=groups,dc=t', 'uid=zoe,ou=people,dc=t']}},"
		 "'cn=mid,ou=groups,dc=t': {'attrs': {'objectclass': ['groupOfUniqueNames'], "
		 "'uniquemember': []}},"
		 "'cn=posix,ou=groups,dc=t': {'attrs': {'objectclass': ['posixGroup'], 'memberuid': "
		 "['carol', 'nobody']}},"
		 "'uid=zoe,ou=people,dc=t': {'attrs': {'objectclass': ['inetOrgPerson']}},"
		 "'cn=ad,ou=groups,dc=t': {'attrs': {'objectclass': ['top', 'group'], 'member': "
		 "['uid=dave,ou=people,dc=t']}}"
		 "}");
	/* uniqueMember's optional "#'...'B" (J takes no apostrophes) */
	json_object_set_new(json_object_get(json_object_get(tree, "cn=mid,ou=groups,dc=t"), "attrs"),
			    "uniquemember",
			    json_pack("[s,s,s]", "UID=Bob, OU=people, DC=t#'0101'B",
				      "cn=posix,ou=groups,dc=t", "cn=top,ou=groups,dc=t"));
}

static void test_nested_groups_of_every_kind_and_a_cycle(void **state)
{
	struct msg_err err = {0};
	json_t *people = NULL, *uids = NULL;

	(void)state;
	setup_tree();
	reads = 0;
	assert_int_equal(
	    group_members(&reader, "cn=top,ou=groups,dc=t", J(people_json), &people, &uids, &err), 0);
	hold(people);
	hold(uids);
	/* alice directly, bob through mid (uniqueMember, its suffix dropped, its case and blanks
	 * normalized), carol's uid through posix; zoe is no one searched for; the cycle back to top ends */
	assert_json_as(people, J("{'uid=alice,ou=people,dc=t': true, 'uid=bob,ou=people,dc=t': true}"), 0);
	assert_json_as(uids, J("{'carol': true, 'nobody': true}"), 0);
	/* top, mid, posix and zoe, each once: top is not read again when mid names it */
	assert_int_equal(reads, 4);
}

static void test_active_directory_groups(void **state)
{
	struct msg_err err = {0};
	json_t *people = NULL, *uids = NULL;

	(void)state;
	setup_tree();
	assert_int_equal(group_members(&reader, "CN=ad,OU=groups,DC=t", J(people_json), &people, &uids, &err),
			 0);
	assert_json_as(hold(people), J("{'uid=dave,ou=people,dc=t': true}"), 0);
	assert_int_equal(json_object_size(hold(uids)), 0);
}

static void test_no_group_no_answer(void **state)
{
	struct msg_err err = {0};
	json_t *people = NULL, *uids = NULL;

	(void)state;
	setup_tree();
	assert_int_equal(group_members(&reader, "cn=missing,dc=t", J(people_json), &people, &uids, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	assert_string_equal(err.text, "cn=missing,dc=t: no such entry");
	assert_int_equal(
	    group_members(&reader, "uid=zoe,ou=people,dc=t", J(people_json), &people, &uids, &err), -1);
	assert_string_equal(err.text,
			    "uid=zoe,ou=people,dc=t: not a group (groupOfNames, groupOfUniqueNames, "
			    "posixGroup or group)");
}

static void test_nesting_is_bounded(void **state)
{
	struct msg_err err = {0};
	json_t *people = NULL, *uids = NULL;
	char dn[64], next[64];

	(void)state;
	tree = hold(json_object());
	for (int i = 0; i <= GROUP_DEPTH_MAX + 1; i++) {
		snprintf(dn, sizeof(dn), "cn=g%d,dc=t", i);
		snprintf(next, sizeof(next), "cn=g%d,dc=t", i + 1);
		json_object_set_new(
		    tree, dn,
		    json_pack("{s:{s:[s],s:[s]}}", "attrs", "objectclass", "groupOfNames", "member", next));
	}
	assert_int_equal(group_members(&reader, "cn=g0,dc=t", J("{}"), &people, &uids, &err), -1);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_string_equal(err.text, "groups nested deeper than 16 levels, down to cn=g17,dc=t");
	/* exactly at the bound is fine */
	json_object_del(tree, "cn=g17,dc=t");
	json_object_set_new(json_object_get(json_object_get(tree, "cn=g16,dc=t"), "attrs"), "member",
			    json_array());
	assert_int_equal(group_members(&reader, "cn=g0,dc=t", J("{}"), &people, &uids, &err), 0);
	hold(people);
	hold(uids);
}

static void test_dn_normalize(void **state)
{
	static const char *const cases[][2] = {
	    {"UID=Alice, OU=People,DC=Example", "uid=alice,ou=people,dc=example"},
	    {"cn = x , dc = t", "cn=x,dc=t"},
	    {"cn=a\\, b,dc=t", "cn=a\\, b,dc=t"}, /* an escaped comma is part of the value */
	    {"cn=x\\ ", "cn=x\\ "},		  /* and so is an escaped trailing blank */
	    {"", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *n = dn_normalize(cases[i][0]);

		assert_string_equal(n, cases[i][1]);
		free(n);
	}
}

#define T(f) cmocka_unit_test_teardown(f, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_nested_groups_of_every_kind_and_a_cycle),
	    T(test_active_directory_groups),
	    T(test_no_group_no_answer),
	    T(test_nesting_is_bounded),
	    T(test_dn_normalize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
