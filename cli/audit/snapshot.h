/* Snapshots: the live state as a policy document (what `export` prints), with what it was taken
 * from and when, hashed so that an auditor can hold it to a policy later without the server:
 *
 *   {"snapshot": {"format": "msgadm-snapshot/1", "context": "prod", "driver": "synapse",
 *                 "server": "example.gov", "server_version": "1.67.0", "msgadm_version": "0.1.0",
 *                 "created": "2026-11-26T09:30:00Z", "body_sha256": "<64 hex digits>"},
 *    "body": {"version": 1, "server": "example.gov", "users": {...}, "invites": {...}}}
 *
 * body_sha256 is the SHA-256 of the body's RFC 8785 canonical form (jcs.h), so reformatting the
 * file does not change it and the same live state always gives the same digest. The file itself is
 * written deterministically: "snapshot" then "body", each laid out by jcs_pretty with two spaces,
 * and a final newline. A detached signature (FILE.sig) covers the file's exact bytes, metadata
 * included. */
#ifndef MSGADM_SNAPSHOT_H
#define MSGADM_SNAPSHOT_H

#include <jansson.h>
#include <stddef.h>

#include "engine/driver.h"
#include "base/msg_err.h"
#include "engine/policy.h"

#define SNAPSHOT_FORMAT "msgadm-snapshot/1"

struct snapshot {
	char *file;
	unsigned char *bytes; /* the file as read: what a signature covers */
	size_t len;
	json_t *doc;
	const json_t *meta, *body; /* borrowed from doc */
};

/* Takes a snapshot through the session: the export, the server's version, the time now (UTC). */
int snapshot_build(struct session *s, json_t **snap, struct msg_err *err);
/* The hex SHA-256 of the body's canonical form. */
int snapshot_body_sha256(const json_t *body, char hex[65], struct msg_err *err);
/* The deterministic file text of a snapshot (malloc'd) and writing it to a new file. */
int snapshot_render(const json_t *snap, char **text, size_t *len, struct msg_err *err);
int snapshot_write(const char *file, const json_t *snap, struct msg_err *err);

/* Reads a snapshot file and checks its shape (not its digest). Errors: EXIT_NOINPUT, EXIT_DATAERR. */
int snapshot_read(const char *file, struct snapshot **out, struct msg_err *err);
/* The body against body_sha256; EXIT_DATAERR when they differ. */
int snapshot_check_body(const struct snapshot *snap, struct msg_err *err);
void snapshot_free(struct snapshot *snap);

/* Signs the snapshot file's bytes with the private key in keyfile and writes FILE.sig (never over
 * an existing one). Refuses a snapshot whose body does not match its digest. *result gets
 * {"snapshot": FILE, "signature": FILE.sig, "key": fingerprint}. */
int snapshot_sign(const char *file, const char *keyfile, json_t **result, struct msg_err *err);
/* Checks FILE.sig against the file's bytes with the public key, and the body against body_sha256,
 * offline. Any mismatch is EXIT_DATAERR with a message saying which check failed. *result gets
 * {"snapshot", "signature", "key", "body_sha256", "metadata"}; *verified (unless NULL) the snapshot
 * made of exactly the bytes that were verified, so that nothing reads the file a second time. */
int snapshot_verify(const char *file, const char *pubkeyfile, json_t **result, struct snapshot **verified,
		    struct msg_err *err);

/* Offline compliance (snapshot_check.c). The canonical state the diff engine takes,
 * {"users": {id: user}, "tokens": {name: token}}, from a snapshot body; each section only when the
 * body holds it. EXIT_DATAERR when the body is not export-shaped. */
int snapshot_actual(const json_t *body, json_t **actual, struct msg_err *err);
/* Holds the snapshot to the policy. *report gets
 *   {"policy": FILE, "snapshot": {"file": ..., metadata...}, "complies": bool,
 *    "deviations": [{"resource": "user", "key": "bob", "path": "users.list[1]", "field": "admin",
 *                    "expected": true, "found": false, "reason"?: "...", "in_snapshot"?: false}],
 *    "notes": [{"path", "message"}], "summary": {"deviations": N, "not_in_snapshot": N}}
 * Every change the diff engine would plan is a deviation; what the policy asks for and the snapshot
 * cannot show is one too, with "in_snapshot": false; d is the driver the snapshot names (NULL when this
 * build has none), whose capability table says why. Errors: EXIT_DATAERR (another server). */
int snapshot_check(const struct policy *policy, const struct snapshot *snap, const struct driver *d,
		   json_t **report, struct msg_err *err);

#endif
