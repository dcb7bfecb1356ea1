/* Building and checking plans. The engine's server-neutral half: drivers only read state here. */
#include "plan.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "io/digest.h"
#include "io/document.h"
#include "base/exitcode.h"
#include "safety.h"

int state_read(struct session *s, const json_t *policy, json_t **actual, struct msg_err *err)
{
	const struct driver *d = s->driver;
	json_t *state = json_object();
	json_t *users = NULL, *tokens = NULL, *details = NULL;
	int rc = -1;

	if (json_object_get(policy, "users") != NULL) {
		if (d->list_users == NULL) {
			err_set(err, EXIT_FAILURE_, "%s: users are not available on this server", d->name);
			goto done;
		}
		details = diff_detail_fields(policy);
		if (d->list_users(s, details, &users, err) != 0)
			goto done;
		json_object_set_new(state, "users", users);
	}
	if (json_object_get(json_object_get(policy, "invites"), "tokens") != NULL) {
		if (d->list_tokens == NULL) {
			err_set(err, EXIT_FAILURE_, "%s: invite tokens are not available on this server",
				d->name);
			goto done;
		}
		if (d->list_tokens(s, &tokens, err) != 0)
			goto done;
		json_object_set_new(state, "tokens", tokens);
	}
	rc = 0;
done:
	json_decref(details);
	if (rc == 0)
		*actual = state;
	else
		json_decref(state);
	return rc;
}

char *state_digest(const json_t *actual)
{
	char *text = json_dumps(actual, JSON_COMPACT | JSON_SORT_KEYS);
	char *digest = text ? digest_sha256_tagged(text, strlen(text)) : NULL;

	free(text);
	return digest;
}

/* Policy fields and the capability paths that govern them. A field the driver does not manage is
 * taken out of the desired state (so the diff never touches it) and reported as a note. */
static const char *const user_fields[] = {"display_name", "email", "admin", "active", NULL};
static const char *const sections[] = {"invites.registration",
				       "invites.allowed_domains",
				       "invites.guests",
				       "federation",
				       "retention.default",
				       "retention.rooms",
				       NULL};

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

/* Accounts the policy deletes on a server that cannot delete any: each is reported and left as it
 * is (marked so that the diff passes it by, and users.manage: exclusive still counts it as listed).
 * Dropping only the field would turn "delete" into "keep active". */
static void undeletable(const struct session *s, json_t *users, json_t *notes)
{
	const char *note = NULL;
	char path[64], text[512];
	json_t *u;
	size_t i;

	if (session_capability(s, "users.list[].delete", &note) == CAP_MANAGED)
		return;
	json_array_foreach(json_object_get(users, "list"), i, u)
	{
		if (!json_is_true(json_object_get(u, "delete")))
			continue;
		snprintf(path, sizeof(path), "users.list[%zu]", i);
		snprintf(text, sizeof(text), "%s: %s cannot delete accounts: left as it is%s%s%s",
			 json_string_value(json_object_get(u, "id")), s->driver->name, note ? " (" : "",
			 note ? note : "", note ? ")" : "");
		json_array_append_new(notes,
				      json_pack("{s:s,s:s,s:s}", "path", path, "level",
						capability_level_name(CAP_UNSUPPORTED), "message", text));
		json_object_del(u, "delete");
		json_object_set_new(u, DIFF_LEAVE_USER, json_true());
	}
}

/* The object holding a section ("retention.rooms": the policy's retention object) and the
 * section's key in it. */
static json_t *section_holder(json_t *doc, const char *path, const char **leaf)
{
	const char *dot = strchr(path, '.');
	char parent[32];

	*leaf = dot ? dot + 1 : path;
	if (dot == NULL)
		return doc;
	snprintf(parent, sizeof(parent), "%.*s", (int)(dot - path), path);
	return json_object_get(doc, parent);
}

/* Sections the driver holds item by item: read, diff, and keep what was read for the digest. */
static int plan_sections(struct session *s, json_t *desired, json_t *actual, json_t *changes, json_t *notes,
			 struct msg_err *err)
{
	json_t *read = json_object();

	for (const struct section_handler *h = s->driver->sections; h && h->path; h++) {
		json_t *want = NULL, *have = NULL;
		const char *leaf = NULL;

		json_t *holder = section_holder(desired, h->path, &leaf); /* sets leaf: call it first */

		if (json_object_get(holder, leaf) == NULL)
			continue;
		if (h->read(s, desired, &want, &have, notes, err) != 0) {
			json_decref(read);
			return -1;
		}
		diff_items(h->type, h->path, want, have, changes);
		json_object_set_new(read, h->type, have);
		json_decref(want);
	}
	if (json_object_size(read) > 0)
		json_object_set_new(actual, "sections", read);
	else
		json_decref(read);
	diff_sort(changes);
	return 0;
}

