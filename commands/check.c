/* msgadm check -f POLICY --snapshot SNAP: offline compliance of a snapshot with a policy. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "drivers/drivers.h"
#include "base/exitcode.h"
#include "audit/snapshot.h"

/* A value as compact JSON, shortened for a line of text. */
static void print_value(FILE *out, const json_t *v)
{
	char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	if (text != NULL && strlen(text) > 60)
		fprintf(out, "%.57s...", text);
	else
		fputs(text ? text : "?", out);
	free(text);
}

static void print_report(FILE *out, const json_t *r)
{
	const json_t *m = json_object_get(r, "snapshot");
	const json_t *sum = json_object_get(r, "summary");
	json_int_t n = json_integer_value(json_object_get(sum, "deviations"));
	json_int_t unseen = json_integer_value(json_object_get(sum, "not_in_snapshot"));
	json_t *d;
	size_t i;

	fprintf(out, "%s (%s, taken %s) %s %s%s\n", json_string_value(json_object_get(m, "file")),
		json_string_value(json_object_get(m, "server")),
		json_string_value(json_object_get(m, "created")), n ? "deviates from" : "complies with",
		json_string_value(json_object_get(r, "policy")), n ? ":" : ".");
	json_array_foreach(json_object_get(r, "deviations"), i, d)
	{
		const char *key = json_string_value(json_object_get(d, "key"));
		const char *reason = json_string_value(json_object_get(d, "reason"));

		fprintf(out, "  %s%s%s: %s: expected ", json_string_value(json_object_get(d, "resource")),
			key ? " " : "", key ? key : "", json_string_value(json_object_get(d, "field")));
		print_value(out, json_object_get(d, "expected"));
		if (json_object_get(d, "in_snapshot") != NULL) {
			fprintf(out, ", %s\n", reason);
			continue;
		}
		fputs(", found ", out);
		print_value(out, json_object_get(d, "found"));
		fprintf(out, "%s%s%s\n", reason ? " (" : "", reason ? reason : "", reason ? ")" : "");
	}
	json_array_foreach(json_object_get(r, "notes"), i, d)
	{
		fprintf(out, "note: %s: %s\n", json_string_value(json_object_get(d, "path")),
			json_string_value(json_object_get(d, "message")));
	}
	fprintf(out, "Check: %" JSON_INTEGER_FORMAT " deviation%s", n, n == 1 ? "" : "s");
	if (unseen > 0)
		fprintf(out, " (%" JSON_INTEGER_FORMAT " not in the snapshot)", unseen);
	fputs(".\n", out);
}

/* The snapshot to hold to the policy: checked against its signature when a key is given (and then
 * made of the very bytes whose signature held), else against its digest only. */
static int load_snapshot(struct cli *cli, const char *file, const char *pubkey, struct snapshot **snap)
{
	json_t *verified = NULL;
	int rc;

	if (pubkey != NULL) {
		rc = snapshot_verify(file, pubkey, &verified, snap, &cli->err);
		json_decref(verified);
		return rc;
	}
	if (snapshot_read(file, snap, &cli->err) != 0)
		return -1;
	return snapshot_check_body(*snap, &cli->err);
}

static int exec_check(struct cli *cli, const struct cmd_args *args)
{
	const char *snapfile = args_value(args, "snapshot");
	struct snapshot *snap = NULL;
	struct policy *p = NULL;
	json_t *report = NULL;
	int status;

	if (snapfile == NULL)
		return cli_fail(cli, EXIT_USAGE,
				"option --snapshot is required (a live server is checked with 'plan "
				"--detailed-exitcode')\nusage: msgadm %s %s",
				args->cmd->name, args->cmd->synopsis);
	/* no session is opened: everything comes from the files */
	if (policy_load(args_value(args, "file"), &p, &cli->err) != 0 ||
	    load_snapshot(cli, snapfile, args_value(args, "pubkey"), &snap) != 0 ||
	    snapshot_check(p, snap, driver_find(json_string_value(json_object_get(snap->meta, "driver"))),
			   &report, &cli->err) != 0 ||
	    cli_print(cli, report, print_report) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	status = json_is_true(json_object_get(report, "complies")) ? EXIT_OK : EXIT_CHANGES;
done:
	json_decref(report);
	snapshot_free(snap);
	policy_free(p);
	return status;
}

const struct command cmd_check = {
    .name = "check",
    .synopsis = "-f FILE --snapshot SNAP [--pubkey KEY.pub]",
    .summary = "check a snapshot against a policy, offline",
    .description = "Holds the snapshot to the policy without contacting any server, through the same\n"
		   "engine as plan: every change plan would make is a deviation (resource, field, expected,\n"
		   "found), and what the policy asks for that the snapshot cannot show (configuration-file\n"
		   "sections) is one too, as not in the snapshot. Exits 0 when the snapshot complies, 2\n"
		   "when it deviates. With --pubkey the signature is verified first.",
    .options =
	{
	    {"file", 'f', "FILE", "the policy", "file"},
	    {"snapshot", 0, "SNAP", "the snapshot ('snapshot create')", "file"},
	    {"pubkey", 0, "KEY.pub", "verify SNAP.sig with this public key first", "file"},
	},
    .max_args = 0,
    .required = "file",
    .exec = exec_check,
};
