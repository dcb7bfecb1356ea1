/* Synapse users: the v2 user admin API. Users are local ids in the canonical model and
 * @id:server on the wire. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "base/exitcode.h"
#include "synapse.h"
#include "engine/pool.h"

json_t *synapse_user_from_wire(const struct session *s, const json_t *wire)
{
	char *local = syn_local_part(s, json_string_value(json_object_get(wire, "name")));
	const json_t *name = json_object_get(wire, "displayname");
	const json_t *threepids = json_object_get(wire, "threepids");
	json_t *user, *t;
	size_t i;

	if (local == NULL)
		return NULL;
	/* built member by member: json_pack parses its format once per user of a 100,000-user list */
	user = json_object();
	if (json_object_set_new(user, "id", json_string(local)) != 0) { /* it takes the string, even then */
		free(local);
		json_decref(user);
		return NULL;
	}
	free(local);
	if (json_is_string(name))
		json_object_set(user, "display_name", (json_t *)name);
	json_object_set_new(user, "admin", json_boolean(syn_bool(json_object_get(wire, "admin"))));
	json_object_set_new(user, "active", json_boolean(!syn_bool(json_object_get(wire, "deactivated"))));
	if (json_is_array(threepids)) {
		json_object_set_new(user, "email", json_null());
		json_array_foreach(threepids, i, t)
		{
			const char *medium = json_string_value(json_object_get(t, "medium"));
			if (medium && strcmp(medium, "email") == 0 &&
			    json_is_string(json_object_get(t, "address"))) {
				json_object_set(user, "email", json_object_get(t, "address"));
				break;
			}
		}
	}
	return user;
}

/* One page: adds its users to `users`; *next gets the next `from` (malloc'd) or NULL at the end, and
 * *total the server's count of them all (left as it was when the reply has none). */
static int list_page(struct session *s, const char *from, json_t *users, char **next, long *total,
		     struct msg_err *err)
{
	char path[256];
	json_t *r = NULL, *u, *token;
	size_t i;
	int rc = -1;

	snprintf(path, sizeof(path),
		 "/_synapse/admin/v2/users?from=%s&limit=%d&guests=false&deactivated=true", from,
		 s->context->page_size > 0 ? s->context->page_size : 500);
	if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, NULL, NULL, &r, err) != 0)
		return -1;
	if (!json_is_array(json_object_get(r, "users"))) {
		err_set(err, EXIT_PROTOCOL,
			"synapse: GET /_synapse/admin/v2/users: reply lacks a 'users' list");
		goto done;
	}
	json_array_foreach(json_object_get(r, "users"), i, u)
	{
		json_t *user = synapse_user_from_wire(s, u);
		if (user != NULL)
			json_object_set_new(users, json_string_value(json_object_get(user, "id")), user);
	}
	if (json_is_integer(json_object_get(r, "total")))
		*total = (long)json_integer_value(json_object_get(r, "total"));
	token = json_object_get(r, "next_token");
	*next = NULL;
	/* A string per the observed server; older documentation shows an integer. */
	if (json_is_string(token))
		*next = strdup(json_string_value(token));
	else if (json_is_integer(token) &&
		 asprintf(next, "%" JSON_INTEGER_FORMAT, json_integer_value(token)) < 0)
		*next = NULL;
	else if (token != NULL && !json_is_null(token) && !json_is_integer(token)) {
		err_set(err, EXIT_PROTOCOL,
			"synapse: GET /_synapse/admin/v2/users: next_token is neither string nor number");
		goto done;
	}
	if (*next != NULL && strcmp(*next, from) == 0) {
		free(*next);
		*next = NULL;
		err_set(err, EXIT_PROTOCOL, "synapse: GET /_synapse/admin/v2/users: next_token repeats '%s'",
			from);
		goto done;
	}
	rc = 0;
done:
	json_decref(r);
	return rc;
}

/* The list API lacks threepids: fetch e-mail per user, only where details asks for it. */
static int wants_email(const json_t *details, const char *id)
{
	json_t *f;
	size_t i;

	if (json_is_true(details))
		return 1;
	json_array_foreach(json_object_get(details, id), i, f)
	{
		if (strcmp(json_string_value(f), "email") == 0)
			return 1;
	}
	return 0;
}

