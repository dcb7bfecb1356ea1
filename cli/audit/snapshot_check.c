/* Offline compliance: a policy against a snapshot, through the same diff engine plan uses. A
 * snapshot body is an export, so it becomes the canonical "actual" state; every change the engine
 * would plan is a deviation, and whatever the policy asks for that the snapshot cannot show is
 * reported as not in the snapshot rather than passing unseen. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/diff.h"
#include "io/document.h"
#include "base/exitcode.h"
#include "io/json_sort.h"
#include "snapshot.h"

/* An export-shaped list (users.list, invites.tokens) as an object keyed by key. */
static int index_list(const json_t *list, const char *where, const char *key, json_t **out,
		      struct msg_err *err)
{
	json_t *by_key = json_object(), *item;
	size_t i;

	if (!json_is_array(list)) {
		json_decref(by_key);
		return err_set(err, EXIT_DATAERR, "snapshot body: %s: not a list", where);
	}
	json_array_foreach(list, i, item)
	{
		const char *k = json_string_value(json_object_get(item, key));

		if (!json_is_object(item) || k == NULL || json_object_get(by_key, k) != NULL) {
			json_decref(by_key);
			return err_set(err, EXIT_DATAERR, "snapshot body: %s[%zu]: %s", where, i,
				       k == NULL ? "lacks a string key" : "listed twice");
		}
		json_object_set(by_key, k, item);
	}
	*out = by_key;
	return 0;
}

int snapshot_actual(const json_t *body, json_t **actual, struct msg_err *err)
{
	json_t *state = json_object(), *section = NULL;

	for (size_t i = 0; resource_types[i] != NULL; i++) {
		const struct resource_type *t = resource_types[i];

		if (policy_at(body, t->section) == NULL)
			continue;
		if (index_list(policy_at(body, t->list), t->list, t->key, &section, err) != 0) {
			json_decref(state);
			return -1;
		}
		json_object_set_new(state, t->state_key, section);
	}
	*actual = state;
	return 0;
}

static void add_deviation(json_t *deviations, const char *resource, const char *key, const char *path,
			  const char *field, const json_t *expected, const json_t *found, const char *reason)
{
	json_t *d = json_pack("{s:s}", "resource", resource);

	if (key != NULL)
		json_object_set_new(d, "key", json_string(key));
	if (path != NULL)
		json_object_set_new(d, "path", json_string(path));
	json_object_set_new(d, "field", json_string(field));
	json_object_set(d, "expected", expected ? (json_t *)expected : json_null());
	json_object_set(d, "found", found ? (json_t *)found : json_null());
	if (reason != NULL)
		json_object_set_new(d, "reason", json_string(reason));
	json_array_append_new(deviations, d);
}

/* The level of cap_path for the snapshot's export. A level that depends on the context (ejabberd's
 * admin rights need config_fragment) counts as the context-free one when no exported user carries
 * the field: the export that made the snapshot could not read it. */
static enum capability_level export_level(const struct driver *d, const char *cap_path, const char *field,
					  const json_t *actual_users, const char **note)
{
	enum capability_level level = driver_capability(d, cap_path, note);
	const struct context bare = {0};
	const char *id;
	json_t *u;

	if (d->context_capability == NULL || field == NULL)
		return level;
	json_object_foreach((json_t *)actual_users, id, u)
	{
		if (json_object_get(u, field) != NULL)
			return level;
	}
	return d->context_capability(&bare, cap_path, level, note);
}

/* What the policy asks for and the snapshot cannot show: found is null and in_snapshot false. */
static void add_unseen_as(json_t *deviations, const struct driver *d, const char *resource, const char *key,
			  const char *path, const char *field, const json_t *expected,
			  enum capability_level level, const char *note)
{
	char reason[256];

	if (d != NULL)
		snprintf(reason, sizeof(reason), "not in the snapshot (%s on %s%s%s)",
			 capability_level_name(level), d->name, note ? ": " : "", note ? note : "");
	else
		snprintf(reason, sizeof(reason), "not in the snapshot");
	add_deviation(deviations, resource, key, path, field, expected, NULL, reason);
	json_object_set_new(json_array_get(deviations, json_array_size(deviations) - 1), "in_snapshot",
			    json_false());
}

