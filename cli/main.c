/* msgadm: administer self-hosted messaging servers from declarative policy. */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

int main(int argc, char **argv)
{
	struct cli cli = {0};
	int status;

	cli.out = stdout;
	cli.errout = stderr;
	cli.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	status = cli_run(&cli, argc - 1, argv + 1);
	cli_free(&cli);
	return status;
}
