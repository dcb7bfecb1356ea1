/* Ed25519 keys and detached signatures, through OpenSSL's EVP interface.
 *
 * Keys are PEM files in the forms the openssl command line reads and writes: the private key as
 * PKCS#8 ("BEGIN PRIVATE KEY", what `openssl genpkey -algorithm ed25519` writes), the public key as
 * SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", `openssl pkey -pubout`). A signature is the raw 64 bytes
 * of RFC 8032 Ed25519 (pure, no pre-hash) over the message's exact bytes, which is what
 * `openssl pkeyutl -verify -rawin` checks. Private keys are not encrypted; their files are refused
 * when group or others may read them. */
#ifndef MSGADM_SIGNING_H
#define MSGADM_SIGNING_H

#include <openssl/evp.h>
#include <stddef.h>

#include "base/msg_err.h"

#define SIGNING_SIG_LEN 64

/* Makes a new key pair and writes it to path (private, mode 0600) and path.pub (public, 0644),
 * both less the umask. Refuses (EXIT_FAILURE_) when either file exists, and never leaves a private
 * key without its public half. *pub_path gets the public key's file name (malloc'd). */
int signing_keygen(const char *path, char **pub_path, struct msg_err *err);

/* Load a key file. Errors: EXIT_NOINPUT (missing), EXIT_CONFIG (a private key others may read),
 * EXIT_DATAERR (not a PEM key of that kind, or not Ed25519). *key gets a new EVP_PKEY. */
int signing_load_private(const char *path, EVP_PKEY **key, struct msg_err *err);
int signing_load_public(const char *path, EVP_PKEY **key, struct msg_err *err);

int signing_sign(EVP_PKEY *key, const void *msg, size_t len, unsigned char sig[SIGNING_SIG_LEN],
		 struct msg_err *err);
/* 0 when sig is key's signature over msg; otherwise -1 with EXIT_DATAERR (a wrong length is named). */
int signing_verify(EVP_PKEY *key, const void *msg, size_t len, const unsigned char *sig, size_t sig_len,
		   struct msg_err *err);

/* "sha256:<hex>" of the key's public half as DER SubjectPublicKeyInfo, to name a key in messages;
 * malloc'd, NULL when out of memory. The same as
 *   openssl pkey -pubin -in KEY.pub -outform DER | sha256sum */
char *signing_fingerprint(EVP_PKEY *key);

#endif
