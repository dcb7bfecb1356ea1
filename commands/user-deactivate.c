/* msgadm user deactivate ID */
#include "cli.h"

static int exec_user_deactivate(struct cli *cli, const struct cmd_args *args)
{
	json_t *changes = json_array();
	int status;

	json_array_append_new(changes, change_new(OP_DEACTIVATE, resource_user.name, args->argv[0], NULL));
	status = cli_run_changes(cli, changes, args_flag(args, "force"));

	json_decref(changes);
	return status;
}

const struct command cmd_user_deactivate = {
    .name = "user deactivate",
    .synopsis = "ID [--force]",
    .summary = "deactivate an account (refused for the acting or last admin without --force)",
    .options = {{"force", 0, NULL, "allow deactivating the acting or last admin", NULL}},
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "user",
    .needs = "user",
    .flags = CMD_NEEDS_SERVER | CMD_CHANGES_STATE,
    .exec = exec_user_deactivate,
};
