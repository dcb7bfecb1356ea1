/* From directory entries to users (users.h): ids, fields, who is left out and why. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "groups.h"
#include "users.h"

void directory_query_of(const json_t *spec, struct directory_query *q)
{
	const json_t *a = json_object_get(spec, "attributes");

	*q = (struct directory_query){
	    .base = json_string_value(json_object_get(spec, "base")),
	    .filter = json_string_value(json_object_get(spec, "filter")),
	    .member_of = json_string_value(json_object_get(spec, "member_of")),
	    .disabled = json_string_value(json_object_get(spec, "disabled")),
	    .admins = json_string_value(json_object_get(spec, "admins")),
	    .id_attr = json_string_value(json_object_get(a, "id")),
	    .display_name_attr = json_string_value(json_object_get(a, "display_name")),
	    .email_attr = json_string_value(json_object_get(a, "email")),
	    .anchor_attr = json_string_value(json_object_get(a, "anchor")),
	    .allow_empty = json_is_true(json_object_get(spec, "allow_empty")),
	};
	if (q->id_attr == NULL)
		q->id_attr = "uid";
	if (q->anchor_attr == NULL)
		q->anchor_attr = "entryUUID";
}

/* The first value of an attribute (names compared in lower case), or NULL. */
static const char *first(const json_t *entry, const char *attr)
{
	char name[128];
	size_t i;

	for (i = 0; attr[i] != '\0' && i < sizeof(name) - 1; i++)
		name[i] = (char)tolower((unsigned char)attr[i]);
	name[i] = '\0';
	return json_string_value(json_array_get(json_object_get(json_object_get(entry, "attrs"), name), 0));
}

static void leave_out(json_t *left, const char *dn, const char *fmt, const char *arg)
{
	char reason[1024];

	snprintf(reason, sizeof(reason), fmt, arg);
	json_array_append_new(left, json_pack("{s:s,s:s}", "dn", dn, "reason", reason));
}

/* Whether the entry is in a set of normalized DNs, or, for uid-based groups, of uids. */
static bool in_set(const json_t *dns, const json_t *uids, const char *norm, const char *uid)
{
	return (dns != NULL && json_object_get(dns, norm) != NULL) ||
	       (uids != NULL && uid != NULL && json_object_get(uids, uid) != NULL);
}

int directory_users_map(const struct directory_query *q, const json_t *people, const json_t *member_dns,
			const json_t *member_uids, const json_t *disabled_dns, const json_t *admin_dns,
			const json_t *admin_uids, const struct directory_ids *ids, json_t **out,
			struct msg_err *err)
{
	json_t *users = json_object(), *left = json_array(), *e;
	size_t i;

	json_array_foreach(people, i, e)
	{
		const char *dn = json_string_value(json_object_get(e, "dn"));
		const char *raw = first(e, q->id_attr), *anchor = first(e, q->anchor_attr);
		const char *uid = first(e, "uid");
		/* the DN in the form the sets hold it, only where there is a set to look in */
		const bool sets = member_dns || disabled_dns || admin_dns;
		char *norm = dn ? (sets ? dn_normalize(dn) : strdup(dn)) : NULL, *id = NULL, why[256];
		json_t *user;

		if (norm == NULL)
			continue;
		if (member_dns != NULL && !in_set(member_dns, member_uids, norm, uid)) {
			free(norm);
			continue; /* not a member: not selected, not worth a line */
		}
		if (raw == NULL || *raw == '\0') {
			leave_out(left, dn, "has no %s", q->id_attr);
		} else if (anchor == NULL) {
			leave_out(left, dn, "has no %s (the anchor that keeps its account through renames)",
				  q->anchor_attr);
		} else if ((id = strdup(raw)) != NULL) {
			for (char *c = id; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			if (ids != NULL && ids->check != NULL &&
			    ids->check(ids->ctx, id, why, sizeof(why)) != 0) {
				char text[600];

				snprintf(text, sizeof(text), "%s '%s' cannot be an account name here: %s",
					 q->id_attr, raw, why);
				leave_out(left, dn, "%s", text);
			} else if (json_object_get(users, id) != NULL) {
				err_set(err, EXIT_DATAERR,
					"directory: %s and %s both map to the id '%s' (%s)",
					json_string_value(json_object_get(json_object_get(users, id), "dn")),
					dn, id, q->id_attr);
				free(id);
				free(norm);
				json_decref(users);
				json_decref(left);
				return -1;
			} else {
				/* member by member: json_pack reads its format again for every user */
				user = json_object();
				json_object_set_new(user, "id", json_string(id));
				json_object_set_new(user, "anchor", json_string(anchor));
				json_object_set_new(user, "dn", json_string(dn));
				json_object_set_new(user, "active",
						    json_boolean(!in_set(disabled_dns, NULL, norm, NULL)));
				if (q->display_name_attr != NULL && first(e, q->display_name_attr) != NULL)
					json_object_set_new(user, "display_name",
							    json_string(first(e, q->display_name_attr)));
				if (q->email_attr != NULL && first(e, q->email_attr) != NULL)
					json_object_set_new(user, "email",
							    json_string(first(e, q->email_attr)));
				if (q->admins != NULL)
					json_object_set_new(
					    user, "admin",
					    json_boolean(in_set(admin_dns, admin_uids, norm, uid)));
				json_object_set_new(users, id, user);
			}
		}
		free(id);
		free(norm);
	}
	if (json_object_size(users) == 0 && !q->allow_empty) {
		json_decref(users);
		json_decref(left);
		return err_set(err, EXIT_DATAERR,
			       "directory: the search of %s for %s yields no users: nothing is decided on an "
			       "empty answer (users.directory.allow_empty: true if that is meant)",
			       q->base, q->filter ? q->filter : "(objectClass=*)");
	}
	*out = json_pack("{s:o,s:o,s:I}", "users", users, "left_out", left, "entries",
			 (json_int_t)json_array_size(people));
	return 0;
}
