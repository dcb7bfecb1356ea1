/* msgadm: administer self-hosted messaging servers from declarative policy. */
#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

int main(int argc, char **argv)
{
	struct cli cli = {0};
	int status;

	/* A large policy or server state is hundreds of thousands of small jansson values. glibc's
	 * fastbins make every large free walk them all (malloc_consolidate): a fifth of a 100,000-user
	 * plan. The per-thread cache keeps small allocations fast without them. */
	mallopt(M_MXFAST, 0);
	cli.out = stdout;
	cli.errout = stderr;
	cli.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	status = cli_run(&cli, argc - 1, argv + 1);
	cli_free(&cli);
	return status;
}
