/* The ejabberd driver: the ReST admin API of mod_http_api (POST {url}/api/<command> with a JSON object
 * of named arguments), as ejabberd 23.01 (Debian bookworm) answers it. Results are bare JSON values;
 * errors come as {"status":"error","code":N,"message":"..."}, as bare strings ("Unknown virtual host"),
 * or as an HTML page; some commands answer 200 with 1 for "failed". This file maps all of that to
 * msgadm's messages and exit statuses and holds the server-wide calls; users are in ejabberd_users.c. */
#include "ejabberd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"

const struct capability ejabberd_capabilities[] = {
    {"users.list[].display_name", CAP_MANAGED,
     "vCard FN: get_vcard / set_vcard (mod_admin_extra, mod_vcard)"},
    {"users.list[].email", CAP_MANAGED,
     "vCard EMAIL USERID: get_vcard2 / set_vcard2 (mod_admin_extra, mod_vcard)"},
    {"users.list[].admin", CAP_MANAGED,
     "the ACL msgadm_admins, kept as the admins block of the context's config_fragment (then "
     "reload_config); ejabberd.yml grants that ACL its rights: see msgadm-config(5)"},
    {"users.list[].active", CAP_MANAGED,
     "ban_account / change_password; msgadm marks the accounts it deactivates in private storage "
     "(mod_private): accounts banned outside msgadm read as active"},
    {"users.list[].delete", CAP_MANAGED,
     "unregister (the account goes with its roster, vCard, private storage, offline messages and "
     "archive); msgadm first takes it out of msgadm_admins, so a later account of that name is no "
     "admin"},
    {"users.manage", CAP_MANAGED, "registered_users"},
    {"invites.tokens", CAP_UNSUPPORTED, "ejabberd 23.01 has no registration token API"},
    {"invites.registration", CAP_CONFIG,
     "ejabberd.yml: mod_register access rule (in-band registration; the admin API is not affected); "
     "the rule goes into the context's config_fragment file, when it has one"},
    {"invites.allowed_domains", CAP_UNSUPPORTED, "ejabberd does not register accounts by e-mail address"},
    {"invites.guests", CAP_UNSUPPORTED, "guests are anonymous logins (auth_method: anonymous), not rendered"},
    {"federation", CAP_CONFIG,
     "ejabberd.yml: s2s_access rule with a server: ACL of the partners; then reload_config (msgadm "
     "does both with the context's config_fragment file, when it has one)"},
    {"retention.default", CAP_CONFIG,
     "ejabberd 23.01 MAM has no lifetime option: enforced by `msgadm retention enforce` (run it daily "
     "from cron), which calls delete_old_mam_messages (type all, days = max_lifetime rounded up to "
     "whole days: 23.01 works in days)"},
    {"retention.rooms", CAP_UNSUPPORTED,
     "ejabberd 23.01 has no per-room retention; while a room rule keeps messages longer than "
     "retention.default, `msgadm retention enforce` does not enforce the default either"},
    {NULL, CAP_UNSUPPORTED, NULL},
};

/* What msgadm knows about each command it calls. Reads are retried after a lost reply; so are writes
 * that set a value (doing them twice leaves the same state). register is not: a second attempt of a
 * registration that did happen answers 409, so its caller re-reads with check_account instead. */
struct ej_command {
	const char *name;
	const char *module; /* provides the command: named when the server answers "Endpoint not found" */
	const char *needs;  /* a module it relies on, which a server without it answers "internal_error" */
	enum http_retry retry;
	bool status_result; /* answers 0 for ok and 1 for failed */
};

#define CORE  "ejabberd's core"
#define EXTRA "mod_admin_extra"

