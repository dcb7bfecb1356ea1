/* Tests of cli/audit/snapshot.c and cli/audit/snapshot_check.c without a server: the file written and read
 * back, what reading refuses, the body as the diff engine's actual state, and the compliance report
 * (deviations, sections a snapshot cannot show, a driver msgadm does not know). JSON is written with
 * single quotes; J() turns them into double quotes. */
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
#include "drivers/drivers.h"
#include "audit/snapshot.h"
#include "test_json.h"

#define BODY                                                                                                 \
	"{'version': 1, 'server': 'example.test', 'users': {'manage': 'listed', 'list': ["                   \
	"{'id': 'alice', 'display_name': 'Alice', 'admin': false, 'active': true}, "                         \
	"{'id': 'bob', 'admin': true, 'active': true}, {'id': 'dave', 'admin': false, 'active': false}]}, "  \
	"'invites': {'tokens': [{'name': 'q1', 'uses': 5, 'expires': null}]}}"

/* A snapshot document around body, with a correct digest. */
static json_t *snapshot_doc(const char *driver, const char *body)
{
	json_t *b = json_deep_copy(J(body));
	struct msg_err err = {0};
	char hex[65];

	assert_int_equal(snapshot_body_sha256(b, hex, &err), 0);
	return hold(json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s},s:o}", "snapshot", "format",
			      SNAPSHOT_FORMAT, "context", "prod", "driver", driver, "server", "example.test",
			      "server_version", "1.67.0", "msgadm_version", "0.1.0", "created",
			      "2026-11-26T09:30:00Z", "body_sha256", hex, "body", b));
}

/* An in-memory snapshot for snapshot_check (freed by the caller with snapshot_free). */
static struct snapshot *in_memory(json_t *doc)
{
	struct snapshot *sn = calloc(1, sizeof(*sn));

	assert_non_null(sn);
	sn->file = strdup("snap.json");
	sn->doc = json_incref(doc);
	sn->meta = json_object_get(doc, "snapshot");
	sn->body = json_object_get(doc, "body");
	return sn;
}

/* Runs the check of policy against a snapshot of body; the report is held. */
static json_t *run_check(const char *driver, const char *body, const char *policy)
{
	struct snapshot *sn = in_memory(snapshot_doc(driver, body));
	struct policy *p = NULL;
	struct msg_err err = {0};
	json_t *report = NULL;

	if (policy_from_json("policy.yaml", J(policy), &p, &err) != 0)
		fail_msg("bad test policy: %s", err.text);
	assert_int_equal(snapshot_check(p, sn,
					driver_find(json_string_value(json_object_get(sn->meta, "driver"))),
					&report, &err),
			 0);
	policy_free(p);
	snapshot_free(sn);
	return hold(report);
}

/* The deviations as "resource key field expected found|unseen" lines, for comparison. */
static const char *summary(const json_t *report)
{
	static char buf[2048];
	json_t *d;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(json_object_get(report, "deviations"), i, d)
	{
		char *e = json_dumps(json_object_get(d, "expected"), JSON_ENCODE_ANY | JSON_COMPACT);
		char *f = json_dumps(json_object_get(d, "found"), JSON_ENCODE_ANY | JSON_COMPACT);
		size_t used = strlen(buf);
		const char *key = json_string_value(json_object_get(d, "key"));

		snprintf(buf + used, sizeof(buf) - used, "%s%s %s %s %s %s", i ? "; " : "",
			 json_string_value(json_object_get(d, "resource")), key ? key : "-",
			 json_string_value(json_object_get(d, "field")), e,
			 json_object_get(d, "in_snapshot") ? "unseen" : f);
		free(e);
		free(f);
	}
	return buf;
}

static int starts_with(const char *s, const char *prefix)
{
	return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- the file ---- */

static void test_written_file_reads_back_and_verifies(void **state)
{
	char path[] = "/tmp/msgadm-snapshot-XXXXXX";
	const char *prefix = "{\n  \"snapshot\": {\n    \"body_sha256\": \"";
	json_t *doc = snapshot_doc("synapse", BODY);
	struct snapshot *sn = NULL;
	struct msg_err err = {0};
	char *text = NULL;
	size_t len;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path); /* snapshot_write creates it, exclusively */
	assert_int_equal(snapshot_write(path, doc, &err), 0);
	assert_int_equal(snapshot_write(path, doc, &err), -1);
	assert_non_null(strstr(err.text, "already exists; not overwritten"));
	assert_int_equal(snapshot_read(path, &sn, &err), 0);
	assert_int_equal(snapshot_check_body(sn, &err), 0);
	assert_true(json_equal(sn->doc, doc));
	assert_int_equal(snapshot_render(doc, &text, &len, &err), 0);
	assert_int_equal(sn->len, len);
	assert_memory_equal(sn->bytes, text, len);
	assert_int_equal(strncmp(text, prefix, strlen(prefix)), 0);
	assert_int_equal(text[len - 1], '\n');
	free(text);
	snapshot_free(sn);
	unlink(path);
}

