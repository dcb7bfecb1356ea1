/* JSON to YAML for output (export, -o yaml). Objects keep their insertion order, so a caller that
 * builds its document deterministically gets deterministic YAML. Strings that a YAML reader could
 * take for something else (true, no, 42, 2027-03-31, "") are double-quoted. */
#ifndef MSGADM_YAML_EMIT_H
#define MSGADM_YAML_EMIT_H

#include <jansson.h>
#include <stdio.h>

#include "base/msg_err.h"

int yaml_emit(FILE *out, const json_t *value, struct msg_err *err);

#endif