static void add_unseen(json_t *deviations, const struct driver *d, const char *resource, const char *key,
		       const char *path, const char *field, const json_t *expected, const char *cap_path)
{
	const char *note = NULL;
	enum capability_level level = d ? driver_capability(d, cap_path, &note) : CAP_UNSUPPORTED;

	add_unseen_as(deviations, d, resource, key, path, field, expected, level, note);
}

/* One engine change as deviations: one per field for updates, presence or activity otherwise. */
static void change_deviations(json_t *deviations, const json_t *c)
{
	const char *type = change_type(c), *key = change_key(c);
	const char *path = json_string_value(json_object_get(c, "path"));
	const char *reason = json_string_value(json_object_get(c, "reason"));
	const json_t *fields = json_object_get(c, "fields");
	const char *field;
	bool expected = false;
	json_t *f;

	if (fields != NULL) {
		json_object_foreach((json_t *)fields, field, f)
		    add_deviation(deviations, type, key, path, field, json_object_get(f, "to"),
				  json_object_get(f, "from"), reason);
	} else if ((field = op_deviation_field(change_op(c), &expected)) != NULL) {
		add_deviation(deviations, type, key, path, field, json_boolean(expected),
			      json_boolean(!expected), reason);
	} else {
		json_t *opv = json_object_get(c, "op");
		add_deviation(deviations, type, key, path, "change", opv, NULL, reason);
	}
}

/* Fields of t the snapshot's driver cannot read are absent from every exported item, which the
 * engine would take for null: they are taken out of desired and reported as unseen instead. */
static void drop_unreadable_fields(const struct driver *d, const struct resource_type *t,
				   struct desired *want, const json_t *items, json_t *deviations)
{
	char cap[128];

	for (const struct resource_field *f = t->fields; d != NULL && f && f->name; f++) {
		enum capability_level level;
		const char *note = NULL, *key;
		json_t *item;

		if (f->flags & (FIELD_OBSERVED | FIELD_DIRECTIVE))
			continue;
		snprintf(cap, sizeof(cap), "%s[].%s", t->list, f->name);
		if (!driver_lists_capability(d, cap))
			snprintf(cap, sizeof(cap), "%s", t->capability); /* the type's own level */
		level = export_level(d, cap, f->name, items, &note);
		if (level == CAP_MANAGED || level == CAP_OBSERVED)
			continue;
		json_object_foreach(want->items, key, item)
		{
			json_t *value = json_object_get(item, f->name);
			const char *path = desired_path(t, want, key);

			if (value == NULL)
				continue;
			add_unseen_as(deviations, d, t->name, key, path ? path : t->list, f->name, value,
				      level, note);
			desired_take_field(want, key, f->name);
		}
	}
}

/* Section values compare as the policy means them: lists of names (federation partners, allowed
 * domains) are sets, so a server that reports them sorted does not deviate from a policy that is not. */
static bool same_value(const json_t *want, const json_t *have)
{
	json_t *w, *h;
	const char *key;
	bool same;

	if (json_is_object(want) && json_is_object(have)) {
		if (json_object_size(want) != json_object_size(have))
			return false;
		json_object_foreach((json_t *)want, key, w)
		{
			h = json_object_get(have, key);
			if (h == NULL || !same_value(w, h))
				return false;
		}
		return true;
	}
	if (!json_is_array(want) || !json_is_array(have))
		return json_equal(want, have);
	w = json_sorted_strings(want);
	h = json_sorted_strings(have);
	same = w != NULL && h != NULL ? json_equal(w, h) : json_equal(want, have);
	json_decref(w);
	json_decref(h);
	return same;
}

/* The policy's sections outside users and invites.tokens (federation, retention, registration...):
 * field by field against the body's copy when it has one (a later export may), unseen otherwise. */
