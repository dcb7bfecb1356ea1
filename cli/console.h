/* The interactive console (msgadm console): console.c reads lines (readline on a terminal, plain
 * lines from a pipe), runs each through cli_run, and keeps the history; console_complete.c completes
 * words with the engine the shells share (complete.h). */
#ifndef MSGADM_CONSOLE_H
#define MSGADM_CONSOLE_H

#include "cli.h"

/* Runs the console on stdin until end of input, `exit` or `quit`; returns the exit status. */
int console_run(struct cli *cli);

/* Installs the completion function for readline; it asks cli for contexts and server values. */
void console_complete_init(struct cli *cli);

#endif