static const struct ej_command ej_commands[] = {
    {"status", CORE, NULL, HTTP_IDEMPOTENT, false},
    {"registered_vhosts", CORE, NULL, HTTP_IDEMPOTENT, false},
    {"registered_users", CORE, NULL, HTTP_IDEMPOTENT, false},
    {"register", CORE, NULL, HTTP_NOT_IDEMPOTENT, false},
    {"unregister", CORE, NULL, HTTP_IDEMPOTENT, false},
    {"oauth_list_tokens", "ejabberd_oauth (Mnesia token storage)", NULL, HTTP_IDEMPOTENT, false},
    {"check_account", EXTRA, NULL, HTTP_IDEMPOTENT, false},
    {"change_password", EXTRA, NULL, HTTP_IDEMPOTENT, true},
    {"ban_account", EXTRA, NULL, HTTP_IDEMPOTENT, true},
    {"get_vcard", EXTRA, "mod_vcard", HTTP_IDEMPOTENT, false},
    {"get_vcard2", EXTRA, "mod_vcard", HTTP_IDEMPOTENT, false},
    {"set_vcard", EXTRA, "mod_vcard", HTTP_IDEMPOTENT, true},
    {"set_vcard2", EXTRA, "mod_vcard", HTTP_IDEMPOTENT, true},
    {"private_get", EXTRA, "mod_private", HTTP_IDEMPOTENT, false},
    {"private_set", EXTRA, "mod_private", HTTP_IDEMPOTENT, true},
    {"reload_config", CORE, NULL, HTTP_IDEMPOTENT, true},
    {"stop_s2s_connections", CORE, NULL, HTTP_IDEMPOTENT, true},
    {"delete_old_mam_messages", "mod_mam", NULL, HTTP_IDEMPOTENT, true},
};

static const struct ej_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(ej_commands) / sizeof(ej_commands[0]); i++)
		if (strcmp(ej_commands[i].name, name) == 0)
			return &ej_commands[i];
	return NULL;
}

/* At most max bytes of text for a message, control characters as spaces, "..." when cut. */
static void quote(char *out, size_t size, const char *text, size_t len, size_t max)
{
	size_t n = len < max ? len : max, i;

	if (n + 4 > size)
		n = size - 4;
	for (i = 0; i < n; i++)
		out[i] = ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) ? ' ' : text[i];
	strcpy(out + i, n < len ? "..." : "");
}

/* The heading of an HTML error page ("<h1>400 Bad Request</h1>"), quoted into out; false if none. */
static bool html_heading(const char *body, char *out, size_t size)
{
	const char *h1 = strstr(body, "<h1>"), *end;

	if (strstr(body, "<html") == NULL || h1 == NULL || (end = strstr(h1 + 4, "</h1>")) == NULL)
		return false;
	quote(out, size, h1 + 4, (size_t)(end - h1 - 4), 120);
	return true;
}

static bool is_expected(const char *text, const char *const *expected)
{
	for (; text != NULL && expected != NULL && *expected != NULL; expected++)
		if (strcmp(text, *expected) == 0)
			return true;
	return false;
}

/* The exit status and a hint for an error reply whose text (message or bare string) is text. */
static int error_class(const struct ej_command *c, const char *host, long status, json_int_t code,
		       const char *text, char *hint, size_t size)
{
	hint[0] = '\0';
	if (status == 401) {
		snprintf(hint, size,
			 " (check the context's token file: auth: basic takes the full JID and password, "
			 "auth: bearer an OAuth token)");
		return EXIT_NOPERM;
	}
	if (status == 403) {
		snprintf(hint, size,
			 " (the account needs admin rights through api_permissions in ejabberd.yml; "
			 "an OAuth token needs the ejabberd:admin scope)");
		return EXIT_NOPERM;
	}
	if (status == 404 && (code == 40 || (text && strstr(text, "Endpoint not found")))) {
		if (strcmp(c->module, CORE) == 0)
			snprintf(hint, size, " (this ejabberd has no command %s: is it 23.01 or later?)",
				 c->name);
		else
			snprintf(hint, size,
				 " (command not available: %s comes from %s; is it in the modules of "
				 "ejabberd.yml?)",
				 c->name, c->module);
		return EXIT_PROTOCOL;
	}
	if (text != NULL && strstr(text, "Unknown virtual host") != NULL) {
		snprintf(hint, size, " (the context's server %s is not a host of this ejabberd)", host);
		return EXIT_CONFIG;
	}
	/* about the one account asked for (e.g. a name nodeprep refuses), not about the server */
	if (text != NULL && strstr(text, "Malformed username") != NULL)
		return EXIT_FAILURE_;
	if (status == 429)
		return EXIT_TEMPFAIL;
	if (status >= 500) {
		if (c->needs != NULL && text != NULL && strcmp(text, "internal_error") == 0)
			snprintf(hint, size, " (%s needs %s: is it enabled in ejabberd.yml?)", c->name,
				 c->needs);
		return EXIT_UNAVAILABLE;
	}
	return status >= 400 ? EXIT_FAILURE_ : EXIT_PROTOCOL;
}

