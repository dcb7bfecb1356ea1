/* Tests of the Synapse driver's reading of replies into the canonical model (synapse_user_from_wire,
 * synapse_token_from_wire) and of the homeserver.yaml fragments it renders. The replies are excerpts of
 * what a real Synapse 1.67 answered (/work/shared/reference/synapse/observed-1.67/transcript-*.txt);
 * the few marked "adapted" change one field of such a reply to reach a case the transcripts lack.
 * No network: the session is only a context with server_name example.test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/synapse.h"
#include "test_json.h"

/* A reply body, as received. */
static json_t *reply(const char *text)
{
	json_error_t error;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &error);

	if (v == NULL)
		fail_msg("bad test JSON at %d: %s", error.position, error.text);
	return hold(v);
}

static void assert_json(const json_t *got, const char *expected)
{
	assert_json_as(got, reply(expected), JSON_SORT_KEYS);
}

static json_t *user_from(const char *wire)
{
	const struct context ctx = {.name = "test", .driver = "synapse", .server = "example.test"};
	const struct session s = {.context = &ctx};

	return hold(synapse_user_from_wire(&s, reply(wire)));
}

static json_t *token_from(const char *wire)
{
	return hold(synapse_token_from_wire(reply(wire)));
}

/* ---- users ---- */

/* GET /_synapse/admin/v2/users?from=0&limit=2 (transcript-users.txt) */
static const char *const users_page =
    "{\"users\": [{\"name\": \"@admin:example.test\", \"user_type\": null, \"is_guest\": 0, \"admin\": 1, "
    "\"deactivated\": 0, \"shadow_banned\": 0, \"displayname\": \"Admin\", \"avatar_url\": null, "
    "\"creation_ts\": 1795696974000}, {\"name\": \"@alice:example.test\", \"user_type\": null, \"is_guest\": "
    "0, "
    "\"admin\": 0, \"deactivated\": 0, \"shadow_banned\": 0, \"displayname\": \"Alice L.\", \"avatar_url\": "
    "null, "
    "\"creation_ts\": 1795696984000}], \"total\": 6, \"next_token\": \"2\"}";

/* GET /_synapse/admin/v2/users/@alice:example.test (transcript-users.txt) */
static const char *const alice_full =
    "{\"name\": \"@alice:example.test\", \"is_guest\": 0, \"admin\": 0, \"consent_version\": null, "
    "\"consent_server_notice_sent\": null, \"appservice_id\": null, \"creation_ts\": 1795696984, "
    "\"user_type\": null, \"deactivated\": 0, \"shadow_banned\": 0, \"displayname\": \"Alice L.\", "
    "\"avatar_url\": null, \"threepids\": [{\"medium\": \"email\", \"address\": \"alice@example.test\", "
    "\"validated_at\": 1795696984700, \"added_at\": 1795696984700}], "
    "\"external_ids\": [{\"auth_provider\": \"oidc-example\", \"external_id\": \"alice-ext-1\"}]}";

static void test_list_entries_integer_booleans(void **state)
{
	const struct context ctx = {.server = "example.test"};
	const struct session s = {.context = &ctx};
	json_t *users = json_object_get(reply(users_page), "users");

	(void)state;
	assert_json(hold(synapse_user_from_wire(&s, json_array_get(users, 0))),
		    "{\"id\": \"admin\", \"display_name\": \"Admin\", \"admin\": true, \"active\": true}");
	assert_json(
	    hold(synapse_user_from_wire(&s, json_array_get(users, 1))),
	    "{\"id\": \"alice\", \"display_name\": \"Alice L.\", \"admin\": false, \"active\": true}");
}

static void test_list_entry_has_no_email_field(void **state)
{
	json_t *u;

	(void)state;
	/* The list API has no threepids: e-mail is unknown (absent), not "none" (null). */
	u = user_from(
	    "{\"name\": \"@bob:example.test\", \"user_type\": null, \"is_guest\": 0, \"admin\": 0, "
	    "\"deactivated\": 0, \"shadow_banned\": 0, \"displayname\": \"bob\", \"avatar_url\": null, "
	    "\"creation_ts\": 1795696984000}");
	assert_non_null(u);
	assert_null(json_object_get(u, "email"));
}

