/* Loading a YAML document and holding it to a schema, with every problem named by its place:
 *   policy.yaml:14:9: users.list[2].email: not an e-mail address */
#ifndef MSGADM_DOCUMENT_H
#define MSGADM_DOCUMENT_H

#include <jansson.h>

#include "base/msg_err.h"
#include "yaml_pos.h"

/* Checks doc against schema. On failure err holds one line per problem ("file:L:C: path: message",
 * sorted by position, at most as many as fit) with status EXIT_DATAERR. */
int document_check(const char *file, const json_t *schema, const json_t *doc, const struct yaml_pos *pos,
		   struct msg_err *err);

/* Appends "file:L:C: path: message" for one problem found outside the schema (e.g. a duplicate user
 * id) to err, setting status EXIT_DATAERR. Returns -1. */
int document_problem(struct msg_err *err, const char *file, const struct yaml_pos *pos, const char *path,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
