/* YAML to JSON, keeping where each value came from. libyaml stays inside yaml_load.c.
 *
 * Scalars follow the YAML 1.2 core schema: plain null/~/empty -> null, true/false (also True, TRUE,
 * False, FALSE) -> boolean, decimal integers -> integer, decimal/exponent floats -> real, anything else
 * and every quoted scalar -> string (so 2027-03-31 stays the string "2027-03-31").
 * Mapping keys must be scalars and are taken as strings. Duplicate keys are an error naming both places.
 * Aliases are resolved; the total number of nodes produced through aliases is bounded (YAML_ALIAS_BUDGET)
 * so an "alias bomb" is refused. A stream with more than one document is refused.
 *
 * Ownership: on success *doc (a new reference) and *pos (yaml_pos_free) are the caller's; on failure
 * they are left untouched and err says "<name>:<line>:<column>: <reason>". */
#ifndef MSGADM_YAML_LOAD_H
#define MSGADM_YAML_LOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/msg_err.h"
#include "yaml_pos.h"

#define YAML_ALIAS_BUDGET 10000
#define YAML_MAX_DEPTH	  64

/* *pos gets where each value came from (yaml_pos.h). Errors: status EXIT_NOINPUT for a
 * missing/unreadable file, EXIT_DATAERR for anything wrong inside it. */
int yaml_load_file(const char *path, json_t **doc, struct yaml_pos **pos, struct msg_err *err);
/* The same from a stream open for reading (read to its end and left open), e.g. one whose
 * descriptor was checked first; name is used in messages. */
int yaml_load_stream(FILE *f, const char *name, json_t **doc, struct yaml_pos **pos, struct msg_err *err);
/* The same from memory; name is used in messages (e.g. "<stdin>"). */
int yaml_load_string(const char *text, size_t len, const char *name, json_t **doc, struct yaml_pos **pos,
		     struct msg_err *err);

#endif
