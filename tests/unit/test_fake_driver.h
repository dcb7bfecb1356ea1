/* What the unit tests' fake drivers share: an acting admin called "admin", an apply journal that
 * records nothing (the audit log has tests of its own, test_audit.c), and a plan's changes as one
 * line for comparisons. */
#ifndef MSGADM_TEST_FAKE_DRIVER_H
#define MSGADM_TEST_FAKE_DRIVER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/plan.h"

static inline int fake_whoami(struct session *s, char **id, struct msg_err *err)
{
	(void)s;
	(void)err;
	*id = strdup("admin");
	return 0;
}

static inline int record_nothing(void *ctx, const json_t *change, const char *status, const char *message,
				 struct msg_err *err)
{
	(void)ctx;
	(void)change;
	(void)status;
	(void)message;
	(void)err;
	return 0;
}

static const struct apply_journal no_journal = {.record = record_nothing};

/* The plan's changes as "op type key, op type key, ..." (a static buffer). */
static inline const char *ops(const json_t *plan)
{
	static char buf[512];
	size_t used = 0, i;
	json_t *c;

	buf[0] = '\0';
	json_array_foreach(json_object_get(plan, "changes"), i, c) used += (size_t)snprintf(
	    buf + used, sizeof(buf) - used, "%s%s %s %s", i ? ", " : "",
	    json_string_value(json_object_get(c, "op")), json_string_value(json_object_get(c, "type")),
	    json_string_value(json_object_get(c, "key")));
	return buf;
}

#endif
