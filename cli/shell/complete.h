/* What may come next on a msgadm command line: the one engine behind the console's Tab
 * (console_complete.c) and the shells' (`msgadm __complete`, complete_shell.c). It knows no command
 * by name. The words before the cursor are walked the way cli.c parses them: global options
 * anywhere, a command of one or two words, its options (--name VALUE, --name=VALUE, -n VALUE,
 * -nVALUE), its arguments, and after "--" arguments only. An option with a list of values
 * (cmd_option.values) offers those the command takes: -o text, json, yaml, and sarif and junit where
 * the command prints them (CMD_REPORT_FORMATS); --color auto, always, never. Otherwise what comes next
 * has a hint in the table (cmd_option.complete, command.arg_complete) that says what to offer:
 *   "shell"    bash, zsh, fish
 *   "command"  the commands (help's arguments: a command's first word, then a group's second)
 *   "context"  the names in the contexts file
 *   "file"     nothing: the caller completes file names itself (completion.files)
 *   "user", "token", "room"   what only the server knows, asked of the caller (complete_source.live)
 * A word that starts with - is an option; where no command is named yet, a command word comes next.
 * Hidden commands (CMD_HIDDEN) are never offered, nor is anything after one. */
#ifndef MSGADM_COMPLETE_H
#define MSGADM_COMPLETE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "command.h"

struct complete_source {
	void *data;   /* the caller's, for its functions */
	bool console; /* also the console's own words (use, exit, quit); not its CMD_NOT_IN_CONSOLE ones */
	/* The contexts file's contexts, for "context": a new array of {"name", "driver", "server"}, or
	 * NULL for none. NULL: nothing is offered. */
	json_t *(*contexts)(const struct complete_source *src);
	/* The contexts file's directories, for "directory": a new array of names, or NULL for none. */
	json_t *(*directories)(const struct complete_source *src);
	/* The server's names for hint, a new reference to an array of strings, or NULL for none;
	 * context is the --context given on the line, or NULL. NULL: nothing is asked. */
	json_t *(*live)(const struct complete_source *src, const char *hint, const char *context);
};

struct completion {
	json_t *values;	 /* the candidates: whole words that begin with the word completed */
	json_t *notes;	 /* parallel to values: what each is, "" when there is nothing to say */
	bool files;	 /* the word, from value_at on, is a file name: the caller completes it */
	size_t value_at; /* where an option's value starts in the word ("--out=x": 6, "-ox": 2), else 0 */
};

/* Fills out with what may stand for word, the word under the cursor (maybe ""), after the argc
 * words of argv (those after "msgadm", quotes removed). out must be freed with completion_free
 * whatever the result. Returns 0, or -1 when out of memory. */
int complete_word(const struct complete_source *src, int argc, char *const argv[], const char *word,
		  struct completion *out);
void completion_free(struct completion *c);

/* The command the words name, past the global options and their values; NULL when they name none
 * (or, in the console, one of its own words). */
const struct command *complete_command(int argc, char *const argv[], bool console);

#define COMPLETE_DEADLINE_MS 2000 /* for all a shell's Tab asks of the server */

#endif
