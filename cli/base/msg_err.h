/* An error on its way up to cli/: library code fills one of these and returns -1; only cli/ prints
 * and exits. The text names the object and the reason, e.g.
 * "policy.yaml:14:9: users.list[2].email: not an e-mail address". */
#ifndef MSGADM_MSG_ERR_H
#define MSGADM_MSG_ERR_H

#include <stdbool.h>

struct msg_err {
	int status;	      /* an enum exit_status value */
	bool unknown_outcome; /* a non-idempotent request may or may not have taken effect */
	long http_status;     /* the reply status behind the error, 0 when there was no reply */
	char text[2048];
};

/* Sets status and formats text; returns -1 so callers can `return err_set(...)`. */
int err_set(struct msg_err *err, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prepends "prefix: " to the existing text, keeping the status. Returns -1. */
int err_prefix(struct msg_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct msg_err *err);

#endif
