/* The Matrix Synapse driver: admin API v1/v2, Synapse 1.67 and later.
 * Real servers answer booleans as 0/1, paginate with a string next_token that is absent on the last
 * page, and answer unknown endpoints with 400 M_UNRECOGNIZED: see tests/emu/synapse_emu.py. */
#include "synapse.h"

#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "engine/duration.h"

const struct capability synapse_capabilities[] = {
    {"users.list[].display_name", CAP_MANAGED, "PUT /_synapse/admin/v2/users/<id> (displayname)"},
    {"users.list[].email", CAP_MANAGED, "PUT /_synapse/admin/v2/users/<id> (threepids)"},
    {"users.list[].admin", CAP_MANAGED, "PUT /_synapse/admin/v2/users/<id> (admin)"},
    {"users.list[].active", CAP_MANAGED, "POST /_synapse/admin/v1/deactivate, PUT deactivated: false"},
    {"users.list[].delete", CAP_UNSUPPORTED,
     "Synapse keeps every account it ever had; active: false deactivates one (POST "
     "/_synapse/admin/v1/deactivate)"},
    {"users.manage", CAP_MANAGED, "GET /_synapse/admin/v2/users"},
    {"invites.tokens", CAP_MANAGED, "/_synapse/admin/v1/registration_tokens"},
    {"invites.registration", CAP_CONFIG, "homeserver.yaml: enable_registration, registration_requires_token"},
    {"invites.allowed_domains", CAP_CONFIG, "homeserver.yaml: allowed_local_3pids"},
    {"invites.guests", CAP_CONFIG, "homeserver.yaml: allow_guest_access"},
    {"federation", CAP_MANAGED,
     "m.room.server_acl in every federatable room (the admin joins through make_room_admin where it "
     "must); homeserver.yaml federation_domain_whitelist shown as a note"},
    {"retention.default", CAP_CONFIG, "homeserver.yaml: retention.default_policy"},
    {"retention.rooms", CAP_MANAGED,
     "m.room.retention per room, in ms (PUT /_matrix/client/v3/rooms/<id>/state; aliases via the directory)"},
    {NULL, CAP_UNSUPPORTED, NULL},
};

/* A Matrix 429 says how long to wait in its body: {"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": N}. */
static long synapse_retry_hint_ms(long status, const json_t *body)
{
	const json_t *ms = status == 429 ? json_object_get(body, "retry_after_ms") : NULL;

	if (!json_is_integer(ms))
		return -1;
	return json_integer_value(ms) < 86400000 ? (long)json_integer_value(ms) : 86400000L;
}

int syn_duration_ms(const char *text, const char *path, const char *field, int64_t *ms, struct msg_err *err)
{
	const char *why = NULL;
	int64_t parsed;

	if (duration_parse_ms(text, &parsed, &why) != 0)
		return err_set(err, EXIT_DATAERR, "%s.%s: '%s' is %s", path, field, text, why);
	if (parsed > SYN_MS_MAX)
		return err_set(err, EXIT_DATAERR,
			       "%s.%s: '%s' is longer than 2^53-1 ms, the largest number Matrix carries",
			       path, field, text);
	*ms = parsed;
	return 0;
}

int syn_bool(const json_t *v)
{
	return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
}

/* Synapse takes "@" and ":" raw in admin paths (observed on 1.67), which keeps messages readable;
 * the parts in between are escaped, since a localpart may hold "/" or "=". */
char *syn_user_path_id(const struct session *s, const char *local)
{
	char *l = http_escape(local), *d = http_escape(s->context->server), *out = NULL;

	if (l == NULL || d == NULL || asprintf(&out, "@%s:%s", l, d) < 0)
		out = NULL;
	free(l);
	free(d);
	return out;
}

char *syn_local_part(const struct session *s, const char *user_id)
{
	const char *colon;

	if (user_id == NULL || user_id[0] != '@' || (colon = strchr(user_id, ':')) == NULL ||
	    strcmp(colon + 1, s->context->server) != 0)
		return NULL;
	return strndup(user_id + 1, (size_t)(colon - user_id - 1));
}

static int status_class(long status)
{
	if (status == 401 || status == 403)
		return EXIT_NOPERM;
	if (status == 429)
		return EXIT_TEMPFAIL;
	if (status >= 500)
		return EXIT_UNAVAILABLE;
	return EXIT_FAILURE_;
}

/* Strips the query string from a path for messages. */
static void path_only(char *out, size_t size, const char *path)
{
	size_t n = strcspn(path, "?");

	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), path);
}

static int reply_error(const char *method, const char *where, const struct http_reply *r, struct msg_err *err)
{
	const char *errcode = json_string_value(json_object_get(r->json, "errcode"));
	const char *error = json_string_value(json_object_get(r->json, "error"));

	if (errcode == NULL)
		return err_set(
		    err, status_class(r->status) == EXIT_FAILURE_ ? EXIT_PROTOCOL : status_class(r->status),
		    "synapse: %s %s: %ld with a reply that is not a Matrix error (%.60s%s)", method, where,
		    r->status, r->body, r->body_len > 60 ? "..." : "");
	if (r->status == 400 && strcmp(errcode, "M_UNRECOGNIZED") == 0)
		return err_set(err, EXIT_PROTOCOL,
			       "synapse: %s %s: 400 M_UNRECOGNIZED: %s (is this Synapse 1.67 or later?)",
			       method, where, error ? error : "");
	return err_set(err, status_class(r->status), "synapse: %s %s: %ld %s: %s", method, where, r->status,
		       errcode, error ? error : "");
}

int syn_call(struct session *s, const char *method, const char *path, const json_t *body,
	     enum http_retry retry, const long *allowed, long *status, json_t **reply, struct msg_err *err)
{
	struct http_reply r = {0};
	char where[512];
	int rc = -1;

