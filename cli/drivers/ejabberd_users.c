/* ejabberd accounts. The account list has names only: display name and e-mail are vCard fields (FN,
 * EMAIL USERID), fetched per user where the policy holds them. ejabberd 23.01 cannot tell a banned
 * account from another, so msgadm marks the accounts it deactivates in their private XML storage and
 * reads that marker for every account. ejabberd stores vCards and private data for names that have no
 * account (and a later registration of the name inherits them), and ban_account creates a missing
 * account: so every write checks that the account exists first, and a creation sets every field. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ejabberd.h"
#include "engine/pool.h"
#include "base/exitcode.h"

/* 23.01 answers 400 with one of these when the account has no vCard, or no such field in it. */
const char *const ej_vcard_unset[] = {"error_no_vcard_found", "error_no_value_found_in_vcard", NULL};

/* The canonical fields kept in the vCard: FN, and the USERID subfield of EMAIL. */
static const struct vcard_field {
	const char *field, *name, *subname;
} vcard_fields[] = {
    {"display_name", "FN", NULL},
    {"email", "EMAIL", "USERID"},
};

#define NFIELDS (sizeof(vcard_fields) / sizeof(vcard_fields[0]))

/* Adds to an existing message, as far as it fits. */
__attribute__((format(printf, 2, 3))) static void append(struct msg_err *err, const char *fmt, ...)
{
	size_t used = strlen(err->text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->text + used, sizeof(err->text) - used, fmt, ap);
	va_end(ap);
}

json_t *ej_vcard_value(const json_t *reply)
{
	const json_t *content = json_object_get(reply, "content");

	if (json_is_string(reply)) {
		for (const char *const *u = ej_vcard_unset; *u != NULL; u++)
			if (strcmp(json_string_value(reply), *u) == 0)
				return json_null();
		return NULL;
	}
	if (!json_is_string(content))
		return NULL;
	/* msgadm clears a field by setting it empty (set_vcard has no "remove") */
	return json_string_length(content) == 0 ? json_null() : json_incref((json_t *)content);
}

int ej_marker_parse(const json_t *reply, bool *deactivated)
{
	static const char open_tag[] = "<" EJ_MARKER_ELEMENT, close_tag[] = "</" EJ_MARKER_ELEMENT ">";
	static const char text[] = "deactivated";
	const char *res = json_string_value(json_object_get(reply, "res")), *p, *end;

	/* 23.01: {"res":"<query xmlns='jabber:iq:private'><msgadm xmlns='urn:msgadm:account'/></query>"}
	 * when nothing is stored, and the stored element (here with text "deactivated") otherwise. */
	if (res == NULL || strstr(res, "<query") == NULL)
		return -1;
	*deactivated = false;
	for (p = res; (p = strstr(p, open_tag)) != NULL; p += sizeof(open_tag) - 1) {
		const char next = p[sizeof(open_tag) - 1];

		if (next != ' ' && next != '>' && next != '/')
			continue;
		if ((end = strchr(p, '>')) == NULL)
			return -1;
		if (end[-1] == '/')
			return 0; /* <msgadm .../>: cleared */
		*deactivated = strncmp(end + 1, text, sizeof(text) - 1) == 0 &&
			       strncmp(end + sizeof(text), close_tag, sizeof(close_tag) - 1) == 0;
		return 0;
	}
	return 0;
}

static void jid_of(const struct session *s, const char *id, char *jid, size_t size)
{
	snprintf(jid, size, "%s@%s", id, s->context->server);
}

/* check_account answers 0 when the account exists and 1 when not, both with 200. */
static int account_exists(struct session *s, const char *id, bool *exists, struct msg_err *err)
{
	json_t *args = ej_user_args(s, id), *r = NULL;
	int rc = ej_call(s, "check_account", args, &r, err);

	json_decref(args);
	if (rc != 0)
		return -1;
	if (!json_is_integer(r) || (json_integer_value(r) != 0 && json_integer_value(r) != 1))
		rc = err_set(err, EXIT_PROTOCOL, "ejabberd: check_account: the reply is neither 0 nor 1");
	else
		*exists = json_integer_value(r) == 0;
	json_decref(r);
	return rc;
}

static int must_exist(struct session *s, const char *id, const char *why, struct msg_err *err)
{
	bool exists = false;

	if (account_exists(s, id, &exists, err) != 0)
		return -1;
	if (!exists)
		return err_set(err, EXIT_FAILURE_, "ejabberd: no user %s@%s%s", id, s->context->server, why);
	return 0;
}

