/* msgadm snapshot sign SNAP --key KEY: a detached Ed25519 signature, SNAP.sig. */
#include "cli.h"
#include "audit/snapshot.h"

static void print_signed(FILE *out, const json_t *r)
{
	fprintf(out, "Signed %s: the signature is in %s.\nkey %s\n",
		json_string_value(json_object_get(r, "snapshot")),
		json_string_value(json_object_get(r, "signature")),
		json_string_value(json_object_get(r, "key")));
}

static int exec_snapshot_sign(struct cli *cli, const struct cmd_args *args)
{
	json_t *result = NULL;
	int status = 0;

	if (snapshot_sign(args->argv[0], args_value(args, "key"), &result, &cli->err) != 0 ||
	    cli_print(cli, result, print_signed) != 0)
		status = cli_failed(cli);
	json_decref(result);
	return status;
}

const struct command cmd_snapshot_sign = {
    .name = "snapshot sign",
    .synopsis = "SNAP --key KEY",
    .summary = "sign a snapshot file with an Ed25519 key (writes SNAP.sig)",
    .description = "Signs the exact bytes of SNAP, metadata included, after checking its body against\n"
		   "body_sha256. SNAP.sig holds the raw 64-byte signature, which 'openssl pkeyutl -verify\n"
		   "-rawin' also checks. KEY must not be readable by group or others.",
    .options =
	{
	    {"key", 0, "KEY", "the private key (PEM), as 'snapshot keygen' writes it", "file"},
	},
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "file",
    .required = "key",
    .exec = exec_snapshot_sign,
};
