/* SHA-256 as lowercase hex, the one form msgadm writes and compares digests in: the audit log's chain,
 * snapshot bodies, key fingerprints and the plan's state_digest ("sha256:<hex>"). Through OpenSSL's
 * EVP interface. */
#ifndef MSGADM_DIGEST_H
#define MSGADM_DIGEST_H

#include <stddef.h>

#define DIGEST_SHA256_HEX 64 /* hex digits */

/* Writes the SHA-256 of the len bytes at data as 64 lowercase hex digits and a NUL. Returns 0, or -1
 * when OpenSSL fails (hex is then ""). */
int digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_SHA256_HEX + 1]);

/* The same prefixed "sha256:", malloc'd; NULL when OpenSSL fails or memory runs out. */
char *digest_sha256_tagged(const void *data, size_t len);
/* A SHA-256 already computed (32 bytes) in that tagged form, malloc'd; NULL when memory runs out. */
char *digest_tag(const unsigned char md[DIGEST_SHA256_HEX / 2]);

#endif
