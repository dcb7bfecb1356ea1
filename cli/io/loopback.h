/* Whether a URL's host stays on this machine: plain-text protocols (http://, ldap://) are allowed only
 * there. */
#ifndef MSGADM_LOOPBACK_H
#define MSGADM_LOOPBACK_H

#include <stdbool.h>

/* "localhost", an IPv4 address in 127.0.0.0/8, or "[::1]" (and IPv4-mapped 127.x in brackets). */
bool host_is_loopback(const char *host);

#endif
