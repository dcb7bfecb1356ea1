/* Tests of what the Synapse driver decides about rooms without asking a server: policy durations
 * in milliseconds (cli/engine/duration.c), the server ACL a federation section asks for and the guard
 * that never lets one shut the server out of its own rooms, Matrix globs, retention items, what
 * the admin lacks before it can write a room's state, and room ids in paths.
 * The state excerpts follow GET /_synapse/admin/v1/rooms/<id>/state as a real Synapse 1.67 answered
 * it (observed-1.67/transcript-rooms.txt), cut to the events that matter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/duration.h"
#include "base/exitcode.h"
#include "drivers/synapse.h"
#include "test_json.h"

static void assert_json(const json_t *got, const char *expected)
{
	assert_json_as(got, J(expected), 0);
}

/* ---- durations ---- */

static int64_t ms_of(const char *text)
{
	const char *why = NULL;
	int64_t ms = -1;

	assert_int_equal(duration_parse_ms(text, &ms, &why), 0);
	return ms;
}

static const char *refusal_of(const char *text)
{
	const char *why = NULL;
	int64_t ms = 12345;

	assert_int_equal(duration_parse_ms(text, &ms, &why), -1);
	assert_int_equal(ms, 12345); /* untouched on failure */
	assert_non_null(why);
	return why;
}

static void test_durations_in_every_unit(void **state)
{
	(void)state;
	assert_int_equal(ms_of("1500ms"), 1500);
	assert_int_equal(ms_of("45s"), 45000);
	assert_int_equal(ms_of("90m"), 5400000);
	assert_int_equal(ms_of("12h"), 43200000);
	assert_int_equal(ms_of("30d"), INT64_C(2592000000));
	assert_int_equal(ms_of("2w"), INT64_C(1209600000));
	assert_int_equal(ms_of("1y"), INT64_C(31536000000)); /* 365 days, as Synapse's config parser */
	assert_int_equal(ms_of("0s"), 0);
	assert_int_equal(ms_of("007d"), 7 * INT64_C(86400000));
}

