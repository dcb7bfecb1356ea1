/* msgadm audit reports [--room ROOM] [--user USER]: the events users reported to the admins. */
#include <string.h>

#include "cli.h"
#include "table.h"
#include "base/exitcode.h"

static const char *str_or(const json_t *obj, const char *key, const char *fallback)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s && *s ? s : fallback;
}

static void render_reports(FILE *out, const json_t *reports)
{
	static const char *const headers[] = {">ID",	"TIME",	  "ROOM",   "REPORTER",
					      "SENDER", ">SCORE", "REASON", NULL};
	struct table *t;
	const json_t *r;
	size_t i;

	if (json_array_size(reports) == 0) {
		fprintf(out, "(no event reports)\n");
		return;
	}
	t = table_new(headers);
	json_array_foreach(reports, i, r)
	{
		const json_t *score = json_object_get(r, "score");
		char sc[24] = "-", id[24];

		if (json_is_integer(score))
			snprintf(sc, sizeof(sc), "%" JSON_INTEGER_FORMAT, json_integer_value(score));
		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(r, "id")));
		table_add(t, (const char *const[]){id, str_or(r, "time", "?"),
						   str_or(r, "room_alias", str_or(r, "room_id", "?")),
						   str_or(r, "reporter", "?"), str_or(r, "sender", "-"), sc,
						   str_or(r, "reason", "-")});
	}
	table_print(out, t);
	table_free(t);
}

static int exec_audit_reports(struct cli *cli, const struct cmd_args *args)
{
	const char *room = args_value(args, "room"), *user = args_value(args, "user");
	struct session *s;
	json_t *filter, *reports = NULL;
	int status = 0;

	if (room != NULL && room[0] != '!' && room[0] != '#')
		return cli_fail(cli, EXIT_USAGE,
				"--room: '%s' is neither a room id (!abc:server) nor an alias (#name:server)",
				room);
	if (user != NULL && (*user == '\0' || (user[0] == '@' && strchr(user, ':') == NULL)))
		return cli_fail(cli, EXIT_USAGE,
				"--user: '%s' is neither a user id (alice) nor @alice:server", user);
	if (cli_session(cli, &s) != 0)
		return cli_failed(cli);
	filter = json_object();
	if (room != NULL)
		json_object_set_new(filter, "room", json_string(room));
	if (user != NULL)
		json_object_set_new(filter, "user", json_string(user));
	if (s->driver->list_event_reports(s, filter, &reports, &cli->err) != 0)
		status = cli_failed(cli);
	else if (cli_print(cli, reports, render_reports) != 0)
		status = cli_failed(cli);
	json_decref(reports);
	json_decref(filter);
	return status;
}

const struct command cmd_audit_reports = {
    .name = "audit reports",
    .synopsis = "[--room ROOM] [--user USER]",
    .summary = "list the events users reported to the server admins",
    .description = "Reads every page of the server's event reports, oldest first: id, time (UTC),\n"
		   "room, the reporting user, the reported event's sender, score and reason. --room takes\n"
		   "a room id or alias, --user the reporter (alice or @alice:server); both match exactly.\n"
		   "Needs an admin token (77 otherwise); not available on servers that keep no such\n"
		   "reports (msgadm(1) says which).",
    .options =
	{
	    {"room", 0, "ROOM", "only reports about events in this room (id or alias)", "room"},
	    {"user", 0, "USER", "only reports made by this user", "user"},
	},
    .min_args = 0,
    .max_args = 0,
    .needs = "event-reports",
    .flags = CMD_NEEDS_SERVER,
    .exec = exec_audit_reports,
};
