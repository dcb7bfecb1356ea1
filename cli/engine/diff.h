/* The diff engine: a resource type's desired items (resource.h) against the items a driver read, key
 * by key and field by field. It knows no server and no type: the same code plans every type for
 * every driver. Changes are JSON objects (resource.h), in the order they must be applied; each names
 * the policy path it comes from ("path"), when there is one. */
#ifndef MSGADM_DIFF_H
#define MSGADM_DIFF_H

#include <jansson.h>

#include "base/msg_err.h"
#include "resource.h"

struct driver;

/* Appends to changes what turns actual ({key: item}) into what d asks of type t, and to notes what
 * is deliberately left alone (protected items the server holds otherwise). */
void diff_resource(const struct resource_type *t, const struct desired *d, const json_t *actual,
		   json_t *changes, json_t *notes);

/* The engine's types (resource_types[]) of a policy document against a state read ({"users": {id:
 * user}, "tokens": {name: token}}, by each type's state_key), offline: what a snapshot check and the
 * unit tests diff. *changes gets the ordered change list, *notes the things deliberately left alone;
 * both new references. A section the policy holds that the state lacks is an internal error. */
int diff_compute(const json_t *policy, const json_t *actual, json_t **changes, json_t **notes,
		 struct msg_err *err);

/* A driver's own type: desired {key: item | null} against actual {key: item}, every item from the
 * section at path; the server's items desired does not name are left alone. */
void diff_items(const struct resource_type *t, const char *path, const json_t *desired, const json_t *actual,
		json_t *changes);

/* Puts changes in the order they must be applied: by each type's stage for the op (tokens and users
 * first, removals last), then by type and key. d names the driver whose own types may appear (NULL:
 * the engine's types only). */
void diff_sort(json_t *changes, const struct driver *d);

/* Counts for the closing line: to add, to change, to deactivate/delete. */
void diff_count(const json_t *changes, int *add, int *change, int *remove);

/* Which fields the policy holds of each desired item: {key: ["display_name", "email", ...]} (a new
 * object), so that a driver whose list API lacks a field (an e-mail address) fetches it only where
 * it matters. */
json_t *desired_details(const struct resource_type *t, const struct desired *d);

#endif
