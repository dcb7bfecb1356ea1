/* msgadm __man-synopsis (hidden): the synopsis block of msgadm(1), for `make man` (scripts/man-sync) */
#include "cli.h"
#include "shell/man_synopsis.h"

static int exec_man_synopsis(struct cli *cli, const struct cmd_args *args)
{
	(void)args;
	man_synopsis(cli->out);
	return 0;
}

const struct command cmd_internal_man_synopsis = {
    .name = "__man-synopsis",
    .synopsis = "",
    .summary = "print the synopsis of msgadm(1) in mdoc, from the command table",
    .max_args = 0,
    .flags = CMD_HIDDEN | CMD_NOT_IN_CONSOLE,
    .exec = exec_man_synopsis,
};
