/* The directory profile's URL rules (cli/directory/ldap_conn.c), checked before anything is sent:
 * TLS or loopback only, nothing after the host, StartTLS only for ldap://, no empty bind password. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/exitcode.h"
#include "directory/directory.h"

static void refused(const char *url, bool starttls, const char *message)
{
	struct directory_profile p = {.name = "corp", .url = url, .starttls = starttls, .timeout_ms = 1000};
	struct directory *d = NULL;
	struct msg_err err = {0};

	assert_int_equal(directory_open(&p, "pw", NULL, &d, &err), -1);
	assert_null(d);
	assert_int_equal(err.status, EXIT_CONFIG);
	assert_string_equal(err.text, message);
}

static void test_plain_ldap_only_to_loopback(void **state)
{
	(void)state;
	refused(
	    "ldap://ldap.example.gov", false,
	    "directory corp: url: ldap:// sends the bind password in the clear: use ldaps://, or starttls: "
	    "true (plain ldap:// only to a loopback address): ldap://ldap.example.gov");
	refused(
	    "ldap://10.0.0.1:389", false,
	    "directory corp: url: ldap:// sends the bind password in the clear: use ldaps://, or starttls: "
	    "true (plain ldap:// only to a loopback address): ldap://10.0.0.1:389");
}

static void test_nothing_after_the_host(void **state)
{
	(void)state;
	refused(
	    "ldaps://ldap.example.gov/dc=example,dc=gov", false,
	    "directory corp: url: give only ldaps://HOST[:PORT] (the base and filter belong to the policy's "
	    "users.directory): ldaps://ldap.example.gov/dc=example,dc=gov");
	refused(
	    "ldaps://ldap.example.gov/??sub?(uid=x)", false,
	    "directory corp: url: give only ldaps://HOST[:PORT] (the base and filter belong to the policy's "
	    "users.directory): ldaps://ldap.example.gov/??sub?(uid=x)");
}

static void test_other_schemes_and_starttls_on_ldaps(void **state)
{
	(void)state;
	refused("ldapi:///run/slapd.sock", false,
		"directory corp: url: only ldaps:// and ldap:// are supported: ldapi:///run/slapd.sock");
	refused("ldaps://ldap.example.gov", true,
		"directory corp: starttls: is for ldap:// URLs; ldaps:// is TLS already");
	refused("not a url", false, "directory corp: url: not an LDAP URL: not a url");
}

static void test_a_bind_needs_a_password(void **state)
{
	struct directory_profile p = {
	    .name = "corp", .url = "ldap://127.0.0.1:1", .bind_dn = "cn=msgadm,dc=t", .timeout_ms = 1000};
	struct directory *d = NULL;
	struct msg_err err = {0};

	(void)state;
	assert_int_equal(directory_open(&p, "", NULL, &d, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	assert_string_equal(err.text,
			    "directory corp: no bind password: an empty one would bind anonymously");
}

static void test_nothing_listening(void **state)
{
	struct directory_profile p = {
	    .name = "corp", .url = "ldap://127.0.0.1:1", .bind_dn = "cn=msgadm,dc=t", .timeout_ms = 2000};
	struct directory *d = NULL;
	struct msg_err err = {0};

	(void)state;
	assert_int_equal(directory_open(&p, "secret-pw", NULL, &d, &err), -1);
	assert_int_equal(err.status, EXIT_UNAVAILABLE);
	assert_string_equal(err.text, "directory corp: bind as cn=msgadm,dc=t (ldap://127.0.0.1:1): Can't "
				      "contact LDAP server");
	assert_null(strstr(err.text, "secret-pw"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_ldap_only_to_loopback),
	    cmocka_unit_test(test_nothing_after_the_host),
	    cmocka_unit_test(test_other_schemes_and_starttls_on_ldaps),
	    cmocka_unit_test(test_a_bind_needs_a_password),
	    cmocka_unit_test(test_nothing_listening),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
