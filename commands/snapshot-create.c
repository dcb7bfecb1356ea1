/* msgadm snapshot create --out FILE: the live state, with its metadata and digest, to a new file. */
#include "cli.h"
#include "audit/snapshot.h"
#include "engine/policy.h"

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

/* With -f POLICY: what the directory its users.directory names answers, as counts and a digest,
 * added to the metadata: who is in it stays out of the snapshot. */
static int record_directory(struct cli *cli, struct session *s, const char *policy_file, json_t *snap)
{
	struct policy *p = NULL;
	const json_t *spec;
	json_t *answer = NULL, *entry;
	int rc = -1;

	if (policy_load(policy_file, &p, &cli->err) != 0)
		return -1;
	spec = json_object_get(json_object_get(p->doc, "users"), "directory");
	if (spec == NULL) {
		rc = 0; /* a policy without a directory adds nothing */
		goto done;
	}
	if (s->directory->read(s->directory, s, spec, &answer, &cli->err) != 0)
		goto done;
	entry = json_pack("{s:O,s:O,s:s?,s:s?,s:O,s:I,s:I,s:O}", "directory",
			  json_object_get(answer, "directory"), "base", json_object_get(spec, "base"),
			  "filter", json_string_value(json_object_get(spec, "filter")), "member_of",
			  json_string_value(json_object_get(spec, "member_of")), "entries",
			  json_object_get(answer, "entries"), "users",
			  (json_int_t)json_object_size(json_object_get(answer, "users")), "left_out",
			  (json_int_t)json_array_size(json_object_get(answer, "left_out")), "digest",
			  json_object_get(answer, "digest"));
	json_object_set_new(json_object_get(snap, "snapshot"), "directories", json_pack("[o]", entry));
	rc = 0;
done:
	json_decref(answer);
	policy_free(p);
	return rc;
}

static int exec_snapshot_create(struct cli *cli, const struct cmd_args *args)
{
	const char *file = args_value(args, "out"), *policy_file = args_value(args, "file");
	struct session *s;
	json_t *snap = NULL, *result = NULL;
	int status = 0;

	if (cli_session(cli, &s) != 0 || snapshot_build(s, &snap, &cli->err) != 0 ||
	    (policy_file != NULL && record_directory(cli, s, policy_file, snap) != 0) ||
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
    .synopsis = "--out FILE [-f POLICY]",
    .summary = "save the live state, with metadata and its SHA-256, for audits",
    .description = "Writes the export (as 'msgadm export' prints it) with the context, driver, server,\n"
		   "server version, msgadm version and time (UTC), and the SHA-256 of the body in RFC 8785\n"
		   "canonical form: the same live state always gives the same body and digest. FILE is\n"
		   "written deterministically and never overwritten. Sign it with 'snapshot sign'.\n"
		   "With -f, a policy whose users.directory names a directory: its name, base and\n"
		   "filter, how many entries it read and users it yields, and the digest of its answer\n"
		   "go into the metadata too; no one's name does.",
    .options =
	{
	    {"out", 0, "FILE", "the snapshot file to create (JSON)", "file"},
	    {"file", 'f', "POLICY", "record what this policy's directory answers", "file"},
	},
    .max_args = 0,
    .required = "out",
    .flags = CMD_NEEDS_SERVER,
    .exec = exec_snapshot_create,
};
