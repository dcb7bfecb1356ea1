/* The state of one msgadm invocation (or one console line): global options, the contexts file and
 * the server session, both opened on first use. Only cli/ prints errors and decides exit statuses. */
#ifndef MSGADM_CLI_H
#define MSGADM_CLI_H

#include <jansson.h>

#include "io/json_sort.h"
#include <stdbool.h>
#include <stdio.h>

#include "color.h"
#include "shell/command.h"
#include "config.h"
#include "directory/directory.h"
#include "engine/driver.h"
#include "engine/plan.h"
#include "base/msg_err.h"
#include "progress.h"

/* SARIF and JUnit only for commands flagged CMD_REPORT_FORMATS (lint); cli_run refuses them elsewhere. */
enum output_format { OUTPUT_TEXT, OUTPUT_JSON, OUTPUT_YAML, OUTPUT_SARIF, OUTPUT_JUNIT };

struct cli {
	const char *context_name; /* --context */
	enum output_format output;
	int verbose;
	int quiet;
	FILE *out;
	FILE *errout;
	struct config *config;
	struct session *session;
	struct msg_err err;
	bool tty;	       /* stdin and stdout are terminals */
	enum color_mode color; /* --color; cli_run decides from it, NO_COLOR and stdout (color.h) */
	/* The meter on stderr: on while a command runs, when stderr is a terminal and neither -q nor -v
	 * is given (a trace would break its line); it shows the drivers' long reads and apply. */
	struct progress progress;
	/* How the session's plans read a policy's users.directory (cli_directory.c). */
	struct directory_source directories;
};

/* Runs one command line (argv[0] is the first word after the program name). Prints the error, if
 * any, and returns the exit status. */
int cli_run(struct cli *cli, int argc, char **argv);
void cli_free(struct cli *cli);

/* For exec functions: the contexts file and the server session, opened once. Return 0 or -1 with
 * cli->err set. */
int cli_config(struct cli *cli, struct config **out);
int cli_session(struct cli *cli, struct session **out);

/* Connects and binds to the directory called name in the contexts file (config_directory.h), and
 * gives its profile (may be NULL); the caller closes it (directory_close). */
int cli_directory(struct cli *cli, const char *name, struct directory_profile *profile,
		  struct directory **out);

/* The policy in file and its users.directory (EXIT_DATAERR when it has none): for the directory
 * commands. *p is the caller's to free, also on failure. */
int cli_directory_policy(struct cli *cli, const char *file, struct policy **p, const json_t **spec);
/* Whose rule for account names a directory's ids follow: the context's server's. */
struct directory_ids;
int cli_directory_ids(struct cli *cli, struct directory_ids *ids);

/* Lets s's plans read the directories the contexts file names (engine/session.h). */
void cli_directory_source(struct cli *cli, struct session *s);

/* Records an error for the current command and returns its status, so an exec function can say
 * `return cli_fail(cli, EXIT_USAGE, "...")`. */
int cli_fail(struct cli *cli, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Returns the status of an error already in cli->err. */
int cli_failed(struct cli *cli);

/* Prints a value per -o: text (via the given printer, or YAML when NULL), json or yaml. */
int cli_print(struct cli *cli, const json_t *value, void (*text)(FILE *out, const json_t *value));
/* Informational line on stderr, silenced by -q. */
void cli_info(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Applies plan (plan_apply) with the progress meter, and with print, each outcome on cli->out as it
 * comes; returns the number of changes that did not succeed. */
int cli_apply(struct cli *cli, struct session *s, const json_t *plan, bool print, json_t **results);

/* plan_apply with the context's audit log as its journal (audit_journal_open): every apply of
 * cli/ goes through here, so that no change is made unaudited. */
int cli_plan_apply(struct session *s, const json_t *plan, const struct apply_observer *observer,
		   json_t **results);

/* Runs a change list built by an imperative command through the engine's safety checks and apply;
 * returns the exit status. */
int cli_run_changes(struct cli *cli, json_t *changes, bool force);

/* --credentials-out of the commands that create or reactivate accounts (apply, user create, user
 * reactivate): one text for all. */
#define CREDENTIALS_OUT_HELP                                                                                 \
	"where the server needs msgadm to set a password, append the account and new password of each "      \
	"account created or reactivated to FILE (created 0600; refused if group or others can read it)"

/* Completion for the console and the shells (the engine is shell/complete.h). The contexts of
 * cli's contexts file for complete_source.contexts (data: the struct cli). */
struct complete_source;
json_t *cli_complete_contexts(const struct complete_source *src);
json_t *cli_complete_directories(const struct complete_source *src);
/* msgadm __complete WORD...: prints the candidates for the last WORD after the others, one a line,
 * "VALUE" or "VALUE<TAB>NOTE"; when the word is a file name, the last line is the directive
 * ":files", or ":files<TAB>PREFIX" when the name starts after PREFIX ("--out="). Server values
 * come through the context with a deadline and the completion cache (complete_live.h), unless
 * MSGADM_COMPLETE_REMOTE is 0. Any failure prints nothing, on stdout or stderr. */
void complete_shell(struct cli *cli, int argc, char *const argv[]);

/* Text renderings (render.c). */
void render_users_table(FILE *out, const json_t *users);
void render_tokens_table(FILE *out, const json_t *tokens);
void render_fields(FILE *out, const json_t *obj);
/* The values of obj as an array sorted by key; a new reference. */

/* Help from the command table. */
void help_overview(FILE *out);
void help_command(FILE *out, const struct command *cmd);
void help_usage(FILE *out, const struct command *cmd);

#endif
