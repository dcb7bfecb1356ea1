/* msgadm user list */
#include "cli.h"

static int exec_user_list(struct cli *cli, const struct cmd_args *args)
{
	struct session *s;
	json_t *users = NULL, *list = NULL;
	int status = 0;

	if (cli_session(cli, &s) != 0 ||
	    driver_resource(s->driver, &resource_user)
		    ->list(s, args_flag(args, "email") ? json_true() : NULL, &users, &cli->err) != 0)
		return cli_failed(cli);
	list = json_sorted_values(users);
	if (cli_print(cli, list, render_users_table) != 0)
		status = cli_failed(cli);
	json_decref(list);
	json_decref(users);
	return status;
}

const struct command cmd_user_list = {
    .name = "user list",
    .synopsis = "[--email]",
    .summary = "list the server's accounts, deactivated ones included",
    .options = {{"email", 0, NULL,
		 "also fetch e-mail addresses (one request per user where the server's list lacks them)",
		 NULL}},
    .max_args = 0,
    .needs = "user",
    .flags = CMD_NEEDS_SERVER,
    .exec = exec_user_list,
};
