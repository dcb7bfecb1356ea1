/* msgadm directory test NAME [-f POLICY]: connect, bind, say what the server is; with a policy, count
 * what its users.directory selects. */
#include <string.h>

#include "cli.h"
#include "base/exitcode.h"
#include "directory/users.h"

static void render_test(FILE *out, const json_t *r)
{
	const json_t *info = json_object_get(r, "server"), *sel = json_object_get(r, "selection");
	const char *tls = json_string_value(json_object_get(info, "tls"));
	const char *vendor = json_string_value(json_object_get(info, "vendor"));

	fprintf(out, "directory %s: %s, bound as %s\n", json_string_value(json_object_get(r, "directory")),
		json_string_value(json_object_get(info, "url")),
		json_string_value(json_object_get(r, "bound_as")));
	fprintf(out, "  TLS:           %s\n", tls ? tls : "none (loopback)");
	const char *version = json_string_value(json_object_get(info, "version"));

	fprintf(out, "  server:        %s%s%s\n", vendor ? vendor : "does not say", version ? " " : "",
		version ? version : "");
	fprintf(out, "  paged results: %s\n", json_is_true(json_object_get(info, "paging")) ? "yes" : "no");
	if (sel != NULL)
		fprintf(out, "  policy:        %lld entries under %s, %lld users, %lld left out\n",
			(long long)json_integer_value(json_object_get(sel, "entries")),
			json_string_value(json_object_get(sel, "base")),
			(long long)json_integer_value(json_object_get(sel, "users")),
			(long long)json_integer_value(json_object_get(sel, "left_out")));
}

static int exec_directory_test(struct cli *cli, const struct cmd_args *args)
{
	const char *name = args->argv[0], *file = args_value(args, "file");
	const json_t *spec = NULL;
	struct directory_profile profile;
	struct directory_ids ids = {0};
	struct directory_query q;
	struct directory *d = NULL;
	struct policy *p = NULL;
	json_t *info = NULL, *users = NULL, *report = NULL;
	int status = EXIT_OK;

	if (file != NULL) {
		if (cli_directory_policy(cli, file, &p, &spec) != 0) {
			status = cli_failed(cli);
			goto done;
		}
		if (strcmp(json_string_value(json_object_get(spec, "source")), name) != 0) {
			status = cli_fail(cli, EXIT_USAGE, "%s: users.directory.source is %s, not %s", file,
					  json_string_value(json_object_get(spec, "source")), name);
			goto done;
		}
	}
	if (cli_directory(cli, name, &profile, &d) != 0 || directory_info(d, &info, &cli->err) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	report = json_pack("{s:s,s:O,s:s}", "directory", name, "server", info, "bound_as",
			   profile.bind_dn ? profile.bind_dn : "anonymous");
	if (spec != NULL) {
		directory_query_of(spec, &q);
		q.allow_empty = true; /* counting: an empty answer is a figure here */
		/* ids the context's server would refuse are counted as left out, when there is one */
		if (cli_directory_ids(cli, &ids) != 0)
			ids = (struct directory_ids){0};
		err_clear(&cli->err);
		if (directory_users(d, &q, &ids, &users, &cli->err) != 0) {
			status = cli_failed(cli);
			goto done;
		}
		json_object_set_new(
		    report, "selection",
		    json_pack("{s:s,s:O,s:I,s:I}", "base", q.base, "entries",
			      json_object_get(users, "entries"), "users",
			      (json_int_t)json_object_size(json_object_get(users, "users")), "left_out",
			      (json_int_t)json_array_size(json_object_get(users, "left_out"))));
	}
	if (cli_print(cli, report, render_test) != 0)
		status = cli_failed(cli);
done:
	json_decref(report);
	json_decref(users);
	json_decref(info);
	directory_close(d);
	policy_free(p);
	return status;
}

const struct command cmd_directory_test = {
    .name = "directory test",
    .synopsis = "NAME [-f POLICY]",
    .summary = "connect and bind to a directory, and say what it is",
    .description = "Connects to the directory NAME of the contexts file, verifies its TLS certificate,\n"
		   "binds as its service account and reads the server's root DSE: the TLS version, the\n"
		   "vendor when the server tells, whether it does paged results. With -f, also counts the\n"
		   "entries the policy's users.directory selects (base, filter, member_of).",
    .options = {{"file", 'f', "POLICY", "a policy whose users.directory to count", "file"}},
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "directory",
    .exec = exec_directory_test,
};
