/* msgadm user create ID [--display-name NAME] [--email ADDRESS] [--admin] [--credentials-out FILE] */
#include "cli.h"

static int exec_user_create(struct cli *cli, const struct cmd_args *args)
{
	json_t *after =
	    json_pack("{s:s,s:b,s:b}", "id", args->argv[0], "admin", args_flag(args, "admin"), "active", 1);
	json_t *changes;
	struct session *s;
	int status;

	if (cli_session(cli, &s) != 0 ||
	    session_set_credentials_out(s, args_value(args, "credentials-out"), &cli->err) != 0) {
		json_decref(after);
		return cli_failed(cli);
	}
	if (args_value(args, "display-name"))
		json_object_set_new(after, "display_name", json_string(args_value(args, "display-name")));
	if (args_value(args, "email"))
		json_object_set_new(after, "email", json_string(args_value(args, "email")));
	changes = json_array();
	json_array_append_new(changes, change_new(OP_CREATE, resource_user.name, args->argv[0], NULL));
	json_object_set_new(json_array_get(changes, 0), "after", after);
	status = cli_run_changes(cli, changes, false);
	json_decref(changes);
	return status;
}

const struct command cmd_user_create = {
    .name = "user create",
    .synopsis = "ID [--display-name NAME] [--email ADDRESS] [--admin] [--credentials-out FILE]",
    .summary = "create an account (with a random password, to --credentials-out, where the server needs one)",
    .options =
	{
	    {"display-name", 0, "NAME", "the display name", NULL},
	    {"email", 0, "ADDRESS", "the e-mail address", NULL},
	    {"admin", 0, NULL, "make the account a server admin", NULL},
	    {"credentials-out", 0, "FILE", CREDENTIALS_OUT_HELP, "file"},
	},
    .min_args = 1,
    .max_args = 1,
    .needs = "user",
    .flags = CMD_NEEDS_SERVER | CMD_CHANGES_STATE,
    .exec = exec_user_create,
};
