/* msgadm audit verify [--file LOG] [--anchor HASH] */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cli.h"
#include "base/exitcode.h"

static void print_summary(FILE *out, const json_t *summary)
{
	const char *head = json_string_value(json_object_get(summary, "head"));

	fprintf(out, "%s: %lld line%s, chain intact", json_string_value(json_object_get(summary, "file")),
		(long long)json_integer_value(json_object_get(summary, "lines")),
		json_integer_value(json_object_get(summary, "lines")) == 1 ? "" : "s");
	if (head != NULL)
		fprintf(out, "; head %s", head);
	fputc('\n', out);
}

static int exec_audit_verify(struct cli *cli, const struct cmd_args *args)
{
	const char *file = args_value(args, "file"), *context;
	json_t *summary = NULL;
	struct config *cfg;
	char *path = NULL;
	int status = 0;

	if (file != NULL)
		path = strdup(file);
	else if (cli_config(cli, &cfg) != 0 ||
		 config_audit_path(cfg, cli->context_name, &path, &context, &cli->err) != 0)
		return cli_failed(cli);
	if (path == NULL)
		return cli_fail(cli, EXIT_FAILURE_, "out of memory");
	if (audit_verify(path, args_value(args, "anchor"), &summary, &cli->err) != 0 ||
	    cli_print(cli, summary, print_summary) != 0)
		status = cli_failed(cli);
	json_decref(summary);
	free(path);
	return status;
}

const struct command cmd_audit_verify = {
    .name = "audit verify",
    .synopsis = "[--file LOG] [--anchor HASH]",
    .summary = "check that no line of the audit log was edited, removed or reordered",
    .description = "Follows the chain of SHA-256 hashes through the context's audit log (or LOG).\n"
		   "Exits 0 when it is intact, printing the number of lines and the head (the hash of\n"
		   "the last line: keep it elsewhere, since the last line alone can change unseen), and\n"
		   "65 naming the first line that does not follow. --anchor checks that a head kept\n"
		   "earlier is still in the chain.",
    .options =
	{
	    {"file", 0, "LOG", "check this audit log instead of the context's", "file"},
	    {"anchor", 0, "HASH", "a head printed earlier that must still be in the chain", NULL},
	},
    .min_args = 0,
    .max_args = 0,
    .exec = exec_audit_verify,
};
