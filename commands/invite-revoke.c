/* msgadm invite revoke NAME */
#include "cli.h"

static int exec_invite_revoke(struct cli *cli, const struct cmd_args *args)
{
	json_t *changes = json_array();
	int status;

	json_array_append_new(changes, change_new(OP_DELETE, resource_token.name, args->argv[0], NULL));
	status = cli_run_changes(cli, changes, false);

	json_decref(changes);
	return status;
}

const struct command cmd_invite_revoke = {
    .name = "invite revoke",
    .synopsis = "NAME",
    .summary = "delete a registration (invite) token",
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "token",
    .needs = "token",
    .flags = CMD_NEEDS_SERVER | CMD_CHANGES_STATE,
    .exec = exec_invite_revoke,
};