struct emails {
	json_t **users; /* the users whose e-mail is wanted */
	const char **ids;
	json_t **full; /* each one's full record, by its own worker */
};

static int read_email(struct session *w, size_t i, void *ctx, struct msg_err *err)
{
	struct emails *e = ctx;

	return synapse_get_user(w, e->ids[i], &e->full[i], err);
}

static int fill_details(struct session *s, const json_t *details, json_t *users, struct msg_err *err)
{
	size_t n = 0, wanted = 0;
	struct emails e;
	const char *id;
	json_t *u;
	int rc = -1;

	/* details NULL or empty asks for no address: nothing to look at per user */
	if (details == NULL || (!json_is_true(details) && json_object_size(details) == 0))
		return 0;
	wanted = json_object_size(users);
	e.users = calloc(wanted ? wanted : 1, sizeof(*e.users));
	e.ids = calloc(wanted ? wanted : 1, sizeof(*e.ids));
	e.full = calloc(wanted ? wanted : 1, sizeof(*e.full));
	if (e.users == NULL || e.ids == NULL || e.full == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	json_object_foreach(users, id, u)
	{
		if (wants_email(details, id)) {
			e.users[n] = u;
			e.ids[n++] = id;
		}
	}
	if (session_each(s, "e-mail addresses", n, read_email, &e, err) != 0)
		goto done;
	for (size_t i = 0; i < n; i++)
		if (e.full[i] != NULL)
			json_object_set(e.users[i], "email", json_object_get(e.full[i], "email"));
	rc = 0;
done:
	for (size_t i = 0; e.full != NULL && i < n; i++)
		json_decref(e.full[i]);
	free(e.users);
	free(e.ids);
	free(e.full);
	return rc;
}

int synapse_list_users(struct session *s, const json_t *details, json_t **users, struct msg_err *err)
{
	json_t *all = json_object();
	char *from = strdup("0"), *next = NULL;
	long total = -1, done = 0;

	session_progress(s, "users", 0, -1);
	while (from != NULL) {
		if (list_page(s, from, all, &next, &total, err) != 0)
			goto fail;
		free(from);
		from = next;
		done = (long)json_object_size(all);
		/* the server's total is a hint (accounts come and go): the read ends when the pages do */
		session_progress(s, "users", done, from == NULL ? done : total > done ? total : -1);
	}
	if (details != NULL && fill_details(s, details, all, err) != 0)
		goto fail;
	*users = all;
	return 0;
fail:
	free(from);
	json_decref(all);
	return -1;
}

int synapse_get_user(struct session *s, const char *id, json_t **user, struct msg_err *err)
{
	static const long not_found[] = {404, 0};
	char *uid = syn_user_path_id(s, id), *path = NULL;
	json_t *r = NULL;
	long status = 0;
	int rc = -1;

	if (uid == NULL || asprintf(&path, "/_synapse/admin/v2/users/%s", uid) < 0) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, not_found, &status, &r, err) != 0)
		goto done;
	*user = status == 404 ? NULL : synapse_user_from_wire(s, r);
	if (status != 404 && *user == NULL) {
		err_set(err, EXIT_PROTOCOL,
			"synapse: GET /_synapse/admin/v2/users/@%s:%s: reply names another user", id,
			s->context->server);
		goto done;
	}
	rc = 0;
done:
	json_decref(r);
	free(path);
	free(uid);
	return rc;
}

/* PUT /_synapse/admin/v2/users/<id>: creates or modifies; PUT is idempotent, so retries are safe. */
static int put_user(struct session *s, const char *id, const json_t *body, struct msg_err *err)
{
	char *uid = syn_user_path_id(s, id), *path = NULL;
	int rc = -1;

	if (uid == NULL || asprintf(&path, "/_synapse/admin/v2/users/%s", uid) < 0)
		rc = err_set(err, EXIT_FAILURE_, "out of memory");
	else
		rc = syn_call(s, "PUT", path, body, HTTP_IDEMPOTENT, NULL, NULL, NULL, err);
	free(path);
	free(uid);
	return rc;
}