static int success_reply(const struct ej_command *c, const struct http_reply *r, json_t **value,
			 struct msg_err *err)
{
	char q[128];

	if (r->json == NULL) {
		quote(q, sizeof(q), r->body, r->body_len, 60);
		return err_set(err, EXIT_PROTOCOL, "ejabberd: %s: %ld but the reply is not JSON (%s)",
			       c->name, r->status, q);
	}
	if (c->status_result && json_is_integer(r->json) && json_integer_value(r->json) != 0)
		return err_set(err, EXIT_FAILURE_,
			       "ejabberd: %s: the server answered %" JSON_INTEGER_FORMAT " (failed)", c->name,
			       json_integer_value(r->json));
	if (c->status_result && !json_is_integer(r->json)) {
		quote(q, sizeof(q), r->body, r->body_len, 60);
		return err_set(err, EXIT_PROTOCOL, "ejabberd: %s: %ld with an unexpected reply (%s)", c->name,
			       r->status, q);
	}
	if (value != NULL)
		*value = json_incref(r->json);
	return 0;
}

int ej_reply_map(const char *command, const char *host, const struct http_reply *r,
		 const char *const *expected, json_t **value, struct msg_err *err)
{
	const struct ej_command *c = find_command(command);
	const json_t *j = r->json;
	const char *text = NULL;
	json_int_t code = -1;
	char q[256], hint[256], codes[48] = "";
	int status;

	if (c == NULL)
		return err_set(err, EXIT_FAILURE_, "internal error: ejabberd command %s is not described",
			       command);
	if (r->status >= 200 && r->status <= 299) {
		if (success_reply(c, r, value, err) == 0)
			return 0;
		err->http_status = r->status;
		return -1;
	}
	if (json_is_object(j)) {
		text = json_string_value(json_object_get(j, "message"));
		if (json_is_integer(json_object_get(j, "code")))
			code = json_integer_value(json_object_get(j, "code"));
	} else if (json_is_string(j)) {
		text = json_string_value(j);
	}
	if (r->status >= 400 && r->status <= 499 && json_is_string(j) && is_expected(text, expected)) {
		if (value != NULL)
			*value = json_incref(r->json);
		return 0;
	}
	status = error_class(c, host, r->status, code, text, hint, sizeof(hint));
	if (text != NULL) {
		if (code >= 0)
			snprintf(codes, sizeof(codes), " (code %" JSON_INTEGER_FORMAT ")", code);
		quote(q, sizeof(q), text, strlen(text), 200);
		err_set(err, status, "ejabberd: %s: %ld%s: %s%s", c->name, r->status, codes, q, hint);
	} else if (html_heading(r->body, q, sizeof(q))) {
		err_set(err, status, "ejabberd: %s: %ld with an HTML page (%s)%s", c->name, r->status, q,
			hint);
	} else if (r->body_len == 0) {
		err_set(err, status, "ejabberd: %s: %ld with an empty reply%s", c->name, r->status, hint);
	} else {
		quote(q, sizeof(q), r->body, r->body_len, 60);
		err_set(err, status, "ejabberd: %s: %ld with a reply that is not an ejabberd error (%s)%s",
			c->name, r->status, q, hint);
	}
	err->http_status = r->status;
	return -1;
}

