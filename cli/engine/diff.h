/* The diff engine: desired (a policy document) against actual (the canonical state a driver read),
 * per resource and field. It knows no server: the same code plans for every driver.
 *
 * actual: {"users": {id: user, ...}, "tokens": {name: token, ...}}; a section is present only
 * when the policy manages it. Changes are JSON objects, in the order they must be applied:
 *   {"op": "create",     "type": "user",  "key": "alice", "after": {...}}
 *   {"op": "reactivate", "type": "user",  "key": "erin"}
 *   {"op": "update",     "type": "user",  "key": "bob", "fields": {"admin": {"from": false, "to": true}}}
 *   {"op": "delete",     "type": "token", "key": "old"}
 *   {"op": "deactivate", "type": "user",  "key": "mallory", "reason": "..."}
 *   {"op": "delete",     "type": "user",  "key": "oscar", "reason": "delete: true in the policy"}
 * Every change names the policy path it comes from ("path"), when there is one. */
#ifndef MSGADM_DIFF_H
#define MSGADM_DIFF_H

#include <jansson.h>

#include "base/msg_err.h"

/* A desired user entry holding this key (true) is listed but left alone: the planner marks accounts
 * the policy deletes on a server that cannot delete any. */
#define DIFF_LEAVE_USER "_leave"

/* *changes gets the ordered change list, *notes the things deliberately left alone (protected users).
 * Both are new references. */
int diff_compute(const json_t *policy, const json_t *actual, json_t **changes, json_t **notes,
		 struct msg_err *err);

/* Section items (see struct section_handler): desired {key: item | null} against actual {key: item};
 * appends create/update/delete changes of the given type, each naming the policy path. Items of
 * actual that desired does not name are left alone. */
void diff_items(const char *type, const char *path, const json_t *desired, const json_t *actual,
		json_t *changes);
/* Puts changes in the order they must be applied: tokens and users first, section items next,
 * deletions and deactivations last; by type and key within a stage. */
void diff_sort(json_t *changes);

/* Counts for the closing line: to add, to change, to deactivate/delete. */
void diff_count(const json_t *changes, int *add, int *change, int *remove);

/* What the policy holds of each listed user: {id: ["display_name", "email", ...]} (a new object), so
 * that a driver whose list API lacks a field (Synapse: email) fetches it only where it matters. */
json_t *diff_detail_fields(const json_t *policy);

#endif
