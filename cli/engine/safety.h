/* Guards that keep an apply from locking the operator out or doing too much at once. */
#ifndef MSGADM_SAFETY_H
#define MSGADM_SAFETY_H

#include <jansson.h>
#include <stdbool.h>

#include "base/msg_err.h"

/* Refuses (EXIT_FAILURE_, naming the users) a change list that
 *  - deactivates more users than users.max_deactivations allows (never overridden: raise the limit);
 *  - deactivates or demotes the acting admin (acting: the token's own local id), or
 *  - leaves the server without an active admin,
 * the last two unless force is true. */
int safety_check(const json_t *policy, const json_t *actual, const json_t *changes, const char *acting,
		 bool force, struct msg_err *err);

#endif