/* Reads text (' for ") as a snapshot file; returns snapshot_read's result and err. */
static int read_text(const char *text, struct msg_err *err)
{
	char path[] = "/tmp/msgadm-snapshot-XXXXXX";
	int fd = mkstemp(path), rc;
	struct snapshot *sn = NULL;
	char *copy = strdup(text);

	assert_true(fd >= 0);
	for (char *p = copy; *p; p++)
		if (*p == '\'')
			*p = '"';
	assert_int_equal(write(fd, copy, strlen(copy)), (ssize_t)strlen(copy));
	close(fd);
	free(copy);
	rc = snapshot_read(path, &sn, err);
	snapshot_free(sn);
	unlink(path);
	return rc;
}

static void test_reading_refuses_what_is_not_a_snapshot(void **state)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
	    {"not json", "not a msgadm snapshot: "},
	    {"{'body': {}}", "not a msgadm snapshot (an object of"},
	    {"{'snapshot': {'format': 'msgadm-snapshot/9'}, 'body': {}}",
	     "snapshot format 'msgadm-snapshot/9'; this msgadm reads msgadm-snapshot/1"},
	    {"{'snapshot': {'format': 'msgadm-snapshot/1'}, 'body': {}}", "snapshot.context: missing"},
	    {"{'snapshot': {'format': 'msgadm-snapshot/1', 'context': 'a', 'driver': 'b', 'server': 'c', "
	     "'server_version': null, 'msgadm_version': 'd', 'created': 'e', 'body_sha256': 'f'}, 'body': "
	     "{}}",
	     "snapshot.body_sha256: not 64 lower-case hex digits"},
	    {"{'snapshot': {'format': 'msgadm-snapshot/1', 'context': 'a', 'driver': 'b', 'server': 'c', "
	     "'server_version': 1, 'msgadm_version': 'd', 'created': 'e', 'body_sha256': 'f'}, 'body': {}}",
	     "snapshot.server_version: must be a string"},
	    {"{'snapshot': {'format': 'msgadm-snapshot/1', 'note': 'x'}, 'body': {}}",
	     "snapshot.context: missing"},
	    {"{'snapshot': {}, 'body': {}, 'body': {'users': {}}}", "duplicate object key"},
	    {"{'snapshot': {}, 'body': {}, 'extra': 1}", "not a msgadm snapshot (an object of"},
	};
	struct msg_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(read_text(cases[i].text, &err), -1);
		assert_int_equal(err.status, EXIT_DATAERR);
		if (strstr(err.text, cases[i].message) == NULL)
			fail_msg("case %zu: '%s' not in: %s", i, cases[i].message, err.text);
	}
}

static void test_unknown_metadata_field_is_refused(void **state)
{
	json_t *doc = snapshot_doc("synapse", "{}");
	struct msg_err err = {0};
	char *text = NULL;
	size_t len;

	(void)state;
	json_object_set_new(json_object_get(doc, "snapshot"), "comment", json_string("unhashed"));
	assert_int_equal(snapshot_render(doc, &text, &len, &err), 0);
	for (char *p = text; *p; p++)
		if (*p == '"')
			*p = '\'';
	assert_int_equal(read_text(text, &err), -1);
	assert_non_null(strstr(err.text, "snapshot.comment: unknown field"));
	free(text);
}

/* ---- the body as the engine's actual state ---- */

static void test_body_becomes_canonical_state(void **state)
{
	struct msg_err err = {0};
	json_t *actual = NULL;

	(void)state;
	assert_int_equal(snapshot_actual(J(BODY), &actual, &err), 0);
	hold(actual);
	assert_true(json_equal(json_object_get(json_object_get(actual, "users"), "dave"),
			       J("{'id': 'dave', 'admin': false, 'active': false}")));
	assert_true(json_equal(json_object_get(actual, "tokens"),
			       J("{'q1': {'name': 'q1', 'uses': 5, 'expires': null}}")));
	assert_int_equal(snapshot_actual(J("{'version': 1}"), &actual, &err), 0);
	assert_int_equal(json_object_size(hold(actual)), 0);
}

