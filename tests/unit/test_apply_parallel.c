/* apply --parallel: a fake driver whose changes take a few milliseconds and log when they start and
 * end. Stages stay barriers, a change that must run alone runs alone, outcomes are told in plan
 * order, a fatal failure or Ctrl-C starts nothing more, and the pool really runs changes at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/exitcode.h"
#include "engine/driver.h"
#include "engine/plan.h"
#include "engine/pool.h"
#include "test_fake_driver.h"
#include "test_json.h"

static const struct resource_type job = {
    .name = "job",
    .plural = "jobs",
    .stage = {[OP_CREATE] = 10, [OP_UPDATE] = 20, [OP_DELETE] = 30},
};

/* What the changes did, in the order it happened: "+key" at a start, "-key" at an end. */
static struct {
	pthread_mutex_t lock;
	char events[200][16];
	int n, running, most_running;
	const char *fail_key; /* this change fails */
	int fail_status;
} log_ = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void note(char mark, const char *key, int running)
{
	pthread_mutex_lock(&log_.lock);
	if (log_.n < 200)
		snprintf(log_.events[log_.n++], sizeof(log_.events[0]), "%c%s", mark, key);
	log_.running += running;
	if (log_.running > log_.most_running)
		log_.most_running = log_.running;
	pthread_mutex_unlock(&log_.lock);
}

static int apply_job(struct session *s, const json_t *change, struct msg_err *err)
{
	const char *key = change_key(change);
	struct timespec pause = {.tv_sec = 0, .tv_nsec = 3000000L}; /* 3 ms: long enough to overlap */

	(void)s;
	note('+', key, 1);
	if (log_.fail_key != NULL && strcmp(key, log_.fail_key) == 0) {
		note('-', key, -1);
		return err_set(err, log_.fail_status, "job %s failed", key); /* at once */
	}
	if (log_.fail_key != NULL)
		pause.tv_nsec = 30000000L; /* the failure comes while the others run */
	nanosleep(&pause, NULL);
	note('-', key, -1);
	return 0;
}

static bool alone_if_solo(const json_t *change)
{
	return strncmp(change_key(change), "solo", 4) != 0;
}

static const struct resource_ops fake_resources[] = {
    {.type = &job,
     .apply = {[OP_CREATE] = apply_job, [OP_UPDATE] = apply_job, [OP_DELETE] = apply_job},
     .concurrent = alone_if_solo},
    {.type = NULL},
};
static const struct capability fake_caps[] = {{NULL, CAP_UNSUPPORTED, NULL}};
static const struct driver fake_driver = {
    .name = "jobs",
    .capabilities = fake_caps,
    .resources = fake_resources,
    .whoami = fake_whoami,
};
static struct context ctx = {.name = "t", .server = "example.test", .url = "http://127.0.0.1:1"};

/* The outcomes as the observer heard them: "key status" lines. */
static char told[4096];

static void on_outcome(void *c, const json_t *change, const char *status, const char *message)
{
	size_t used = strlen(told);

	(void)c;
	(void)message;
	snprintf(told + used, sizeof(told) - used, "%s%s %s", used ? ", " : "", change_key(change), status);
}

/* A plan of 6 creates, 6 updates (solo among them), 6 deletes: listed in stage order, as plans are. */
static json_t *plan_of_jobs(void)
{
	json_t *changes = json_array();
	char key[16];

	for (int i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "c%d", i);
		json_array_append_new(changes, change_new(OP_CREATE, "job", key, NULL));
	}
	for (int i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), i == 3 ? "solo" : "u%d", i);
		json_array_append_new(changes, change_new(OP_UPDATE, "job", key, NULL));
	}
	for (int i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "d%d", i);
		json_array_append_new(changes, change_new(OP_DELETE, "job", key, NULL));
	}
	return hold(json_pack("{s:o}", "changes", changes));
}

static int run(int parallel, volatile sig_atomic_t *stop, json_t **results)
{
	struct session s = {.driver = &fake_driver, .context = &ctx, .parallel = parallel};
	struct apply_observer observer = {.outcome = on_outcome, .stop = stop};
	int failed;

	log_.n = log_.running = log_.most_running = 0;
	told[0] = '\0';
	failed = plan_apply(&s, plan_of_jobs(), &no_journal, &observer, results);
	hold(*results);
	session_workers_close(&s);
	free(s.whoami);
	return failed;
}

/* Where event e ("+c1") is in the log, -1 when absent. */
static int at(const char *e)
{
	for (int i = 0; i < log_.n; i++)
		if (strcmp(log_.events[i], e) == 0)
			return i;
	return -1;
}

static int stage(char k)
{
	return k == 'c' ? 1 : k == 'd' ? 3 : 2;
}

static void test_no_change_of_a_stage_starts_before_the_stage_before_has_ended(void **state)
{
	json_t *results;

	(void)state;
	assert_int_equal(run(4, NULL, &results), 0);
	assert_int_equal(log_.n, 36);
	for (int i = 0; i < log_.n; i++) {
		if (log_.events[i][0] != '+')
			continue;
		/* every end of an earlier stage comes before this start */
		for (int j = i + 1; j < log_.n; j++)
			if (log_.events[j][0] == '-')
				assert_false(stage(log_.events[j][1]) < stage(log_.events[i][1]));
	}
	/* the pool did run changes at once */
	assert_true(log_.most_running > 1);
	assert_true(log_.most_running <= 4);
}

