/* Tests of cli/io/schema.c: the official JSON Schema test suite (draft 2020-12) for the yes/no answers, one
 * cmocka test per suite file; and schemas/policy.schema.json for the paths and messages an administrator
 * reads. Runs with the repository root as working directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/schema.h"

#define SUITE_DEFAULT "tests/data/json-schema-test-suite/draft2020-12" /* a copy: see its PROVENANCE */
#define POLICY_SCHEMA "schemas/policy.schema.json"

struct skip {
	const char *file, *group, *reason;
};

/* Upstream suite files for keywords schema.h does not claim. None is in our copy today; listed so that
 * refreshing the copy skips them out loud instead of failing. */
static const struct skip skip_files[] = {
    {"anchor.json", NULL, "$anchor"},
    {"contains.json", NULL, "contains"},
    {"content.json", NULL, "contentMediaType/contentEncoding"},
    {"dependentRequired.json", NULL, "dependentRequired"},
    {"dependentSchemas.json", NULL, "dependentSchemas"},
    {"dynamicRef.json", NULL, "$dynamicRef"},
    {"format.json", NULL, "expects format to be an annotation; we assert email, date and hostname"},
    {"id.json", NULL, "$id base URIs"},
    {"maxContains.json", NULL, "maxContains"},
    {"minContains.json", NULL, "minContains"},
    {"refRemote.json", NULL, "remote $ref"},
    {"unevaluatedItems.json", NULL, "unevaluatedItems"},
    {"unevaluatedProperties.json", NULL, "unevaluatedProperties"},
    {"unknownKeyword.json", NULL, "$id base URIs"},
    {"vocabulary.json", NULL, "$vocabulary"},
};

/* Groups in the files we run that need what schema.h does not claim. Each is printed when skipped, and
 * an entry that matches no group fails its file's test, so the list cannot go stale silently. */
static const struct skip skip_groups[] = {
    {"additionalProperties.json", "dependentSchemas with additionalProperties", "dependentSchemas"},
    {"defs.json", "validate definition against metaschema", "$ref to the 2020-12 meta-schema (remote)"},
    {"not.json", "collect annotations inside a 'not', even if collection is disabled",
     "unevaluatedProperties"},
    {"pattern.json", "pattern with Unicode property escape requires unicode mode",
     "\\p{...} is not POSIX regex"},
    {"patternProperties.json", "patternProperties with Unicode property escape",
     "\\p{...} is not POSIX regex"},
    {"ref.json", "remote ref, containing refs itself", "$ref to the 2020-12 meta-schema (remote)"},
    {"ref.json", "ref creates new scope when adjacent to keywords", "unevaluatedProperties"},
    {"ref.json", "Recursive references between schemas", "$id base URIs"},
    {"ref.json", "refs with relative uris and defs", "$id base URIs"},
    {"ref.json", "relative refs with absolute uris and defs", "$id base URIs"},
    {"ref.json", "$id must be resolved against nearest parent, not just immediate parent", "$id base URIs"},
    {"ref.json", "order of evaluation: $id and $ref", "$id base URIs"},
    {"ref.json", "order of evaluation: $id and $anchor and $ref", "$id base URIs and $anchor"},
    {"ref.json", "order of evaluation: $id and $ref on nested schema", "$id base URIs"},
    {"ref.json", "URN base URI with URN and anchor ref", "$anchor"},
    {"ref.json", "URN ref with nested pointer ref", "$id base URIs"},
    {"ref.json", "ref to if", "$id base URIs"},
    {"ref.json", "ref to then", "$id base URIs"},
    {"ref.json", "ref to else", "$id base URIs"},
    {"ref.json", "ref with absolute-path-reference", "$id base URIs"},
};

#define NSKIP_GROUPS (sizeof(skip_groups) / sizeof(skip_groups[0]))

struct suite_file {
	char path[PATH_MAX];
	char name[NAME_MAX + 1];
	char test_name[NAME_MAX + 16];
};

static const char *suite_dir(void)
{
	const char *dir = getenv("MSGADM_JSON_SCHEMA_SUITE");

	return dir && *dir ? dir : SUITE_DEFAULT;
}

/* Without the suite (the copy in tests/data moved, or MSGADM_JSON_SCHEMA_SUITE naming nothing) the
 * test is skipped, out loud, with the line tests/run names it by; under CI it is a failure. */
