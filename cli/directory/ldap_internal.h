/* What the files of the LDAP client share (directory.h is the contract). */
#ifndef MSGADM_LDAP_INTERNAL_H
#define MSGADM_LDAP_INTERNAL_H

#define LDAP_DEPRECATED 0
#include <ldap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/msg_err.h"

struct directory {
	LDAP *ld;
	char *name; /* the profile's */
	char *url;
	char *host, *port; /* the URL's, for tls_probe */
	bool tls;
	int page_size;
	long timeout_ms;
	FILE *trace;
	unsigned long requests;
	bool missing_ok; /* a base that does not exist is an empty answer (directory_read) */
};

/* One -v line: "ldap corp: search ..."; never a password. */
void dir_trace(const struct directory *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* err for rc (an LDAP result code) of what, with the server's diagnostic message when it gave one;
 * status 0 picks the exit status from rc. Returns -1. */
int dir_fail(const struct directory *d, int status, int rc, const char *what, struct msg_err *err);

#endif