static void test_a_change_that_must_run_alone_runs_with_nothing_beside_it(void **state)
{
	json_t *results;
	int start, end;

	(void)state;
	assert_int_equal(run(4, NULL, &results), 0);
	start = at("+solo");
	end = at("-solo");
	assert_true(start >= 0 && end == start + 1);
	/* what came before it in the plan has ended, what comes after has not started */
	assert_true(at("-u2") < start && at("+u4") > end);
}

static void test_outcomes_are_told_in_plan_order(void **state)
{
	json_t *results, *r;
	size_t i;

	(void)state;
	run(4, NULL, &results);
	assert_string_equal(told, "c0 ok, c1 ok, c2 ok, c3 ok, c4 ok, c5 ok, u0 ok, u1 ok, u2 ok, solo ok, "
				  "u4 ok, u5 ok, d0 ok, d1 ok, d2 ok, d3 ok, d4 ok, d5 ok");
	assert_int_equal(json_array_size(results), 18);
	json_array_foreach(results, i, r)
	{
		char want[8];

		snprintf(want, sizeof(want), "%c%zu", "cud"[i / 6], i % 6);
		assert_string_equal(change_key(json_object_get(r, "change")), i == 9 ? "solo" : want);
	}
}

static void test_one_worker_is_the_serial_order(void **state)
{
	json_t *results;

	(void)state;
	run(1, NULL, &results);
	assert_int_equal(log_.most_running, 1);
	for (int i = 0; i < log_.n; i += 2)
		assert_string_equal(log_.events[i] + 1, log_.events[i + 1] + 1);
	assert_string_equal(log_.events[0], "+c0");
	assert_string_equal(log_.events[35], "-d5");
}

static void test_a_fatal_failure_starts_nothing_more(void **state)
{
	json_t *results, *r;
	size_t i, ok = 0, not_attempted = 0;
	int failed;

	(void)state;
	log_.fail_key = "c1";
	log_.fail_status = EXIT_NOPERM;
	failed = run(2, NULL, &results);
	log_.fail_key = NULL;
	/* nothing of a later stage ran; the creates already running ended */
	for (int e = 0; e < log_.n; e++)
		assert_int_equal(stage(log_.events[e][1]), 1);
	json_array_foreach(results, i, r)
	{
		const char *status = json_string_value(json_object_get(r, "status"));

		ok += strcmp(status, "ok") == 0;
		not_attempted += strcmp(status, "not attempted") == 0;
	}
	assert_int_equal(ok + not_attempted + 1, 18);
	assert_int_equal(failed, 18 - (int)ok);
	assert_string_equal(json_string_value(json_object_get(json_array_get(results, 1), "status")),
			    "failed");
	/* the two workers took c0 and c1; c1 failed while c0 ran, and no more were started */
	assert_int_equal(ok, 1);
	assert_int_equal(not_attempted, 16);
}

static void test_a_failure_of_one_change_lets_the_others_run(void **state)
{
	json_t *results;

	(void)state;
	log_.fail_key = "u1";
	log_.fail_status = EXIT_FAILURE_;
	assert_int_equal(run(4, NULL, &results), 1);
	log_.fail_key = NULL;
	assert_int_equal(log_.n, 36);
}

static void test_a_stop_before_the_run_starts_nothing(void **state)
{
	volatile sig_atomic_t stop = 1;
	json_t *results;

	(void)state;
	assert_int_equal(run(4, &stop, &results), 18);
	assert_int_equal(log_.n, 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(results, 0), "message")),
			    "interrupted before it was started");
}

/* session_each: every item once, on up to parallel workers; the lowest failing index is reported. */
static int seen[64];

static int item(struct session *w, size_t i, void *c, struct msg_err *err)
{
	(void)w;
	(void)c;
	__atomic_add_fetch(&seen[i], 1, __ATOMIC_SEQ_CST);
	if (i == 40 || i == 41)
		return err_set(err, EXIT_PROTOCOL, "item %zu is bad", i);
	return 0;
}

static void test_each_reads_every_item_once(void **state)
{
	struct session s = {.driver = &fake_driver, .context = &ctx, .parallel = 8};
	struct msg_err err = {0};

	(void)state;
	memset(seen, 0, sizeof(seen));
	assert_int_equal(session_each(&s, "items", 40, item, NULL, &err), 0);
	for (int i = 0; i < 40; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(s.nworkers, 7);
	assert_int_equal(session_each(&s, "items", 64, item, NULL, &err), -1);
	assert_string_equal(err.text, "item 40 is bad");
	session_workers_close(&s);
}

#define T(f) cmocka_unit_test_teardown(f, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_no_change_of_a_stage_starts_before_the_stage_before_has_ended),
	    T(test_a_change_that_must_run_alone_runs_with_nothing_beside_it),
	    T(test_outcomes_are_told_in_plan_order),
	    T(test_one_worker_is_the_serial_order),
	    T(test_a_fatal_failure_starts_nothing_more),
	    T(test_a_failure_of_one_change_lets_the_others_run),
	    T(test_a_stop_before_the_run_starts_nothing),
	    T(test_each_reads_every_item_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
