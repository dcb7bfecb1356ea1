/* The SHA-256 of a JSON value's text, as json_dumps(value, flags) would write it, computed while
 * jansson writes it: a server state of 100,000 users is tens of megabytes of text, never held. */
#ifndef MSGADM_DIGEST_JSON_H
#define MSGADM_DIGEST_JSON_H

#include <jansson.h>

/* "sha256:<hex>" of json_dumps(value, flags), malloc'd; NULL when it cannot be written or computed. */
char *digest_json_tagged(const json_t *value, size_t flags);

#endif
