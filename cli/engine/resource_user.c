/* The user type: accounts, as users.list names them, with users.manage, users.protect,
 * users.max_deactivations and delete: true. */
#include <stdio.h>
#include <string.h>

#include "base/exitcode.h"
#include "driver.h"
#include "io/document.h"
#include "io/jpath.h"
#include "policy.h"
#include "resource.h"

static const struct resource_field user_fields[] = {
    {"display_name", 0},
    {"email", FIELD_CASELESS},	 /* servers store addresses lowercased */
    {"admin", FIELD_ADMIN},	 /* a server admin */
    {"active", FIELD_LIFECYCLE}, /* false: deactivated */
    {"delete", FIELD_DIRECTIVE}, /* true: removed for good */
    {NULL, 0},
};

/* The capability of delete: true, for servers that cannot delete accounts. */
#define DELETE_CAPABILITY "users.list[].delete"

/* An account the policy deletes on a server that cannot delete any is reported and left as it is
 * (users.manage: exclusive still counts it as listed): dropping only the directive would turn
 * "delete" into "keep active". */
static void leave_undeletable(const struct session *s, const char *id, const char *path, const char *note,
			      json_t *notes)
{
	char text[512];

	snprintf(text, sizeof(text), "%s: %s cannot delete accounts: left as it is%s%s%s", id,
		 s->driver->name, note ? " (" : "", note ? note : "", note ? ")" : "");
	json_array_append_new(notes, json_pack("{s:s,s:s,s:s}", "path", path, "level",
					       capability_level_name(CAP_UNSUPPORTED), "message", text));
}

/* users.directory: the directory's users are desired, at the section's path, each with the fields
 * the directory gives; those it left out are noted with their DN and why. The list, expanded after
 * it, adds users and overrides their fields. */
static int expand_directory(const struct session *s, const json_t *spec, struct desired *out, json_t *notes,
			    struct msg_err *err)
{
	json_t *answer = NULL, *u, *l;
	const char *id;
	char text[1200];
	size_t i;

	if (s->directory == NULL)
		return err_set(err, EXIT_FAILURE_, "users.directory: this command reads no directory");
	if (s->directory->read(s->directory, s, spec, &answer, err) != 0)
		return -1;
	/* the directory's users have no entry of their own in the policy: their changes name the
	 * section, as do those of the accounts it no longer names */
	out->path = "users.directory";
	json_object_foreach(json_object_get(answer, "users"), id, u)
	{
		json_t *item = json_deep_copy(u);

		json_object_del(item, "dn");
		json_object_del(item, "anchor");
		json_object_set_new(out->items, id, item);
	}
	json_array_foreach(json_object_get(answer, "left_out"), i, l)
	{
		snprintf(text, sizeof(text), "%s: left out: %s", json_string_value(json_object_get(l, "dn")),
			 json_string_value(json_object_get(l, "reason")));
		json_array_append_new(notes, json_pack("{s:s,s:s,s:s}", "path", "users.directory", "level",
						       "note", "message", text));
	}
	out->source =
	    json_pack("{s:O,s:O,s:O,s:I,s:I,s:O}", "directory", json_object_get(answer, "directory"), "url",
		      json_object_get(answer, "url"), "entries", json_object_get(answer, "entries"), "users",
		      (json_int_t)json_object_size(json_object_get(answer, "users")), "left_out",
		      (json_int_t)json_array_size(json_object_get(answer, "left_out")), "digest",
		      json_object_get(answer, "digest"));
	json_decref(answer);
	return out->source != NULL ? 0 : err_set(err, EXIT_PROTOCOL, "users.directory: an incomplete answer");
}

static int expand_users(const struct resource_type *t, const struct session *s, const json_t *users,
			struct desired *out, json_t *notes, struct msg_err *err)
{
	const char *manage = json_string_value(json_object_get(users, "manage"));
	const json_t *limit = json_object_get(users, "max_deactivations");
	const char *note = NULL;
	const bool deletable = s == NULL || session_capability(s, DELETE_CAPABILITY, &note) == CAP_MANAGED;
	bool offline = false;
	json_t *u, *id;
	char path[64];
	size_t i;

