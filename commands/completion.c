/* msgadm completion bash|zsh|fish */
#include "cli.h"
#include "completion_gen.h"
#include "exitcode.h"

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
    .summary = "print a shell completion script generated from the command table",
    .description = "Load it with 'source <(msgadm completion bash)', or save the output as _msgadm in\n"
		   "a directory of $fpath (zsh) or as ~/.config/fish/completions/msgadm.fish (fish).\n"
		   "User ids and invite names are completed from the server only when\n"
		   "MSGADM_COMPLETE_REMOTE=1 is set; context names come from the contexts file.",
    .min_args = 1,
    .max_args = 1,
    .arg_complete = "shell",
    .flags = CMD_NOT_IN_CONSOLE,
    .exec = exec_completion,
};
