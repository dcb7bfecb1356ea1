/* Building and checking plans. The engine's server-neutral half: drivers only read state here. */
#include "plan.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "diff.h"
#include "io/digest_json.h"
#include "io/document.h"
#include "safety.h"

char *state_digest(const json_t *actual)
{
	return digest_json_tagged(actual, JSON_COMPACT | JSON_SORT_KEYS);
}

static void add_note(json_t *notes, const struct driver *d, const char *path, enum capability_level level,
		     const char *note, const json_t *value)
{
	json_t *n = json_pack("{s:s,s:s}", "path", path, "level", capability_level_name(level));
	char *fragment = NULL;

	if (note != NULL)
		json_object_set_new(n, "message", json_string(note));
	if (level == CAP_CONFIG && d->render_config != NULL && value != NULL)
		fragment = d->render_config(path, value);
	if (fragment != NULL) {
		json_object_set_new(n, "fragment", json_string(fragment));
		free(fragment);
	}
	json_array_append_new(notes, n);
}

/* At most this many types are expanded from one policy (driver_policy_types). */
#define PLAN_TYPES_MAX 32

/* One of the types a plan expands from the policy: how the driver serves it, and what the policy asks. */
struct planned {
	const struct resource_type *t;
	const struct resource_ops *ops;
	struct desired d;
	const json_t *items; /* the server's, once read; borrowed from the state */
};

/* The level of field of t: the driver's entry for "<list>[].<field>", or the type's own where the
 * table has none for the field. */
static enum capability_level field_capability(const struct session *s, const struct resource_type *t,
					      const char *path, const char **note)
{
	return session_capability(s, driver_lists_capability(s->driver, path) ? path : t->capability, note);
}

/* Which of t's first 64 fields (bit n: t->fields[n]) some item holds: one pass over the items' own
 * members, not a lookup of each field in each of 100,000 items. */
static uint64_t fields_present(const struct resource_type *t, const json_t *items)
{
	uint64_t present = 0, all = 0;
	const char *key, *name;
	json_t *item, *v;
	size_t n = 0;

	for (const struct resource_field *f = t->fields; f && f->name && n < 64; f++, n++)
		all |= (uint64_t)1 << n;
	json_object_foreach((json_t *)items, key, item)
	{
		json_object_foreach(item, name, v)
		{
			n = 0;
			for (const struct resource_field *f = t->fields; f && f->name && n < 64; f++, n++)
				if (strcmp(f->name, name) == 0)
					present |= (uint64_t)1 << n;
		}
		if (present == all)
			break;
	}
	return present;
}

/* Whether some item holds field: for a type of more than 64 fields, beyond those. */
static bool held_by_some(const json_t *items, const char *field)
{
	const char *key;
	json_t *item;

	json_object_foreach((json_t *)items, key, item)
	{
		if (json_object_get(item, field) != NULL)
			return true;
	}
	return false;
}

/* Fields of t's desired items the driver does not manage are taken out (so the diff never touches
 * them) and reported, each once. */
static void drop_unmanaged_fields(const struct session *s, struct planned *p, json_t *notes)
{
	const struct resource_type *t = p->t;
	const uint64_t present = fields_present(t, p->d.items);
	char path[128];
	size_t n = 0;

	for (const struct resource_field *f = t->fields; f && f->name; f++, n++) {
		enum capability_level level;
		const char *note = NULL, *key;
		json_t *item;

		if (f->flags & (FIELD_OBSERVED | FIELD_DIRECTIVE))
			continue;
		if (!(n < 64 ? (present >> n) & 1 : held_by_some(p->d.items, f->name)))
			continue;
		snprintf(path, sizeof(path), "%s[].%s", t->list, f->name);
		level = field_capability(s, t, path, &note);
		if (level == CAP_MANAGED)
			continue;
		add_note(notes, s->driver, path, level, note, NULL);
		json_object_foreach(p->d.items, key, item) desired_take_field(&p->d, key, f->name);
	}
}

static bool served_section(const struct driver *d, const char *path)
{
	for (const struct resource_ops *o = d->resources; o && o->type; o++)
		if (o->read != NULL && o->section != NULL && strcmp(o->section, path) == 0)
			return true;
	return false;
}

/* A copy of the policy that sections can be taken out of: its top level and the objects holding
 * sections ("invites", "retention") are copied, the values below them shared. The engine only reads
 * those, and expand copies the items it changes; a deep copy of 100,000 users was a third of a plan. */
static json_t *sections_copy(const json_t *doc)
{
	json_t *out = json_copy((json_t *)doc), *v;
	const char *key;

	json_object_foreach(out, key, v)
	{
		if (json_is_object(v))
			json_object_set_new(out, key, json_copy(v));
	}
	return out;
}

/* Takes the part of the policy the driver can manage out of desired (a copy of the policy), and
 * expands the types listed in it (driver_policy_types) into planned[] (*n of them); notes get
 * everything else. */