	out->listed = json_object_get(users, "list");
	out->protect = json_object();
	out->leave = json_object();
	out->protect_path = "users.protect";
	json_array_foreach(json_object_get(users, "protect"), i, id)
	    json_object_set_new(out->protect, json_string_value(id), json_true());
	if (json_object_get(users, "directory") != NULL && s == NULL) {
		/* offline (a snapshot check) there is no directory to ask who should have an account: the
		 * listed ones are checked, and nobody is taken for unlisted */
		offline = true;
		json_array_append_new(
		    notes, json_pack("{s:s,s:s,s:s}", "path", "users.directory", "level", "note", "message",
				     "the accounts that follow the directory are not checked offline: "
				     "only those users.list names"));
	} else if (json_object_get(users, "directory") != NULL &&
		   expand_directory(s, json_object_get(users, "directory"), out, notes, err) != 0) {
		return -1;
	}
	json_array_foreach(json_object_get(users, "list"), i, u)
	{
		const char *key = json_string_value(json_object_get(u, t->key));
		json_t *item = NULL;

		if (key == NULL)
			continue; /* the schema requires it: only a hand-made policy lacks it */
		if (!json_is_true(json_object_get(u, "delete")) && json_object_get(out->items, key) != NULL) {
			item = json_deep_copy(json_object_get(out->items, key)); /* the directory's, */
			json_object_update(item, u);				   /* the list's fields over it */
		} else if (!json_is_true(json_object_get(u, "delete"))) {
			item = json_incref(u); /* shared with the policy: see desired_take_field */
		} else if (!deletable) {
			jpath_index(path, sizeof(path), t->list, i);
			leave_undeletable(s, key, path, note, notes);
			item = json_deep_copy(u);
			json_object_del(item, "delete");
			json_object_set_new(out->leave, key, json_true());
		}
		json_object_set_new(out->items, key, item ? item : json_null());
	}
	out->delete_reason = "delete: true in the policy";
	if (manage != NULL && strcmp(manage, "exclusive") == 0 && !offline) {
		out->unlisted = OP_DEACTIVATE;
		if (out->source != NULL)
			snprintf(
			    out->unlisted_reason, sizeof(out->unlisted_reason),
			    "not among the users of directory %s or users.list (users.manage: exclusive)",
			    json_string_value(json_object_get(out->source, "directory")));
		else
			snprintf(out->unlisted_reason, sizeof(out->unlisted_reason),
				 "not in the policy (users.manage: exclusive)");
	}
	out->limit = json_is_integer(limit) ? json_integer_value(limit) : -1;
	out->limit_path = "users.max_deactivations";
	return 0;
}

/* An entry with delete: true says the account must not exist: it carries nothing else, and a
 * protected account (never changed) cannot be one. */
static int check_users(const struct resource_type *t, const struct policy *p, const json_t *users,
		       struct msg_err *err)
{
	const json_t *protect = json_object_get(users, "protect");
	const char *field;
	json_t *u, *v, *id;
	char path[256];
	size_t i, k;
	int rc = 0;

	json_array_foreach(json_object_get(users, "list"), i, u)
	{
		if (!json_is_true(json_object_get(u, "delete")))
			continue;
		json_object_foreach(u, field, v)
		{
			if (strcmp(field, t->key) == 0 || resource_field_is(t, field, FIELD_DIRECTIVE))
				continue;
			snprintf(path, sizeof(path), "%s[%zu].%s", t->list, i, field);
			document_problem(err, p->file, p->pos, path,
					 "'%s' with delete: true: an account to delete has no fields to set "
					 "(keep id and delete only)",
					 field);
			rc = -1;
		}
		json_array_foreach(protect, k, id)
		{
			if (!json_equal(id, json_object_get(u, t->key)))
				continue;
			snprintf(path, sizeof(path), "%s[%zu].delete", t->list, i);
			document_problem(err, p->file, p->pos, path,
					 "'%s' is in users.protect (never changed) and cannot be deleted",
					 json_string_value(id));
			rc = -1;
		}
	}
	return rc;
}

const struct resource_type resource_user = {
    .name = "user",
    .plural = "users",
    .section = "users",
    .list = "users.list",
    .key = "id",
    .state_key = "users",
    .capability = "users.manage",
    .schema_def = "user",
    .command = "user",
    .fields = user_fields,
    .flags = RESOURCE_ACCOUNTS,
    /* accounts before what may name them; deactivations and deletions last */
    .stage =
	{[OP_CREATE] = 20, [OP_REACTIVATE] = 21, [OP_UPDATE] = 22, [OP_DEACTIVATE] = 90, [OP_DELETE] = 91},
    .export_defaults = "{\"manage\": \"listed\"}",
    .expand = expand_users,
    .check = check_users,
};
