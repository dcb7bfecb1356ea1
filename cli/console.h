/* The interactive console (msgadm console): console.c reads lines (readline on a terminal, plain
 * lines from a pipe), runs each through cli_run, and keeps the history; console_complete.c completes
 * words from the command table's hints. */
#ifndef MSGADM_CONSOLE_H
#define MSGADM_CONSOLE_H

#include "cli.h"

/* Runs the console on stdin until end of input, `exit` or `quit`; returns the exit status. */
int console_run(struct cli *cli);

/* Words the console itself understands, which the command table does not hold. */
extern const char *const console_builtins[]; /* "use", "exit", "quit", then NULL */

/* The command a line's words name, past the global options and their values, or NULL when they
 * name none (or a console word). */
const struct command *console_find_command(int argc, char *const argv[]);

/* Installs the completion function for readline; it asks cli for contexts and server values. */
void console_complete_init(struct cli *cli);
/* Drops the server values (user ids, token names) remembered for completion: after a change, or
 * when the console switches context. */
void console_complete_forget(void);

#endif
