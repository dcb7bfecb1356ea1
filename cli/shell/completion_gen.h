/* Shell completion scripts: small ones that ask `msgadm __complete` (completion_gen.c). */
#ifndef MSGADM_COMPLETION_GEN_H
#define MSGADM_COMPLETION_GEN_H

#include <stdio.h>

/* The shells completion_write knows, for messages: "bash, zsh or fish". */
extern const char completion_shells[];

/* Writes the completion script for shell ("bash", "zsh" or "fish") to out; returns 0, or -1 when
 * the shell is not one of those. */
int completion_write(FILE *out, const char *shell);

/* Each shell's script after the common comment (completion_bash.c, completion_zsh.c, ...). */
extern const char completion_bash_body[], completion_zsh_body[], completion_fish_body[];

#endif
