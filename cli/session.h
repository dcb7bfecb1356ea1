/* Opening sessions (engine/session.h) for contexts of the contexts file. */
#ifndef MSGADM_CLI_SESSION_H
#define MSGADM_CLI_SESSION_H

#include <stdio.h>

#include "engine/session.h"

/* Opens a session for ctx: finds its driver, reads the token, makes the HTTP client, calls the
 * driver's open. trace is the -v stream or NULL. */
int session_open(const struct context *ctx, FILE *trace, struct session **out, struct msg_err *err);

#endif