static void suite_missing(void **state)
{
	const char *ci = getenv("CI");
	char cwd[PATH_MAX];

	(void)state;
	if (ci == NULL || *ci == '\0' || strcmp(ci, "false") == 0 || strcmp(ci, "0") == 0) {
		print_message("skipped: no JSON Schema test suite: set MSGADM_JSON_SCHEMA_SUITE\n");
		skip();
	}
	fail_msg("JSON Schema test suite not found: looked in %s (from %s); set MSGADM_JSON_SCHEMA_SUITE=dir",
		 suite_dir(), getcwd(cwd, sizeof(cwd)) ? cwd : "?");
}

static void run_suite_file(void **state)
{
	const struct suite_file *f = *state;
	size_t passed = 0, failed = 0, ngroups, gi, ti, k;
	bool used[NSKIP_GROUPS] = {false};
	json_error_t jerr;
	json_t *groups = json_load_file(f->path, JSON_ALLOW_NUL, &jerr), *group, *tc;

	if (!json_is_array(groups))
		fail_msg("%s:%d: %s", f->path, jerr.line, jerr.text);
	json_array_foreach(groups, gi, group)
	{
		const char *gdesc = json_string_value(json_object_get(group, "description"));
		const json_t *schema = json_object_get(group, "schema");

		for (k = 0; k < NSKIP_GROUPS; k++)
			if (!strcmp(skip_groups[k].file, f->name) && gdesc &&
			    !strcmp(skip_groups[k].group, gdesc))
				break;
		if (k < NSKIP_GROUPS) {
			used[k] = true;
			print_message("skipped: %s: %s (%s)\n", f->name, gdesc, skip_groups[k].reason);
			continue;
		}
		json_array_foreach(json_object_get(group, "tests"), ti, tc)
		{
			const char *tdesc = json_string_value(json_object_get(tc, "description"));
			bool want = json_is_true(json_object_get(tc, "valid"));
			json_t *errors = json_array();
			bool got = schema_validate(schema, json_object_get(tc, "data"), errors);
			bool quiet = schema_validate(schema, json_object_get(tc, "data"), NULL);

			if (got == want && quiet == got && got == (json_array_size(errors) == 0)) {
				passed++;
			} else {
				failed++;
				print_message("FAIL %s / %s / %s: expected %s, got %s%s (%zu errors)\n",
					      f->name, gdesc, tdesc, want ? "valid" : "invalid",
					      got ? "valid" : "invalid",
					      quiet != got ? ", and another answer without errors array" : "",
					      json_array_size(errors));
			}
			json_decref(errors);
		}
	}
	for (k = 0; k < NSKIP_GROUPS; k++) {
		if (!strcmp(skip_groups[k].file, f->name) && !used[k]) {
			print_message("FAIL %s: skip entry matches no group: %s\n", f->name,
				      skip_groups[k].group);
			failed++;
		}
	}
	print_message("%s: %zu cases passed, %zu failed\n", f->name, passed, failed);
	ngroups = json_array_size(groups);
	json_decref(groups);
	assert_int_equal(failed, 0);
	assert_true(ngroups > 0);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct suite_file *)a)->name, ((const struct suite_file *)b)->name);
}

/* Lists the suite's *.json files, without those in skip_files. Returns the count, -1 if the directory
 * cannot be read. */
static int list_suite(struct suite_file **out)
{
	DIR *dir = opendir(suite_dir());
	struct suite_file *files = NULL, *grown;
	struct dirent *de;
	int n = 0;
	size_t len, k;

	*out = NULL;
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		for (k = 0; k < sizeof(skip_files) / sizeof(skip_files[0]); k++)
			if (!strcmp(skip_files[k].file, de->d_name))
				break;
		if (k < sizeof(skip_files) / sizeof(skip_files[0])) {
			printf("skipped: %s (%s)\n", de->d_name, skip_files[k].reason);
			continue;
		}
		if (!(grown = realloc(files, (size_t)(n + 1) * sizeof(*files))))
			break;
		files = grown;
		snprintf(files[n].path, sizeof(files[n].path), "%s/%s", suite_dir(), de->d_name);
		snprintf(files[n].name, sizeof(files[n].name), "%s", de->d_name);
		snprintf(files[n].test_name, sizeof(files[n].test_name), "suite %s", de->d_name);
		n++;
	}
	closedir(dir);
	if (n > 0)
		qsort(files, (size_t)n, sizeof(*files), by_name);
	*out = files;
	return n;
}

