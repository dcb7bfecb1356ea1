/* msgadm validate FILE...: offline check of policies against the schema. */
#include "cli.h"
#include "base/exitcode.h"
#include "engine/policy.h"

static int exec_validate(struct cli *cli, const struct cmd_args *args)
{
	struct policy *p = NULL;
	int status = 0;

	for (int i = 0; i < args->argc; i++) {
		err_clear(&cli->err);
		if (policy_load(args->argv[i], &p, &cli->err) != 0) {
			fprintf(cli->errout, "%s\n", cli->err.text);
			/* the worst status wins: a missing file (66) over an invalid one (65) */
			if (cli->err.status > status)
				status = cli->err.status;
			continue;
		}
		if (!cli->quiet)
			fprintf(cli->out, "%s: valid\n", args->argv[i]);
		policy_free(p);
	}
	err_clear(&cli->err); /* messages were printed above, one block per file */
	return status;
}

const struct command cmd_validate = {
    .name = "validate",
    .synopsis = "FILE...",
    .summary = "check policy files against the schema (offline)",
    .description = "Checks each FILE without contacting any server. Every problem is reported as\n"
		   "FILE:LINE:COLUMN: PATH: REASON. Exits 65 when a file is invalid, 66 when one is missing.",
    .min_args = 1,
    .max_args = -1,
    .arg_complete = "file",
    .exec = exec_validate,
};
