/* Directories (OpenLDAP, Active Directory) as msgadm reads them: one connection, bound as the
 * profile's service account, over TLS that is always verified (host name included), and searches
 * whose answer is complete or an error.
 *
 * Profiles come from the contexts file's `directories:` list (cli/config_directory.c, which also
 * reads the bind password: it is handed over here and never kept longer than the bind). A plain
 * ldap:// URL is refused unless the profile asks for StartTLS or the host is a loopback address.
 *
 * A search reads every page (RFC 2696 paged results, page_size per request; 0: one plain search for
 * servers without paging) and fails rather than answer in part: a size or time limit hit
 * (EXIT_TEMPFAIL), a page cut short or a result the server could not finish (EXIT_PROTOCOL), a
 * referral or a search reference, which msgadm never follows (EXIT_PROTOCOL, naming it). A bind that
 * is refused is EXIT_NOPERM; a server that cannot be reached or drops the connection,
 * EXIT_UNAVAILABLE; a TLS failure says which check failed (the CA, the host name).
 *
 * Entries are JSON: {"dn": "uid=alice,ou=people,dc=example,dc=gov", "attrs": {"uid": ["alice"],
 * "objectguid": ["hex:6b2f..."]}}: attribute names in lower case, values as strings where they are
 * UTF-8, else "hex:" and their bytes in hex (objectGUID and any other binary value). With -v, the
 * trace shows each operation (bind DN, base, filter, pages and counts), never the password. */
#ifndef MSGADM_DIRECTORY_H
#define MSGADM_DIRECTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/msg_err.h"

struct directory_profile {
	const char *name;    /* as the policy's users.directory.source names it */
	const char *url;     /* ldaps://host[:port] or ldap://host[:port] */
	bool starttls;	     /* ldap:// upgraded with StartTLS before the bind */
	const char *ca_file; /* the CA the server's certificate must chain to; NULL: the system's */
	const char *bind_dn; /* NULL: an anonymous bind */
	const char *bind_password_file;
	const char *bind_password_env;
	int page_size;	 /* entries per page; 0 turns paging off */
	long timeout_ms; /* for connecting and for each operation */
};

enum directory_scope { DIRECTORY_BASE, DIRECTORY_SUBTREE };

struct directory;

/* Connects to profile's server, starts TLS as it asks, and binds with password (NULL for an
 * anonymous bind). trace: the -v stream, or NULL. */
int directory_open(const struct directory_profile *profile, const char *password, FILE *trace,
		   struct directory **out, struct msg_err *err);
void directory_close(struct directory *d);

/* What the server says of itself (its root DSE) and of the connection: {"url", "tls": "TLSv1.3" |
 * null, "vendor": "..." | null, "version": "..." | null, "naming_contexts": [...], "paging": bool}. */
int directory_info(struct directory *d, json_t **info, struct msg_err *err);

/* Every entry under base (scope) matching filter, with the attributes named (NULL-terminated; NULL:
 * all user attributes), as an array of entries (see above), all pages read. */
int directory_search(struct directory *d, const char *base, enum directory_scope scope, const char *filter,
		     const char *const *attrs, json_t **entries, struct msg_err *err);

/* The entry at dn (a base search, no paging), or *entry NULL (0 returned) when there is none. */
int directory_read(struct directory *d, const char *dn, const char *const *attrs, json_t **entry,
		   struct msg_err *err);

/* How many searches and pages were made (for tests and the bench). */
unsigned long directory_requests(const struct directory *d);

#endif
