/* YAML to JSON, keeping where each value came from. libyaml stays inside yaml_load.c.
 *
 * Scalars follow the YAML 1.2 core schema: plain null/~/empty -> null, true/false (also True, TRUE,
 * False, FALSE) -> boolean, decimal integers -> integer, decimal/exponent floats -> real, anything else
 * and every quoted scalar -> string (so 2027-03-31 stays the string "2027-03-31").
 * Mapping keys must be scalars and are taken as strings. Duplicate keys are an error naming both places.
 * Aliases are resolved; the total number of nodes produced through aliases is bounded (YAML_ALIAS_BUDGET)
 * so an "alias bomb" is refused. A stream with more than one document is refused.
 *
 * Ownership: on success *doc and *pos are new references owned by the caller; on failure they are
 * left untouched and err says "<name>:<line>:<column>: <reason>". */
#ifndef MSGADM_YAML_LOAD_H
#define MSGADM_YAML_LOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/msg_err.h"

#define YAML_ALIAS_BUDGET 10000
#define YAML_MAX_DEPTH	  64

/* pos maps each value's jpath (see jpath.h; "" for the root) to where the value's first character
 * is (line and column, both 1-based) and, for a mapping member, where its key is; read them with the
 * lookups below, the encoding is the loader's. Errors: status EXIT_NOINPUT for a missing/unreadable file,
 * EXIT_DATAERR for anything wrong inside it. */
int yaml_load_file(const char *path, json_t **doc, json_t **pos, struct msg_err *err);
/* The same from a stream open for reading (read to its end and left open), e.g. one whose
 * descriptor was checked first; name is used in messages. */
int yaml_load_stream(FILE *f, const char *name, json_t **doc, json_t **pos, struct msg_err *err);
/* The same from memory; name is used in messages (e.g. "<stdin>"). */
int yaml_load_string(const char *text, size_t len, const char *name, json_t **doc, json_t **pos,
		     struct msg_err *err);
/* Looks up the position of path in pos, falling back to the nearest recorded parent path.
 * Sets *line and *column (0 when nothing is known). */
void yaml_pos_lookup(const json_t *pos, const char *path, int *line, int *column);

/* The position recorded for exactly path; false when there is none. */
bool yaml_pos_find(const json_t *pos, const char *path, int *line, int *column);

/* The position of the key of a mapping member (pos entries of members are [line, column, key line,
 * key column]); falls back to yaml_pos_lookup for anything else. */
void yaml_key_pos_lookup(const json_t *pos, const char *path, int *line, int *column);

#endif