/* ---- the policy schema: messages and paths ---- */

/* A valid policy with everything in it. Written with ' for " to stay readable; no value holds a '. */
static const char example_policy[] =
    "{'version': 1, 'server': 'example.gov',"
    " 'users': {'manage': 'exclusive', 'protect': ['ops-bot'], 'max_deactivations': 10,"
    "           'list': [{'id': 'alice', 'display_name': 'Alice Liddell', 'email': 'alice@example.gov',"
    "                     'admin': false, 'active': true},"
    "                    {'id': 'bob.smith', 'admin': true},"
    "                    {'id': 'carol', 'email': 'carol@mail.example.gov', 'active': false}]},"
    " 'federation': {'mode': 'allowlist', 'partners': ['bund.de', 'partner.gov.nl']},"
    " 'retention': {'default': {'max_lifetime': '365d', 'min_lifetime': '1d'},"
    "               'rooms': [{'room': '#ops:example.gov', 'max_lifetime': '30d'},"
    "                         {'room': '!abc123:example.gov', 'min_lifetime': '12h'}]},"
    " 'invites': {'registration': 'token',"
    "             'tokens': [{'name': 'onboarding-q1', 'uses': 25, 'expires': '2027-03-31'},"
    "                        {'name': 'forever', 'uses': null, 'expires': null},"
    "                        {'name': 'leap', 'expires': '2028-02-29'}],"
    "             'allowed_domains': ['example.gov'], 'guests': false}}";

static json_t *json_quoted(const char *text)
{
	char *copy = strdup(text);
	json_error_t jerr;
	json_t *v;

	assert_non_null(copy);
	for (char *p = copy; *p; p++)
		if (*p == '\'')
			*p = '"';
	v = json_loads(copy, 0, &jerr);
	if (!v)
		fail_msg("bad test JSON: %s: %s", jerr.text, copy);
	free(copy);
	return v;
}

static int load_policy_schema(void **state)
{
	json_error_t jerr;

	*state = json_load_file(POLICY_SCHEMA, 0, &jerr);
	if (!*state)
		print_error("%s:%d: %s\n", POLICY_SCHEMA, jerr.line, jerr.text);
	return *state ? 0 : -1;
}

static int free_policy_schema(void **state)
{
	json_decref(*state);
	return 0;
}

/* Validates instance (consumed) and checks that the errors are exactly the expected path/message pairs,
 * in order; expected ends with NULL. */
static void expect_errors(const json_t *schema, json_t *instance, const char *const *expected)
{
	json_t *errors = json_array();
	bool ok = schema_validate(schema, instance, errors);
	size_t n = 0, i;
	char *dump = json_dumps(errors, JSON_INDENT(1));

	while (expected[2 * n])
		n++;
	if (json_array_size(errors) != n)
		print_error("errors: %s\n", dump);
	assert_int_equal(json_array_size(errors), n);
	assert_true(ok == (n == 0));
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(errors, i);
		if (strcmp(json_string_value(json_object_get(e, "path")), expected[2 * i]) ||
		    strcmp(json_string_value(json_object_get(e, "message")), expected[2 * i + 1]))
			print_error("errors: %s\n", dump);
		assert_string_equal(json_string_value(json_object_get(e, "path")), expected[2 * i]);
		assert_string_equal(json_string_value(json_object_get(e, "message")), expected[2 * i + 1]);
	}
	free(dump);
	json_decref(errors);
	json_decref(instance);
}

/* Returns the example policy with one value replaced (or removed, when value is NULL) at a path given
 * as a chain of keys and "[index]" steps, such as "users", "list", "[2]", "email". */
static json_t *example_with(json_t *value, ...)
{
	json_t *doc = json_quoted(example_policy), *cur = doc;
	const char *step, *next;
	va_list ap;

	va_start(ap, value);
	for (step = va_arg(ap, const char *); step; step = next) {
		next = va_arg(ap, const char *);
		if (next && step[0] == '[')
			cur = json_array_get(cur, strtoul(step + 1, NULL, 10));
		else if (next)
			cur = json_object_get(cur, step);
		else if (value)
			assert_int_equal(json_object_set_new(cur, step, value), 0);
		else
			assert_int_equal(json_object_del(cur, step), 0);
		assert_non_null(cur);
	}
	va_end(ap);
	return doc;
}