static void test_body_that_is_not_an_export_is_refused(void **state)
{
	struct msg_err err = {0};
	json_t *actual = NULL;

	(void)state;
	assert_int_equal(
	    snapshot_actual(J("{'users': {'list': [{'id': 'a'}, {'name': 'b'}]}}"), &actual, &err), -1);
	assert_string_equal(err.text, "snapshot body: users.list[1]: lacks a string key");
	assert_int_equal(
	    snapshot_actual(J("{'invites': {'tokens': [{'name': 'a'}, {'name': 'a'}]}}"), &actual, &err), -1);
	assert_string_equal(err.text, "snapshot body: invites.tokens[1]: listed twice");
	assert_int_equal(snapshot_actual(J("{'users': {'list': 3}}"), &actual, &err), -1);
	assert_null(actual);
}

/* ---- compliance ---- */

static void test_complying_snapshot(void **state)
{
	json_t *r;

	(void)state;
	r = run_check("synapse", BODY,
		      "{'version': 1, 'server': 'example.test', 'users': {'list': [{'id': 'alice', "
		      "'display_name': 'Alice'}, {'id': 'dave', 'active': false}]}, "
		      "'invites': {'tokens': [{'name': 'q1', 'uses': 5}]}, "
		      "'lint': {'ignore': [{'rule': 'token-no-expiry', 'reason': 'tested'}]}}");
	assert_true(json_is_true(json_object_get(r, "complies")));
	assert_string_equal(summary(r), "");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "snapshot"), "file")),
			    "snap.json");
}

static void test_every_change_is_a_deviation(void **state)
{
	json_t *r;

	(void)state;
	r = run_check("synapse", BODY,
		      "{'version': 1, 'server': 'example.test', 'users': {'manage': 'exclusive', "
		      "'list': [{'id': 'alice', 'display_name': 'Alicia', 'admin': true}, {'id': 'dave'}, "
		      "{'id': 'zed'}]}, 'invites': {'tokens': [{'name': 'q2', 'uses': 1}]}}");
	assert_false(json_is_true(json_object_get(r, "complies")));
	assert_string_equal(summary(r),
			    "token q2 present true false; user zed present true false; "
			    "user dave active true false; user alice display_name \"Alicia\" \"Alice\"; "
			    "user alice admin true false; token q1 present false true; "
			    "user bob active false true");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "summary"), "deviations")), 7);
}

static void test_config_sections_are_not_in_the_snapshot(void **state)
{
	enum capability_level level;
	const char *note;
	char want[512];
	json_t *r, *d;

	(void)state;
	r = run_check("synapse", BODY,
		      "{'version': 1, 'server': 'example.test', 'invites': {'registration': 'token', "
		      "'tokens': [{'name': 'q1', 'uses': 5}]}, 'federation': {'mode': 'closed'}, "
		      "'retention': {'rooms': [{'room': '#a:example.test', 'max_lifetime': '30d'}]}}");
	assert_string_equal(summary(r),
			    "invites - registration \"token\" unseen; federation - mode \"closed\" unseen; "
			    "retention - rooms [{\"room\":\"#a:example.test\",\"max_lifetime\":\"30d\"}] "
			    "unseen");
	d = json_array_get(json_object_get(r, "deviations"), 0);
	assert_string_equal(
	    json_string_value(json_object_get(d, "reason")),
	    "not in the snapshot (config-managed on synapse: homeserver.yaml: enable_registration, "
	    "registration_requires_token)");
	/* whatever the driver's table says of a section, the reason quotes it */
	level = driver_capability(&drv_synapse, "retention.rooms", &note);
	snprintf(want, sizeof(want), "not in the snapshot (%s on synapse: %s)", capability_level_name(level),
		 note);
	d = json_array_get(json_object_get(r, "deviations"), 2);
	assert_string_equal(json_string_value(json_object_get(d, "reason")), want);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(r, "summary"), "not_in_snapshot")), 3);
}

/* A later export may hold a section: then it is compared, field by field. */
static void test_sections_the_body_holds_are_compared(void **state)
{
	json_t *r;

	(void)state;
	r = run_check("synapse",
		      "{'version': 1, 'server': 'example.test', 'federation': {'mode': 'allowlist', "
		      "'partners': ['a.example']}}",
		      "{'version': 1, 'server': 'example.test', 'federation': {'mode': 'allowlist', "
		      "'partners': ['b.example']}}");
	assert_string_equal(summary(r), "federation - partners [\"b.example\"] [\"a.example\"]");
}

/* A snapshot from a driver this msgadm does not know, or one lacking a section the policy
 * manages: still not in the snapshot, never a pass. */
