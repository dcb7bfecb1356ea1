/* msgadm snapshot verify SNAP --pubkey KEY.pub: the signature and the body digest, offline. */
#include "cli.h"
#include "audit/snapshot.h"

static void print_verified(FILE *out, const json_t *r)
{
	const json_t *m = json_object_get(r, "metadata");
	const char *version = json_string_value(json_object_get(m, "server_version"));

	fprintf(out, "%s: good signature (%s) by key %s; the body matches body_sha256 %s.\n",
		json_string_value(json_object_get(r, "snapshot")),
		json_string_value(json_object_get(r, "signature")),
		json_string_value(json_object_get(r, "key")),
		json_string_value(json_object_get(r, "body_sha256")));
	fprintf(out, "Snapshot of %s (%s %s, context %s) taken %s by msgadm %s.\n",
		json_string_value(json_object_get(m, "server")),
		json_string_value(json_object_get(m, "driver")), version ? version : "(version unknown)",
		json_string_value(json_object_get(m, "context")),
		json_string_value(json_object_get(m, "created")),
		json_string_value(json_object_get(m, "msgadm_version")));
}

static int exec_snapshot_verify(struct cli *cli, const struct cmd_args *args)
{
	json_t *result = NULL;
	int status = 0;

	if (snapshot_verify(args->argv[0], args_value(args, "pubkey"), &result, NULL, &cli->err) != 0 ||
	    cli_print(cli, result, print_verified) != 0)
		status = cli_failed(cli);
	json_decref(result);
	return status;
}

const struct command cmd_snapshot_verify = {
    .name = "snapshot verify",
    .synopsis = "SNAP --pubkey KEY.pub",
    .summary = "check a snapshot's signature and digest (offline)",
    .description = "Checks SNAP.sig against the exact bytes of SNAP with the public key, and the body\n"
		   "against body_sha256, without contacting any server. Exits 65 when either fails, saying\n"
		   "which.",
    .options =
	{
	    {"pubkey", 0, "KEY.pub", "the signer's public key (PEM)", "file"},
	},
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "file",
    .required = "pubkey",
    .exec = exec_snapshot_verify,
};