#define NONE		   ((const char *const[]){NULL})
#define ONE(path, message) ((const char *const[]){path, message, NULL})

static void policy_example_is_valid(void **state)
{
	expect_errors(*state, json_quoted(example_policy), NONE);
	expect_errors(*state, json_quoted("{'version': 1, 'server': 'example.gov'}"), NONE);
}

static void policy_unknown_field(void **state)
{
	expect_errors(*state, example_with(json_string("blue"), "users", "list", "[0]", "colour", NULL),
		      ONE("users.list[0].colour", "unknown field 'colour'"));
	expect_errors(*state, example_with(json_true(), "telemetry", NULL),
		      ONE("telemetry", "unknown field 'telemetry'"));
}

static void policy_wrong_type(void **state)
{
	expect_errors(*state, example_with(json_string("ten"), "users", "max_deactivations", NULL),
		      ONE("users.max_deactivations", "expected an integer, got a string"));
	expect_errors(*state, example_with(json_string("no"), "invites", "guests", NULL),
		      ONE("invites.guests", "expected a boolean, got a string"));
	expect_errors(*state, example_with(json_string("lots"), "invites", "tokens", "[0]", "uses", NULL),
		      ONE("invites.tokens[0].uses", "expected an integer or null, got a string"));
	expect_errors(*state, example_with(json_real(2.0), "users", "max_deactivations", NULL), NONE);
}

static void policy_bad_enum(void **state)
{
	expect_errors(*state, example_with(json_string("sometimes"), "invites", "registration", NULL),
		      ONE("invites.registration", "must be one of: closed, token, open"));
	expect_errors(*state, example_with(json_integer(2), "version", NULL), ONE("version", "must be 1"));
}

static void policy_bad_numbers(void **state)
{
	expect_errors(*state, example_with(json_integer(-1), "invites", "tokens", "[0]", "uses", NULL),
		      ONE("invites.tokens[0].uses", "must be at least 0"));
	expect_errors(*state, example_with(json_integer(-3), "users", "max_deactivations", NULL),
		      ONE("users.max_deactivations", "must be at least 0"));
}

static void policy_bad_duration(void **state)
{
	expect_errors(*state,
		      example_with(json_string("30 days"), "retention", "default", "max_lifetime", NULL),
		      ONE("retention.default.max_lifetime", "not a duration (use e.g. 30d, 12h, 1y)"));
	expect_errors(*state,
		      example_with(json_integer(30), "retention", "rooms", "[1]", "min_lifetime", NULL),
		      ONE("retention.rooms[1].min_lifetime", "not a duration (use e.g. 30d, 12h, 1y)"));
	expect_errors(*state,
		      example_with(json_string("250ms"), "retention", "default", "min_lifetime", NULL), NONE);
}

static void policy_bad_date(void **state)
{
	expect_errors(*state,
		      example_with(json_string("2027-02-30"), "invites", "tokens", "[0]", "expires", NULL),
		      ONE("invites.tokens[0].expires", "not a valid date (YYYY-MM-DD)"));
	expect_errors(*state,
		      example_with(json_string("2027-02-29"), "invites", "tokens", "[2]", "expires", NULL),
		      ONE("invites.tokens[2].expires", "not a valid date (YYYY-MM-DD)"));
	expect_errors(*state,
		      example_with(json_string("2100-02-29"), "invites", "tokens", "[2]", "expires", NULL),
		      ONE("invites.tokens[2].expires", "not a valid date (YYYY-MM-DD)"));
	expect_errors(*state,
		      example_with(json_string("2000-02-29"), "invites", "tokens", "[2]", "expires", NULL),
		      NONE);
	expect_errors(*state,
		      example_with(json_string("31.03.2027"), "invites", "tokens", "[0]", "expires", NULL),
		      ONE("invites.tokens[0].expires", "not a valid date (YYYY-MM-DD)"));
}

static void policy_missing_id(void **state)
{
	expect_errors(*state, example_with(NULL, "users", "list", "[1]", "id", NULL),
		      ONE("users.list[1]", "missing required field 'id'"));
	expect_errors(*state, example_with(NULL, "server", NULL), ONE("", "missing required field 'server'"));
}

