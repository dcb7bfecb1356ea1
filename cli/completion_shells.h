/* Internal to the completion generator (completion_*.c): the table-walking helpers the three
 * shells share, and each shell's script writer. */
#ifndef MSGADM_COMPLETION_SHELLS_H
#define MSGADM_COMPLETION_SHELLS_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "command.h"

#define ALL_OPTIONS INT_MAX /* global_options ends at name NULL, not at a count */

/* The values of the two closed hints, "format" (-o) and "shell". */
extern const char *const format_values[];
extern const char *const shell_values[];

int word_len(const char *name);
bool first_of_word(size_t i);
bool in_group(size_t i, size_t j);
bool opens_group(size_t i);
void put_group_words(FILE *out, size_t i, const char *sep);
void put_words(FILE *out, const char *const *words, const char *sep);
void put_option_words(FILE *out, const struct cmd_option *opts, int max, bool values_only);
void sq_body(FILE *out, const char *s, const char *special);
void put_sq(FILE *out, const char *s);
void put_fish_sq(FILE *out, const char *s);

void bash_script(FILE *out);
void zsh_script(FILE *out);
void fish_script(FILE *out);

#endif
