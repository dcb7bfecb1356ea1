/* Nested group resolution (groups.h). */
#include "groups.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/exitcode.h"

char *dn_normalize(const char *dn)
{
	size_t n = strlen(dn), o = 0;
	char *out = malloc(n + 1);
	bool escaped = false;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = dn[i];

		if (!escaped && (c == ',' || c == '=')) {
			while (o > 0 && out[o - 1] == ' ')
				o--; /* blanks before it */
			out[o++] = c;
			while (i + 1 < n && dn[i + 1] == ' ')
				i++; /* and after it */
			continue;
		}
		escaped = !escaped && c == '\\';
		out[o++] = (char)tolower((unsigned char)c);
	}
	while (o > 0 && out[o - 1] == ' ' && (o < 2 || out[o - 2] != '\\'))
		o--;
	out[o] = '\0';
	return out;
}

static bool has_class(const json_t *entry, const char *name)
{
	const json_t *v;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(entry, "attrs"), "objectclass"), i, v)
	{
		if (json_is_string(v) && strcasecmp(json_string_value(v), name) == 0)
			return true;
	}
	return false;
}

static bool is_group(const json_t *entry)
{
	return has_class(entry, "groupOfNames") || has_class(entry, "groupOfUniqueNames") ||
	       has_class(entry, "posixGroup") || has_class(entry, "group");
}

struct walk {
	const struct group_reader *r;
	const json_t *known;
	json_t *people, *uids;
	json_t *seen; /* {normalized group DN: true} */
};

static int walk_group(struct walk *w, const char *dn, const json_t *entry, int depth, struct msg_err *err);

/* One member DN of a group: a person searched for, a group to follow, or nobody msgadm looks at. */
static int walk_member(struct walk *w, const char *dn, int depth, struct msg_err *err)
{
	char *norm = dn_normalize(dn), *hash;
	json_t *entry = NULL;
	int rc = 0;

	if (norm == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	/* uniqueMember: "cn=x,dc=y#'0101'B" names cn=x,dc=y */
	if ((hash = strrchr(norm, '#')) != NULL && hash[1] == '\'')
		*hash = '\0';
	if (json_object_get(w->known, norm) != NULL) {
		json_object_set_new(w->people, norm, json_true());
	} else if (json_object_get(w->seen, norm) == NULL) {
		rc = w->r->read(w->r->ctx, dn, &entry, err);
		if (rc == 0 && entry != NULL && is_group(entry))
			rc = walk_group(w, dn, entry, depth + 1, err);
		json_decref(entry);
	}
	free(norm);
	return rc;
}

static int walk_group(struct walk *w, const char *dn, const json_t *entry, int depth, struct msg_err *err)
{
	static const char *const dn_attrs[] = {"member", "uniquemember", NULL};
	const json_t *attrs = json_object_get(entry, "attrs"), *v;
	char *norm = dn_normalize(dn);
	size_t i;

	if (norm == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	if (json_object_get(w->seen, norm) != NULL) {
		free(norm);
		return 0; /* a cycle, or a group reached twice */
	}
	json_object_set_new(w->seen, norm, json_true());
	free(norm);
	if (depth > GROUP_DEPTH_MAX)
		return err_set(err, EXIT_DATAERR, "groups nested deeper than %d levels, down to %s",
			       GROUP_DEPTH_MAX, dn);
	json_array_foreach(json_object_get(attrs, "memberuid"), i, v)
	{
		if (json_is_string(v))
			json_object_set_new(w->uids, json_string_value(v), json_true());
	}
	for (const char *const *a = dn_attrs; *a != NULL; a++)
		json_array_foreach(json_object_get(attrs, *a), i, v)
		{
			if (json_is_string(v) && walk_member(w, json_string_value(v), depth, err) != 0)
				return -1;
		}
	return 0;
}

int group_members(const struct group_reader *r, const char *dn, const json_t *known, json_t **people,
		  json_t **uids, struct msg_err *err)
{
	struct walk w = {
	    .r = r, .known = known, .people = json_object(), .uids = json_object(), .seen = json_object()};
	json_t *entry = NULL;
	int rc = r->read(r->ctx, dn, &entry, err);

	if (rc == 0 && (entry == NULL || !is_group(entry)))
		rc = err_set(err, EXIT_CONFIG, "%s: %s", dn,
			     entry == NULL
				 ? "no such entry"
				 : "not a group (groupOfNames, groupOfUniqueNames, posixGroup or group)");
	if (rc == 0)
		rc = walk_group(&w, dn, entry, 0, err);
	json_decref(entry);
	json_decref(w.seen);
	if (rc != 0) {
		json_decref(w.people);
		json_decref(w.uids);
		return -1;
	}
	*people = w.people;
	*uids = w.uids;
	return 0;
}