static void check_sections(const struct driver *d, const json_t *policy, const json_t *body,
			   json_t *deviations)
{
	const char *section, *field;
	json_t *value, *want;
	char cap[128];

	json_object_foreach((json_t *)policy, section, value)
	{
		/* lint holds settings of msgadm itself, not of the server; any other section is held to
		 * the snapshot, so that one added later fails closed until the export learns it */
		if (policy_meta_key(section) || resource_of_section(section) || !json_is_object(value))
			continue;
		json_object_foreach(value, field, want)
		{
			const json_t *have = json_object_get(json_object_get(body, section), field);

			snprintf(cap, sizeof(cap), "%s.%s", section, field);
			if (resource_of_section(cap))
				continue; /* the engine's: its items are diffed */
			if (have != NULL) {
				if (!same_value(want, have))
					add_deviation(deviations, section, NULL, section, field, want, have,
						      NULL);
				continue;
			}
			/* capabilities name either the field ("invites.registration") or the section */
			snprintf(cap, sizeof(cap), "%s.%s", section, field);
			if (d != NULL && driver_capability(d, cap, NULL) == CAP_UNSUPPORTED &&
			    driver_capability(d, section, NULL) != CAP_UNSUPPORTED)
				snprintf(cap, sizeof(cap), "%s", section);
			add_unseen(deviations, d, section, NULL, section, field, want, cap);
		}
	}
}

/* A type the policy holds and the body lacks: unseen as a whole, at the type's list ("users.list":
 * resource "users", field "list"), with the level the driver's table gives the type. */
static void unseen_type(const struct driver *d, const struct resource_type *t, const json_t *desired,
			json_t *deviations)
{
	const char *dot = strrchr(t->list, '.');
	char resource[64];

	snprintf(resource, sizeof(resource), "%.*s", dot ? (int)(dot - t->list) : (int)strlen(t->list),
		 t->list);
	add_unseen(deviations, d, resource, NULL, t->list, dot ? dot + 1 : t->list,
		   policy_at(desired, t->list), t->capability);
}

/* The engine's types of the policy against the snapshot's items: changes, and the deviations of
 * what the snapshot cannot show. */
static int check_types(const struct driver *d, const json_t *desired, const json_t *actual, json_t *changes,
		       json_t *notes, json_t *deviations, struct msg_err *err)
{
	for (size_t i = 0; resource_types[i] != NULL; i++) {
		const struct resource_type *t = resource_types[i];
		const json_t *section = policy_at(desired, t->section);
		const json_t *items = json_object_get(actual, t->state_key);
		struct desired want;

		if (section == NULL)
			continue;
		if (items == NULL) {
			unseen_type(d, t, desired, deviations);
			continue;
		}
		desired_init(&want, t->list);
		if (t->expand(t, NULL, section, &want, notes, err) != 0) {
			desired_clear(&want);
			return -1;
		}
		drop_unreadable_fields(d, t, &want, items, deviations);
		diff_resource(t, &want, items, changes, notes);
		desired_clear(&want);
	}
	diff_sort(changes, d);
	return 0;
}

int snapshot_check(const struct policy *policy, const struct snapshot *snap, const struct driver *d,
		   json_t **report, struct msg_err *err)
{
	const char *server = json_string_value(json_object_get(policy->doc, "server"));
	const char *snap_server = json_string_value(json_object_get(snap->meta, "server"));
	json_t *actual = NULL, *changes = json_array(), *notes = json_array(), *deviations = json_array();
	json_t *about = NULL, *c;
	size_t i, unseen = 0;
	int rc = -1;

	if (strcmp(server, snap_server) != 0) {
		document_problem(err, policy->file, policy->pos, "server",
				 "the policy is for '%s' but the snapshot %s is of '%s'", server, snap->file,
				 snap_server);
		goto done;
	}
	if (snapshot_actual(snap->body, &actual, err) != 0) {
		err_prefix(err, "%s", snap->file);
		goto done;
	}
	if (check_types(d, policy->doc, actual, changes, notes, deviations, err) != 0)
		goto done;
	json_array_foreach(changes, i, c) change_deviations(deviations, c);
	check_sections(d, policy->doc, snap->body, deviations);
	json_array_foreach(deviations, i, c) unseen += json_object_get(c, "in_snapshot") != NULL;
	about = json_deep_copy(snap->meta);
	json_object_set_new(about, "file", json_string(snap->file));
	*report = json_pack("{s:s,s:o,s:b,s:O,s:O,s:{s:i,s:i}}", "policy", policy->file, "snapshot", about,
			    "complies", json_array_size(deviations) == 0, "deviations", deviations, "notes",
			    notes, "summary", "deviations", (int)json_array_size(deviations),
			    "not_in_snapshot", (int)unseen);
	rc = *report ? 0 : err_set(err, EXIT_FAILURE_, "out of memory");
done:
	json_decref(actual);
	json_decref(changes);
	json_decref(notes);
	json_decref(deviations);
	return rc;
}
