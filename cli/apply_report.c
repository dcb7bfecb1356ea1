/* What apply shows while it runs: each change's outcome on stdout as it comes, and the progress
 * meter on stderr, taken off the terminal while a line is written and put back after it. */
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

int cli_plan_apply(struct session *s, const json_t *plan, const struct apply_observer *observer,
		   json_t **results)
{
	const char *digest = json_string_value(json_object_get(plan, "state_digest"));
	struct apply_journal journal;
	struct audit_log *log = NULL;
	struct msg_err open_err;
	int failed;

	audit_journal_open(s->context, s->driver->name, digest, &log, &open_err, &journal);
	failed = plan_apply(s, plan, &journal, observer, results);
	audit_close(log);
	return failed;
}
