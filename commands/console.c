/* msgadm console */
#include "cli.h"
#include "console.h"

static int exec_console(struct cli *cli, const struct cmd_args *args)
{
	(void)args;
	return console_run(cli);
}

const struct command cmd_console = {
    .name = "console",
    .synopsis = "",
    .summary = "run msgadm commands at a prompt, with completion and history",
    .description =
	"Type commands without the 'msgadm' prefix; words are split as a shell splits them (quotes,\n"
	"backslashes), with nothing expanded. Tab completes as the shell completions do: commands,\n"
	"options, contexts, files, and user ids, invite names and rooms from the server. 'use CONTEXT'\n"
	"switches the console's context without changing the contexts file. Ctrl-C cancels a running\n"
	"request, Ctrl-D, 'exit' or 'quit' leave. From a pipe, lines run without a prompt and the first\n"
	"one that fails ends the console with its exit status.",
    .max_args = 0,
    .flags = CMD_NOT_IN_CONSOLE,
    .exec = exec_console,
};