static int read_marker(struct session *s, const char *id, bool *deactivated, struct msg_err *err)
{
	json_t *args = ej_user_args(s, id), *r = NULL;
	int rc;

	json_object_set_new(args, "element", json_string(EJ_MARKER_ELEMENT));
	json_object_set_new(args, "ns", json_string(EJ_MARKER_NS));
	rc = ej_call(s, "private_get", args, &r, err);
	if (rc == 0 && ej_marker_parse(r, deactivated) != 0)
		rc = err_set(err, EXIT_PROTOCOL,
			     "ejabberd: private_get: the reply is not {\"res\": \"<query ...>...</query>\"}");
	json_decref(r);
	json_decref(args);
	return rc;
}

static int write_marker(struct session *s, const char *id, bool deactivated, struct msg_err *err)
{
	json_t *args = ej_user_args(s, id);
	int rc;

	json_object_set_new(args, "element", json_string(deactivated ? EJ_MARKER_SET : EJ_MARKER_CLEAR));
	rc = ej_call(s, "private_set", args, NULL, err);
	json_decref(args);
	return rc;
}

static json_t *vcard_args(const struct session *s, const char *id, const struct vcard_field *f)
{
	json_t *args = ej_user_args(s, id);

	json_object_set_new(args, "name", json_string(f->name));
	if (f->subname != NULL)
		json_object_set_new(args, "subname", json_string(f->subname));
	return args;
}

/* One vCard field: a string, or null when not set. */
static int read_field(struct session *s, const char *id, const struct vcard_field *f, json_t **value,
		      struct msg_err *err)
{
	const char *command = f->subname ? "get_vcard2" : "get_vcard";
	json_t *args = vcard_args(s, id, f), *r = NULL;
	int rc = ej_call_expect(s, command, args, ej_vcard_unset, &r, err);

	if (rc == 0 && (*value = ej_vcard_value(r)) == NULL)
		rc = err_set(err, EXIT_PROTOCOL, "ejabberd: %s: the reply is not {\"content\": \"...\"}",
			     command);
	json_decref(r);
	json_decref(args);
	return rc;
}

/* Sets one vCard field; null (or absent) clears it. */
static int write_field(struct session *s, const char *id, const struct vcard_field *f, const json_t *value,
		       struct msg_err *err)
{
	json_t *args = vcard_args(s, id, f);
	int rc;

	json_object_set_new(args, "content",
			    json_string(json_is_string(value) ? json_string_value(value) : ""));
	rc = ej_call(s, f->subname ? "set_vcard2" : "set_vcard", args, NULL, err);
	json_decref(args);
	return rc;
}

/* Whether details (see driver.h) asks for field of user id. */
static bool wants(const json_t *details, const char *id, const char *field)
{
	json_t *f;
	size_t i;

	if (json_is_true(details))
		return true;
	json_array_foreach(json_object_get(details, id), i, f)
	{
		if (json_is_string(f) && strcmp(json_string_value(f), field) == 0)
			return true;
	}
	return false;
}

/* Adds "active" (from the marker) and the vCard fields details asks for to user. Every account gets
 * "active": the engine compares it for every listed user (absent means true in a policy) and, with
 * users.manage: exclusive, for every other account too. */
static int fill_user(struct session *s, const char *id, const json_t *details, json_t *user,
		     struct msg_err *err)
{
	bool deactivated = false;
	json_t *v = NULL;

	if (read_marker(s, id, &deactivated, err) != 0)
		return -1;
	json_object_set_new(user, "active", json_boolean(!deactivated));
	for (size_t i = 0; i < NFIELDS; i++) {
		if (!wants(details, id, vcard_fields[i].field))
			continue;
		if (read_field(s, id, &vcard_fields[i], &v, err) != 0)
			return -1;
		json_object_set_new(user, vcard_fields[i].field, v);
	}
	return 0;
}

/* "admin" for every user, when the context keeps admins (see ejabberd_admins.c). */
static void set_admin(const struct session *s, const json_t *admins, const char *id, json_t *user)
{
	char jid[600];

	if (admins == NULL)
		return;
	snprintf(jid, sizeof(jid), "%s@%s", id, s->context->server);
	json_object_set_new(user, "admin", json_boolean(json_object_get(admins, jid) != NULL));
}

struct filling {
	const json_t *details;
	json_t **users; /* by index of the server's list: each is filled by one worker */
};

static int fill_one(struct session *w, size_t i, void *ctx, struct msg_err *err)
{
	struct filling *f = ctx;
	json_t *user = f->users[i];

	return fill_user(w, json_string_value(json_object_get(user, "id")), f->details, user, err);
}

