/* Tests of cli/audit/lint.c and cli/audit/lint_output.c: each risk rule fires on the setting it is about and
 * stays quiet on a safe one; ignores, thresholds, --fail-on, positions, and the SARIF and JUnit renderings.
 * Policies are written as JSON with single quotes (J() turns them into double quotes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "audit/lint.h"
#include "engine/policy.h"
#include "io/schema.h"
#include "engine/duration.h"
#include "test_json.h"

/* A policy that trips no rule; each test changes one thing in it. */
#define SAFE                                                                                                 \
	"'version': 1, 'server': 'example.gov', "                                                            \
	"'users': {'manage': 'exclusive', 'max_deactivations': 5, 'list': [{'id': 'root', 'admin': true}, "  \
	"{'id': 'alice'}]}, "                                                                                \
	"'invites': {'registration': 'token', 'tokens': [{'name': 'q1', 'uses': 10, 'expires': "             \
	"'2027-03-31'}], "                                                                                   \
	"'allowed_domains': ['example.gov', 'mail.example.gov'], 'guests': false}, "                         \
	"'federation': {'mode': 'allowlist', 'partners': ['bund.de']}, "                                     \
	"'retention': {'default': {'max_lifetime': '180d'}, 'rooms': [{'room': '#ops:example.gov', "         \
	"'max_lifetime': '30d'}]}"

static const struct lint_options defaults = {"365d", 3, LINT_ERROR, "policy"};

static json_t *lint_with(const char *policy_json, const struct lint_options *opt)
{
	struct msg_err err = {0};
	struct policy *p = NULL;
	json_t *report = NULL;

	if (policy_from_json("p.yaml", J(policy_json), &p, &err) != 0)
		fail_msg("policy rejected: %s", err.text);
	assert_int_equal(lint_run(p, opt, &report, &err), 0);
	policy_free(p);
	return hold(report);
}

static json_t *lint_policy(const char *policy_json)
{
	return lint_with(policy_json, &defaults);
}

/* The rule ids of the report's findings, "a, b", in report order. */
static const char *rules_found(const json_t *report)
{
	static char buf[512];
	size_t used = 0, i;
	json_t *f;

	buf[0] = '\0';
	json_array_foreach(json_object_get(report, "findings"), i, f) used +=
	    (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? ", " : "",
			     json_string_value(json_object_get(f, "rule")));
	return buf;
}

static const json_t *finding(const json_t *report, size_t i)
{
	return json_array_get(json_object_get(report, "findings"), i);
}

