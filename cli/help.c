/* Help text, all of it from the command table (but for its hidden commands). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "drivers/drivers.h"

void help_usage(FILE *out, const struct command *cmd)
{
	fprintf(out, "usage: msgadm %s%s%s\n", cmd->name, cmd->synopsis && *cmd->synopsis ? " " : "",
		cmd->synopsis ? cmd->synopsis : "");
}

/* "-o, --output FORMAT", or long_only_indent then "--out PLAN" for an option without a short name. */
static void option_left(char *buf, size_t n, const struct cmd_option *o, const char *long_only_indent)
{
	if (o->short_name)
		snprintf(buf, n, "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	else
		snprintf(buf, n, "%s--%s%s%s", long_only_indent, o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
}

void help_overview(FILE *out)
{
	char left[64];

	fputs("usage: msgadm [--context NAME] [-o text|json|yaml] [--color WHEN] [-v] [-q] COMMAND [ARGS]\n\n"
	      "Administer self-hosted messaging servers (",
	      out);
	/* the servers this build has drivers for */
	for (size_t i = 0; drivers[i] != NULL; i++)
		fprintf(out, "%s%s", i ? ", " : "", drivers[i]->product);
	fputs(") from policy.\n\nCommands:\n", out);
	for (size_t i = 0; command_table[i] != NULL; i++)
		if (!(command_table[i]->flags & CMD_HIDDEN))
			fprintf(out, "  %-20s %s\n", command_table[i]->name, command_table[i]->summary);
	fputs("\nGlobal options:\n", out);
	for (size_t i = 0; global_options[i].name != NULL; i++) {
		option_left(left, sizeof(left), &global_options[i], "");
		fprintf(out, "  %-20s %s\n", left, global_options[i].help);
	}
	fputs("\nSee 'msgadm help COMMAND' and msgadm(1).\n", out);
}

void help_command(FILE *out, const struct command *cmd)
{
	help_usage(out, cmd);
	fprintf(out, "\n%s\n", cmd->summary);
	if (cmd->description != NULL)
		fprintf(out, "\n%s\n", cmd->description);
	if (cmd->options[0].name != NULL)
		fputs("\nOptions:\n", out);
	for (int i = 0; i < CMD_MAX_OPTIONS && cmd->options[i].name; i++) {
		const struct cmd_option *o = &cmd->options[i];
		char left[64];

		option_left(left, sizeof(left), o, "    ");
		fprintf(out, "  %-24s %s\n", left, o->help);
	}
}
