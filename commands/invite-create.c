/* msgadm invite create NAME [--uses N] [--expires YYYY-MM-DD] */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "cli.h"
#include "base/exitcode.h"

static int exec_invite_create(struct cli *cli, const struct cmd_args *args)
{
	const char *uses = args_value(args, "uses"), *expires = args_value(args, "expires");
	json_t *token = json_pack("{s:s}", "name", args->argv[0]), *changes;
	char *end = NULL;
	int status;

	if (uses != NULL) {
		long n;

		errno = 0;
		n = strtol(uses, &end, 10);
		if (*uses == '\0' || *end != '\0' || n < 0 || errno == ERANGE) {
			json_decref(token);
			return cli_fail(cli, EXIT_USAGE, "--uses: '%s' is not a whole number from 0 to %ld",
					uses, LONG_MAX);
		}
		json_object_set_new(token, "uses", json_integer(n));
	}
	if (expires != NULL)
		json_object_set_new(token, "expires", json_string(expires));
	changes = json_array();
	json_array_append_new(changes, change_new(OP_CREATE, resource_token.name, args->argv[0], NULL));
	json_object_set_new(json_array_get(changes, 0), "after", token);
	status = cli_run_changes(cli, changes, false);
	json_decref(changes);
	return status;
}

const struct command cmd_invite_create = {
    .name = "invite create",
    .synopsis = "NAME [--uses N] [--expires YYYY-MM-DD]",
    .summary = "create a registration (invite) token",
    .options =
	{
	    {"uses", 0, "N", "how many registrations it allows (default: unlimited)", NULL},
	    {"expires", 0, "DATE", "the last day it works (YYYY-MM-DD, UTC)", NULL},
	},
    .min_args = 1,
    .max_args = 1,
    .needs = "token",
    .flags = CMD_NEEDS_SERVER | CMD_CHANGES_STATE,
    .exec = exec_invite_create,
};