/* Returns the part of the policy the driver can manage; notes get everything else. */
static json_t *managed_part(const struct session *s, const json_t *policy, json_t *notes)
{
	const struct driver *d = s->driver;
	json_t *desired = json_deep_copy(policy);
	json_t *list = json_object_get(json_object_get(desired, "users"), "list");
	const char *note;
	char path[64];

	json_object_del(desired, "lint"); /* for msgadm lint only: nothing on a server to plan or note */
	undeletable(s, json_object_get(desired, "users"), notes);
	for (size_t f = 0; user_fields[f] != NULL; f++) {
		enum capability_level level;
		int present = 0;
		json_t *u;
		size_t i;

		json_array_foreach(list, i, u) present |= json_object_get(u, user_fields[f]) != NULL;
		if (!present)
			continue;
		snprintf(path, sizeof(path), "users.list[].%s", user_fields[f]);
		level = session_capability(s, path, &note);
		if (level == CAP_MANAGED)
			continue;
		add_note(notes, d, path, level, note, NULL);
		json_array_foreach(list, i, u) json_object_del(u, user_fields[f]);
	}
	if (json_object_get(json_object_get(desired, "invites"), "tokens") != NULL &&
	    driver_capability(d, "invites.tokens", &note) != CAP_MANAGED) {
		add_note(notes, d, "invites.tokens", driver_capability(d, "invites.tokens", NULL), note,
			 NULL);
		json_object_del(json_object_get(desired, "invites"), "tokens");
	}
	for (size_t i = 0; sections[i] != NULL; i++) {
		const char *leaf = NULL;
		json_t *holder = section_holder(desired, sections[i], &leaf);
		enum capability_level level;

		if (json_object_get(holder, leaf) == NULL || driver_section(d, sections[i]) != NULL)
			continue; /* absent, or the driver plans it item by item (plan_sections) */
		level = driver_capability(d, sections[i], &note);
		/* The engine diffs users and tokens only; anything else is reported, never dropped. */
		if (level == CAP_MANAGED)
			add_note(notes, d, sections[i], CAP_UNSUPPORTED,
				 "msgadm cannot plan this section yet", NULL);
		else
			add_note(notes, d, sections[i], level, note, json_object_get(holder, leaf));
		json_object_del(holder, leaf);
	}
	return desired;
}

int plan_build(struct session *s, const struct policy *policy, bool force, json_t **plan, struct msg_err *err)
{
	const char *server = json_string_value(json_object_get(policy->doc, "server"));
	json_t *notes = json_array(), *desired = NULL, *actual = NULL, *changes = NULL, *skipped = NULL;
	const char *acting = NULL;
	char *digest = NULL;
	int add, change, remove, rc = -1;

	if (strcmp(server, s->context->server) != 0) {
		document_problem(err, policy->file, policy->pos, "server",
				 "the policy is for '%s' but context '%s' manages '%s'", server,
				 s->context->name, s->context->server);
		goto done;
	}
	desired = managed_part(s, policy->doc, notes);
	if (session_whoami(s, &acting, err) != 0 || state_read(s, desired, &actual, err) != 0 ||
	    diff_compute(desired, actual, &changes, &skipped, err) != 0 ||
	    plan_sections(s, desired, actual, changes, notes, err) != 0)
		goto done;
	json_array_extend(notes, skipped);
	if (safety_check(desired, actual, changes, acting, force, err) != 0)
		goto done;
	digest = state_digest(actual);
	if (digest == NULL) {
		err_set(err, EXIT_FAILURE_, "cannot compute the state digest");
		goto done;
	}
	diff_count(changes, &add, &change, &remove);
	*plan = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:O,s:O,s:O,s:{s:i,s:i,s:i}}", "format",
			  "msgadm-plan/1", "context", s->context->name, "driver", s->driver->name, "server",
			  s->context->server, "url", s->context->url, "acting", acting, "state_digest",
			  digest, "force", force, "policy", policy->doc, "changes", changes, "notes", notes,
			  "summary", "add", add, "change", change, "remove", remove);
	rc = *plan ? 0 : err_set(err, EXIT_FAILURE_, "out of memory");
done:
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
