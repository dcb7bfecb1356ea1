/* msgadm help [COMMAND] */
#include "cli.h"
#include "base/exitcode.h"

static int exec_help(struct cli *cli, const struct cmd_args *args)
{
	const struct command *cmd;
	int words;

	if (args->argc == 0) {
		help_overview(cli->out);
		return 0;
	}
	cmd = command_find(args->argc, args->argv, &words);
	if (cmd == NULL || words != args->argc)
		return cli_fail(cli, EXIT_USAGE, "no such command; see 'msgadm help'");
	help_command(cli->out, cmd);
	return 0;
}

const struct command cmd_help = {
    .name = "help",
    .synopsis = "[COMMAND]",
    .summary = "show help for msgadm or one command",
    .max_args = 2,
    .arg_complete = "command",
    .exec = exec_help,
};