static void test_deactivated_user_is_inactive(void **state)
{
	(void)state;
	/* GET /_synapse/admin/v2/users?deactivated=true&guests=false&limit=10 (transcript-users2.txt) */
	assert_json(
	    user_from("{\"name\": \"@erin:example.test\", \"user_type\": null, \"is_guest\": 0, "
		      "\"admin\": 0, \"deactivated\": 1, \"shadow_banned\": 0, \"displayname\": \"erin\", "
		      "\"avatar_url\": null, \"creation_ts\": 1795696985000}"),
	    "{\"id\": \"erin\", \"display_name\": \"erin\", \"admin\": false, \"active\": false}");
}

static void test_full_user_email_from_threepids(void **state)
{
	(void)state;
	assert_json(user_from(alice_full),
		    "{\"id\": \"alice\", \"display_name\": \"Alice L.\", "
		    "\"email\": \"alice@example.test\", \"admin\": false, \"active\": true}");
}

static void test_full_user_without_threepids_has_null_email(void **state)
{
	(void)state;
	/* PUT /_synapse/admin/v2/users/@dave:example.test {"admin":true} (transcript-users2.txt) */
	assert_json(
	    user_from(
		"{\"name\": \"@dave:example.test\", \"is_guest\": 0, \"admin\": 1, "
		"\"consent_version\": null, \"consent_server_notice_sent\": null, \"appservice_id\": null, "
		"\"creation_ts\": 1795696985, \"user_type\": null, \"deactivated\": 0, \"shadow_banned\": 0, "
		"\"displayname\": \"dave\", \"avatar_url\": null, \"threepids\": [], \"external_ids\": []}"),
	    "{\"id\": \"dave\", \"display_name\": \"dave\", \"email\": null, \"admin\": true, \"active\": "
	    "true}");
}

static void test_null_displayname_gives_no_display_name(void **state)
{
	json_t *u;

	(void)state;
	/* adapted: erin's list entry with displayname null (an account created without one) */
	u = user_from(
	    "{\"name\": \"@erin:example.test\", \"user_type\": null, \"is_guest\": 0, \"admin\": 0, "
	    "\"deactivated\": 0, \"shadow_banned\": 0, \"displayname\": null, \"avatar_url\": null, "
	    "\"creation_ts\": 1795696985000}");
	assert_json(u, "{\"id\": \"erin\", \"admin\": false, \"active\": true}");
}

static void test_msisdn_ignored_first_email_taken(void **state)
{
	(void)state;
	/* adapted: alice's full object with a phone number before two e-mail addresses */
	assert_json(
	    user_from(
		"{\"name\": \"@alice:example.test\", \"is_guest\": 0, \"admin\": 0, \"deactivated\": 0, "
		"\"displayname\": \"Alice L.\", \"threepids\": ["
		"{\"medium\": \"msisdn\", \"address\": \"447700900123\", \"validated_at\": 1795696984700, "
		"\"added_at\": 1795696984700}, "
		"{\"medium\": \"email\", \"address\": \"alice@example.test\", \"validated_at\": "
		"1795696984700, "
		"\"added_at\": 1795696984700}, "
		"{\"medium\": \"email\", \"address\": \"a.liddell@example.test\", \"validated_at\": "
		"1795696984800, "
		"\"added_at\": 1795696984800}]}"),
	    "{\"id\": \"alice\", \"display_name\": \"Alice L.\", \"email\": \"alice@example.test\", "
	    "\"admin\": false, "
	    "\"active\": true}");
	/* only a phone number: no e-mail */
	assert_json(
	    json_object_get(
		user_from("{\"name\": \"@alice:example.test\", \"admin\": 0, \"deactivated\": 0, "
			  "\"threepids\": [{\"medium\": \"msisdn\", \"address\": \"447700900123\"}]}"),
		"email"),
	    "null");
}

static void test_remote_and_malformed_users_are_null(void **state)
{
	(void)state;
	assert_null(user_from("{\"name\": \"@zoe:other.example\", \"admin\": 0, \"deactivated\": 0}"));
	assert_null(user_from("{\"name\": \"@zoe:example.test.evil\", \"admin\": 0, \"deactivated\": 0}"));
	assert_null(user_from("{\"name\": \"@zoe:test\", \"admin\": 0, \"deactivated\": 0}"));
	assert_null(user_from("{\"name\": \"zoe\", \"admin\": 0, \"deactivated\": 0}"));
	assert_null(user_from("{\"admin\": 0, \"deactivated\": 0}"));
}

