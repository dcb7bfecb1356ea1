/* Tests of cli/audit/audit.c and of plan_apply with the audit log as its journal: the chain of lines, the
 * default paths, and that no change is made without its audit line (a log that cannot be opened, or that
 * fills up mid-run). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/exitcode.h"
#include "engine/plan.h"
#include "test_json.h"

static char dir[] = "/tmp/msgadm-audit-XXXXXX";
static char log_path[256];
static int created; /* create_user calls the fake driver saw */

static int fake_create_user(struct session *s, const json_t *change, struct msg_err *err)
{
	(void)s;
	(void)change;
	(void)err;
	created++;
	return 0;
}

static const struct capability fake_caps[] = {{NULL, CAP_UNSUPPORTED, NULL}};
static const struct resource_ops fake_resources[] = {
    {.type = &resource_user, .apply = {[OP_CREATE] = fake_create_user}},
    {.type = NULL},
};
static const struct driver fake_driver = {
    .name = "fake",
    .capabilities = fake_caps,
    .resources = fake_resources,
};

/* plan_apply as cli/ runs it: with the context's audit log as the journal. */
static int apply_audited(struct session *s, const json_t *plan, json_t **results)
{
	struct apply_journal journal;
	struct audit_log *log = NULL;
	struct msg_err open_err;
	int failed;

	audit_journal_open(s->context, s->driver->name, "sha256:abc", &log, &open_err, &journal);
	failed = plan_apply(s, plan, &journal, NULL, results);
	audit_close(log);
	return failed;
}

static int setup(void **state)
{
	(void)state;
	created = 0;
	assert_non_null(mkdtemp(strcpy(dir, "/tmp/msgadm-audit-XXXXXX")));
	snprintf(log_path, sizeof(log_path), "%s/logs/audit.jsonl", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	release_all(state);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* Three user creations, as a plan carries them. */
static json_t *three_creations(void)
{
	return J("{'state_digest': 'sha256:abc', 'changes': ["
		 "{'op': 'create', 'type': 'user', 'key': 'a', 'after': {'id': 'a'}},"
		 "{'op': 'create', 'type': 'user', 'key': 'b', 'after': {'id': 'b'}},"
		 "{'op': 'create', 'type': 'user', 'key': 'c', 'after': {'id': 'c'}}]}");
}

static const char *status_of(const json_t *results, size_t i)
{
	return json_string_value(json_object_get(json_array_get(results, i), "status"));
}

static void test_records_chain_and_verify(void **state)
{
	struct context ctx = {.name = "prod", .server = "example.gov", .audit_log = log_path};
	struct msg_err err = {0};
	struct audit_log *log = NULL;
	json_t *summary = NULL, *records = NULL;
	struct stat st;

	(void)state;
	assert_int_equal(audit_open(&ctx, "synapse", "sha256:abc", &log, &err), 0);
	assert_int_equal(audit_record(log, J("{'op': 'create', 'type': 'user', 'key': 'a'}"), "ok", "", &err),
			 0);
	assert_int_equal(audit_record(log, J("{'op': 'delete', 'type': 'token', 'key': 't'}"), "failed",
				      "synapse: 500", &err),
			 0);
	audit_close(log);
	assert_int_equal(stat(log_path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(audit_verify(log_path, NULL, &summary, &err), 0);
	hold(summary);
	assert_int_equal(json_integer_value(json_object_get(summary, "lines")), 2);
	assert_int_equal(audit_read(log_path, &records, &err), 0);
	hold(records);
	assert_string_equal(json_string_value(json_object_get(json_array_get(records, 0), "prev")),
			    "0000000000000000000000000000000000000000000000000000000000000000");
	assert_string_equal(json_string_value(json_object_get(json_array_get(records, 1), "message")),
			    "synapse: 500");
	assert_null(json_object_get(json_array_get(records, 0), "message"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(records, 1), "digest")),
			    "sha256:abc");
	/* the anchor must be a line's hash */
	assert_int_equal(
	    audit_verify(log_path, json_string_value(json_object_get(summary, "head")), &summary, &err), 0);
	hold(summary);
	assert_int_equal(audit_verify(log_path, "00", &summary, &err), -1);
	assert_int_equal(err.status, EXIT_DATAERR);
}

static void test_apply_makes_no_change_without_a_log(void **state)
{
	char blocked[300];
	struct context ctx = {.name = "prod", .server = "example.gov", .audit_log = blocked};
	struct session s = {.driver = &fake_driver, .context = &ctx};
	json_t *results = NULL;
	FILE *f;

	(void)state;
	snprintf(blocked, sizeof(blocked), "%s/file/audit.jsonl", dir);
	snprintf(log_path, sizeof(log_path), "%s/file", dir);
	f = fopen(log_path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(apply_audited(&s, three_creations(), &results), 3);
	hold(results);
	assert_int_equal(created, 0);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(status_of(results, i), "not attempted");
		assert_non_null(strstr(
		    json_string_value(json_object_get(json_array_get(results, i), "message")), "audit log"));
	}
}

/* The log can take one more line, then the file size limit stops writes (EFBIG, maybe after a
 * partial write, which must be taken back). */
static void test_apply_stops_when_a_line_cannot_be_written(void **state)
{
	struct context ctx = {.name = "prod", .server = "example.gov", .audit_log = log_path};
	struct session s = {.driver = &fake_driver, .context = &ctx};
	struct rlimit old, small;
	json_t *results = NULL, *summary = NULL;
	struct stat st;

	(void)state;
	assert_int_equal(audit_check(&ctx, &(struct msg_err){0}), 0);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 400; /* one line is about 300 bytes */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(apply_audited(&s, three_creations(), &results), 2);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	hold(results);
	assert_string_equal(status_of(results, 0), "ok");
	assert_string_equal(status_of(results, 1), "done, not audited");
	assert_string_equal(status_of(results, 2), "not attempted");
	assert_int_equal(created, 2);
	/* the half-written second line was taken back: the chain stays whole */
	assert_int_equal(audit_verify(log_path, NULL, &summary, &(struct msg_err){0}), 0);
	hold(summary);
	assert_int_equal(json_integer_value(json_object_get(summary, "lines")), 1);
	assert_int_equal(stat(log_path, &st), 0);
	assert_true(st.st_size < 400);
}

static void test_default_paths(void **state)
{
	struct context ctx = {.name = "x", .server = "example.gov"};
	char *p;

	(void)state;
	setenv("XDG_STATE_HOME", "/var/state", 1);
	p = audit_path(&ctx);
	assert_string_equal(p, "/var/state/msgadm/audit.jsonl");
	free(p);
	setenv("XDG_STATE_HOME", "relative", 1); /* ignored, as the XDG spec says */
	setenv("HOME", "/home/ann", 1);
	p = audit_path(NULL);
	assert_string_equal(p, "/home/ann/.local/state/msgadm/audit.jsonl");
	free(p);
	ctx.audit_log = "/srv/audit/prod.jsonl";
	p = audit_path(&ctx);
	assert_string_equal(p, "/srv/audit/prod.jsonl");
	free(p);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_records_chain_and_verify),
	    T(test_apply_makes_no_change_without_a_log),
	    T(test_apply_stops_when_a_line_cannot_be_written),
	    T(test_default_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
