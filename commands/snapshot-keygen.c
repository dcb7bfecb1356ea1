/* msgadm snapshot keygen --out KEY: a new Ed25519 key pair for signing snapshots. */
#include <stdlib.h>

#include "cli.h"
#include "audit/signing.h"

static void print_keygen(FILE *out, const json_t *r)
{
	fprintf(out, "Wrote the private key %s (keep it secret) and the public key %s.\nkey %s\n",
		json_string_value(json_object_get(r, "private_key")),
		json_string_value(json_object_get(r, "public_key")),
		json_string_value(json_object_get(r, "key")));
}

static int exec_snapshot_keygen(struct cli *cli, const struct cmd_args *args)
{
	const char *file = args_value(args, "out");
	char *pub = NULL, *fingerprint = NULL;
	EVP_PKEY *key = NULL;
	json_t *result = NULL;
	int status = 0;

	/* the fingerprint from the file just written: what verify will read */
	if (signing_keygen(file, &pub, &cli->err) != 0 || signing_load_public(pub, &key, &cli->err) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	fingerprint = signing_fingerprint(key);
	result = json_pack("{s:s,s:s,s:s?}", "private_key", file, "public_key", pub, "key", fingerprint);
	if (result == NULL || cli_print(cli, result, print_keygen) != 0)
		status = cli_failed(cli);
done:
	json_decref(result);
	EVP_PKEY_free(key);
	free(fingerprint);
	free(pub);
	return status;
}

const struct command cmd_snapshot_keygen = {
    .name = "snapshot keygen",
    .synopsis = "--out KEY",
    .summary = "make an Ed25519 key pair for signing snapshots",
    .description = "Writes KEY (the private key, PEM PKCS#8, mode 0600) and KEY.pub (the public key, PEM),\n"
		   "refusing if either exists. The key is shown by the SHA-256 of its public half.",
    .options =
	{
	    {"out", 0, "KEY", "the private key file to create; the public key goes to KEY.pub", "file"},
	},
    .max_args = 0,
    .required = "out",
    .exec = exec_snapshot_keygen,
};
