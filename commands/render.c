/* msgadm render TARGET -f FILE: the fragment of a server's configuration file (TARGET: a driver's
 * config_file, e.g. synapse-config) for what only that file can hold. Offline: no server is asked. */
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "cli.h"
#include "drivers/drivers.h"
#include "engine/policy.h"

/* The driver whose configuration file target names; NULL, with *known listing the targets, if none. */
static const struct driver *target_driver(const char *target, char *known, size_t size)
{
	size_t used = 0;

	known[0] = '\0';
	for (size_t i = 0; drivers[i] != NULL; i++) {
		if (drivers[i]->config_file == NULL)
			continue;
		if (strcmp(drivers[i]->config_file, target) == 0)
			return drivers[i];
		if (used < size)
			used += (size_t)snprintf(known + used, size - used, "%s%s", used ? ", " : "",
						 drivers[i]->config_file);
	}
	return NULL;
}

static void print_fragment(FILE *out, const json_t *value)
{
	fputs(json_string_value(json_object_get(value, "fragment")), out);
}

static int exec_render(struct cli *cli, const struct cmd_args *args)
{
	const struct driver *d;
	struct policy *p = NULL;
	json_t *result = NULL;
	char *text = NULL, known[256];
	int status = EXIT_OK;

	if ((d = target_driver(args->argv[0], known, sizeof(known))) == NULL)
		return cli_fail(cli, EXIT_USAGE, "render: unknown target '%s' (known: %s)", args->argv[0],
				known);
	if (policy_load(args_value(args, "file"), &p, &cli->err) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	if (d->render_config_file(p->doc, &text) != 0) {
		status = cli_fail(cli, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	result = json_pack("{s:s,s:s}", "target", d->config_file, "fragment", text);
	if (cli_print(cli, result, print_fragment) != 0)
		status = cli_failed(cli);
done:
	json_decref(result);
	free(text);
	policy_free(p);
	return status;
}

const struct command cmd_render = {
    .name = "render",
    .synopsis = "synapse-config -f FILE",
    .summary = "print the server configuration fragment for what only the config file can hold",
    .description = "synapse-config: the homeserver.yaml settings for the policy's registration, allowed\n"
		   "e-mail domains, guest access, federation (federation_domain_whitelist) and retention\n"
		   "sections. Offline: no server is asked; paste the fragment and restart Synapse.",
    .options =
	{
	    {"file", 'f', "FILE", "the policy to render", "file"},
	},
    .min_args = 1,
    .max_args = 1,
    .required = "file",
    .flags = 0,
    .exec = exec_render,
};
