/* msgadm room list */
#include <string.h>

#include "cli.h"
#include "table.h"
#include "base/exitcode.h"

static const char *str_or(const json_t *obj, const char *key, const char *fallback)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s && *s ? s : fallback;
}

static void render_rooms(FILE *out, const json_t *rooms)
{
	static const char *const headers[] = {"ID", "ALIAS", "NAME", ">MEMBERS", "ACL", NULL};
	struct table *t = table_new(headers);
	json_t *r;
	size_t i;

	json_array_foreach(rooms, i, r)
	{
		char members[32];

		snprintf(members, sizeof(members), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(r, "members")));
		table_add(t, (const char *const[]){
				 str_or(r, "id", "?"), str_or(r, "alias", "-"), str_or(r, "name", "-"),
				 members, json_is_object(json_object_get(r, "server_acl")) ? "yes" : "no"});
	}
	table_print(out, t);
	table_free(t);
}

static int exec_room_list(struct cli *cli, const struct cmd_args *args)
{
	struct session *s;
	json_t *rooms = NULL, *list;
	int status = 0;

	(void)args;
	if (cli_session(cli, &s) != 0)
		return cli_failed(cli);
	if (s->driver->list_rooms(s, &rooms, &cli->err) != 0)
		return cli_failed(cli);
	list = json_sorted_values(rooms);
	if (cli_print(cli, list, render_rooms) != 0)
		status = cli_failed(cli);
	json_decref(list);
	json_decref(rooms);
	return status;
}

const struct command cmd_room_list = {
    .name = "room list",
    .synopsis = "",
    .summary = "list the server's rooms, with whether each has a server ACL",
    .description = "Reads every page of the room list, then each room's state (one request per room) for its "
		   "server ACL and retention.",
    .max_args = 0,
    .needs = "rooms",
    .flags = CMD_NEEDS_SERVER,
    .exec = exec_room_list,
};
