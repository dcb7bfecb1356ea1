/* msgadm audit log [--since WHEN] [--until WHEN] [--outcome ok|failed] [--file LOG] */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "cli.h"
#include "table.h"
#include "base/exitcode.h"

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* A UTC date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[:SS][Z], T or a space) as seconds since the
 * epoch; *date_only tells which. -1 when it is neither. */
static int parse_when(const char *text, time_t *out, int *date_only)
{
	struct tm tm = {0}, check;
	char sep = 0, tail[4] = "";
	int n = 0, fields;

	fields = sscanf(text, "%4d-%2d-%2d%n%c%2d:%2d%n:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n,
			&sep, &tm.tm_hour, &tm.tm_min, &n, &tm.tm_sec, &n);
	if (fields != 3 && fields != 6 && fields != 7)
		return -1;
	if (fields > 3 && sep != 'T' && sep != ' ')
		return -1;
	snprintf(tail, sizeof(tail), "%s", text + n);
	if (strcmp(tail, "") != 0 && (fields == 3 || strcmp(tail, "Z") != 0))
		return -1;
	*date_only = fields == 3;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	check = tm;
	*out = timegm(&tm);
	/* timegm normalises 2026-02-30 into March: a changed field means the date did not exist */
	if (*out == (time_t)-1 || tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon ||
	    tm.tm_hour != check.tm_hour || tm.tm_min != check.tm_min || tm.tm_sec != check.tm_sec)
		return -1;
	return 0;
}

struct filter {
	time_t since, until; /* [since, until) */
	const char *context;
	const char *outcome;
};

static int parse_filter(struct cli *cli, const struct cmd_args *args, struct filter *f)
{
	const char *since = args_value(args, "since"), *until = args_value(args, "until");
	int date_only;

	f->since = 0;
	f->until = (time_t)-1;
	if (since != NULL && parse_when(since, &f->since, &date_only) != 0)
		return cli_fail(cli, EXIT_USAGE,
				"--since: '%s' is not a UTC date or date-time (2026-11-26, "
				"2026-11-26T14:05:00Z)",
				since);
	if (until != NULL) {
		if (parse_when(until, &f->until, &date_only) != 0)
			return cli_fail(cli, EXIT_USAGE,
					"--until: '%s' is not a UTC date or date-time (2026-11-26, "
					"2026-11-26T14:05:00Z)",
					until);
		f->until += date_only ? 86400 : 1; /* through the end of that day, or that second */
	}
	f->outcome = args_value(args, "outcome");
	if (f->outcome != NULL && strcmp(f->outcome, "ok") != 0 && strcmp(f->outcome, "failed") != 0)
		return cli_fail(cli, EXIT_USAGE, "--outcome: '%s' is not ok or failed", f->outcome);
	return 0;
}

static int wanted(const struct filter *f, const json_t *record)
{
	const char *when = str(record, "time"), *outcome = str(record, "outcome");
	time_t t;
	int date_only;

	if (f->since != 0 || f->until != (time_t)-1) {
		if (when == NULL || parse_when(when, &t, &date_only) != 0 || t < f->since ||
		    (f->until != (time_t)-1 && t >= f->until))
			return 0;
	}
	if (f->context != NULL &&
	    (str(record, "context") == NULL || strcmp(str(record, "context"), f->context)))
		return 0;
	/* "failed" covers every change that did not simply succeed */
	if (f->outcome != NULL &&
	    (outcome != NULL && strcmp(outcome, "ok") == 0) != (strcmp(f->outcome, "ok") == 0))
		return 0;
	return 1;
}

static void print_records(FILE *out, const json_t *records)
{
	static const char *const headers[] = {"TIME", "USER", "CONTEXT", "OUTCOME", "CHANGE", NULL};
	struct table *t = table_new(headers);
	const json_t *r;
	size_t i;

	json_array_foreach(records, i, r)
	{
		const json_t *c = json_object_get(r, "change");
		/* an op of the table has its mark; others (a retention purge) are "?" and named */
		const enum change_op op = change_op(c);
		char *change = NULL;
		size_t len = 0;
		FILE *text = open_memstream(&change, &len);

		if (text != NULL) {
			if (op == OP_NONE)
				fputc('?', text);
			else
				fputc(op_mark(op), text);
			fprintf(text, " %s %s", str(c, "type"), str(c, "key"));
			if (op != OP_CREATE && op != OP_UPDATE && str(c, "op") != NULL)
				fprintf(text, " (%s)", str(c, "op"));
			if (str(r, "message") != NULL)
				fprintf(text, ": %s", str(r, "message"));
			fclose(text);
		}
		char user[300];

		if (str(r, "sudo_user") != NULL)
			snprintf(user, sizeof(user), "%s (sudo %s)", str(r, "user") ? str(r, "user") : "-",
				 str(r, "sudo_user"));
		else
			snprintf(user, sizeof(user), "%s", str(r, "user") ? str(r, "user") : "-");
		table_add(t, (const char *const[]){str(r, "time"), user, str(r, "context"), str(r, "outcome"),
						   change});
		free(change);
	}
	table_print(out, t);
	table_free(t);
}

static int exec_audit_log(struct cli *cli, const struct cmd_args *args)
{
	const char *file = args_value(args, "file");
	json_t *records = NULL, *shown = NULL, *r;
	struct filter filter = {0};
	struct config *cfg;
	char *path = NULL;
	int status = 0;
	size_t i;

	if (parse_filter(cli, args, &filter) != 0)
		return cli_failed(cli);
	if (file != NULL) {
		path = strdup(file);
		filter.context = cli->context_name;
	} else if (cli_config(cli, &cfg) != 0 ||
		   config_audit_path(cfg, cli->context_name, &path, &filter.context, &cli->err) != 0) {
		return cli_failed(cli);
	}
	if (path == NULL || audit_read(path, &records, &cli->err) != 0) {
		status = path ? cli_failed(cli) : cli_fail(cli, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	shown = json_array();
	json_array_foreach(records, i, r) if (wanted(&filter, r)) json_array_append(shown, r);
	if (cli_print(cli, shown, print_records) != 0)
		status = cli_failed(cli);
done:
	json_decref(shown);
	json_decref(records);
	free(path);
	return status;
}

const struct command cmd_audit_log = {
    .name = "audit log",
    .synopsis = "[--since WHEN] [--until WHEN] [--outcome ok|failed] [--file LOG]",
    .summary = "show the changes msgadm made (its own audit log)",
    .description = "Prints the audit log of the context (or LOG): one line per change apply and the\n"
		   "imperative commands made, with time, OS user, context, outcome and message.\n"
		   "WHEN is a UTC date (2026-11-26: the whole day for --until) or date-time\n"
		   "(2026-11-26T14:05:00Z). With --context, only that context's changes are shown;\n"
		   "--outcome failed also shows changes not attempted.",
    .options =
	{
	    {"since", 0, "WHEN", "only changes at or after this UTC date or time", NULL},
	    {"until", 0, "WHEN", "only changes up to this UTC date (inclusive) or time", NULL},
	    {"outcome", 0, "OUTCOME", "only changes that succeeded (ok) or did not (failed)", NULL},
	    {"file", 0, "LOG", "read this audit log instead of the context's", "file"},
	},
    .min_args = 0,
    .max_args = 0,
    .exec = exec_audit_log,
};