static const char *field(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static void test_safe_policy_has_no_findings(void **state)
{
	json_t *r = lint_policy("{" SAFE "}");

	(void)state;
	assert_string_equal(rules_found(r), "");
	assert_false(json_is_true(json_object_get(r, "failed")));
	assert_int_equal(json_array_size(json_object_get(r, "rules")), 11);
}

/* Each case: the policy (SAFE with one change), the rule expected, its path, its severity. */
struct rule_case {
	const char *policy;
	const char *rule, *path, *severity;
};

static void test_each_rule_fires(void **state)
{
	static const struct rule_case cases[] = {
	    {"{" SAFE ", 'invites': {'registration': 'open'}}", "open-registration", "invites.registration",
	     "error"},
	    {"{" SAFE ", 'federation': {'mode': 'open'}}", "open-federation", "federation.mode", "error"},
	    {"{" SAFE ", 'federation': {'mode': 'allowlist', 'partners': ['bund.de', '*.gov.example']}}",
	     "partner-wildcard", "federation.partners[1]", "warning"},
	    {"{" SAFE ", 'invites': {'tokens': [{'name': 'x', 'uses': 3, 'expires': null}]}}",
	     "token-no-expiry", "invites.tokens[0]", "warning"},
	    {"{" SAFE ", 'invites': {'tokens': [{'name': 'x', 'expires': '2027-01-01'}]}}",
	     "token-unlimited-uses", "invites.tokens[0]", "warning"},
	    {"{" SAFE ", 'invites': {'guests': true}}", "guests-enabled", "invites.guests", "warning"},
	    {"{" SAFE ", 'invites': {'allowed_domains': ['example.gov', 'contractor.example']}}",
	     "foreign-allowed-domain", "invites.allowed_domains[1]", "note"},
	    {"{" SAFE ", 'retention': {'rooms': [{'room': '#a:example.gov', 'max_lifetime': '1d'}]}}",
	     "no-retention", "retention", "warning"},
	    {"{" SAFE ", 'retention': {'default': {'max_lifetime': '2y'}}}", "retention-too-long",
	     "retention.default.max_lifetime", "warning"},
	    {"{" SAFE ", 'users': {'list': [{'id': 'a', 'admin': true}, {'id': 'b', 'admin': true}, "
	     "{'id': 'c', 'admin': true}, {'id': 'd', 'admin': true}]}}",
	     "too-many-admins", "users.list", "warning"},
	    {"{" SAFE ", 'users': {'manage': 'exclusive'}}", "exclusive-without-limit", "users.manage",
	     "warning"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *r = lint_policy(cases[i].policy);

		if (strcmp(rules_found(r), cases[i].rule) != 0)
			fail_msg("case %zu: found '%s', wanted '%s'", i, rules_found(r), cases[i].rule);
		assert_string_equal(field(finding(r, 0), "path"), cases[i].path);
		assert_string_equal(field(finding(r, 0), "severity"), cases[i].severity);
		release_all(NULL);
	}
}

static void test_no_retention_section_points_at_the_document(void **state)
{
	json_t *r = lint_policy("{'version': 1, 'server': 'example.gov'}");

	(void)state;
	assert_string_equal(rules_found(r), "no-retention");
	assert_string_equal(field(finding(r, 0), "path"), "");
	assert_non_null(strstr(field(finding(r, 0), "message"), "kept forever"));
}

static void test_rules_stay_quiet_on_safe_variants(void **state)
{
	(void)state;
	/* closed registration and federation; a token with both limits; a listed admin who is inactive */
	assert_string_equal(rules_found(lint_policy("{" SAFE ", 'invites': {'registration': 'closed'}, "
						    "'federation': {'mode': 'closed'}}")),
			    "");
	assert_string_equal(rules_found(lint_policy("{" SAFE ", 'users': {'manage': 'listed', 'list': ["
						    "{'id': 'a', 'admin': true}, {'id': 'b', 'admin': true}, "
						    "{'id': 'c', 'admin': true}, {'id': 'd', 'admin': true, "
						    "'active': false}]}}")),
			    "");
	/* a parent of the server of two labels and a subdomain are the server's own */
	assert_string_equal(
	    rules_found(lint_policy("{" SAFE ", 'server': 'matrix.example.gov', 'invites': "
				    "{'allowed_domains': ['example.gov', 'x.matrix.example.gov']}}")),
	    "");
	/* "gov" is not the organisation's: one label */
	assert_string_equal(rules_found(lint_policy("{" SAFE ", 'invites': {'allowed_domains': ['gov']}}")),
			    "foreign-allowed-domain");
	/* exactly the maximum is allowed: 1y = 365d */
	assert_string_equal(
	    rules_found(lint_policy("{" SAFE ", 'retention': {'default': {'max_lifetime': '1y'}}}")), "");
}

static void test_thresholds_come_from_the_options(void **state)
{
	struct lint_options opt = defaults;
	json_t *r;

	(void)state;
	opt.max_retention = "30d";
	r = lint_with("{" SAFE "}", &opt);
	assert_string_equal(rules_found(r), "retention-too-long");
	assert_string_equal(field(finding(r, 0), "path"), "retention.default.max_lifetime");
	assert_non_null(strstr(field(finding(r, 0), "message"), "longer than 30d"));
	opt.max_retention = "365d";
	opt.max_admins = 0;
	r = lint_with("{" SAFE "}", &opt);
	assert_string_equal(rules_found(r), "too-many-admins");
	assert_non_null(strstr(field(finding(r, 0), "message"), "1 active admins (root), more than 0"));
	assert_int_equal(json_integer_value(json_object_get(r, "max_admins")), 0);
}

static void test_bad_options_are_usage_errors(void **state)
{
	struct lint_options opt = defaults;
	struct msg_err err = {0};
	struct policy *p = NULL;
	json_t *report = NULL;

	(void)state;
	assert_int_equal(policy_from_json("p.yaml", J("{" SAFE "}"), &p, &err), 0);
	opt.max_retention = "a year";
	assert_int_equal(lint_run(p, &opt, &report, &err), -1);
	assert_int_equal(err.status, EXIT_USAGE);
	assert_non_null(strstr(err.text, "--max-retention"));
	assert_null(report);
	policy_free(p);
}

static void test_fail_on(void **state)
{
	struct lint_options opt = defaults;
	const char *warning_only = "{" SAFE ", 'invites': {'guests': true}}";

	(void)state;
	assert_false(json_is_true(json_object_get(lint_with(warning_only, &opt), "failed")));
	opt.fail_on = LINT_WARNING;
	assert_true(json_is_true(json_object_get(lint_with(warning_only, &opt), "failed")));
	opt.fail_on = LINT_ERROR;
	assert_true(json_is_true(
	    json_object_get(lint_policy("{" SAFE ", 'invites': {'registration': 'open'}}"), "failed")));
}

static void test_ignore_keeps_the_finding_with_its_reason(void **state)
{
	json_t *r = lint_policy("{" SAFE ", 'federation': {'mode': 'open'}, 'lint': {'ignore': ["
				"{'rule': 'open-federation', 'reason': 'public research server'}, "
				"{'rule': 'guests-enabled', 'reason': 'not used'}]}}");
	json_t *summary = json_object_get(r, "summary");

	(void)state;
	assert_string_equal(rules_found(r), "open-federation");
	assert_string_equal(field(finding(r, 0), "ignored"), "public research server");
	assert_false(json_is_true(json_object_get(r, "failed")));
	assert_int_equal(json_integer_value(json_object_get(summary, "error")), 0);
	assert_int_equal(json_integer_value(json_object_get(summary, "ignored")), 1);
	/* the ignore that matched nothing is reported */
	assert_int_equal(json_array_size(json_object_get(r, "unused_ignores")), 1);
	assert_string_equal(field(json_array_get(json_object_get(r, "unused_ignores"), 0), "path"),
			    "lint.ignore[1]");
}

static void test_positions_come_from_the_file(void **state)
{
	char path[] = "/tmp/msgadm-lint-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct msg_err err = {0};
	struct policy *p = NULL;
	json_t *report = NULL;

	(void)state;
	assert_non_null(f);
	fputs("version: 1\nserver: example.gov\nretention: {default: {max_lifetime: 30d}}\n"
	      "invites:\n  registration: open\n  tokens:\n    - {name: a, uses: 2}\n",
	      f);
	fclose(f);
	assert_int_equal(policy_load(path, &p, &err), 0);
	unlink(path);
	assert_int_equal(lint_run(p, &defaults, &report, &err), 0);
	hold(report);
	policy_free(p);
	assert_string_equal(rules_found(report), "open-registration, token-no-expiry");
	assert_int_equal(json_integer_value(json_object_get(finding(report, 0), "line")), 5);
	assert_int_equal(json_integer_value(json_object_get(finding(report, 0), "column")), 17);
	assert_int_equal(json_integer_value(json_object_get(finding(report, 1), "line")), 7);
	assert_int_equal(json_integer_value(json_object_get(finding(report, 1), "column")), 7);
}

static void test_the_schema_names_exactly_the_rules(void **state)
{
	const json_t *ids = json_object_get(
	    json_object_get(
		json_object_get(json_object_get(json_object_get(schema_policy(), "$defs"), "lint_ignore"),
				"properties"),
		"rule"),
	    "enum");
	size_t n = 0;

	(void)state;
	for (const struct lint_rule *r = lint_rules; r->id != NULL; r++, n++)
		assert_string_equal(json_string_value(json_array_get(ids, n)), r->id);
	assert_int_equal(json_array_size(ids), n);
}

static void test_schema_takes_partner_patterns_and_the_lint_section(void **state)
{
	json_t *errors = hold(json_array());

	(void)state;
	assert_true(schema_validate(schema_policy(),
				    J("{'version': 1, 'server': 'a.gov', 'federation': {'mode': 'allowlist', "
				      "'partners': ['*.bund.de', 'b?.gov', 'c.gov']}, 'lint': {'ignore': "
				      "[{'rule': 'partner-wildcard', 'reason': 'all of bund.de'}]}}"),
				    errors));
	assert_false(
	    schema_validate(schema_policy(),
			    J("{'version': 1, 'server': 'a.gov', 'federation': {'mode': 'allowlist', "
			      "'partners': ['bad host']}, 'lint': {'ignore': [{'rule': 'no-such-rule', "
			      "'reason': ' '}]}}"),
			    errors));
	assert_int_equal(json_array_size(errors), 3);
}

static void test_durations(void **state)
{
	uint64_t ms;

	(void)state;
	assert_int_equal(lint_duration_ms("30d", &ms), 0);
	assert_true(ms == 30ULL * 86400000);
	assert_int_equal(lint_duration_ms("1y", &ms), 0);
	assert_true(ms == 365ULL * 86400000);
	assert_int_equal(lint_duration_ms("500ms", &ms), 0);
	assert_true(ms == 500);
	assert_int_equal(lint_duration_ms("99999999999999999999999y", &ms), 0);
	assert_true(ms == (uint64_t)DURATION_MAX_MS); /* saturates: longer than any threshold */
	assert_int_equal(lint_duration_ms("1x", &ms), -1);
	assert_int_equal(lint_duration_ms("d", &ms), -1);
}

static void test_sarif_carries_rules_levels_places_and_suppressions(void **state)
{
	json_t *r = lint_policy("{" SAFE ", 'invites': {'registration': 'open', 'guests': true}, 'lint': "
				"{'ignore': [{'rule': 'guests-enabled', 'reason': 'kiosk'}]}}");
	json_t *sarif, *run, *results, *location;

	(void)state;
	json_object_set_new(r, "file", json_string("dir/my policy.yaml"));
	sarif = hold(lint_sarif(r, "9.9"));
	run = json_array_get(json_object_get(sarif, "runs"), 0);
	results = json_object_get(run, "results");
	assert_string_equal(field(sarif, "version"), "2.1.0");
	assert_string_equal(field(json_object_get(json_object_get(run, "tool"), "driver"), "name"), "msgadm");
	assert_int_equal(json_array_size(json_object_get(
			     json_object_get(json_object_get(run, "tool"), "driver"), "rules")),
			 11);
	/* without positions (a policy from JSON) findings come in rule order */
	assert_int_equal(json_array_size(results), 2);
	assert_string_equal(field(json_array_get(results, 1), "ruleId"), "open-registration");
	assert_string_equal(field(json_array_get(results, 1), "level"), "error");
	assert_null(json_object_get(json_array_get(results, 1), "suppressions"));
	location = json_array_get(json_object_get(json_array_get(results, 1), "locations"), 0);
	assert_string_equal(
	    field(json_object_get(json_object_get(location, "physicalLocation"), "artifactLocation"), "uri"),
	    "dir/my%20policy.yaml");
	assert_string_equal(
	    field(json_array_get(json_object_get(json_array_get(results, 0), "suppressions"), 0),
		  "justification"),
	    "kiosk");
}

static void test_junit_has_a_case_per_rule(void **state)
{
	json_t *r = lint_policy("{" SAFE ", 'invites': {'registration': 'open', 'guests': true}, 'lint': "
				"{'ignore': [{'rule': 'no-retention', 'reason': 'a <b> & c'}]}}");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_int_equal(lint_print_junit(f, r), 0);
	fclose(f);
	assert_non_null(strstr(text, "tests=\"11\" failures=\"1\" errors=\"0\" skipped=\"1\""));
	assert_non_null(strstr(text, "name=\"open-registration\""));
	assert_non_null(strstr(text, "<failure type=\"error\" message=\"registration is open"));
	assert_non_null(strstr(text, "<skipped message=\"ignored by lint.ignore: a &lt;b&gt; &amp; c\"/>"));
	/* a warning below --fail-on is reported, not failed */
	assert_non_null(strstr(text, "warning: invites.guests: guest access is enabled"));
	free(text);
}

#define T(f) cmocka_unit_test_teardown(f, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_safe_policy_has_no_findings),
	    T(test_each_rule_fires),
	    T(test_no_retention_section_points_at_the_document),
	    T(test_rules_stay_quiet_on_safe_variants),
	    T(test_thresholds_come_from_the_options),
	    T(test_bad_options_are_usage_errors),
	    T(test_fail_on),
	    T(test_ignore_keeps_the_finding_with_its_reason),
	    T(test_positions_come_from_the_file),
	    T(test_the_schema_names_exactly_the_rules),
	    T(test_schema_takes_partner_patterns_and_the_lint_section),
	    T(test_durations),
	    T(test_sarif_carries_rules_levels_places_and_suppressions),
	    T(test_junit_has_a_case_per_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
