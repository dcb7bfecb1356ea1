/* Planning and applying: read the live state a policy manages, diff it, guard it, carry it out.
 *
 * A plan is a JSON document (what `plan -o json` prints and `plan --out` saves):
 *   {"format": "msgadm-plan/1", "context": "prod", "driver": "synapse", "server": "example.gov",
 *    "acting": "admin", "state_digest": "sha256:...", "policy": {...}, "changes": [...],
 *    "notes": [{"path": "invites.registration", "level": "config-managed", "message": "...",
 *               "fragment": "..."}], "summary": {"add": 1, "change": 2, "remove": 0}}
 * A note's level is a capability level, "note", or "apply" for a step apply takes besides the
 * changes (a room the admin must join first); the text plan lists those apart.
 * `apply PLAN` re-reads the state the policy covers and refuses when its digest differs. */
#ifndef MSGADM_PLAN_H
#define MSGADM_PLAN_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "driver.h"
#include "base/msg_err.h"
#include "policy.h"

/* "sha256:<hex>" of a state read in canonical form; a malloc'd string. The state a plan reads is
 * {"users": {...}, "tokens": {...}} (the engine's types, by state_key) and {"sections": {type:
 * {...}}} (the drivers' own), each only when the policy covers it. */
char *state_digest(const json_t *actual);

/* Builds the plan for policy against the session's server. */
int plan_build(struct session *s, const struct policy *policy, bool force, json_t **plan,
	       struct msg_err *err);
/* Checks a saved plan (read from file) against the session: same server and driver, state unchanged
 * since, and changes that its policy implies. */
int plan_verify(struct session *s, const char *file, const json_t *plan, struct msg_err *err);
/* Human-readable plan, and one change the same way (apply's progress lines reuse it). */
void plan_print(FILE *out, const json_t *plan);
/* How many of the plan's notes are findings (level "finding": the server does something the policy
 * forbids that no change corrects); plan --detailed-exitcode exits 2 for them as for changes. */
size_t plan_findings(const json_t *plan);
void plan_print_change(FILE *out, const json_t *change);
/* Loads a saved plan file (EXIT_NOINPUT / EXIT_DATAERR on trouble). */
int plan_load(const char *file, json_t **plan, struct msg_err *err);
int plan_save(const char *file, const json_t *plan, struct msg_err *err);

/* Told of each change's outcome as apply goes (cli/ prints it and moves its meter): status "ok",
 * "failed", "not attempted" or "done, not audited", and the error message or "". */
struct apply_observer {
	/* NULL: nobody is told */
	void (*outcome)(void *ctx, const json_t *change, const char *status, const char *message);
	void *ctx;
	/* When set and non-zero (cli/'s SIGINT handler sets it), no more changes are started: those
	 * running end, the rest are "not attempted". */
	volatile sig_atomic_t *stop;
};

/* Where apply records each change's outcome before telling the observer: the audit log
 * (audit/audit.h), which cli/ opens. No change is made without its record: when the journal could
 * not be opened (unavailable set) no change is attempted, and when record fails the run stops there. */
struct apply_journal {
	int (*record)(void *ctx, const json_t *change, const char *status, const char *message,
		      struct msg_err *err);
	void *ctx;
	const struct msg_err *unavailable; /* why the journal could not be opened, or NULL */
};

/* Applies the plan's changes, recording each outcome in journal and telling observer (may be NULL) in
 * plan order. *results gets [{"change": {...}, "status": "ok"|"failed"|"not attempted", "message":
 * "...", "exit": N}], in plan order. Returns the number of changes that did not succeed.
 *
 * Changes run up to s->parallel at once (engine/pool.h) where the driver says they may (concurrent in
 * resource_ops), within one stage at a time: every change of a stage has ended before the first of
 * the next starts, and a change that must run alone runs with nothing beside it. The journal records
 * each outcome as it comes, one at a time. A failure that will sink every later request (401/403,
 * server unreachable) stops the run: the changes running end, the rest are "not attempted". A change
 * that succeeded but could not be recorded is "done, not audited" and counts as not succeeded. */
int plan_apply(struct session *s, const json_t *plan, const struct apply_journal *journal,
	       const struct apply_observer *observer, json_t **results);

/* The live state as a policy document (export). */
int export_policy(struct session *s, json_t **policy, struct msg_err *err);

#endif
