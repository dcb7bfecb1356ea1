/* msgadm directory users -f POLICY: the users the directory yields for the policy, and why each one
 * left out is. */
#include <string.h>

#include "cli.h"
#include "base/exitcode.h"
#include "directory/users.h"
#include "table.h"

static void render_directory_users(FILE *out, const json_t *r)
{
	static const char *const headers[] = {"ID", "DISPLAY NAME", "EMAIL", "ACTIVE", "ADMIN", "DN", NULL};
	struct table *t = table_new(headers);
	const json_t *u, *l;
	size_t i;

	json_array_foreach(json_object_get(r, "users"), i, u)
	{
		const json_t *admin = json_object_get(u, "admin");
		const char *row[] = {
		    json_string_value(json_object_get(u, "id")),
		    json_object_get(u, "display_name") ? json_string_value(json_object_get(u, "display_name"))
						       : "-",
		    json_object_get(u, "email") ? json_string_value(json_object_get(u, "email")) : "-",
		    json_is_true(json_object_get(u, "active")) ? "yes" : "no",
		    admin == NULL	  ? "-"
		    : json_is_true(admin) ? "yes"
					  : "no",
		    json_string_value(json_object_get(u, "dn"))};

		table_add(t, row);
	}
	table_print(out, t);
	table_free(t);
	json_array_foreach(json_object_get(r, "left_out"), i, l)
	    fprintf(out, "left out: %s: %s\n", json_string_value(json_object_get(l, "dn")),
		    json_string_value(json_object_get(l, "reason")));
	fprintf(out, "%zu users from %lld entries, %zu left out\n",
		json_array_size(json_object_get(r, "users")),
		(long long)json_integer_value(json_object_get(r, "entries")),
		json_array_size(json_object_get(r, "left_out")));
}

static int exec_directory_users(struct cli *cli, const struct cmd_args *args)
{
	const char *file = args_value(args, "file");
	const json_t *spec = NULL;
	struct directory_query q;
	struct directory_ids ids = {0};
	struct directory *d = NULL;
	struct policy *p = NULL;
	json_t *users = NULL, *report = NULL;
	int status = EXIT_OK;

	if (file == NULL) {
		status =
		    cli_fail(cli, EXIT_USAGE, "give the policy: -f FILE\nusage: msgadm directory users %s",
			     args->cmd->synopsis);
		goto done;
	}
	/* whose account names: the context's server decides which ids can be accounts */
	if (cli_directory_policy(cli, file, &p, &spec) != 0 || cli_directory_ids(cli, &ids) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	directory_query_of(spec, &q);
	if (cli_directory(cli, json_string_value(json_object_get(spec, "source")), NULL, &d) != 0 ||
	    directory_users(d, &q, &ids, &users, &cli->err) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	report = json_pack("{s:o,s:O,s:O}", "users", json_sorted_values(json_object_get(users, "users")),
			   "left_out", json_object_get(users, "left_out"), "entries",
			   json_object_get(users, "entries"));
	if (cli_print(cli, report, render_directory_users) != 0)
		status = cli_failed(cli);
done:
	json_decref(report);
	json_decref(users);
	directory_close(d);
	policy_free(p);
	return status;
}

const struct command cmd_directory_users = {
    .name = "directory users",
    .synopsis = "-f POLICY",
    .summary = "list the users a policy's directory yields, and those left out with why",
    .description = "Reads the policy's users.directory from its directory as plan does: the entries\n"
		   "under base matching filter, only the members of member_of, active: false for\n"
		   "those matching disabled, admin from the admins group. An entry whose id cannot be\n"
		   "an account name on the context's server is left out, named with its DN and why.",
    .options = {{"file", 'f', "POLICY", "the policy", "file"}},
    .max_args = 0,
    .exec = exec_directory_users,
};