static void policy_bad_email(void **state)
{
	expect_errors(
	    *state, example_with(json_string("carol at example.gov"), "users", "list", "[2]", "email", NULL),
	    ONE("users.list[2].email", "not an e-mail address"));
	expect_errors(*state,
		      example_with(json_string("carol@localhost"), "users", "list", "[2]", "email", NULL),
		      ONE("users.list[2].email", "not an e-mail address"));
	expect_errors(*state, example_with(json_integer(7), "users", "list", "[2]", "email", NULL),
		      ONE("users.list[2].email", "not an e-mail address"));
}

static void policy_bad_names(void **state)
{
	expect_errors(*state, example_with(json_string("Alice"), "users", "list", "[0]", "id", NULL),
		      ONE("users.list[0].id", "must match pattern ^[a-z0-9._=/+-]+$"));
	expect_errors(*state, example_with(json_string("-bad-.example"), "server", NULL),
		      ONE("server", "not a valid hostname"));
	expect_errors(*state, example_with(json_string("ops"), "retention", "rooms", "[0]", "room", NULL),
		      ONE("retention.rooms[0].room", "not a room (use !id:server or #alias:server)"));
	expect_errors(*state,
		      example_with(json_string("has space"), "invites", "tokens", "[1]", "name", NULL),
		      ONE("invites.tokens[1].name", "must match pattern ^[A-Za-z0-9._~-]{1,64}$"));
}

static void policy_duplicates(void **state)
{
	expect_errors(
	    *state, example_with(json_quoted("['a.org', 'b.org', 'a.org']"), "federation", "partners", NULL),
	    ONE("federation.partners[2]", "duplicate of federation.partners[0]"));
}

/* Every problem is reported, not just the first. */
static void policy_all_errors(void **state)
{
	json_t *doc = example_with(json_string("blue"), "users", "list", "[0]", "colour", NULL);

	json_object_del(json_object_get(doc, "federation"), "mode");
	json_object_set_new(json_object_get(doc, "invites"), "registration", json_string("maybe"));
	json_object_set_new(json_array_get(json_object_get(json_object_get(doc, "users"), "list"), 2),
			    "email", json_string("nope"));
	expect_errors(*state, doc,
		      (const char *const[]){"users.list[0].colour", "unknown field 'colour'",
					    "users.list[2].email", "not an e-mail address", "federation",
					    "missing required field 'mode'", "invites.registration",
					    "must be one of: closed, token, open", NULL});
}

/* Editors show the descriptions: every property of the policy schema has one. */
static void check_descriptions(const json_t *node, const char *where)
{
	const char *key;
	json_t *value;
	size_t i;

	if (json_is_array(node))
		for (i = 0; i < json_array_size(node); i++)
			check_descriptions(json_array_get(node, i), where);
	if (!json_is_object(node))
		return;
	json_object_foreach((json_t *)node, key, value)
	{
		if (!strcmp(key, "properties") && json_is_object(value)) {
			const char *name;
			json_t *prop;
			json_object_foreach(value, name, prop)
			{
				if (!json_is_string(json_object_get(prop, "description")))
					fail_msg("%s: property '%s' has no description", where, name);
			}
		}
		check_descriptions(value, key);
	}
}

static void policy_schema_described(void **state)
{
	check_descriptions(*state, "policy.schema.json");
}

/* ---- behaviour not covered by the suite ---- */

static void summary_and_error_message(void **state)
{
	json_t *schema =
	    json_quoted("{'properties': {'a': {'anyOf': [{'type': 'integer'}, {'type': 'null'}]},"
			" 'b': {'oneOf': [{'minimum': 1}, {'maximum': 5}]},"
			" 'c': {'anyOf': [{'type': 'integer'}], 'errorMessage': 'a count'}}}");

	(void)state;
	expect_errors(schema, json_quoted("{'a': 'x', 'b': 3, 'c': 'x'}"),
		      (const char *const[]){"a", "does not match any allowed form", "b",
					    "matches 2 allowed forms, but must match exactly one", "c",
					    "a count", NULL});
	json_decref(schema);
}

