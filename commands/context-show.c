/* msgadm context show [NAME]: the profile, never its token. */
#include "cli.h"

static int exec_context_show(struct cli *cli, const struct cmd_args *args)
{
	const struct context *c;
	struct config *cfg;
	json_t *out;
	int status = 0;

	if (cli_config(cli, &cfg) != 0 ||
	    config_select(cfg, args->argc ? args->argv[0] : cli->context_name, &c, &cli->err) != 0)
		return cli_failed(cli);
	out = json_pack("{s:s,s:s,s:s,s:s,s:s*,s:s*,s:s*,s:s*,s:s*,s:s}", "name", c->name, "driver",
			c->driver, "url", c->url, "server", c->server, "token_file", c->token_file,
			"token_env", c->token_env, "ca_file", c->ca_file, "client_cert", c->client_cert,
			"client_key", c->client_key, "config", cfg->path);
	if (cli_print(cli, out, render_fields) != 0)
		status = cli_failed(cli);
	json_decref(out);
	return status;
}

const struct command cmd_context_show = {
    .name = "context show",
    .synopsis = "[NAME]",
    .summary = "show a connection profile (where its token comes from, never the token)",
    .max_args = 1,
    .arg_complete = "context",
    .exec = exec_context_show,
};