int ej_call_expect(struct session *s, const char *command, const json_t *args, const char *const *expected,
		   json_t **reply, struct msg_err *err)
{
	const struct ej_command *c = find_command(command);
	struct http_reply r = {0};
	json_t *empty = NULL;
	char path[64];
	int rc;

	if (c == NULL)
		return err_set(err, EXIT_FAILURE_, "internal error: ejabberd command %s is not described",
			       command);
	snprintf(path, sizeof(path), "/api/%s", command);
	/* mod_http_api wants a JSON object even for commands without arguments */
	if (args == NULL && (args = empty = json_object()) == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	rc = http_request(s->http, "POST", path, args, c->retry, &r, err);
	json_decref(empty);
	if (rc != 0)
		return -1;
	rc = ej_reply_map(command, s->context->server, &r, expected, reply, err);
	if (rc != 0) /* the message quotes the server, which may echo a secret back */
		http_redact(s->http, err->text, sizeof(err->text));
	http_reply_clear(&r);
	return rc;
}

int ej_call(struct session *s, const char *command, const json_t *args, json_t **reply, struct msg_err *err)
{
	return ej_call_expect(s, command, args, NULL, reply, err);
}

const char *ej_config_fragment(const struct context *ctx)
{
	return context_setting(ctx, "config_fragment");
}

json_t *ej_user_args(const struct session *s, const char *user)
{
	return json_pack("{s:s,s:s}", "user", user, "host", s->context->server);
}

char *ej_local_part(const char *jid, const char *host)
{
	const char *at = jid != NULL ? strchr(jid, '@') : NULL;
	size_t hlen;

	if (at == NULL || at == jid)
		return NULL;
	/* a JID may carry a resource: "admin@example.test/ctl" */
	hlen = strcspn(at + 1, "/");
	if (strlen(host) != hlen || strncmp(at + 1, host, hlen) != 0)
		return NULL;
	return strndup(jid, (size_t)(at - jid));
}

char *ej_version_from_status(const char *status)
{
	static const char word[] = "ejabberd ";
	const char *p;
	size_t n;

	/* 23.01: "The node ejabberd@localhost is started. Status: startedejabberd 23.01-1 is running in
	 * that node": the word is glued to the one before it, so look for it anywhere. */
	for (p = status; p != NULL && (p = strstr(p, word)) != NULL; p += sizeof(word) - 1) {
		const char *v = p + sizeof(word) - 1;

		if (*v < '0' || *v > '9')
			continue;
		n = strcspn(v, " \t\r\n");
		if (strncmp(v + n, " is running", 11) == 0)
			return strndup(v, n);
	}
	return NULL;
}

/* The context's server must be a virtual host of this ejabberd: some commands answer "Unknown virtual
 * host", but check_account answers "no such account" and register 500, so a mistyped server would
 * read as a server without accounts. One cheap request per session says it plainly instead. */
static int ejabberd_open(struct session *s, struct msg_err *err)
{
	const char *host = s->context->server;
	char hosts[512] = "";
	size_t i, used = 0;
	json_t *vhosts = NULL, *v;
	bool found = false;

	if (ej_call(s, "registered_vhosts", NULL, &vhosts, err) != 0)
		return -1;
	if (!json_is_array(vhosts)) {
		json_decref(vhosts);
		return err_set(err, EXIT_PROTOCOL, "ejabberd: registered_vhosts: the reply is not a list");
	}
	json_array_foreach(vhosts, i, v)
	{
		found |= json_is_string(v) && strcmp(json_string_value(v), host) == 0;
		if (json_is_string(v) && used < sizeof(hosts))
			used += (size_t)snprintf(hosts + used, sizeof(hosts) - used, "%s%s", i ? ", " : "",
						 json_string_value(v));
	}
	json_decref(vhosts);
	if (!found)
		return err_set(err, EXIT_CONFIG,
			       "ejabberd: the context's server %s is not a virtual host of this ejabberd (it "
			       "serves: %s)",
			       host, hosts[0] ? hosts : "none");
	return 0;
}

static int ejabberd_server_info(struct session *s, json_t **info, struct msg_err *err)
{
	json_t *status = NULL, *vhosts = NULL;
	char *version = NULL;
	int rc = -1;

	if (ej_call(s, "status", NULL, &status, err) != 0 ||
	    ej_call(s, "registered_vhosts", NULL, &vhosts, err) != 0)
		goto done;
	if (!json_is_string(status) || !json_is_array(vhosts)) {
		err_set(err, EXIT_PROTOCOL, "ejabberd: %s: the reply is not a %s",
			json_is_string(status) ? "registered_vhosts" : "status",
			json_is_string(status) ? "list" : "string");
		goto done;
	}
	*info = json_object();
	version = ej_version_from_status(json_string_value(status));
	if (version != NULL)
		json_object_set_new(*info, "server_version", json_string(version));
	json_object_set(*info, "status", status);
	json_object_set(*info, "vhosts", vhosts);
	rc = 0;
done:
	free(version);
	json_decref(status);
	json_decref(vhosts);
	return rc;
}

/* The local id of the account jid names. An admin of another vhost gets its whole JID: no local id
 * has an "@", so the engine's "acting admin" checks then match nobody here, which is right. */
static int id_of_jid(const struct session *s, const char *jid, char **id, struct msg_err *err)
{
	char *local = ej_local_part(jid, s->context->server);

	if (local == NULL && (jid == NULL || strchr(jid, '@') == NULL))
		return err_set(err, EXIT_PROTOCOL, "ejabberd: the token's account '%s' is not a JID",
			       jid ? jid : "?");
	if (local == NULL)
		local = strndup(jid, strcspn(jid, "/"));
	if (local == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	*id = local;
	return 0;
}

/* Basic: the JID is the user name of the credentials. Bearer: 23.01 has no "who am I"; the token list
 * (oauth_list_tokens: [{"token","user":"admin@example.test","scope","expires_in"}], tokens in clear,
 * hence "token" among the fields traces hide) names the owner of each token. */
static int ejabberd_whoami(struct session *s, char **id, struct msg_err *err)
{
	const char *user = http_auth_user(s->http), *jid = NULL;
	json_t *tokens = NULL, *t;
	size_t i;
	int rc;

	if (user != NULL)
		return id_of_jid(s, user, id, err);
	if (ej_call(s, "oauth_list_tokens", NULL, &tokens, err) != 0)
		return -1;
	if (!json_is_array(tokens)) {
		json_decref(tokens);
		return err_set(err, EXIT_PROTOCOL, "ejabberd: oauth_list_tokens: the reply is not a list");
	}
	json_array_foreach(tokens, i, t)
	{
		if (http_token_equals(s->http, json_string_value(json_object_get(t, "token")))) {
			jid = json_string_value(json_object_get(t, "user"));
			break;
		}
	}
	if (jid == NULL)
		rc =
		    err_set(err, EXIT_PROTOCOL,
			    "ejabberd: oauth_list_tokens does not list this token (it lists only tokens kept "
			    "in Mnesia), so msgadm cannot tell whose it is; use auth: basic");
	else
		rc = id_of_jid(s, jid, id, err);
	json_decref(tokens);
	return rc;
}

/* The sections kept in the context's config_fragment file (ejabberd_config.c): one type, one file,
 * its blocks keyed by name. */
static const struct resource_type config_block = {.name = "ejabberd_config",
						  .plural = "configuration blocks"};

/* Admin rights live in the config_fragment file (ejabberd_admins.c): a change that may rewrite it and
 * reload the server runs alone. That is a create or an update with admin, and a deletion (which
 * takes the account out of the admins when it is one). */
static bool user_change_concurrent(const json_t *change)
{
	switch (change_op(change)) {
	case OP_CREATE:
		return !json_is_true(json_object_get(json_object_get(change, "after"), "admin"));
	case OP_UPDATE:
		return json_object_get(json_object_get(change, "fields"), "admin") == NULL;
	case OP_DEACTIVATE:
	case OP_REACTIVATE:
		return true;
	default:
		return false;
	}
}

static const struct resource_ops ejabberd_resources[] = {
    {
	.type = &resource_user,
	.list = ejabberd_list_users,
	.get = ejabberd_get_user,
	.apply = {[OP_CREATE] = ejabberd_create_user,
		  [OP_UPDATE] = ejabberd_update_user,
		  [OP_DEACTIVATE] = ejabberd_deactivate_user,
		  [OP_REACTIVATE] = ejabberd_reactivate_user,
		  [OP_DELETE] = ejabberd_delete_user},
	.concurrent = user_change_concurrent,
    },
    {
	.type = &config_block,
	.section = "invites.registration",
	.read = ej_config_read_registration,
	.apply =
	    {[OP_CREATE] = ej_config_apply, [OP_UPDATE] = ej_config_apply, [OP_DELETE] = ej_config_apply},
    },
    {
	.type = &config_block,
	.section = "federation",
	.read = ej_config_read_federation,
	.apply =
	    {[OP_CREATE] = ej_config_apply, [OP_UPDATE] = ej_config_apply, [OP_DELETE] = ej_config_apply},
    },
    {.type = NULL},
};

/* Admin rights live in the config_fragment file: without one, msgadm can only show what to write. */
static enum capability_level ejabberd_context_capability(const struct context *ctx, const char *path,
							 enum capability_level level, const char **note)
{
	if (strcmp(path, "users.list[].admin") != 0 || ej_config_fragment(ctx) != NULL)
		return level;
	*note = "ejabberd.yml: an ACL listing the admin JIDs, which api_permissions and the access rules "
		"name; msgadm keeps it (msgadm_admins) only when the context sets config_fragment";
	return CAP_CONFIG;
}

/* HTTP Basic logs in with the admin's full JID: a bare name would be refused by the server after the
 * request, so say it before. */
static int ejabberd_basic_user_check(const char *user, struct msg_err *err)
{
	if (strchr(user, '@') == NULL)
		return err_set(err, EXIT_CONFIG,
			       "auth: basic: the user name in the token file must be the full JID "
			       "(admin@example.test:secret), not a bare name");
	return 0;
}

/* Values traces hide: OAuth tokens in oauth_list_tokens, the new password of change_password. */
static const char *const ejabberd_secret_fields[] = {"token", "newpass", NULL};

/* What nodeprep (RFC 6122) prohibits, and no name it would map to another: msgadm takes ASCII only,
 * where lower case is nodeprep's own mapping; a node of at most 1023 bytes. */
static int ejabberd_local_id_check(const struct context *ctx, const char *id, char *why, size_t size)
{
	(void)ctx;
	if (*id == '\0') {
		snprintf(why, size, "it is empty");
		return -1;
	}
	for (const char *c = id; *c; c++) {
		if ((unsigned char)*c >= 0x80) {
			snprintf(
			    why, size,
			    "it is not ASCII, and nodeprep could make it another name (left to an operator)");
			return -1;
		}
		if ((unsigned char)*c <= 0x20 || *c == 0x7f || strchr("\"&'/:<>@", *c) ||
		    (*c >= 'A' && *c <= 'Z')) {
			snprintf(why, size, "an XMPP node may not hold '%c'", *c > 0x20 ? *c : ' ');
			return -1;
		}
	}
	if (strlen(id) > 1023) {
		snprintf(why, size, "an XMPP node is at most 1023 bytes");
		return -1;
	}
	return 0;
}

const struct driver drv_ejabberd = {
    .name = "ejabberd",
    .local_id_check = ejabberd_local_id_check,
    .capabilities = ejabberd_capabilities,
    .product = "ejabberd",
    .basic_auth = true,
    .basic_user_form = "the full JID, as in admin@example.test:secret",
    .basic_user_check = ejabberd_basic_user_check,
    .trace_secret_fields = ejabberd_secret_fields,
    .resources = ejabberd_resources,
    .context_capability = ejabberd_context_capability,
    .open = ejabberd_open,
    .server_info = ejabberd_server_info,
    .whoami = ejabberd_whoami,
    .render_config = ejabberd_render_config,
    .export_sections = ejabberd_export_sections,
    .enforce_retention = ejabberd_enforce_retention,
};
