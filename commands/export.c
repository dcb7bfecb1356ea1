/* msgadm export: the live state as a policy document. */
#include "cli.h"
#include "engine/plan.h"

static int exec_export(struct cli *cli, const struct cmd_args *args)
{
	struct session *s;
	json_t *doc = NULL;
	int status = 0;

	(void)args;
	if (cli_session(cli, &s) != 0 || export_policy(s, &doc, &cli->err) != 0 ||
	    cli_print(cli, doc, NULL) != 0)
		status = cli_failed(cli);
	json_decref(doc);
	return status;
}

const struct command cmd_export = {
    .name = "export",
    .synopsis = "[-o yaml|json]",
    .summary = "print the server's live state as a policy document",
    .description = "The output is a valid policy in a deterministic order: 'msgadm export > p.yaml'\n"
		   "followed by 'msgadm plan -f p.yaml --detailed-exitcode' exits 0.",
    .max_args = 0,
    .flags = CMD_NEEDS_SERVER,
    .exec = exec_export,
};