	path_only(where, sizeof(where), path);
	if (http_request(s->http, method, path, body, retry, &r, err) != 0)
		return -1;
	if (status != NULL)
		*status = r.status;
	for (const long *a = allowed; a && *a; a++)
		if (*a == r.status) {
			rc = 0;
			goto done;
		}
	if (r.status < 200 || r.status > 299) {
		reply_error(method, where, &r, err);
		err->http_status = r.status;
		goto fail;
	}
	if (reply != NULL && !json_is_object(r.json)) {
		err_set(err, EXIT_PROTOCOL,
			"synapse: %s %s: %ld but the reply is not a JSON object (%.60s%s)", method, where,
			r.status, r.body, r.body_len > 60 ? "..." : "");
		goto fail;
	}
	if (reply != NULL)
		*reply = json_incref(r.json);
	rc = 0;
	goto done;
fail:
	/* the message quotes the server, which may echo the token back */
	http_redact(s->http, err->text, sizeof(err->text));
done:
	http_reply_clear(&r);
	return rc;
}

static int synapse_server_info(struct session *s, json_t **info, struct msg_err *err)
{
	json_t *r = NULL;

	if (syn_call(s, "GET", "/_synapse/admin/v1/server_version", NULL, HTTP_IDEMPOTENT, NULL, NULL, &r,
		     err) != 0)
		return -1;
	if (!json_is_string(json_object_get(r, "server_version"))) {
		json_decref(r);
		return err_set(err, EXIT_PROTOCOL,
			       "synapse: GET /_synapse/admin/v1/server_version: reply lacks server_version");
	}
	*info = r;
	return 0;
}

static int synapse_whoami(struct session *s, char **id, struct msg_err *err)
{
	const char *path = "/_matrix/client/v3/account/whoami";
	json_t *r = NULL;
	const char *user_id;
	char *local;

	if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, NULL, NULL, &r, err) != 0)
		return -1;
	user_id = json_string_value(json_object_get(r, "user_id"));
	local = syn_local_part(s, user_id);
	if (local == NULL) {
		err_set(err, EXIT_PROTOCOL, "synapse: GET %s: the token belongs to '%s', not a user of %s",
			path, user_id ? user_id : "?", s->context->server);
		json_decref(r);
		return -1;
	}
	json_decref(r);
	*id = local;
	return 0;
}

/* Room state the policy governs room by room: the engine diffs their items, keyed by room id. */
static const struct resource_type room_acl = {.name = "room_acl", .plural = "room server ACLs"};
static const struct resource_type room_retention = {.name = "room_retention",
						    .plural = "room retention rules"};

/* An account or a token is one item behind one request or a few: none shares anything with another. */
static bool independent(const json_t *change)
{
	(void)change;
	return true;
}

static const struct resource_ops synapse_resources[] = {
    {
	.type = &resource_user,
	.list = synapse_list_users,
	.get = synapse_get_user,
	.apply = {[OP_CREATE] = synapse_create_user,
		  [OP_UPDATE] = synapse_update_user,
		  [OP_DEACTIVATE] = synapse_deactivate_user,
		  [OP_REACTIVATE] = synapse_reactivate_user},
	.concurrent = independent,
    },
    {
	.type = &resource_token,
	.list = synapse_list_tokens,
	.apply = {[OP_CREATE] = synapse_create_token,
		  [OP_UPDATE] = synapse_update_token,
		  [OP_DELETE] = synapse_delete_token},
	.concurrent = independent,
    },
    {
	.type = &room_acl,
	.section = "federation",
	.read = synapse_federation_read,
	.apply = {[OP_CREATE] = synapse_federation_apply, [OP_UPDATE] = synapse_federation_apply},
    },
    {
	.type = &room_retention,
	.section = "retention.rooms",
	.read = synapse_retention_read,
	.apply = {[OP_CREATE] = synapse_retention_apply, [OP_UPDATE] = synapse_retention_apply},
    },
    {.type = NULL},
};

/* Synapse 1.67's localpart characters (synapse/types.py), and a user id of at most 255 bytes. */
static int synapse_local_id_check(const struct context *ctx, const char *id, char *why, size_t size)
{
	size_t full = 1 + strlen(id) + 1 + strlen(ctx->server);

	if (*id == '\0') {
		snprintf(why, size, "it is empty");
		return -1;
	}
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr("_-./=", *c))) {
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				snprintf(why, size,
					 "a Matrix localpart takes a-z, 0-9 and _-./= only (byte 0x%02x)",
					 (unsigned char)*c);
			else
				snprintf(why, size, "a Matrix localpart takes a-z, 0-9 and _-./= only ('%c')",
					 *c);
			return -1;
		}
	if (full > 255) {
		snprintf(why, size, "@%s:%s would be %zu bytes; Matrix allows 255", id, ctx->server, full);
		return -1;
	}
	return 0;
}

const struct driver drv_synapse = {
    .name = "synapse",
    .local_id_check = synapse_local_id_check,
    .product = "Synapse",
    .retry_hint_ms = synapse_retry_hint_ms,
    .capabilities = synapse_capabilities,
    .resources = synapse_resources,
    .server_info = synapse_server_info,
    .whoami = synapse_whoami,
    .list_rooms = synapse_list_rooms,
    .get_room = synapse_get_room,
    .list_room_names = synapse_list_room_names,
    .list_event_reports = synapse_list_event_reports,
    .render_config = synapse_render_config,
    .config_file = "synapse-config",
    .render_config_file = synapse_render_config_file,
    .export_sections = synapse_export_sections,
    .enforce_retention = synapse_enforce_retention,
};
