/* msgadm user reactivate ID */
#include "cli.h"

static int exec_user_reactivate(struct cli *cli, const struct cmd_args *args)
{
	json_t *changes =
	    json_pack("[{s:s,s:s,s:s}]", "op", "reactivate", "type", "user", "key", args->argv[0]);
	int status = cli_run_changes(cli, changes, args_flag(args, "force"));

	json_decref(changes);
	return status;
}

const struct command cmd_user_reactivate = {
    .name = "user reactivate",
    .synopsis = "ID",
    .summary = "reactivate a deactivated account (Synapse: with a random password nobody sees)",
    .options = {},
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "user",
    .flags = CMD_NEEDS_SERVER | CMD_CHANGES_STATE,
    .exec = exec_user_reactivate,
};
