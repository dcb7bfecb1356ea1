/* msgadm retention enforce -f FILE [--dry-run]: delete history older than the policy's lifetimes. */
#include <string.h>

#include "audit/audit.h"
#include "cli.h"
#include "table.h"
#include "base/exitcode.h"
#include "engine/policy.h"

static const char *str_or(const json_t *obj, const char *key, const char *fallback)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s && *s ? s : fallback;
}

static void render_report(FILE *out, const json_t *report)
{
	static const char *const headers[] = {"SCOPE", "RULE", "CUTOFF", "STATUS", "MESSAGE", NULL};
	struct table *t = table_new(headers);
	json_t *r;
	size_t i;

	json_array_foreach(report, i, r)
	{
		table_add(t, (const char *const[]){str_or(r, "scope", "?"), str_or(r, "rule", "?"),
						   str_or(r, "cutoff", "-"), str_or(r, "status", "?"),
						   str_or(r, "message", "")});
	}
	table_print(out, t);
	table_free(t);
}

/* Each purge asked for goes to the audit log, as apply's changes do. */
static int audit_report(struct session *s, const json_t *report, struct msg_err *err)
{
	struct audit_log *log = NULL;
	json_t *r, *change;
	size_t i;
	int rc = 0;

	if (audit_open(s->context, s->driver->name, NULL, &log, err) != 0)
		return -1;
	json_array_foreach(report, i, r)
	{
		const char *status = str_or(r, "status", "");
		bool failed = strcmp(status, "failed") == 0;

		if (!failed && strcmp(status, "purged") != 0)
			continue;
		change = json_pack("{s:s,s:s,s:O,s:O,s:O}", "op", "purge", "type", "room_history", "key",
				   json_object_get(r, "scope"), "rule", json_object_get(r, "rule"), "cutoff",
				   json_object_get(r, "cutoff"));
		rc = audit_record(log, change, failed ? "failed" : "ok",
				  failed ? str_or(r, "message", "") : NULL, err);
		json_decref(change);
		if (rc != 0)
			break;
	}
	audit_close(log);
	return rc;
}

static int exec_retention_enforce(struct cli *cli, const struct cmd_args *args)
{
	struct policy *p = NULL;
	struct session *s;
	json_t *report = NULL, *r;
	bool dry_run = args_flag(args, "dry-run");
	int status = EXIT_OK;
	size_t i;

	if (policy_load(args_value(args, "file"), &p, &cli->err) != 0 || cli_session(cli, &s) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	/* the report is printed even when the audit log then fails: the purges have happened */
	if (s->driver->enforce_retention(s, p->doc, dry_run, &report, &cli->err) != 0 ||
	    cli_print(cli, report, render_report) != 0 ||
	    (!dry_run && audit_report(s, report, &cli->err) != 0)) {
		status = cli_failed(cli);
		goto done;
	}
	json_array_foreach(report, i, r) if (strcmp(str_or(r, "status", ""), "failed") == 0) status =
	    EXIT_PARTIAL;
done:
	json_decref(report);
	policy_free(p);
	return status;
}

const struct command cmd_retention_enforce = {
    .name = "retention enforce",
    .synopsis = "-f FILE [--dry-run]",
    .summary = "delete history older than the policy's retention lifetimes",
    .description =
	"For each retention.rooms rule, and retention.default for every other room the server is in,\n"
	"asks the server to delete the history before now minus max_lifetime, and waits\n"
	"for each deletion to finish. Prints one line per room: purged, nothing to purge, would purge\n"
	"(--dry-run) or failed. Exits 3 when some failed. Safe to repeat, e.g. from cron.",
    .options =
	{
	    {"file", 'f', "FILE", "the policy whose retention section to enforce", "file"},
	    {"dry-run", 0, NULL, "say which rooms would be purged; change nothing", NULL},
	},
    .min_args = 0,
    .max_args = 0,
    .required = "file",
    .needs = "retention",
    .flags = CMD_NEEDS_SERVER | CMD_CHANGES_STATE,
    .exec = exec_retention_enforce,
};
