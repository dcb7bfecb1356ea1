/* msgadm render synapse-config -f FILE: the homeserver.yaml fragment for what only the server's
 * configuration file can hold. Offline: no server is asked. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine/driver.h"
#include "base/exitcode.h"
#include "engine/policy.h"

/* Policy sections the Synapse configuration holds, in the order the fragment lists them. */
static const char *const config_sections[] = {
    "invites.registration", "invites.allowed_domains", "invites.guests",
    "federation",	    "retention.default",       NULL,
};

static const json_t *section_value(const json_t *doc, const char *path)
{
	const char *dot = strchr(path, '.');
	char parent[32];

	if (dot == NULL)
		return json_object_get(doc, path);
	snprintf(parent, sizeof(parent), "%.*s", (int)(dot - path), path);
	return json_object_get(json_object_get(doc, parent), dot + 1);
}

static void print_fragment(FILE *out, const json_t *value)
{
	fputs(json_string_value(json_object_get(value, "fragment")), out);
}

/* Appends "# section\nfragment\n" to text. */
static int append(char **text, const char *section, const char *fragment)
{
	char *more = NULL;

	if (asprintf(&more, "%s# %s\n%s\n", *text, section, fragment) < 0)
		return -1;
	free(*text);
	*text = more;
	return 0;
}

static int synapse_fragment(const json_t *doc, char **out)
{
	const json_t *retention = json_object_get(doc, "retention");
	char *text = NULL, *fragment;

	if (asprintf(&text, "# homeserver.yaml fragment from msgadm for %s\n",
		     json_string_value(json_object_get(doc, "server"))) < 0)
		return -1;
	for (size_t i = 0; config_sections[i] != NULL; i++) {
		const json_t *value = section_value(doc, config_sections[i]);

		if (value == NULL)
			continue;
		fragment = drv_synapse.render_config(config_sections[i], value);
		if (fragment != NULL && append(&text, config_sections[i], fragment) != 0) {
			free(fragment);
			free(text);
			return -1;
		}
		free(fragment);
	}
	/* per-room rules alone: Synapse deletes by m.room.retention only with retention enabled */
	if (json_object_get(retention, "rooms") != NULL && json_object_get(retention, "default") == NULL &&
	    append(&text, "retention.rooms (m.room.retention is honoured only with retention enabled)",
		   "retention:\n  enabled: true") != 0) {
		free(text);
		return -1;
	}
	*out = text;
	return 0;
}

static int exec_render(struct cli *cli, const struct cmd_args *args)
{
	struct policy *p = NULL;
	json_t *result = NULL;
	char *text = NULL;
	int status = EXIT_OK;

	if (strcmp(args->argv[0], "synapse-config") != 0)
		return cli_fail(cli, EXIT_USAGE, "render: unknown target '%s' (known: synapse-config)",
				args->argv[0]);
	if (policy_load(args_value(args, "file"), &p, &cli->err) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	if (synapse_fragment(p->doc, &text) != 0) {
		status = cli_fail(cli, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	result = json_pack("{s:s,s:s}", "target", "synapse-config", "fragment", text);
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