static int managed_part(const struct session *s, json_t *desired, struct planned *planned, size_t *n,
			json_t *notes, struct msg_err *err)
{
	const struct driver *d = s->driver;
	const char *note;
	const struct resource_type *types[PLAN_TYPES_MAX];
	const size_t ntypes = driver_policy_types(d, types, PLAN_TYPES_MAX);

	json_object_del(desired, "lint"); /* for msgadm lint only: nothing on a server to plan or note */
	for (size_t i = 0; i < ntypes; i++) {
		const struct resource_type *t = types[i];
		const json_t *section = policy_at(desired, t->section);
		const struct resource_ops *ops = driver_resource(d, t);
		struct planned *p = &planned[*n];
		enum capability_level level;

		if (section == NULL)
			continue;
		level = session_capability(s, t->capability, &note);
		if (ops == NULL || ops->list == NULL || level != CAP_MANAGED) {
			add_note(notes, d, t->section, ops ? level : CAP_UNSUPPORTED, note, NULL);
			policy_drop(desired, t->section);
			continue;
		}
		p->t = t;
		p->ops = ops;
		desired_init(&p->d, t->list);
		(*n)++;
		if (t->expand(t, s, section, &p->d, notes, err) != 0)
			return -1;
		drop_unmanaged_fields(s, p, notes);
	}
	for (size_t i = 0; policy_sections[i] != NULL; i++) {
		const char *path = policy_sections[i];
		const json_t *value = policy_at(desired, path);
		enum capability_level level;

		if (value == NULL || resource_of_section(path) || served_section(d, path))
			continue; /* absent, or planned item by item */
		level = session_capability(s, path, &note);
		/* anything else is reported, never dropped in silence */
		if (level == CAP_MANAGED)
			add_note(notes, d, path, CAP_UNSUPPORTED, "msgadm cannot plan this section yet",
				 NULL);
		else
			add_note(notes, d, path, level, note, value);
		policy_drop(desired, path);
	}
	return 0;
}

/* Reads the server's items of the types expanded from the policy and diffs them: state gets them by
 * state_key. */
static int plan_engine_types(struct session *s, struct planned *planned, size_t n, json_t *state,
			     json_t *changes, json_t *skipped, struct msg_err *err)
{
	for (size_t i = 0; i < n; i++) {
		struct planned *p = &planned[i];
		json_t *details = desired_details(p->t, &p->d), *items = NULL;
		int rc = p->ops->list(s, details, &items, err);

		json_decref(details);
		if (rc != 0)
			return -1;
		json_object_set_new(state, p->t->state_key, items);
		p->items = items;
		diff_resource(p->t, &p->d, items, changes, skipped);
	}
	return 0;
}

/* The driver's own types: read both sides, diff, and keep what was read for the digest. */
static int plan_driver_types(struct session *s, const json_t *desired, json_t *state, json_t *changes,
			     json_t *notes, struct msg_err *err)
{
	json_t *read = json_object();

	for (const struct resource_ops *o = s->driver->resources; o && o->type; o++) {
		json_t *want = NULL, *have = NULL;

		if (o->read == NULL || o->section == NULL || policy_at(desired, o->section) == NULL)
			continue;
		if (o->read(s, desired, &want, &have, notes, err) != 0) {
			json_decref(read);
			return -1;
		}
		diff_items(o->type, o->section, want, have, changes);
		json_object_set_new(read, o->type->name, have);
		json_decref(want);
	}
	if (json_object_size(read) > 0)
		json_object_set_new(state, "sections", read);
	else
		json_decref(read);
	return 0;
}

int plan_build(struct session *s, const struct policy *policy, bool force, json_t **plan, struct msg_err *err)
{
	const char *server = json_string_value(json_object_get(policy->doc, "server"));
	json_t *notes = json_array(), *desired = NULL, *actual = json_object(), *changes = json_array();
	json_t *skipped = json_array(), *sources = json_array();
	struct planned *planned = NULL;
	size_t n = 0, i;
	const char *acting = NULL;
	char *digest = NULL;
	int add, change, remove, rc = -1;

	if (strcmp(server, s->context->server) != 0) {
		document_problem(err, policy->file, policy->pos, "server",
				 "the policy is for '%s' but context '%s' manages '%s'", server,
				 s->context->name, s->context->server);
		goto done;
	}
	if ((planned = calloc(PLAN_TYPES_MAX, sizeof(*planned))) == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	desired = sections_copy(policy->doc);
	if (managed_part(s, desired, planned, &n, notes, err) != 0 || session_whoami(s, &acting, err) != 0 ||
	    plan_engine_types(s, planned, n, actual, changes, skipped, err) != 0 ||
	    plan_driver_types(s, desired, actual, changes, notes, err) != 0)
		goto done;
	diff_sort(changes, s->driver);
	json_array_extend(notes, skipped);
	for (i = 0; i < n; i++)
		if (safety_check_type(planned[i].t, &planned[i].d, planned[i].items, changes, acting, force,
				      err) != 0)
			goto done;
	digest = state_digest(actual);
	if (digest == NULL) {
		err_set(err, EXIT_FAILURE_, "cannot compute the state digest");
		goto done;
	}
	diff_count(changes, &add, &change, &remove);
	for (i = 0; i < n; i++)
		if (planned[i].d.source != NULL)
			json_array_append(sources, planned[i].d.source);
	*plan = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:O,s:O,s:O,s:{s:i,s:i,s:i}}", "format",
			  "msgadm-plan/1", "context", s->context->name, "driver", s->driver->name, "server",
			  s->context->server, "url", s->context->url, "acting", acting, "state_digest",
			  digest, "force", force, "policy", policy->doc, "changes", changes, "notes", notes,
			  "summary", "add", add, "change", change, "remove", remove);
	/* what was read besides the server (a directory), only where something was */
	if (*plan != NULL && json_array_size(sources) > 0)
		json_object_set(*plan, "sources", sources);
	rc = *plan ? 0 : err_set(err, EXIT_FAILURE_, "out of memory");
