/* msgadm invite list */
#include "cli.h"
#include "base/exitcode.h"

static int exec_invite_list(struct cli *cli, const struct cmd_args *args)
{
	struct session *s;
	json_t *tokens = NULL, *list;
	int status = 0;

	(void)args;
	if (cli_session(cli, &s) != 0 ||
	    driver_resource(s->driver, &resource_token)->list(s, NULL, &tokens, &cli->err) != 0)
		return cli_failed(cli);
	list = json_sorted_values(tokens);
	if (cli_print(cli, list, render_tokens_table) != 0)
		status = cli_failed(cli);
	json_decref(list);
	json_decref(tokens);
	return status;
}

const struct command cmd_invite_list = {
    .name = "invite list",
    .synopsis = "",
    .summary = "list registration (invite) tokens",
    .max_args = 0,
    .needs = "token",
    .flags = CMD_NEEDS_SERVER,
    .exec = exec_invite_list,
};
