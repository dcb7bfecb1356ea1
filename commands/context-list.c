/* msgadm context list */
#include <string.h>

#include "cli.h"
#include "table.h"

/* The current context is marked with "*" before its name, as git marks the current branch. */
static void print_contexts(FILE *out, const json_t *list)
{
	static const char *const headers[] = {"  NAME", "DRIVER", "SERVER", "URL", NULL};
	struct table *t = table_new(headers);
	json_t *c;
	size_t i;

	json_array_foreach(list, i, c)
	{
		char name[256];

		snprintf(name, sizeof(name), "%c %s", json_is_true(json_object_get(c, "current")) ? '*' : ' ',
			 json_string_value(json_object_get(c, "name")));
		table_add(t, (const char *const[]){name, json_string_value(json_object_get(c, "driver")),
						   json_string_value(json_object_get(c, "server")),
						   json_string_value(json_object_get(c, "url"))});
	}
	table_print(out, t);
	table_free(t);
}

static int exec_context_list(struct cli *cli, const struct cmd_args *args)
{
	const struct context *chosen = NULL;
	struct config *cfg;
	struct msg_err ignored;
	json_t *list;
	int status = 0;

	(void)args;
	if (cli_config(cli, &cfg) != 0)
		return cli_failed(cli);
	config_select(cfg, cli->context_name, &chosen, &ignored);
	list = json_array();
	for (size_t i = 0; i < cfg->ncontexts; i++) {
		const struct context *c = &cfg->contexts[i];
		json_array_append_new(list,
				      json_pack("{s:s,s:s,s:s,s:s,s:b}", "name", c->name, "driver", c->driver,
						"server", c->server, "url", c->url, "current", c == chosen));
	}
	if (cli_print(cli, list, print_contexts) != 0)
		status = cli_failed(cli);
	json_decref(list);
	return status;
}

const struct command cmd_context_list = {
    .name = "context list",
    .synopsis = "",
    .summary = "list connection profiles (* marks the one in use)",
    .max_args = 0,
    .exec = exec_context_list,
};