static void test_unknown_driver_and_missing_sections(void **state)
{
	json_t *r, *d;

	(void)state;
	r = run_check("mattermost", "{'version': 1, 'server': 'example.test'}",
		      "{'version': 1, 'server': 'example.test', 'users': {'list': [{'id': 'a'}]}, "
		      "'invites': {'tokens': [], 'guests': false}}");
	assert_string_equal(summary(r), "users - list [{\"id\":\"a\"}] unseen; invites - tokens [] unseen; "
					"invites - guests false unseen");
	d = json_array_get(json_object_get(r, "deviations"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "reason")), "not in the snapshot");
}

/* ejabberd keeps admins in its configuration file and has no token API: its export holds neither,
 * so the policy's admin flags and tokens are unseen, not compared with nothing. */
static void test_fields_the_driver_cannot_read(void **state)
{
	json_t *r, *d;

	(void)state;
	r = run_check("ejabberd",
		      "{'version': 1, 'server': 'example.test', 'users': {'manage': 'listed', 'list': ["
		      "{'id': 'bob', 'display_name': 'Bob', 'active': true}]}}",
		      "{'version': 1, 'server': 'example.test', 'users': {'list': [{'id': 'bob', "
		      "'display_name': 'Robert', 'admin': true}]}, 'invites': {'tokens': [{'name': 'q1'}]}}");
	assert_string_equal(summary(r),
			    "user bob admin true unseen; invites - tokens [{\"name\":\"q1\"}] unseen; "
			    "user bob display_name \"Robert\" \"Bob\"");
	d = json_array_get(json_object_get(r, "deviations"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "path")), "users.list[0]");
	assert_true(
	    starts_with(json_string_value(json_object_get(d, "reason")),
			"not in the snapshot (config-managed on ejabberd: ejabberd.yml: an ACL listing the "
			"admin JIDs"));
	d = json_array_get(json_object_get(r, "deviations"), 1);
	assert_true(starts_with(json_string_value(json_object_get(d, "reason")),
				"not in the snapshot (unsupported on ejabberd: "));
}

/* An export made with config_fragment reads ejabberd's admin rights: then they are compared. */
static void test_admin_rights_an_export_read(void **state)
{
	json_t *r;

	(void)state;
	r = run_check(
	    "ejabberd",
	    "{'version': 1, 'server': 'example.test', 'users': {'manage': 'listed', 'list': ["
	    "{'id': 'bob', 'admin': false, 'active': true}, {'id': 'eve', 'admin': true, 'active': true}]}}",
	    "{'version': 1, 'server': 'example.test', 'users': {'list': [{'id': 'bob', 'admin': true}, "
	    "{'id': 'eve', 'admin': true}]}}");
	assert_string_equal(summary(r), "user bob admin true false");
}

static void test_policy_for_another_server(void **state)
{
	struct snapshot *sn = in_memory(snapshot_doc("synapse", BODY));
	struct msg_err err = {0};
	struct policy *p = NULL;
	json_t *report = NULL;

	(void)state;
	assert_int_equal(
	    policy_from_json("other.yaml", J("{'version': 1, 'server': 'other.example'}"), &p, &err), 0);
	assert_int_equal(snapshot_check(p, sn,
					driver_find(json_string_value(json_object_get(sn->meta, "driver"))),
					&report, &err),
			 -1);
	assert_null(report);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_non_null(strstr(err.text, "the policy is for 'other.example' but the snapshot snap.json is of "
					 "'example.test'"));
	policy_free(p);
	snapshot_free(sn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_written_file_reads_back_and_verifies, release_all),
	    cmocka_unit_test_teardown(test_reading_refuses_what_is_not_a_snapshot, release_all),
	    cmocka_unit_test_teardown(test_unknown_metadata_field_is_refused, release_all),
	    cmocka_unit_test_teardown(test_body_becomes_canonical_state, release_all),
	    cmocka_unit_test_teardown(test_body_that_is_not_an_export_is_refused, release_all),
	    cmocka_unit_test_teardown(test_complying_snapshot, release_all),
	    cmocka_unit_test_teardown(test_every_change_is_a_deviation, release_all),
	    cmocka_unit_test_teardown(test_config_sections_are_not_in_the_snapshot, release_all),
	    cmocka_unit_test_teardown(test_sections_the_body_holds_are_compared, release_all),
	    cmocka_unit_test_teardown(test_unknown_driver_and_missing_sections, release_all),
	    cmocka_unit_test_teardown(test_fields_the_driver_cannot_read, release_all),
	    cmocka_unit_test_teardown(test_admin_rights_an_export_read, release_all),
	    cmocka_unit_test_teardown(test_policy_for_another_server, release_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
