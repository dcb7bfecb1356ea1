/* A policy document: loaded from YAML, held to schemas/policy.schema.json, and checked for what a
 * schema cannot say (unique ids, protect naming listed or unlisted users sensibly). */
#ifndef MSGADM_POLICY_H
#define MSGADM_POLICY_H

#include <jansson.h>

#include "base/msg_err.h"
#include "io/yaml_pos.h"

struct policy {
	char *file; /* as named on the command line; used in every message */
	json_t *doc;
	struct yaml_pos *pos; /* where each value came from: empty for a policy taken from JSON */
};

/* Errors: EXIT_NOINPUT (missing file), EXIT_DATAERR (anything wrong inside, one line per problem). */
int policy_load(const char *file, struct policy **out, struct msg_err *err);
/* For a policy taken from a saved plan: no positions, file names the plan. */
int policy_from_json(const char *file, const json_t *doc, struct policy **out, struct msg_err *err);
void policy_free(struct policy *p);

#endif
