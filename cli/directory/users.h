/* The users a directory yields for a policy's users.directory (msgadm-policy(5)): the entries under
 * base matching filter, only the members of member_of (nested groups resolved) when it is given;
 * those matching disabled are active: false; with admins, its members are admin: true and every
 * other user admin: false.
 *
 * Each user: {"id", "display_name"?, "email"?, "active", "admin"?, "anchor", "dn"}. The id is the id
 * attribute's value in lower case. An entry is left out, with its DN and the reason, when it has no
 * id or anchor, or when its id cannot be a local id of the server (id_check, the driver's rule):
 * it never becomes a different name. Two entries with one id are an error naming both DNs. An
 * answer of no users at all is an error unless allow_empty: a directory that suddenly yields nobody
 * must not deactivate everyone. */
#ifndef MSGADM_DIRECTORY_USERS_H
#define MSGADM_DIRECTORY_USERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/msg_err.h"
#include "directory.h"

struct directory_query {
	const char *base, *filter; /* filter: NULL for (objectClass=*) */
	const char *member_of, *disabled, *admins;
	const char *id_attr, *display_name_attr, *email_attr, *anchor_attr;
	bool allow_empty;
};

struct context;

/* 0 when id can be a local account name on the context's server (the driver's local_id_check), else
 * -1 with why filled. */
typedef int (*directory_id_check)(const struct context *ctx, const char *id, char *why, size_t size);

/* Whose rule a mapping follows: check and the context it is given; check NULL: any id. */
struct directory_ids {
	directory_id_check check;
	const struct context *ctx;
};

/* The query as the policy's users.directory object gives it (its strings borrowed). */
void directory_query_of(const json_t *spec, struct directory_query *q);

/* Reads the users: *out {"users": {...}, "left_out": [{"dn", "reason"}], "entries": N}. */
int directory_users(struct directory *d, const struct directory_query *q, const struct directory_ids *ids,
		    json_t **out, struct msg_err *err);

/* The mapping alone, from what was read: people (entries), and the sets of normalized DNs (and
 * member uids) of member_of's members, disabled entries and admins' members; a NULL set is a part
 * of the query not given. */
int directory_users_map(const struct directory_query *q, const json_t *people, const json_t *member_dns,
			const json_t *member_uids, const json_t *disabled_dns, const json_t *admin_dns,
			const json_t *admin_uids, const struct directory_ids *ids, json_t **out,
			struct msg_err *err);

#endif
