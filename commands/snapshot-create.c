/* msgadm snapshot create --out FILE: the live state, with its metadata and digest, to a new file. */
#include "cli.h"
#include "audit/snapshot.h"

static void print_created(FILE *out, const json_t *r)
{
	const json_t *body = json_object_get(r, "body");
	const char *version = json_string_value(json_object_get(r, "server_version"));

	size_t users = json_array_size(json_object_get(json_object_get(body, "users"), "list"));
	size_t tokens = json_array_size(json_object_get(json_object_get(body, "invites"), "tokens"));

	fprintf(out, "Wrote %s: %s (%s %s, context %s) at %s: %zu user%s, %zu invite token%s.\n",
		json_string_value(json_object_get(r, "file")),
		json_string_value(json_object_get(r, "server")),
		json_string_value(json_object_get(r, "driver")), version ? version : "(version unknown)",
		json_string_value(json_object_get(r, "context")),
		json_string_value(json_object_get(r, "created")), users, users == 1 ? "" : "s", tokens,
		tokens == 1 ? "" : "s");
	fprintf(out, "body_sha256 %s\n", json_string_value(json_object_get(r, "body_sha256")));
}

static int exec_snapshot_create(struct cli *cli, const struct cmd_args *args)
{
	const char *file = args_value(args, "out");
	struct session *s;
	json_t *snap = NULL, *result = NULL;
	int status = 0;

	if (cli_session(cli, &s) != 0 || snapshot_build(s, &snap, &cli->err) != 0 ||
	    snapshot_write(file, snap, &cli->err) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	/* what was written: the metadata and the file; the body only for the text summary's counts */
	result = json_deep_copy(json_object_get(snap, "snapshot"));
	json_object_set_new(result, "file", json_string(file));
	if (cli->output == OUTPUT_TEXT)
		json_object_set(result, "body", json_object_get(snap, "body"));
	if (cli_print(cli, result, print_created) != 0)
		status = cli_failed(cli);
done:
	json_decref(result);
	json_decref(snap);
	return status;
}

const struct command cmd_snapshot_create = {
    .name = "snapshot create",
    .synopsis = "--out FILE",
    .summary = "save the live state, with metadata and its SHA-256, for audits",
    .description = "Writes the export (as 'msgadm export' prints it) with the context, driver, server,\n"
		   "server version, msgadm version and time (UTC), and the SHA-256 of the body in RFC 8785\n"
		   "canonical form: the same live state always gives the same body and digest. FILE is\n"
		   "written deterministically and never overwritten. Sign it with 'snapshot sign'.",
    .options =
	{
	    {"out", 0, "FILE", "the snapshot file to create (JSON)", "file"},
	},
    .max_args = 0,
    .required = "out",
    .flags = CMD_NEEDS_SERVER,
    .exec = exec_snapshot_create,
};
