/* Guards that keep an apply from locking the operator out or doing too much at once. They watch the
 * account types (resource.h: RESOURCE_ACCOUNTS) and know no type by name. */
#ifndef MSGADM_SAFETY_H
#define MSGADM_SAFETY_H

#include <jansson.h>
#include <stdbool.h>

#include "base/msg_err.h"
#include "resource.h"

/* Refuses (EXIT_FAILURE_, naming the accounts) a change list that
 *  - deactivates or deletes more accounts of t than d->limit allows (never overridden: raise it);
 *  - deactivates, deletes or demotes the acting admin (acting: the token's own key), or
 *  - leaves the server without an active admin (items: the server's accounts of t, {key: account},
 *    or NULL when they were not read),
 * the last two unless force is true. d may be NULL (no limit); a type that is not one of accounts
 * passes. */
int safety_check_type(const struct resource_type *t, const struct desired *d, const json_t *items,
		      const json_t *changes, const char *acting, bool force, struct msg_err *err);

/* The same for every account type of the engine (resource_types[]), their limits expanded from
 * policy (NULL: none) and their accounts taken from actual (a state read, by state_key). */
int safety_check(const json_t *policy, const json_t *actual, const json_t *changes, const char *acting,
		 bool force, struct msg_err *err);

#endif
