/* msgadm plan -f FILE: what apply would change. */
#include "cli.h"
#include "base/exitcode.h"
#include "engine/plan.h"

static int exec_plan(struct cli *cli, const struct cmd_args *args)
{
	const char *out = args_value(args, "out");
	struct policy *p = NULL;
	struct session *s;
	json_t *plan = NULL;
	int status;

	if (policy_load(args_value(args, "file"), &p, &cli->err) != 0 || cli_session(cli, &s) != 0 ||
	    plan_build(s, p, args_flag(args, "force"), &plan, &cli->err) != 0 ||
	    (out != NULL && plan_save(out, plan, &cli->err) != 0)) {
		status = cli_failed(cli);
		goto done;
	}
	if (cli_print(cli, plan, plan_print) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	if (out != NULL)
		cli_info(cli, "Saved the plan to %s; apply it with: msgadm apply %s\n", out, out);
	status = args_flag(args, "detailed-exitcode") &&
			 (json_array_size(json_object_get(plan, "changes")) > 0 || plan_findings(plan) > 0)
		     ? EXIT_CHANGES
		     : EXIT_OK;
done:
	json_decref(plan);
	policy_free(p);
	return status;
}

const struct command cmd_plan = {
    .name = "plan",
    .synopsis = "-f FILE [--out PLAN] [--detailed-exitcode] [--force]",
    .summary = "show what apply would change on the server",
    .description = "Reads the live state the policy covers, compares it field by field and prints\n"
		   "+ (add), ~ (change) and - (deactivate/delete) lines, then what the server cannot be\n"
		   "made to do through its API (config-managed, observed only, unsupported).",
    .options =
	{
	    {"file", 'f', "FILE", "the policy to plan for", "file"},
	    {"out", 0, "PLAN", "save the plan, with a digest of the live state, for 'apply PLAN'", "file"},
	    {"detailed-exitcode", 0, NULL, "exit 2 when there are changes or findings, 0 when none", NULL},
	    {"force", 0, NULL, "allow deactivating or demoting the acting or last admin", NULL},
	},
    .min_args = 0,
    .max_args = 0,
    .required = "file",
    .flags = CMD_NEEDS_SERVER,
    .exec = exec_plan,
};
