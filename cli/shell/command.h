/* The command table: the single source for dispatch, `help`, usage errors, the man page synopsis and
 * shell completions. Each command lives in commands/<name>.c and exports one `struct command`. */
#ifndef MSGADM_COMMAND_H
#define MSGADM_COMMAND_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct cli;

enum cmd_flag {
	CMD_NEEDS_SERVER = 1 << 0,   /* opens a session to the context's server before exec */
	CMD_CHANGES_STATE = 1 << 1,  /* may change the server */
	CMD_NOT_IN_CONSOLE = 1 << 2, /* meaningless inside the console */
	CMD_REPORT_FORMATS = 1 << 3, /* also prints -o sarif and -o junit */
	CMD_HIDDEN = 1 << 4,	     /* for msgadm's own tools: not in help, the manual or completions */
	CMD_RAW_ARGS = 1 << 5,	     /* every word after its name is an argument, options included */
};

#define CMD_MAX_OPTIONS 12
#define CMD_ALL_OPTIONS INT_MAX /* for command_option_match on a list that ends at name NULL only */

/* One word an option's value may be, for an option with a closed list of them (-o, --color). */
struct cmd_value {
	const char *word; /* "json" */
	int value;	  /* what it stands for, e.g. OUTPUT_JSON */
	unsigned only;	  /* the command flags it needs (CMD_REPORT_FORMATS for -o sarif), or 0 */
};

struct cmd_option {
	const char *name; /* long name, without "--" */
	char short_name;  /* or 0 */
	const char *arg;  /* value placeholder ("FILE"), NULL for a flag */
	const char *help;
	const char *complete; /* completion hint for the value: "file", "context", "user", "room", or
			       * NULL (see complete.h) */
	const struct cmd_value *values; /* the words the value may be, ending at word NULL; parsing,
					 * its messages and completion take them from here; NULL: any */
};

struct cmd_args {
	const struct command *cmd;
	int argc; /* positional arguments */
	char **argv;
	const char *values[CMD_MAX_OPTIONS]; /* option values, parallel to command.options */
	int given[CMD_MAX_OPTIONS];	     /* how often each option was given */
};

struct command {
	const char *name;	 /* "user list" */
	const char *synopsis;	 /* positional part and options, e.g. "-f FILE [--out PLAN]" */
	const char *summary;	 /* one line */
	const char *description; /* a paragraph for `help CMD` and the man page, or NULL */
	struct cmd_option options[CMD_MAX_OPTIONS]; /* ends at the first entry with name NULL */
	int min_args, max_args;			    /* positional arity; max -1 = unbounded */
	const char *arg_complete; /* completion hint for positionals: "file", "user", "token", "room",
				   * "context", "command", "shell" */
	const char *required;	  /* the long name of an option the command cannot run without, or NULL */
	/* What of the context's driver a CMD_NEEDS_SERVER command needs (driver_offers in
	 * engine/driver.h): a resource type's name ("user") or a feature ("rooms"); NULL: nothing. */
	const char *needs;
	unsigned flags;
	int (*exec)(struct cli *cli, const struct cmd_args *args);
};

extern const struct command *const command_table[];
/* The options that may stand anywhere on the line, for parsing (cli.c), help and the completions;
 * ends at the entry with name NULL. */
extern const struct cmd_option global_options[];

/* The command whose name matches argv's first one or two words; *words gets 1 or 2. */
const struct command *command_find(int argc, char *const argv[], int *words);
/* Index of the option of opts (at most max, ending at a NULL name) that word spells: "--name",
 * "--name=value", "-n" or "-nvalue"; -1 when none. *inline_value gets the value the word holds, or
 * NULL. The one matching for parsing and completion alike. */
int command_option_match(const struct cmd_option *opts, int max, const char *word, const char **inline_value);
/* Index of the option called name in cmd->options, or -1. */
int command_option_index(const struct command *cmd, const char *name);

/* The entry of values (ending at word NULL) that word is, or NULL. */
const struct cmd_value *command_value_find(const struct cmd_value *values, const char *word);
/* Whether a command with these flags takes v. */
bool command_value_allowed(const struct cmd_value *v, unsigned flags);
/* The words of values that a command with these flags takes, as "a, b or c", into buf ("" when none;
 * cut short when buf is too small). */
void command_values_join(const struct cmd_value *values, unsigned flags, char *buf, size_t size);

/* Option accessors for exec functions. */
bool args_flag(const struct cmd_args *args, const char *name);
const char *args_value(const struct cmd_args *args, const char *name);

#endif
