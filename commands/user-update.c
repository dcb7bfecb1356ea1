/* msgadm user update ID [--display-name NAME] [--email ADDRESS] [--admin|--no-admin] */
#include "cli.h"
#include "base/exitcode.h"

static int exec_user_update(struct cli *cli, const struct cmd_args *args)
{
	json_t *fields = json_object(), *changes;
	int status;

	if (args_flag(args, "admin") && args_flag(args, "no-admin")) {
		json_decref(fields);
		return cli_fail(cli, EXIT_USAGE, "give --admin or --no-admin, not both");
	}
	if (args_value(args, "display-name"))
		json_object_set_new(fields, "display_name",
				    json_pack("{s:n,s:s}", "from", "to", args_value(args, "display-name")));
	if (args_value(args, "email"))
		json_object_set_new(fields, "email",
				    json_pack("{s:n,s:s}", "from", "to", args_value(args, "email")));
	if (args_flag(args, "admin") || args_flag(args, "no-admin"))
		json_object_set_new(fields, "admin",
				    json_pack("{s:n,s:b}", "from", "to", args_flag(args, "admin")));
	if (json_object_size(fields) == 0) {
		json_decref(fields);
		return cli_fail(cli, EXIT_USAGE, "nothing to change\nusage: msgadm user update %s",
				args->cmd->synopsis);
	}
	changes = json_array();
	json_array_append_new(changes, change_new(OP_UPDATE, resource_user.name, args->argv[0], NULL));
	json_object_set_new(json_array_get(changes, 0), "fields", fields);
	status = cli_run_changes(cli, changes, args_flag(args, "force"));
	json_decref(changes);
	return status;
}

const struct command cmd_user_update = {
    .name = "user update",
    .synopsis = "ID [--display-name NAME] [--email ADDRESS] [--admin | --no-admin] [--force]",
    .summary = "change an account's display name, e-mail or admin flag",
    .options =
	{
	    {"display-name", 0, "NAME", "the new display name", NULL},
	    {"email", 0, "ADDRESS", "the new e-mail address (replaces the old one)", NULL},
	    {"admin", 0, NULL, "grant server admin rights", NULL},
	    {"no-admin", 0, NULL, "remove server admin rights", NULL},
	    {"force", 0, NULL, "allow demoting the acting or last admin", NULL},
	},
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "user",
    .needs = "user",
    .flags = CMD_NEEDS_SERVER | CMD_CHANGES_STATE,
    .exec = exec_user_update,
};
