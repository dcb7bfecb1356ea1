/* Reading the users of a policy's users.directory (users.h): the searches and group reads; the
 * mapping is users_map.c's. */
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "groups.h"
#include "users.h"

static int read_group(void *ctx, const char *dn, json_t **entry, struct msg_err *err)
{
	static const char *const attrs[] = {"objectClass", "member", "uniqueMember", "memberUid", NULL};

	return directory_read(ctx, dn, attrs, entry, err);
}

/* "(x)" stays as it is; "x" becomes "(x)". malloc'd. */
static char *parenthesized(const char *filter)
{
	char *s = NULL;

	if (filter[0] == '(')
		return strdup(filter);
	return asprintf(&s, "(%s)", filter) < 0 ? NULL : s;
}

static json_t *dn_set(const json_t *entries)
{
	json_t *set = json_object(), *e;
	size_t i;

	json_array_foreach(entries, i, e)
	{
		char *norm = dn_normalize(json_string_value(json_object_get(e, "dn")));

		if (norm != NULL)
			json_object_set_new(set, norm, json_true());
		free(norm);
	}
	return set;
}

int directory_users(struct directory *d, const struct directory_query *q, const struct directory_ids *ids,
		    json_t **out, struct msg_err *err)
{
	const char *attrs[] = {q->id_attr, q->anchor_attr, "uid", q->display_name_attr, q->email_attr, NULL};
	const struct group_reader reader = {.read = read_group, .ctx = d};
	json_t *people = NULL, *known = NULL, *mdns = NULL, *muids = NULL, *disabled = NULL, *dis = NULL;
	json_t *adns = NULL, *auids = NULL;
	char *filter = parenthesized(q->filter ? q->filter : "(objectClass=*)"), *both = NULL;
	int rc = -1;

	/* the optional attributes last, so that a NULL ends the list where they stop */
	if (q->display_name_attr == NULL)
		attrs[3] = q->email_attr, attrs[4] = NULL;
	if (filter == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (directory_search(d, q->base, DIRECTORY_SUBTREE, filter, attrs, &people, err) != 0)
		goto done;
	/* the people searched for, by DN, for the groups to be matched against */
	if (q->member_of != NULL || q->admins != NULL)
		known = dn_set(people);
	if (q->member_of != NULL && group_members(&reader, q->member_of, known, &mdns, &muids, err) != 0) {
		err_prefix(err, "users.directory.member_of");
		goto done;
	}
	if (q->disabled != NULL) {
		static const char *const none[] = {"1.1", NULL}; /* no attributes: the DNs are enough */
		char *dis_filter = parenthesized(q->disabled);

		if (dis_filter == NULL || asprintf(&both, "(&%s%s)", filter, dis_filter) < 0) {
			free(dis_filter);
			err_set(err, EXIT_FAILURE_, "out of memory");
			goto done;
		}
		free(dis_filter);
		if (directory_search(d, q->base, DIRECTORY_SUBTREE, both, none, &dis, err) != 0)
			goto done;
		disabled = dn_set(dis);
	}
	if (q->admins != NULL && group_members(&reader, q->admins, known, &adns, &auids, err) != 0) {
		err_prefix(err, "users.directory.admins");
		goto done;
	}
	rc = directory_users_map(q, people, mdns, muids, disabled, adns, auids, ids, out, err);
done:
	free(filter);
	free(both);
	json_decref(people);
	json_decref(known);
	json_decref(mdns);
	json_decref(muids);
	json_decref(dis);
	json_decref(disabled);
	json_decref(adns);
	json_decref(auids);
	return rc;
}
