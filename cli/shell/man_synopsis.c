/* The synopsis of msgadm(1), generated from the command table: `msgadm __man-synopsis` prints the
 * block that `make man` (scripts/man-sync) puts between the markers of man/msgadm.1, one
 * `.Nm Cm NAME ARGS` line per command; scripts/man-sync also gives each `.It Cm NAME` line of the
 * COMMANDS list the same ARGS. The mdoc comes from the usage synopsis, word by word:
 *   [ ]        Oo Oc            -f, --out    Fl f, Fl -out
 *   |          |                FILE, KEY.pub Ar (a placeholder starts upper case)
 *   FILE...    Ar FILE Ns ...   yaml, ok     Cm (a literal value) */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "man_synopsis.h"

static void word_mdoc(FILE *out, const char *w, size_t n)
{
	int dots = n > 3 && strncmp(w + n - 3, "...", 3) == 0;

	if (dots)
		n -= 3;
	if (n > 1 && w[0] == '-')
		fprintf(out, " Fl %.*s", (int)n - 1, w + 1);
	else if (isupper((unsigned char)w[0]))
		fprintf(out, " Ar %.*s", (int)n, w);
	else
		fprintf(out, " Cm %.*s", (int)n, w);
	if (dots)
		fputs(" Ns ...", out);
}

void man_synopsis_args(FILE *out, const char *synopsis)
{
	const char *p = synopsis ? synopsis : "";

	while (*p) {
		size_t n;

		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '[' || *p == ']' || *p == '|') {
			fputs(*p == '[' ? " Oo" : *p == ']' ? " Oc" : " |", out);
			p++;
			continue;
		}
		n = strcspn(p, " []|");
		word_mdoc(out, p, n);
		p += n;
	}
}

void man_synopsis(FILE *out)
{
	fputs(".\\\" Generated from the command table by 'make man': edit cli/command_table.c and\n"
	      ".\\\" commands/*.c, not these lines.\n"
	      ".Nm\n",
	      out);
	for (size_t i = 0; global_options[i].name != NULL; i++) {
		const struct cmd_option *o = &global_options[i];

		if (o->short_name)
			fprintf(out, ".Op Fl %c", o->short_name);
		else
			fprintf(out, ".Op Fl -%s", o->name);
		if (o->arg)
			fprintf(out, " Ar %s", o->arg);
		fputc('\n', out);
	}
	fputs(".Ar command\n.Op Ar args ...\n", out);
	for (size_t i = 0; command_table[i] != NULL; i++) {
		if (command_table[i]->flags & CMD_HIDDEN)
			continue;
		fprintf(out, ".Nm Cm %s", command_table[i]->name);
		man_synopsis_args(out, command_table[i]->synopsis);
		fputc('\n', out);
	}
}
