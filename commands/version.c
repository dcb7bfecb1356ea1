/* msgadm version */
#include "cli.h"
#include "base/version.h"

static int exec_version(struct cli *cli, const struct cmd_args *args)
{
	(void)args;
	fprintf(cli->out, "msgadm %s\n", MSGADM_VERSION);
	return 0;
}

const struct command cmd_version = {
    .name = "version",
    .synopsis = "",
    .summary = "print msgadm's version",
    .max_args = 0,
    .exec = exec_version,
};