static void ref_loops_and_pointers(void **state)
{
	json_t *loop = json_quoted(
	    "{'$defs': {'a': {'$ref': '#/$defs/b'}, 'b': {'$ref': '#/$defs/a'}}, '$ref': '#/$defs/a'}");
	json_t *ptr = json_quoted(
	    "{'$id': 'https://x.example/s.json', '$defs': {'a/b': {'items': [{}, {'type': 'string'}]}},"
	    " 'properties': {'x': {'$ref': 'https://x.example/s.json#/$defs/a~1b/items/1'},"
	    " 'y': {'$ref': '#/$defs/nothing'}}}");

	(void)state;
	expect_errors(loop, json_integer(1), ONE("", "schema error: nested too deeply (a $ref loop?)"));
	expect_errors(ptr, json_quoted("{'x': 'ok'}"), NONE);
	expect_errors(ptr, json_quoted("{'x': 1}"), ONE("x", "expected a string, got an integer"));
	expect_errors(ptr, json_quoted("{'y': 1}"),
		      ONE("y", "schema error: cannot resolve $ref #/$defs/nothing"));
	json_decref(loop);
	json_decref(ptr);
}

static void patterns_and_lengths(void **state)
{
	json_t *schema = json_quoted("{'properties': {'d': {'pattern': '^\\\\d+\\\\.\\\\w\\\\s?$'},"
				     " 'n': {'minLength': 2, 'maxLength': 3}, 'p': {'pattern': '\\\\bx'},"
				     " 'g': {'pattern': '^(?:[\\\\d.]+|x\\\\/y)$'}}}");

	(void)state;
	expect_errors(schema, json_quoted("{'d': '12.a ', 'n': '\xc3\xa4\xc3\xb6\xc3\xbc'}"), NONE);
	expect_errors(schema, json_quoted("{'d': 'x.a', 'n': '\xc3\xa4\xc3\xb6\xc3\xbc\xc3\x9f'}"),
		      (const char *const[]){"d", "must match pattern ^\\d+\\.\\w\\s?$", "n",
					    "must have at most 3 characters", NULL});
	expect_errors(schema, json_quoted("{'p': 'x'}"), ONE("p", "schema error: unsupported pattern \\bx"));
	expect_errors(schema, json_quoted("{'g': '1.2.3'}"), NONE);
	expect_errors(schema, json_quoted("{'g': 'x/y'}"), NONE);
	expect_errors(schema, json_quoted("{'g': '1a'}"), ONE("g", "must match pattern ^(?:[\\d.]+|x\\/y)$"));
	json_decref(schema);
}

#define POLICY_TEST(f) cmocka_unit_test_setup_teardown(f, load_policy_schema, free_policy_schema)

int main(void)
{
	static const struct CMUnitTest fixed[] = {
	    POLICY_TEST(policy_example_is_valid),
	    POLICY_TEST(policy_unknown_field),
	    POLICY_TEST(policy_wrong_type),
	    POLICY_TEST(policy_bad_enum),
	    POLICY_TEST(policy_bad_numbers),
	    POLICY_TEST(policy_bad_duration),
	    POLICY_TEST(policy_bad_date),
	    POLICY_TEST(policy_missing_id),
	    POLICY_TEST(policy_bad_email),
	    POLICY_TEST(policy_bad_names),
	    POLICY_TEST(policy_duplicates),
	    POLICY_TEST(policy_all_errors),
	    POLICY_TEST(policy_schema_described),
	    cmocka_unit_test(summary_and_error_message),
	    cmocka_unit_test(ref_loops_and_pointers),
	    cmocka_unit_test(patterns_and_lengths),
	};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	struct suite_file *files = NULL;
	struct CMUnitTest *tests;
	int nfiles = list_suite(&files), rc;
	size_t n = 0;

	/* One group, so that the runner's "[  PASSED  ] N tests" line counts everything. */
	tests = calloc(nfixed + (nfiles > 0 ? (size_t)nfiles : 1), sizeof(*tests));
	if (!tests)
		return 1;
	if (nfiles <= 0)
		tests[n++] = (struct CMUnitTest){.name = "suite (missing)", .test_func = suite_missing};
	for (int i = 0; i < nfiles; i++)
		tests[n++] = (struct CMUnitTest){
		    .name = files[i].test_name, .test_func = run_suite_file, .initial_state = &files[i]};
	memcpy(tests + n, fixed, sizeof(fixed));
	rc = _cmocka_run_group_tests("schema", tests, n + nfixed, NULL, NULL);
	free(tests);
	free(files);
	return rc;
}