int ejabberd_list_users(struct session *s, const json_t *details, json_t **users, struct msg_err *err)
{
	json_t *args = json_pack("{s:s}", "host", s->context->server), *names = NULL, *all = json_object();
	json_t *name, *admins = NULL;
	struct filling f = {.details = details};
	size_t i;
	int rc = -1;

	if (ej_admins_read(s, &admins, err) != 0 || ej_call(s, "registered_users", args, &names, err) != 0)
		goto done;
	if (!json_is_array(names)) {
		err_set(err, EXIT_PROTOCOL, "ejabberd: registered_users: the reply is not a list");
		goto done;
	}
	f.users = calloc(json_array_size(names) ? json_array_size(names) : 1, sizeof(*f.users));
	if (f.users == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	json_array_foreach(names, i, name)
	{
		const char *id = json_string_value(name);

		if (id == NULL) {
			err_set(err, EXIT_PROTOCOL,
				"ejabberd: registered_users: the list holds a non-string");
			goto done;
		}
		if (json_object_get(all, id) != NULL) {
			err_set(err, EXIT_PROTOCOL, "ejabberd: registered_users: the list names %s twice",
				id);
			goto done;
		}
		f.users[i] = json_pack("{s:s}", "id", id);
		json_object_set_new(all, id, f.users[i]);
		set_admin(s, admins, id, f.users[i]);
	}
	/* a few calls per account: on a large server, this is the long part, on every worker */
	if (session_each(s, "users", json_array_size(names), fill_one, &f, err) != 0)
		goto done;
	rc = 0;
done:
	free(f.users);
	json_decref(admins);
	json_decref(args);
	json_decref(names);
	if (rc == 0)
		*users = all;
	else
		json_decref(all);
	return rc;
}

int ejabberd_get_user(struct session *s, const char *id, json_t **user, struct msg_err *err)
{
	bool exists = false;
	json_t *u, *admins = NULL;

	if (account_exists(s, id, &exists, err) != 0)
		return -1;
	if (!exists) {
		*user = NULL;
		return 0;
	}
	if (ej_admins_read(s, &admins, err) != 0)
		return -1;
	u = json_pack("{s:s}", "id", id);
	set_admin(s, admins, id, u);
	json_decref(admins);
	if (fill_user(s, id, json_true(), u, err) != 0) {
		json_decref(u);
		return -1;
	}
	*user = u;
	return 0;
}

/* Writes the vCard fields present in fields (every one of them with all: absent ones are cleared). */
static int write_fields(struct session *s, const char *id, const json_t *fields, bool all,
			struct msg_err *err)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		const json_t *v = json_object_get(fields, vcard_fields[i].field);

		if ((v != NULL || all) && write_field(s, id, &vcard_fields[i], v, err) != 0)
			return -1;
	}
	return 0;
}

/* After a register whose reply was lost: the plan saw no such account, so one that exists now is taken
 * to be the one just registered. Returns 0 when it exists (err cleared), -1 with err extended. */
static int registered_after_all(struct session *s, const char *id, const char *jid, struct msg_err *err)
{
	struct msg_err again = {0};
	bool exists = false;

	if (account_exists(s, id, &exists, &again) != 0) {
		append(err, "; checking whether %s exists failed too: %s", jid, again.text);
		return -1;
	}
	if (!exists) {
		append(err, "; %s does not exist: nothing was created", jid);
		err->unknown_outcome = false;
		return -1;
	}
	err_clear(err);
	return 0;
}

int ejabberd_create_user(struct session *s, const json_t *change, struct msg_err *err)
{
	const json_t *user = json_object_get(change, "after");
	const char *id = change_key(change);
	char jid[600], what[640], password[EJ_PASSWORD_LEN + 1] = "";
	json_t *args = NULL;
	int fd = -1, rc = -1;

	jid_of(s, id, jid, sizeof(jid));
	snprintf(what, sizeof(what), "creating %s", jid);
	/* without config_fragment there is nowhere to keep admin rights: refuse before creating anything */
	if (json_is_true(json_object_get(user, "admin")) && ej_config_fragment(s->context) == NULL)
		return ej_admins_set(s, id, true, err);
	if (ej_credentials_open(s, what, &fd, err) != 0)
		return -1;
	if (ej_password_new(password, err) != 0)
		goto done;
	args = ej_user_args(s, id);
	json_object_set_new(args, "password", json_string(password));
	if (ej_call(s, "register", args, NULL, err) != 0 &&
	    (!err->unknown_outcome || registered_after_all(s, id, jid, err) != 0))
		goto done;
	rc = ej_credentials_write(s, fd, jid, password, err);
	fd = -1;
	if (rc != 0) {
		err_prefix(err,
			   "ejabberd: %s was created, but its password could not be saved "
			   "(deactivate and reactivate it to set a new one)",
			   jid);
		goto done;
	}
	/* a vCard or marker left under this name before the account existed would be inherited */
	rc = write_marker(s, id, false, err) == 0 && write_fields(s, id, user, true, err) == 0 ? 0 : -1;
	if (rc == 0 && json_is_true(json_object_get(user, "admin")))
		rc = ej_admins_set(s, id, true, err);
	if (rc != 0)
		err_prefix(err, "ejabberd: %s was created, but", jid);
done:
	if (fd >= 0)
		close(fd);
	if (args != NULL) /* jansson keeps its own copy of the string: wipe both */
		explicit_bzero((char *)json_string_value(json_object_get(args, "password")),
			       strlen(password));
	explicit_bzero(password, sizeof(password));
	json_decref(args);
	return rc;
}