static void test_json_booleans_accepted_too(void **state)
{
	(void)state;
	/* adapted: the same fields as JSON booleans, as other Synapse endpoints answer them */
	assert_json(user_from("{\"name\": \"@bob:example.test\", \"admin\": true, \"deactivated\": true, "
			      "\"displayname\": \"bob\"}"),
		    "{\"id\": \"bob\", \"display_name\": \"bob\", \"admin\": true, \"active\": false}");
}

/* ---- registration tokens ---- */

static void test_token_with_limit_and_expiry(void **state)
{
	(void)state;
	/* POST /_synapse/admin/v1/registration_tokens/new (transcript-regtokens.txt). 4102444800000 is
	 * 2100-01-01T00:00:00Z: the token works through 2099-12-31, the policy's date. */
	assert_json(
	    token_from("{\"token\": \"msgadm-tok_1\", \"uses_allowed\": 3, \"pending\": 0, \"completed\": 0, "
		       "\"expiry_time\": 4102444800000}"),
	    "{\"name\": \"msgadm-tok_1\", \"uses\": 3, \"expires\": \"2099-12-31\", \"used\": 0, "
	    "\"pending\": 0}");
}

static void test_token_without_limits(void **state)
{
	(void)state;
	assert_json(
	    token_from("{\"token\": \"yBurISyH\", \"uses_allowed\": null, \"pending\": 0, \"completed\": 0, "
		       "\"expiry_time\": null}"),
	    "{\"name\": \"yBurISyH\", \"uses\": null, \"expires\": null, \"used\": 0, \"pending\": 0}");
}

static void test_token_completed_is_used(void **state)
{
	json_t *t;

	(void)state;
	/* adapted: msgadm-tok_1 after two registrations and one in progress */
	t = token_from("{\"token\": \"msgadm-tok_1\", \"uses_allowed\": 3, \"pending\": 1, \"completed\": 2, "
		       "\"expiry_time\": 4102444800000}");
	assert_int_equal(json_integer_value(json_object_get(t, "used")), 2);
	assert_int_equal(json_integer_value(json_object_get(t, "pending")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "uses")), 3);
}

static void test_token_expiry_within_a_day(void **state)
{
	(void)state;
	/* Expiring at noon on 2099-12-31 (set by another tool): it still works that day. */
	assert_json(json_object_get(token_from("{\"token\": \"t\", \"uses_allowed\": null, \"pending\": 0, "
					       "\"completed\": 0, \"expiry_time\": 4102401600000}"),
				    "expires"),
		    "\"2099-12-31\"");
	/* One millisecond before midnight: still 2099-12-31; one millisecond after: works on 2100-01-01. */
	assert_json(json_object_get(token_from("{\"token\": \"t\", \"uses_allowed\": null, \"pending\": 0, "
					       "\"completed\": 0, \"expiry_time\": 4102444799999}"),
				    "expires"),
		    "\"2099-12-31\"");
	assert_json(json_object_get(token_from("{\"token\": \"t\", \"uses_allowed\": null, \"pending\": 0, "
					       "\"completed\": 0, \"expiry_time\": 4102444800001}"),
				    "expires"),
		    "\"2100-01-01\"");
}

static void test_token_without_name_is_null(void **state)
{
	(void)state;
	assert_null(
	    token_from("{\"uses_allowed\": 3, \"pending\": 0, \"completed\": 0, \"expiry_time\": null}"));
	assert_null(token_from("{\"errcode\": \"M_NOT_FOUND\", \"error\": \"No such registration token: "
			       "msgadm-tok_1\"}"));
}

/* ---- homeserver.yaml fragments ---- */

/* Renders a section of the policy given as JSON text; the result is compared and freed. */
static void assert_renders(const char *section, const char *value, const char *expected)
{
	char *got = synapse_render_config(section, reply(value));
	int same = got != NULL && strcmp(got, expected) == 0;

	if (!same)
		print_error("%s: got\n%s\nexpected\n%s\n", section, got ? got : "(null)", expected);
	free(got);
	assert_true(same);
}

