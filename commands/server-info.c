/* msgadm server info: version and what the driver can manage. */
#include "cli.h"
#include "table.h"

static void print_info(FILE *out, const json_t *info)
{
	const json_t *caps = json_object_get(info, "capabilities");
	struct table *t;
	json_t *c;
	size_t i;

	fprintf(out, "driver         %s\nserver         %s\nurl            %s\n",
		json_string_value(json_object_get(info, "driver")),
		json_string_value(json_object_get(info, "server")),
		json_string_value(json_object_get(info, "url")));
	render_fields(out, json_object_get(info, "reported"));
	fputc('\n', out);
	t = table_new((const char *const[]){"POLICY FIELD", "LEVEL", "HOW", NULL});
	json_array_foreach(caps, i, c)
	{
		table_add(t, (const char *const[]){json_string_value(json_object_get(c, "path")),
						   json_string_value(json_object_get(c, "level")),
						   json_string_value(json_object_get(c, "note"))});
	}
	table_print(out, t);
	table_free(t);
}

static int exec_server_info(struct cli *cli, const struct cmd_args *args)
{
	struct session *s;
	json_t *reported = NULL, *info, *caps = json_array();
	int status = 0;

	(void)args;
	if (cli_session(cli, &s) != 0 || s->driver->server_info(s, &reported, &cli->err) != 0) {
		json_decref(caps);
		return cli_failed(cli);
	}
	for (const struct capability *c = s->driver->capabilities; c->path; c++) {
		const char *note = NULL;
		enum capability_level level = session_capability(s, c->path, &note);

		json_array_append_new(caps,
				      json_pack("{s:s,s:s,s:s}", "path", c->path, "level",
						capability_level_name(level), "note", note ? note : ""));
	}
	info = json_pack("{s:s,s:s,s:s,s:o,s:o}", "driver", s->driver->name, "server", s->context->server,
			 "url", s->context->url, "reported", reported, "capabilities", caps);
	if (cli_print(cli, info, print_info) != 0)
		status = cli_failed(cli);
	json_decref(info);
	return status;
}

const struct command cmd_server_info = {
    .name = "server info",
    .synopsis = "",
    .summary = "show the server's version and what msgadm can manage on it",
    .max_args = 0,
    .flags = CMD_NEEDS_SERVER,
    .exec = exec_server_info,
};
