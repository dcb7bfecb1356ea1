/* msgadm user show ID */
#include "cli.h"
#include "base/exitcode.h"

static int exec_user_show(struct cli *cli, const struct cmd_args *args)
{
	struct session *s;
	json_t *user = NULL;
	int status = 0;

	if (cli_session(cli, &s) != 0 ||
	    driver_resource(s->driver, &resource_user)->get(s, args->argv[0], &user, &cli->err) != 0)
		return cli_failed(cli);
	if (user == NULL)
		return cli_fail(cli, EXIT_FAILURE_, "%s: no user '%s' on %s", s->driver->name, args->argv[0],
				s->context->server);
	if (cli_print(cli, user, render_fields) != 0)
		status = cli_failed(cli);
	json_decref(user);
	return status;
}

const struct command cmd_user_show = {
    .name = "user show",
    .synopsis = "ID",
    .summary = "show one account",
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "user",
    .needs = "user",
    .flags = CMD_NEEDS_SERVER,
    .exec = exec_user_show,
};
