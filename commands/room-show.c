/* msgadm room show ID|ALIAS */
#include "cli.h"
#include "base/exitcode.h"

static int exec_room_show(struct cli *cli, const struct cmd_args *args)
{
	const char *which = args->argv[0];
	struct session *s;
	json_t *room = NULL;
	int status = 0;

	if (which[0] != '!' && which[0] != '#')
		return cli_fail(
		    cli, EXIT_USAGE,
		    "room show: '%s' is neither a room id (!abc:server) nor an alias (#name:server)", which);
	if (cli_session(cli, &s) != 0)
		return cli_failed(cli);
	if (s->driver->get_room(s, which, &room, &cli->err) != 0)
		return cli_failed(cli);
	if (room == NULL)
		return cli_fail(cli, EXIT_FAILURE_, "%s: no room '%s' on %s", s->driver->name, which,
				s->context->server);
	if (cli_print(cli, room, render_fields) != 0)
		status = cli_failed(cli);
	json_decref(room);
	return status;
}

const struct command cmd_room_show = {
    .name = "room show",
    .synopsis = "ID|ALIAS",
    .summary = "show one room: members, server ACL, retention, the admin's membership",
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "room",
    .needs = "rooms",
    .flags = CMD_NEEDS_SERVER,
    .exec = exec_room_show,
};
