/* msgadm user reactivate ID [--credentials-out FILE] */
#include "cli.h"

static int exec_user_reactivate(struct cli *cli, const struct cmd_args *args)
{
	json_t *changes;
	struct session *s;
	int status;

	if (cli_session(cli, &s) != 0 ||
	    session_set_credentials_out(s, args_value(args, "credentials-out"), &cli->err) != 0)
		return cli_failed(cli);
	changes = json_array();
	json_array_append_new(changes, change_new(OP_REACTIVATE, resource_user.name, args->argv[0], NULL));
	status = cli_run_changes(cli, changes, args_flag(args, "force"));
	json_decref(changes);
	return status;
}

const struct command cmd_user_reactivate = {
    .name = "user reactivate",
    .synopsis = "ID [--credentials-out FILE]",
    .summary = "reactivate a deactivated account with a random password (to --credentials-out where kept)",
    .options =
	{
	    {"credentials-out", 0, "FILE", CREDENTIALS_OUT_HELP, "file"},
	},
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "user",
    .needs = "user",
    .flags = CMD_NEEDS_SERVER | CMD_CHANGES_STATE,
    .exec = exec_user_reactivate,
};
