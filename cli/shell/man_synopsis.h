/* The synopsis block of msgadm(1) in mdoc, from the command table, hidden commands left out; the
 * hidden command `msgadm __man-synopsis` prints it for `make man`. */
#ifndef MSGADM_MAN_SYNOPSIS_H
#define MSGADM_MAN_SYNOPSIS_H

#include <stdio.h>

void man_synopsis(FILE *out);
/* One synopsis ("-f FILE [--out PLAN]") as mdoc macros. */
void man_synopsis_args(FILE *out, const char *synopsis);

#endif
