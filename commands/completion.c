/* msgadm completion bash|zsh|fish */
#include "cli.h"
#include "shell/completion_gen.h"
#include "base/exitcode.h"

static int exec_completion(struct cli *cli, const struct cmd_args *args)
{
	if (completion_write(cli->out, args->argv[0]) != 0)
		return cli_fail(cli, EXIT_USAGE, "unknown shell '%s' (%s)\nusage: msgadm %s %s",
				args->argv[0], completion_shells, args->cmd->name, args->cmd->synopsis);
	return 0;
}

const struct command cmd_completion = {
    .name = "completion",
    .synopsis = "bash|zsh|fish",
    .summary = "print a shell completion script, which asks msgadm what fits at each Tab",
    .description = "Load it with 'source <(msgadm completion bash)', or save the output as _msgadm in\n"
		   "a directory of $fpath (zsh) or as ~/.config/fish/completions/msgadm.fish (fish).\n"
		   "The script asks msgadm itself what fits at each Tab: commands, options, their\n"
		   "values, context names, and from the server user ids, invite names and rooms\n"
		   "(within 2 seconds; user ids and rooms remembered for 30).\n"
		   "MSGADM_COMPLETE_REMOTE=0 keeps it off the server.",
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "shell",
    .flags = CMD_NOT_IN_CONSOLE,
    .exec = exec_completion,
};