/* Canonical fields -> Synapse body. E-mail replaces the email threepids and keeps the others. */
static json_t *wire_fields(const json_t *fields, const json_t *current_threepids)
{
	json_t *body = json_object();
	const json_t *v;

	if ((v = json_object_get(fields, "display_name")) != NULL)
		json_object_set(body, "displayname", (json_t *)v);
	if ((v = json_object_get(fields, "admin")) != NULL)
		json_object_set(body, "admin", (json_t *)v);
	if ((v = json_object_get(fields, "email")) != NULL) {
		json_t *threepids = json_array(), *t;
		size_t i;

		json_array_foreach(current_threepids, i, t)
		{
			const char *medium = json_string_value(json_object_get(t, "medium"));
			if (medium && strcmp(medium, "email") != 0)
				json_array_append_new(threepids,
						      json_pack("{s:s,s:O}", "medium", medium, "address",
								json_object_get(t, "address")));
		}
		if (json_is_string(v))
			json_array_append_new(threepids,
					      json_pack("{s:s,s:O}", "medium", "email", "address", v));
		json_object_set_new(body, "threepids", threepids);
	}
	return body;
}

int synapse_create_user(struct session *s, const json_t *change, struct msg_err *err)
{
	const json_t *user = json_object_get(change, "after");
	json_t *body = wire_fields(user, NULL);
	int rc = put_user(s, json_string_value(json_object_get(user, "id")), body, err);

	json_decref(body);
	return rc;
}

int synapse_update_user(struct session *s, const json_t *change, struct msg_err *err)
{
	const char *id = change_key(change);
	char *uid = NULL, *path = NULL;
	json_t *current = NULL, *body = NULL, *fields = change_targets(change);
	int rc = -1;

	/* Other threepids (phone numbers) must survive an e-mail change: read them first. */
	if (json_object_get(fields, "email") != NULL) {
		uid = syn_user_path_id(s, id);
		if (uid == NULL || asprintf(&path, "/_synapse/admin/v2/users/%s", uid) < 0) {
			err_set(err, EXIT_FAILURE_, "out of memory");
			goto done;
		}
		if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, NULL, NULL, &current, err) != 0)
			goto done;
	}
	body = wire_fields(fields, json_object_get(current, "threepids"));
	rc = put_user(s, id, body, err);
done:
	json_decref(fields);
	json_decref(body);
	json_decref(current);
	free(path);
	free(uid);
	return rc;
}

int synapse_deactivate_user(struct session *s, const json_t *change, struct msg_err *err)
{
	char *uid = syn_user_path_id(s, change_key(change)), *path = NULL;
	json_t *body = json_pack("{s:b}", "erase", 0);
	int rc;

	if (uid == NULL || asprintf(&path, "/_synapse/admin/v1/deactivate/%s", uid) < 0)
		rc = err_set(err, EXIT_FAILURE_, "out of memory");
	else /* deactivation is idempotent on the server (200 again), so a retry is harmless */
		rc = syn_call(s, "POST", path, body, HTTP_IDEMPOTENT, NULL, NULL, NULL, err);
	json_decref(body);
	free(path);
	free(uid);
	return rc;
}

/* Synapse requires a password to reactivate an account. msgadm sets a random one that nobody sees:
 * the user regains access through the organisation's usual reset or single sign-on. */
int synapse_reactivate_user(struct session *s, const json_t *change, struct msg_err *err)
{
	const char *id = change_key(change);
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[32];
	char password[sizeof(raw) + 1];
	json_t *body;
	int rc;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return err_set(err, EXIT_FAILURE_, "cannot get random bytes for the reactivation password");
	for (size_t i = 0; i < sizeof(raw); i++)
		password[i] = alphabet[raw[i] % 64];
	password[sizeof(raw)] = '\0';
	body = json_pack("{s:b,s:s}", "deactivated", 0, "password", password);
	rc = put_user(s, id, body, err);
	/* jansson keeps its own copy of the string: wipe both */
	explicit_bzero((char *)json_string_value(json_object_get(body, "password")), strlen(password));
	explicit_bzero(password, sizeof(password));
	explicit_bzero(raw, sizeof(raw));
	json_decref(body);
	return rc;
}
