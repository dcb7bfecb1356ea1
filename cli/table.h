/* Aligned text tables for lists: each column as wide as its widest cell (in characters, not bytes),
 * two spaces between columns, no padding after the last one. A cell never holds a newline or a
 * control character: those print as spaces, so one row stays one line. */
#ifndef MSGADM_TABLE_H
#define MSGADM_TABLE_H

#include <stdio.h>

struct table;

/* headers: the column titles, NULL-terminated (at most TABLE_MAX_COLUMNS). A title starting with
 * '>' is right-aligned (numbers); the '>' is not printed. NULL when out of memory. */
#define TABLE_MAX_COLUMNS 8
struct table *table_new(const char *const *headers);
/* Adds a row of one cell per column (copied); NULL cells print as "-". */
void table_add(struct table *t, const char *const *cells);
/* Prints the headers and the rows. */
void table_print(FILE *out, const struct table *t);
void table_free(struct table *t);

#endif
