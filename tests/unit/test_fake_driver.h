/* What the unit tests' fake drivers share: an acting admin called "admin", and an apply journal
 * that records nothing (the audit log has tests of its own, test_audit.c). */
#ifndef MSGADM_TEST_FAKE_DRIVER_H
#define MSGADM_TEST_FAKE_DRIVER_H

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

#endif
