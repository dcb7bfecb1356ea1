/* msgadm's own audit trail: every change an apply (or an imperative command) carries out is
 * appended as one JSON line to the context's audit log:
 *   {"time": "2026-11-26T14:05:09Z", "user": "alice", "uid": 1000, "context": "prod",
 *    "server": "example.gov", "driver": "synapse", "digest": "sha256:..." | null,
 *    "change": {...}, "outcome": "ok" | "failed" | "not attempted", "message": "...",
 *    "prev": "<64 hex digits>"}
 * "digest" is the plan's state_digest (null for imperative commands, which make no plan), "message"
 * is present when the change did not succeed. "prev" is the SHA-256 of the previous line's bytes
 * (without its newline; 64 zeros for the first line), so a line edited, removed or moved is found
 * by audit_verify. Only the last line can be changed unseen; audit_verify prints its hash (the head)
 * for keeping elsewhere, and can check that a head kept earlier is still in the chain.
 *
 * The log is $XDG_STATE_HOME/msgadm/audit.jsonl (~/.local/state/... when unset) or the context's
 * audit_log. Directories are created 0700, the file 0600. Each line is written with one write(2) on
 * an O_APPEND descriptor, under an exclusive flock(2) held while the previous line is read, so that
 * concurrent runs neither interleave nor fork the chain. A log that cannot be written stops the
 * apply before its first change: an unaudited change is worse than none. */
#ifndef MSGADM_AUDIT_H
#define MSGADM_AUDIT_H

#include <jansson.h>

#include "base/msg_err.h"
#include "engine/plan.h"
#include "engine/session.h"

struct audit_log;

/* The log of a context (its audit_log, else the default); a malloc'd string. */
char *audit_path(const struct context *ctx);
/* Opens the context's log for appending (creating it and its directories), after checking that it
 * is a regular file not writable by group or others and that it ends with a complete line.
 * digest is the plan's state_digest or NULL. Errors: EXIT_FAILURE_ naming the file and the reason. */
int audit_open(const struct context *ctx, const char *driver, const char *digest, struct audit_log **out,
	       struct msg_err *err);
/* Appends one change's line; message may be NULL or "". */
int audit_record(struct audit_log *log, const json_t *change, const char *outcome, const char *message,
		 struct msg_err *err);
void audit_close(struct audit_log *log);
/* Apply's journal (engine/plan.h) on the context's log, which is opened into *log (close it with
 * audit_close once the apply is over). When it cannot be opened, *log is NULL and the journal says
 * so through open_err: apply then attempts no change. */
void audit_journal_open(const struct context *ctx, const char *driver, const char *digest,
			struct audit_log **log, struct msg_err *open_err, struct apply_journal *journal);
/* Opens and closes the context's log: whether an apply could be audited. */
int audit_check(const struct context *ctx, struct msg_err *err);

/* All records of a log, in order (EXIT_NOINPUT when it does not exist, EXIT_DATAERR naming the
 * first line that is not a JSON object). */
int audit_read(const char *path, json_t **records, struct msg_err *err);
/* Checks the chain. *summary gets {"file", "lines", "intact": true, "head": hex or null}. With
 * anchor (a head kept earlier), some line must have that hash. Errors: EXIT_DATAERR
 * "PATH:LINE: reason" for the first bad line, EXIT_NOINPUT for a missing log. */
int audit_verify(const char *path, const char *anchor, json_t **summary, struct msg_err *err);

#endif
