/* msgadm context use NAME */
#include "cli.h"
#include "base/exitcode.h"

static int exec_context_use(struct cli *cli, const struct cmd_args *args)
{
	struct config *cfg;

	if (cli_config(cli, &cfg) != 0)
		return cli_failed(cli);
	if (!cfg->exists)
		return cli_fail(cli, EXIT_CONFIG,
				"%s: no such file; create it first (see msgadm(1), CONNECTION PROFILES)",
				cfg->path);
	if (config_set_current(cfg, args->argv[0], &cli->err) != 0)
		return cli_failed(cli);
	cli_info(cli, "Now using context '%s'.\n", args->argv[0]);
	return 0;
}

const struct command cmd_context_use = {
    .name = "context use",
    .synopsis = "NAME",
    .summary = "make NAME the current context (current_context in the contexts file)",
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "context",
    .exec = exec_context_use,
};