static void test_durations_refused_when_malformed(void **state)
{
	const char *bad[] = {"",    "d",    "30",   "30 d", "30D", "-1d",
			     "+1d", "1.5h", "30dd", "1d2h", "1 y", " 1d"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_non_null(strstr(refusal_of(bad[i]), "not a duration"));
	assert_non_null(strstr(refusal_of(NULL), "not a duration"));
}

/* The policy's syntax takes any length, a longer one than 64-bit milliseconds counting as forever;
 * Synapse refuses what Matrix cannot carry (2^53-1 ms), naming the rule. */
static void test_durations_refused_past_what_matrix_carries(void **state)
{
	struct msg_err err = {0};
	int64_t ms = -1;

	(void)state;
	assert_int_equal(ms_of("9007199254740992ms"), SYN_MS_MAX + 1);
	assert_int_equal(ms_of("99999999999999999999999999d"), DURATION_MAX_MS);
	assert_int_equal(ms_of("300000y"), INT64_C(300000) * 365 * 86400000);
	/* an overflowing number with a bad unit is still "not a duration" */
	assert_non_null(strstr(refusal_of("99999999999999999999999999x"), "not a duration"));
	assert_int_equal(syn_duration_ms("9007199254740991ms", "r", "max_lifetime", &ms, &err), 0);
	assert_int_equal(ms, SYN_MS_MAX);
	assert_int_equal(syn_duration_ms("285616y", "r", "max_lifetime", &ms, &err), 0);
	assert_int_equal(ms, INT64_C(285616) * 365 * 86400000);
	assert_int_equal(
	    syn_duration_ms("9007199254740992ms", "retention.rooms[1]", "max_lifetime", &ms, &err), -1);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_string_equal(err.text, "retention.rooms[1].max_lifetime: '9007199254740992ms' is longer than "
				      "2^53-1 ms, the largest number Matrix carries");
	assert_int_equal(syn_duration_ms("285617y", "r", "max_lifetime", &ms, &err), -1);
	assert_int_equal(syn_duration_ms("99999999999999999999999999d", "r", "max_lifetime", &ms, &err), -1);
	assert_non_null(strstr(err.text, "longer than 2^53-1 ms"));
	assert_int_equal(syn_duration_ms("30 d", "r", "max_lifetime", &ms, &err), -1);
	assert_non_null(strstr(err.text, "r.max_lifetime: '30 d' is not a duration"));
}

static void test_durations_formatted_in_the_largest_exact_unit(void **state)
{
	char buf[32];
	const struct {
		int64_t ms;
		const char *text;
	} cases[] = {{INT64_C(2592000000), "30d"},
		     {INT64_C(31536000000), "1y"},
		     {604800000, "1w"},
		     {5400000, "90m"},
		     {1500, "1500ms"},
		     {0, "0ms"},
		     {SYN_MS_MAX, "9007199254740991ms"},
		     {DURATION_MAX_MS, "9223372036854775807ms"}};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		duration_format(cases[i].ms, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
		if (cases[i].ms > 0)
			assert_int_equal(ms_of(buf), cases[i].ms);
	}
}

/* ---- globs and ACLs ---- */

static void test_globs_as_matrix_defines_them(void **state)
{
	(void)state;
	assert_true(synapse_glob_match("*.bund.de", "matrix.bund.de"));
	assert_false(synapse_glob_match("*.bund.de", "bund.de"));
	assert_true(synapse_glob_match("*", ""));
	assert_true(synapse_glob_match("*", "anything.example"));
	assert_true(synapse_glob_match("partner?.test", "partner1.test"));
	assert_false(synapse_glob_match("partner?.test", "partner.test"));
	assert_true(synapse_glob_match("*ab", "aab")); /* backtracks */
	assert_true(synapse_glob_match("a*b*c", "aXXbYc"));
	assert_false(synapse_glob_match("a*b*c", "aXXbY"));
	assert_true(synapse_glob_match("Example.TEST", "example.test")); /* case-insensitive */
	assert_false(synapse_glob_match("example.test", "example.test.evil"));
}

static json_t *acl_for(const char *server, const char *federation)
{
	struct msg_err err = {0};
	json_t *acl = NULL;

	assert_int_equal(synapse_acl_for(server, J(federation), &acl, &err), 0);
	return acl ? hold(acl) : NULL;
}

static void test_allowlist_acl_sorted_without_duplicates(void **state)
{
	(void)state;
	assert_json(acl_for("example.test", "{'mode': 'allowlist', 'partners': ['partner.gov.nl', 'bund.de', "
					    "'example.test', '*.bund.de']}"),
		    "{'allow': ['*.bund.de', 'bund.de', 'example.test', 'partner.gov.nl'], 'deny': [], "
		    "'allow_ip_literals': false}");
	assert_json(acl_for("example.test", "{'mode': 'allowlist'}"),
		    "{'allow': ['example.test'], 'deny': [], 'allow_ip_literals': false}");
}

static void test_closed_acl_allows_only_the_server(void **state)
{
	(void)state;
	/* partners are ignored when closed */
	assert_json(acl_for("example.test", "{'mode': 'closed', 'partners': ['bund.de']}"),
		    "{'allow': ['example.test'], 'deny': [], 'allow_ip_literals': false}");
	/* ACLs compare server names without the port */
	assert_json(acl_for("example.test:8448", "{'mode': 'closed'}"),
		    "{'allow': ['example.test'], 'deny': [], 'allow_ip_literals': false}");
}

static void test_open_leaves_acls_alone(void **state)
{
	(void)state;
	assert_null(acl_for("example.test", "{'mode': 'open', 'partners': ['bund.de']}"));
}

static void test_an_acl_that_shuts_out_the_server_is_refused(void **state)
{
	struct msg_err err = {0};
	json_t *acl = NULL;

	(void)state;
	/* a server named by its IP address, and allow_ip_literals: false */
	assert_int_equal(synapse_acl_for("127.0.0.1", J("{'mode': 'closed'}"), &acl, &err), -1);
	assert_null(acl);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_non_null(strstr(err.text, "would shut 127.0.0.1 out of its own rooms"));
	assert_non_null(strstr(err.text, "IP address"));
	assert_int_equal(
	    synapse_acl_for("10.1.2.3:8448", J("{'mode': 'allowlist', 'partners': ['*']}"), &acl, &err), -1);
}

static void test_the_guard_follows_the_spec_order(void **state)
{
	(void)state;
	assert_null(synapse_acl_refusal(J("{'allow': ['*'], 'deny': []}"), "example.test"));
	assert_null(synapse_acl_refusal(J("{'allow': ['EXAMPLE.test']}"), "example.test:8448"));
	assert_non_null(
	    strstr(synapse_acl_refusal(J("{'allow': ['*'], 'deny': ['*.test']}"), "example.test"), "deny"));
	assert_non_null(strstr(synapse_acl_refusal(J("{'allow': ['bund.de']}"), "example.test"), "no allow"));
	assert_non_null(
	    strstr(synapse_acl_refusal(J("{}"), "example.test"), "no allow")); /* allow defaults to [] */
	/* IP literals: refused only when allow_ip_literals is false */
	assert_null(synapse_acl_refusal(J("{'allow': ['*']}"), "192.168.0.1"));
	assert_null(synapse_acl_refusal(J("{'allow': ['*'], 'allow_ip_literals': true}"), "192.168.0.1"));
	assert_non_null(
	    synapse_acl_refusal(J("{'allow': ['*'], 'allow_ip_literals': false}"), "192.168.0.1"));
	assert_non_null(synapse_acl_refusal(J("{'allow': ['*'], 'allow_ip_literals': false}"), "[::1]:8448"));
	/* a name that only looks numeric is not an IP literal */
	assert_null(
	    synapse_acl_refusal(J("{'allow': ['*'], 'allow_ip_literals': false}"), "1.2.3.4.example"));
	assert_null(synapse_acl_refusal(J("{'allow': ['*'], 'allow_ip_literals': false}"), "300.1.1.1"));
}

/* ---- retention ---- */

static void test_retention_item_in_milliseconds(void **state)
{
	struct msg_err err = {0};
	json_t *item = NULL;

	(void)state;
	assert_int_equal(synapse_retention_item(J("{'room': '#ops:example.test', 'max_lifetime': '30d', "
						  "'min_lifetime': '1d'}"),
						"retention.rooms[0]", &item, &err),
			 0);
	assert_json(hold(item), "{'max_lifetime': 2592000000, 'min_lifetime': 86400000}");
	assert_int_equal(synapse_retention_item(J("{'room': '!a:example.test', 'max_lifetime': '1y'}"),
						"retention.rooms[1]", &item, &err),
			 0);
	assert_json(hold(item), "{'max_lifetime': 31536000000}");
}

static void test_retention_item_refusals_name_the_rule(void **state)
{
	struct msg_err err = {0};
	json_t *item = NULL;

	(void)state;
	assert_int_equal(
	    synapse_retention_item(J("{'room': '!a:x', 'max_lifetime': '1d', 'min_lifetime': '2d'}"),
				   "retention.rooms[3]", &item, &err),
	    -1);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_string_equal(err.text, "retention.rooms[3]: min_lifetime 2d is longer than max_lifetime 1d");
	assert_int_equal(synapse_retention_item(J("{'room': '!a:x', 'max_lifetime': '300000y'}"),
						"retention.rooms[0]", &item, &err),
			 -1);
	assert_non_null(strstr(err.text, "retention.rooms[0].max_lifetime: '300000y' is longer than"));
	assert_null(item);
}

/* ---- what the admin lacks in a room ---- */

static const char *const room_state =
    "[{'type': 'm.room.create', 'state_key': '', 'content': {'room_version': '9', 'creator': "
    "'@bob:example.test'}},"
    " {'type': 'm.room.member', 'state_key': '@bob:example.test', 'content': {'membership': 'join'}},"
    " {'type': 'm.room.member', 'state_key': '@admin:example.test', 'content': {'membership': '%s'}},"
    " {'type': 'm.room.power_levels', 'state_key': '', 'content': {'users': {'@bob:example.test': 100%s},"
    "  'users_default': 0, 'events': {'m.room.server_acl': 100}, 'state_default': 50}},"
    " {'type': 'm.room.server_acl', 'state_key': '', 'content': {'allow': ['*'], 'deny': ['evil.example'],"
    "  'allow_ip_literals': false}}]";

static json_t *state_with(const char *membership, const char *admin_power)
{
	char text[2048];

	snprintf(text, sizeof(text), room_state, membership, admin_power);
	return J(text);
}

static void test_admin_access_in_a_room(void **state)
{
	(void)state;
	assert_int_equal(
	    syn_admin_access(state_with("invite", ""), "@admin:example.test", "m.room.server_acl"),
	    SYN_MUST_JOIN); /* make_room_admin invites into a private room: not enough */
	assert_int_equal(syn_admin_access(state_with("leave", ", '@admin:example.test': 100"),
					  "@admin:example.test", "m.room.server_acl"),
			 SYN_MUST_JOIN);
	assert_int_equal(syn_admin_access(state_with("join", ""), "@admin:example.test", "m.room.server_acl"),
			 SYN_NEEDS_POWER);
	assert_int_equal(syn_admin_access(state_with("join", ", '@admin:example.test': 50"),
					  "@admin:example.test", "m.room.retention"), /* state_default 50 */
			 SYN_CAN_SEND);
	assert_int_equal(syn_admin_access(state_with("join", ", '@admin:example.test': 50"),
					  "@admin:example.test", "m.room.server_acl"),
			 SYN_NEEDS_POWER);
	assert_int_equal(syn_admin_access(state_with("join", ", '@admin:example.test': 100"),
					  "@admin:example.test", "m.room.server_acl"),
			 SYN_CAN_SEND);
	assert_int_equal(syn_admin_access(J("[]"), "@admin:example.test", "m.room.server_acl"),
			 SYN_MUST_JOIN);
}

static void test_state_content_and_differences(void **state)
{
	const json_t *acl = syn_state_content(state_with("join", ""), "m.room.server_acl", "");

	(void)state;
	assert_json(acl, "{'allow': ['*'], 'deny': ['evil.example'], 'allow_ip_literals': false}");
	assert_null(syn_state_content(state_with("join", ""), "m.room.retention", ""));
	assert_json(syn_state_content(state_with("join", ""), "m.room.member", "@bob:example.test"),
		    "{'membership': 'join'}");
	assert_true(syn_item_differs(J("{'allow': ['example.test']}"), acl));
	assert_true(syn_item_differs(J("{'allow': ['*']}"), NULL));
	assert_false(syn_item_differs(J("{'allow': ['*'], 'allow_ip_literals': false}"), acl));
	assert_true(syn_item_differs(J("{'max_lifetime': 1}"), J("{}")));
}

static void test_room_ids_in_paths(void **state)
{
	char *p;

	(void)state;
	p = syn_room_path_id("!JgKuMXMPheJtLCpyYH:example.test");
	assert_string_equal(p, "!JgKuMXMPheJtLCpyYH:example.test");
	free(p);
	p = syn_room_path_id("#ops:example.test");
	assert_string_equal(p, "%23ops:example.test");
	free(p);
	p = syn_room_path_id("!a/b?c:example.test:8448");
	assert_string_equal(p, "!a%2Fb%3Fc:example.test%3A8448");
	free(p);
}

static void test_room_labels(void **state)
{
	char label[128];

	(void)state;
	syn_room_label(label, sizeof(label), "!a:x", J("{'canonical_alias': '#ops:x', 'name': 'Ops'}"));
	assert_string_equal(label, "!a:x (#ops:x)");
	syn_room_label(label, sizeof(label), "!a:x", J("{'canonical_alias': null, 'name': 'Ops'}"));
	assert_string_equal(label, "!a:x (\"Ops\")");
	syn_room_label(label, sizeof(label), "!a:x", J("{}"));
	assert_string_equal(label, "!a:x");
}

#define T(f) cmocka_unit_test_teardown(f, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_durations_in_every_unit),
	    T(test_durations_refused_when_malformed),
	    T(test_durations_refused_past_what_matrix_carries),
	    T(test_durations_formatted_in_the_largest_exact_unit),
	    T(test_globs_as_matrix_defines_them),
	    T(test_allowlist_acl_sorted_without_duplicates),
	    T(test_closed_acl_allows_only_the_server),
	    T(test_open_leaves_acls_alone),
	    T(test_an_acl_that_shuts_out_the_server_is_refused),
	    T(test_the_guard_follows_the_spec_order),
	    T(test_retention_item_in_milliseconds),
	    T(test_retention_item_refusals_name_the_rule),
	    T(test_admin_access_in_a_room),
	    T(test_state_content_and_differences),
	    T(test_room_ids_in_paths),
	    T(test_room_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