done:
	json_decref(sources);
	for (i = 0; i < n; i++)
		desired_clear(&planned[i].d);
	free(planned);
	free(digest);
	json_decref(notes);
	json_decref(desired);
	json_decref(actual);
	json_decref(changes);
	json_decref(skipped);
	return rc;
}

size_t plan_findings(const json_t *plan)
{
	const json_t *note;
	size_t i, n = 0;

	json_array_foreach(json_object_get(plan, "notes"), i, note)
	{
		const char *level = json_string_value(json_object_get(note, "level"));

		n += level != NULL && strcmp(level, "finding") == 0;
	}
	return n;
}

/* Whether the directories read answer now as they did for the saved plan: the same digest. */
static bool same_sources(const json_t *saved, const json_t *fresh, struct msg_err *err)
{
	const json_t *a, *b;
	size_t i;

	if (json_array_size(saved) != json_array_size(fresh)) {
		err_set(err, EXIT_FAILURE_,
			"the plan read %zu directories, the policy now reads %zu; make a new plan",
			json_array_size(saved), json_array_size(fresh));
		return false;
	}
	json_array_foreach(saved, i, a)
	{
		b = json_array_get(fresh, i);
		if (!json_equal(json_object_get(a, "digest"), json_object_get(b, "digest"))) {
			err_set(err, EXIT_FAILURE_,
				"directory %s answers differently since the plan was made (digest %s, plan "
				"has %s); "
				"make a new plan",
				json_string_value(json_object_get(b, "directory")),
				json_string_value(json_object_get(b, "digest")),
				json_string_value(json_object_get(a, "digest")));
			return false;
		}
	}
	return true;
}

/* A saved plan is carried out only if planning its policy again, now, gives the same state digest
 * and the same changes: the server has not moved, and the file was not edited into something its
 * policy does not imply. */
int plan_verify(struct session *s, const char *file, const json_t *plan, struct msg_err *err)
{
	const char *server = json_string_value(json_object_get(plan, "server"));
	const char *driver = json_string_value(json_object_get(plan, "driver"));
	const char *saved = json_string_value(json_object_get(plan, "state_digest"));
	const char *digest;
	struct policy *policy = NULL;
	json_t *fresh = NULL;
	int rc = -1;

	if (server == NULL || driver == NULL || saved == NULL) {
		err_set(err, EXIT_DATAERR, "%s: the plan lacks server, driver or state_digest", file);
		goto done;
	}
	if (strcmp(server, s->context->server) != 0 || strcmp(driver, s->driver->name) != 0) {
		err_set(err, EXIT_DATAERR,
			"%s: the plan is for %s server '%s' but context '%s' is %s server '%s'", file, driver,
			server, s->context->name, s->driver->name, s->context->server);
		goto done;
	}
	if (policy_from_json(file, json_object_get(plan, "policy"), &policy, err) != 0 ||
	    plan_build(s, policy, json_is_true(json_object_get(plan, "force")), &fresh, err) != 0)
		goto done;
	if (!same_sources(json_object_get(plan, "sources"), json_object_get(fresh, "sources"), err))
		goto done;
	digest = json_string_value(json_object_get(fresh, "state_digest"));
	if (strcmp(digest, saved) != 0) {
		err_set(err, EXIT_FAILURE_,
			"the server's state changed since the plan was made (digest %s, plan has %s); "
			"make a new plan",
			digest, saved);
		goto done;
	}
	if (!json_equal(json_object_get(fresh, "changes"), json_object_get(plan, "changes"))) {
		err_set(err, EXIT_DATAERR,
			"%s: the plan's changes are not what its policy implies (was it edited?)", file);
		goto done;
	}
	rc = 0;
done:
	json_decref(fresh);
	policy_free(policy);
	return rc;
}
