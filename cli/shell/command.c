/* Looking up commands and their options in the table. */
#include "command.h"

#include <stdio.h>
#include <string.h>

const struct command *command_find(int argc, char *const argv[], int *words)
{
	char two[128];

	if (argc >= 2) {
		snprintf(two, sizeof(two), "%s %s", argv[0], argv[1]);
		for (size_t i = 0; command_table[i] != NULL; i++)
			if (strcmp(command_table[i]->name, two) == 0) {
				*words = 2;
				return command_table[i];
			}
	}
	for (size_t i = 0; command_table[i] != NULL; i++)
		if (strcmp(command_table[i]->name, argv[0]) == 0) {
			*words = 1;
			return command_table[i];
		}
	return NULL;
}

int command_option_match(const struct cmd_option *opts, int max, const char *word, const char **inline_value)
{
	*inline_value = NULL;
	if (word[0] != '-' || word[1] == '\0')
		return -1;
	for (int i = 0; i < max && opts[i].name != NULL; i++) {
		size_t n = strlen(opts[i].name);

		if (word[1] == '-' && strncmp(word + 2, opts[i].name, n) == 0 &&
		    (word[2 + n] == '\0' || word[2 + n] == '=')) {
			if (word[2 + n] == '=')
				*inline_value = word + 3 + n;
			return i;
		}
		if (word[1] != '-' && opts[i].short_name != 0 && word[1] == opts[i].short_name) {
			if (word[2] != '\0')
				*inline_value = word + 2;
			return i;
		}
	}
	return -1;
}

int command_option_index(const struct command *cmd, const char *name)
{
	for (int i = 0; i < CMD_MAX_OPTIONS && cmd->options[i].name; i++)
		if (strcmp(cmd->options[i].name, name) == 0)
			return i;
	return -1;
}

bool args_flag(const struct cmd_args *args, const char *name)
{
	int i = command_option_index(args->cmd, name);

	return i >= 0 && args->given[i] > 0;
}

const char *args_value(const struct cmd_args *args, const char *name)
{
	int i = command_option_index(args->cmd, name);

	return i >= 0 ? args->values[i] : NULL;
}

const struct cmd_value *command_value_find(const struct cmd_value *values, const char *word)
{
	for (const struct cmd_value *v = values; v->word != NULL; v++)
		if (strcmp(v->word, word) == 0)
			return v;
	return NULL;
}

bool command_value_allowed(const struct cmd_value *v, unsigned flags)
{
	return (v->only & flags) == v->only;
}

void command_values_join(const struct cmd_value *values, unsigned flags, char *buf, size_t size)
{
	size_t used = 0, n = 0, taken = 0;
	const char *sep;

	for (const struct cmd_value *v = values; v->word != NULL; v++)
		n += command_value_allowed(v, flags);
	buf[0] = '\0';
	for (const struct cmd_value *v = values; v->word != NULL && used < size; v++) {
		if (!command_value_allowed(v, flags))
			continue;
		sep = taken == 0 ? "" : taken + 1 < n ? ", " : " or ";
		used += (size_t)snprintf(buf + used, size - used, "%s%s", sep, v->word);
		taken++;
	}
}
