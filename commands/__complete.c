/* msgadm __complete [--] WORD... (hidden): what the shell completion scripts ask (complete.h) */
#include "cli.h"
#include "shell/complete.h"

static int exec_complete(struct cli *cli, const struct cmd_args *args)
{
	complete_shell(cli, args->argc, args->argv);
	return 0;
}

const struct command cmd_internal_complete = {
    .name = "__complete",
    .synopsis = "[--] WORD...",
    .summary = "print the candidates for the last WORD of 'msgadm WORD...', one a line, for the shells",
    .min_args = 0,
    .max_args = -1,
    .flags = CMD_HIDDEN | CMD_NOT_IN_CONSOLE | CMD_RAW_ARGS,
    .exec = exec_complete,
};
