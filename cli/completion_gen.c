/* Shell completion scripts generated from the command table. Each script is data written here
 * from command_table and global_options (the command words, each command's options, which of them
 * take a value, what their values and arguments are) plus a fixed parser of msgadm's command line
 * (global options anywhere, a command of one or two words, then its options and arguments), so a
 * new command or option reaches all three shells without editing a script. The table's value
 * hints ("file", "context", "user", ...) become each shell's way of completing them. */
#include "completion_gen.h"
#include "completion_shells.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "command.h"

const char completion_shells[] = "bash, zsh or fish";

/* The values of the two closed hints, "format" (-o) and "shell". */
const char *const format_values[] = {"text", "json", "yaml", NULL};
const char *const shell_values[] = {"bash", "zsh", "fish", NULL};

/* The length of a command name's first word: 4 for "user list". */
int word_len(const char *name)
{
	return (int)strcspn(name, " ");
}

/* Whether command_table[i] is the first command whose name starts with its first word. */
bool first_of_word(size_t i)
{
	const char *name = command_table[i]->name;
	int n = word_len(name);

	for (size_t j = 0; j < i; j++)
		if (word_len(command_table[j]->name) == n &&
		    strncmp(command_table[j]->name, name, (size_t)n) == 0)
			return false;
	return true;
}

/* Whether command_table[j] is a two-word command in the group named by command_table[i]'s first word. */
bool in_group(size_t i, size_t j)
{
	const char *a = command_table[i]->name, *b = command_table[j]->name;
	int n = word_len(a);

	return word_len(b) == n && strncmp(a, b, (size_t)n) == 0 && b[n] == ' ';
}

/* Whether command_table[i] is the first command of a group ("user list" for "user"). */
bool opens_group(size_t i)
{
	return first_of_word(i) && command_table[i]->name[word_len(command_table[i]->name)] == ' ';
}

/* The second words of the commands in command_table[i]'s group: "list show create". */
void put_group_words(FILE *out, size_t i, const char *sep)
{
	const char *s = "";

	for (size_t j = i; command_table[j] != NULL; j++) {
		if (!in_group(i, j))
			continue;
		fprintf(out, "%s%s", s, command_table[j]->name + word_len(command_table[j]->name) + 1);
		s = sep;
	}
}

void put_words(FILE *out, const char *const *words, const char *sep)
{
	for (size_t i = 0; words[i] != NULL; i++)
		fprintf(out, "%s%s", i ? sep : "", words[i]);
}

/* The words of opts ("-f --file --out"), or only of those that take a value. */
void put_option_words(FILE *out, const struct cmd_option *opts, int max, bool values_only)
{
	const char *sep = "";

	for (int k = 0; k < max && opts[k].name != NULL; k++) {
		if (values_only && opts[k].arg == NULL)
			continue;
		if (opts[k].short_name) {
			fprintf(out, "%s-%c", sep, opts[k].short_name);
			sep = " ";
		}
		fprintf(out, "%s--%s", sep, opts[k].name);
		sep = " ";
	}
}

/* Writes s for use between single quotes in sh or zsh, with a backslash before each character of
 * special. */
void sq_body(FILE *out, const char *s, const char *special)
{
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			fputs("'\\''", out);
			continue;
		}
		if (strchr(special, *s) != NULL)
			fputc('\\', out);
		fputc(*s, out);
	}
}

void put_sq(FILE *out, const char *s)
{
	fputc('\'', out);
	sq_body(out, s, "");
	fputc('\'', out);
}

/* fish's single quotes: only \ and ' are escaped. */
void put_fish_sq(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '\'')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('\'', out);
}

int completion_write(FILE *out, const char *shell)
{
	if (strcmp(shell, "bash") == 0)
		bash_script(out);
	else if (strcmp(shell, "zsh") == 0)
		zsh_script(out);
	else if (strcmp(shell, "fish") == 0)
		fish_script(out);
	else
		return -1;
	return 0;
}
