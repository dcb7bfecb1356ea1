/* What apply shows while it runs: each change's outcome on stdout as it comes, and the progress
 * meter on stderr, taken off the terminal while a line is written and put back after it. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli.h"
#include "engine/plan.h"

#define APPLY_LABEL "Applying changes"

struct apply_report {
	struct cli *cli;
	FILE *lines;	   /* text output, or NULL */
	bool lines_on_tty; /* the lines share the terminal with the meter */
	long done, failed, total;
};

static void on_outcome(void *ctx, const json_t *change, const char *status, const char *message)
{
	struct apply_report *r = ctx;

	r->done++;
	r->failed += strcmp(status, "ok") != 0;
	if (r->lines != NULL) {
		if (r->lines_on_tty)
			progress_clear(&r->cli->progress);
		plan_print_change(r->lines, change);
		if (strcmp(status, "ok") == 0)
			fputs("      done\n", r->lines);
		else
			fprintf(r->lines, "      %s%s%s\n", status, message[0] ? ": " : "", message);
		fflush(r->lines); /* before the meter comes back */
	}
	progress_report(&r->cli->progress, APPLY_LABEL, r->done, r->failed, r->total);
}

int cli_apply(struct cli *cli, struct session *s, const json_t *plan, bool print, json_t **results)
{
	struct apply_report r = {
	    .cli = cli,
	    .lines = print ? cli->out : NULL,
	    .lines_on_tty = print && isatty(fileno(cli->out)) == 1,
	    .total = (long)json_array_size(json_object_get(plan, "changes")),
	};
	struct apply_observer observer = {.outcome = on_outcome, .ctx = &r};

	progress_report(&cli->progress, APPLY_LABEL, 0, 0, r.total);
	return cli_plan_apply(s, plan, &observer, results);
}

static volatile sig_atomic_t stopping;

/* Ctrl-C while changes run: the first starts no more of them (those running end and are recorded),
 * the second aborts the requests in flight as well. */
static void on_sigint(int sig)
{
	static const char msg[] = "\nmsgadm: stopping: no more changes are started; waiting for those "
				  "running (Ctrl-C again aborts them)\n";

	const int saved = errno; /* a handler must leave errno as it found it */

	(void)sig;
	/* atomic: the workers read the flag on their threads */
	if (__atomic_load_n(&stopping, __ATOMIC_RELAXED)) {
		http_interrupt();
	} else {
		__atomic_store_n(&stopping, 1, __ATOMIC_RELAXED);
		progress_erase_from_signal();
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
			/* nothing to be done about it in a handler */
		}
	}
	errno = saved;
}

int cli_plan_apply(struct session *s, const json_t *plan, const struct apply_observer *observer,
		   json_t **results)
{
	const char *digest = json_string_value(json_object_get(plan, "state_digest"));
	struct apply_observer watch = {.outcome = NULL, .stop = &stopping};
	struct sigaction sa = {0}, old;
	struct apply_journal journal;
	struct audit_log *log = NULL;
	struct msg_err open_err;
	bool taken;
	int failed;

	if (observer != NULL)
		watch = (struct apply_observer){observer->outcome, observer->ctx, &stopping};
	__atomic_store_n(&stopping, 0, __ATOMIC_RELAXED);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	/* an ignored SIGINT (a job started with nohup) stays ignored */
	taken = sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN &&
		sigaction(SIGINT, &sa, NULL) == 0;
	audit_journal_open(s->context, s->driver->name, digest, &log, &open_err, &journal);
	failed = plan_apply(s, plan, &journal, &watch, results);
	audit_close(log);
	if (taken)
		sigaction(SIGINT, &old, NULL);
	return failed;
}