int ejabberd_update_user(struct session *s, const json_t *change, struct msg_err *err)
{
	const char *id = change_key(change);
	json_t *fields = change_targets(change);
	const json_t *admin = json_object_get(fields, "admin");
	int rc;

	if (admin != NULL && ej_config_fragment(s->context) == NULL)
		rc = ej_admins_set(s, id, json_is_true(admin), err); /* refuses, naming why */
	else if (must_exist(s, id, " (set_vcard would store a vCard for a missing account)", err) != 0 ||
		 write_fields(s, id, fields, false, err) != 0)
		rc = -1;
	else
		rc = admin != NULL ? ej_admins_set(s, id, json_is_true(admin), err) : 0;
	json_decref(fields);
	return rc;
}

/* 23.01's ban_account kicks the sessions and sets a random password; then the marker says so. */
int ejabberd_deactivate_user(struct session *s, const json_t *change, struct msg_err *err)
{
	const char *id = change_key(change);
	json_t *args;
	int rc;

	if (must_exist(s, id, " (ban_account would create it)", err) != 0)
		return -1;
	args = ej_user_args(s, id);
	json_object_set_new(args, "reason", json_string("deactivated by msgadm"));
	rc = ej_call(s, "ban_account", args, NULL, err);
	json_decref(args);
	return rc == 0 ? write_marker(s, id, true, err) : -1;
}

/* 23.01 has no unban: a new password undoes ban_account's random one. */
int ejabberd_reactivate_user(struct session *s, const json_t *change, struct msg_err *err)
{
	const char *id = change_key(change);
	char jid[600], what[640], password[EJ_PASSWORD_LEN + 1] = "";
	json_t *args = NULL;
	int fd = -1, rc = -1;

	jid_of(s, id, jid, sizeof(jid));
	snprintf(what, sizeof(what), "reactivating %s", jid);
	if (ej_credentials_open(s, what, &fd, err) != 0)
		return -1;
	if (must_exist(s, id, "", err) != 0 || ej_password_new(password, err) != 0)
		goto done;
	args = ej_user_args(s, id);
	json_object_set_new(args, "newpass", json_string(password));
	if (ej_call(s, "change_password", args, NULL, err) != 0)
		goto done;
	rc = ej_credentials_write(s, fd, jid, password, err);
	fd = -1;
	if (rc != 0) {
		err_prefix(err,
			   "ejabberd: %s was given a new password that could not be saved "
			   "(reactivate it again to set another)",
			   jid);
		goto done;
	}
	rc = write_marker(s, id, false, err);
done:
	if (fd >= 0)
		close(fd);
	if (args != NULL)
		explicit_bzero((char *)json_string_value(json_object_get(args, "newpass")), strlen(password));
	explicit_bzero(password, sizeof(password));
	json_decref(args);
	return rc;
}

/* unregister answers "" whether or not the account existed: msgadm checks before and after. Admin
 * rights go first: the ACL names a JID, and the next account of that name would inherit them. */
int ejabberd_delete_user(struct session *s, const json_t *change, struct msg_err *err)
{
	const char *id = change_key(change);
	json_t *args, *admins = NULL;
	bool exists = true;
	char jid[600];
	int rc;

	jid_of(s, id, jid, sizeof(jid));
	if (must_exist(s, id, ": nothing to delete", err) != 0 || ej_admins_read(s, &admins, err) != 0)
		return -1;
	rc = json_object_get(admins, jid) != NULL ? ej_admins_set(s, id, false, err) : 0;
	json_decref(admins);
	if (rc != 0)
		return err_prefix(err, "ejabberd: %s was not deleted", jid);
	args = ej_user_args(s, id);
	rc = ej_call(s, "unregister", args, NULL, err);
	json_decref(args);
	if (rc != 0 || account_exists(s, id, &exists, err) != 0)
		return -1;
	if (exists)
		return err_set(err, EXIT_PROTOCOL,
			       "ejabberd: unregister %s answered, but the account is still there", jid);
	return 0;
}
