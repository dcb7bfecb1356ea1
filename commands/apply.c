/* msgadm apply -f FILE | PLAN: make the server match the policy. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "base/exitcode.h"
#include "engine/plan.h"
#include "engine/pool.h"

/* On a terminal, asks; elsewhere --yes is required. */
static int confirmed(struct cli *cli, const struct cmd_args *args)
{
	char answer[16];

	if (args_flag(args, "yes"))
		return 1;
	if (!cli->tty) {
		cli_fail(cli, EXIT_USAGE, "not a terminal: give --yes to apply without asking");
		return 0;
	}
	fputs("\nApply these changes? Only 'yes' is accepted: ", cli->out);
	fflush(cli->out);
	if (fgets(answer, sizeof(answer), stdin) == NULL || strcmp(answer, "yes\n") != 0) {
		cli_fail(cli, EXIT_FAILURE_, "apply cancelled; nothing was changed");
		return 0;
	}
	return 1;
}

/* --parallel N: 1 to POOL_MAX, or 0 when not given (the context's value holds). */
static int parallel_option(struct cli *cli, const struct cmd_args *args, int *n)
{
	const char *text = args_value(args, "parallel");
	char *end = NULL;
	long v;

	*n = 0;
	if (text == NULL)
		return 0;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < 1 || v > POOL_MAX)
		return cli_fail(cli, EXIT_USAGE, "--parallel: '%s' is not a whole number from 1 to %d", text,
				POOL_MAX);
	*n = (int)v;
	return 0;
}

/* Whether Ctrl-C stopped the run: then it exits 130, as an interrupted command does. */
static bool interrupted(const json_t *results)
{
	const json_t *r;
	size_t i;

	json_array_foreach(results, i, r)
	{
		if (json_integer_value(json_object_get(r, "exit")) == EXIT_INTERRUPTED)
			return true;
	}
	return false;
}

static int exec_apply(struct cli *cli, const struct cmd_args *args)
{
	const char *file = args_value(args, "file");
	struct policy *p = NULL;
	struct session *s;
	json_t *plan = NULL, *results = NULL;
	int failed, status, parallel;

	if ((file == NULL) == (args->argc == 0)) {
		status =
		    cli_fail(cli, EXIT_USAGE, "give either -f FILE or a saved PLAN\nusage: msgadm apply %s",
			     args->cmd->synopsis);
		goto done;
	}
	if (parallel_option(cli, args, &parallel) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	status = file != NULL ? policy_load(file, &p, &cli->err) : plan_load(args->argv[0], &plan, &cli->err);
	if (status != 0 || cli_session(cli, &s) != 0 ||
	    session_set_credentials_out(s, args_value(args, "credentials-out"), &cli->err) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	/* the reads of the plan use the workers too */
	if (parallel > 0)
		s->parallel = parallel;
	if ((file != NULL ? plan_build(s, p, args_flag(args, "force"), &plan, &cli->err)
			  : plan_verify(s, args->argv[0], plan, &cli->err)) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	if (json_array_size(json_object_get(plan, "changes")) == 0) {
		if (cli->output == OUTPUT_TEXT)
			plan_print(cli->out, plan);
		else {
			results = json_pack("{s:[]}", "results");
			cli_print(cli, results, NULL);
		}
		status = EXIT_OK;
		goto done;
	}
	if (cli->output == OUTPUT_TEXT && !cli->quiet)
		plan_print(cli->out, plan);
	if (!confirmed(cli, args)) {
		status = cli_failed(cli);
		goto done;
	}
	if (cli->output == OUTPUT_TEXT)
		fputs("\nApplying:\n", cli->out);
	failed = cli_apply(cli, s, plan, cli->output == OUTPUT_TEXT, &results);
	if (cli->output != OUTPUT_TEXT) {
		json_t *report = json_pack("{s:O,s:i}", "results", results, "failed", failed);
		cli_print(cli, report, NULL);
		json_decref(report);
	} else {
		size_t n = json_array_size(json_object_get(plan, "changes"));
		fprintf(cli->out, "\nApply: %zu change%s, %d failed.\n", n, n == 1 ? "" : "s", failed);
	}
	status = EXIT_OK;
	if (failed > 0)
		status = cli_fail(cli, interrupted(results) ? EXIT_INTERRUPTED : EXIT_PARTIAL,
				  "%s%d of %zu changes did not succeed",
				  interrupted(results) ? "interrupted: " : "", failed,
				  json_array_size(json_object_get(plan, "changes")));
done:
	json_decref(results);
	json_decref(plan);
	policy_free(p);
	return status;
}

const struct command cmd_apply = {
    .name = "apply",
    .synopsis = "-f FILE | PLAN [--yes] [--force] [--parallel N] [--credentials-out FILE]",
    .summary = "change the server to match a policy or a saved plan",
    .description = "With -f, plans again and applies. With a saved PLAN, first checks that the live\n"
		   "state still matches the digest the plan was made from. Changes are applied in a\n"
		   "safe order (creations first, deactivations last), stage by stage; within a stage,\n"
		   "up to N changes run at once where the server allows it (--parallel, default the\n"
		   "context's parallel, 4). Each outcome is reported in plan order. Ctrl-C starts no\n"
		   "more changes and waits for those running; a second Ctrl-C aborts them.\n"
		   "Exits 3 when some changes failed. Where the server needs msgadm to set a password,\n"
		   "creating or reactivating an account sets a random one, written only to the\n"
		   "--credentials-out file; without it those changes fail and nothing is done to those\n"
		   "accounts (msgadm(1) says which servers).",
    .options =
	{
	    {"file", 'f', "FILE", "the policy to apply", "file"},
	    {"yes", 'y', NULL, "do not ask for confirmation", NULL},
	    {"force", 0, NULL, "allow deactivating or demoting the acting or last admin", NULL},
	    {"parallel", 0, "N", "changes run at once, 1 to 16 (default: the context's, 4)", NULL},
	    {"credentials-out", 0, "FILE", CREDENTIALS_OUT_HELP, "file"},
	},
    .min_args = 0,
    .max_args = 1,
    .arg_complete = "file",
    .flags = CMD_NEEDS_SERVER | CMD_CHANGES_STATE,
    .exec = exec_apply,
};
