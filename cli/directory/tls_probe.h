/* After a TLS failure libldap does not explain: the reason, found by a second connection (tls_probe.c). */
#ifndef MSGADM_TLS_PROBE_H
#define MSGADM_TLS_PROBE_H

#include <stdbool.h>
#include <stddef.h>

/* Connects to host:port (StartTLS first when asked), verifies the certificate against ca_file (NULL:
 * the system's CAs) and host as libldap would, and fills why with what failed. Returns -1 when a
 * check failed, TLS_PROBE_UNREACHABLE when nothing answers, 0 when OpenSSL found nothing wrong (why
 * says so too). */
#define TLS_PROBE_UNREACHABLE (-2)
int tls_probe(const char *host, const char *port, bool starttls, const char *ca_file, long timeout_ms,
	      char *why, size_t size);

#endif