static void test_render_registration(void **state)
{
	(void)state;
	assert_renders("invites.registration", "\"token\"",
		       "enable_registration: true\nregistration_requires_token: true");
	assert_renders("invites.registration", "\"closed\"", "enable_registration: false");
	assert_renders("invites.registration", "\"open\"",
		       "enable_registration: true\nregistration_requires_token: false");
}

static void test_render_federation_allowlist(void **state)
{
	(void)state;
	assert_renders("federation",
		       "{\"mode\": \"allowlist\", \"partners\": [\"partner.example\", \"lon.example.com\"]}",
		       "federation_domain_whitelist:\n  - partner.example\n  - lon.example.com");
	assert_renders("federation", "{\"mode\": \"closed\"}", "federation_domain_whitelist: []");
}

static void test_render_federation_allowlist_without_partners(void **state)
{
	(void)state;
	/* "federation_domain_whitelist:" alone is YAML null, which Synapse reads as "not specified":
	 * federate with everyone. An allowlist of nobody must stay closed. */
	assert_renders("federation", "{\"mode\": \"allowlist\", \"partners\": []}",
		       "federation_domain_whitelist: []");
	assert_renders("federation", "{\"mode\": \"allowlist\"}", "federation_domain_whitelist: []");
}

static void test_render_retention_default(void **state)
{
	(void)state;
	assert_renders(
	    "retention.default", "{\"max_lifetime\": \"1y\", \"min_lifetime\": \"1d\"}",
	    "retention:\n  enabled: true\n  default_policy:\n    max_lifetime: 1y\n    min_lifetime: 1d");
	assert_renders("retention.default", "{\"max_lifetime\": \"180d\"}",
		       "retention:\n  enabled: true\n  default_policy:\n    max_lifetime: 180d");
}

static void test_render_allowed_domains_matches_only_the_domain(void **state)
{
	char *got = synapse_render_config("invites.allowed_domains", reply("[\"example.gov\"]"));
	char *start = got ? strstr(got, "pattern: '") : NULL, *end = NULL;
	int compiled = -1, own = -1, other = -1, longer = -1;
	regex_t re;

	(void)state;
	if (start != NULL) {
		start += strlen("pattern: '");
		end = strchr(start, '\'');
	}
	if (end != NULL) {
		*end = '\0';
		compiled = regcomp(&re, start, REG_EXTENDED | REG_NOSUB);
	}
	if (compiled == 0) {
		own = regexec(&re, "alice@example.gov", 0, NULL, 0);
		other = regexec(&re, "mallory@exampleXgov", 0, NULL, 0);
		longer = regexec(&re, "mallory@example.gov.evil", 0, NULL, 0);
		regfree(&re);
	}
	assert_non_null(got);
	assert_non_null(strstr(got, "allowed_local_3pids:"));
	free(got);
	assert_non_null(end);
	assert_int_equal(compiled, 0);
	assert_int_equal(own, 0);
	/* "." in a domain is a literal dot, not "any character". */
	assert_int_equal(other, REG_NOMATCH);
	assert_int_equal(longer, REG_NOMATCH);
}

static void test_render_unknown_section_is_null(void **state)
{
	(void)state;
	assert_null(synapse_render_config("users.list", reply("[]")));
	assert_null(synapse_render_config("invites.registration", reply("3")));
}

#define T(f) cmocka_unit_test_teardown(f, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_list_entries_integer_booleans),
	    T(test_list_entry_has_no_email_field),
	    T(test_deactivated_user_is_inactive),
	    T(test_full_user_email_from_threepids),
	    T(test_full_user_without_threepids_has_null_email),
	    T(test_null_displayname_gives_no_display_name),
	    T(test_msisdn_ignored_first_email_taken),
	    T(test_remote_and_malformed_users_are_null),
	    T(test_json_booleans_accepted_too),
	    T(test_token_with_limit_and_expiry),
	    T(test_token_without_limits),
	    T(test_token_completed_is_used),
	    T(test_token_expiry_within_a_day),
	    T(test_token_without_name_is_null),
	    T(test_render_registration),
	    T(test_render_federation_allowlist),
	    T(test_render_federation_allowlist_without_partners),
	    T(test_render_retention_default),
	    T(test_render_allowed_domains_matches_only_the_domain),
	    T(test_render_unknown_section_is_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
