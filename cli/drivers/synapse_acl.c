/* Synapse federation: the policy's federation section held as an m.room.server_acl in every
 * federatable room the server is in, plus the homeserver.yaml fragment (federation_domain_whitelist)
 * for the server as a whole and for rooms made later.
 *
 * An ACL that would shut the server out of its own rooms is never sent: the room would become
 * unusable for every local member, and only the other servers in it could repair it. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/exitcode.h"
#include "synapse.h"

bool synapse_glob_match(const char *pattern, const char *name)
{
	const char *star = NULL, *resume = NULL;

	while (*name) {
		if (*pattern == '*') {
			star = pattern++;
			resume = name;
		} else if (*pattern == '?' ||
			   (*pattern && tolower((unsigned char)*pattern) == tolower((unsigned char)*name))) {
			pattern++;
			name++;
		} else if (star != NULL) { /* let the last * take one more character */
			pattern = star + 1;
			name = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

void syn_server_host(const char *server, char *out, size_t size)
{
	const char *colon = strrchr(server, ':');
	const char *bracket = strrchr(server, ']');

	if (colon == NULL || (bracket != NULL && bracket > colon))
		snprintf(out, size, "%s", server);
	else
		snprintf(out, size, "%.*s", (int)(colon - server), server);
}

static bool is_ip_literal(const char *host)
{
	int parts = 0, digits = 0, value = 0;

	if (host[0] == '[')
		return true;
	for (const char *p = host;; p++) {
		if (*p >= '0' && *p <= '9') {
			value = value * 10 + (*p - '0');
			if (++digits > 3 || value > 255)
				return false;
		} else if ((*p == '.' || *p == '\0') && digits > 0) {
			parts++;
			digits = value = 0;
			if (*p == '\0')
				return parts == 4;
		} else {
			return false;
		}
	}
}

const char *synapse_acl_refusal(const json_t *acl, const char *server)
{
	char host[256];
	json_t *e;
	size_t i;

	syn_server_host(server, host, sizeof(host));
	if (json_is_false(json_object_get(acl, "allow_ip_literals")) && is_ip_literal(host))
		return "the server name is an IP address and allow_ip_literals is false";
	json_array_foreach(json_object_get(acl, "deny"), i, e)
	{
		if (json_is_string(e) && synapse_glob_match(json_string_value(e), host))
			return "a deny entry matches the server";
	}
	json_array_foreach(json_object_get(acl, "allow"), i, e)
	{
		if (json_is_string(e) && synapse_glob_match(json_string_value(e), host))
			return NULL;
	}
	return "no allow entry matches the server";
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int synapse_acl_for(const char *server, const json_t *federation, json_t **acl, struct msg_err *err)
{
	const char *mode = json_string_value(json_object_get(federation, "mode"));
	const json_t *partners = json_object_get(federation, "partners");
	size_t n = 0, i;
	const char **names = NULL;
	const char *refusal;
	char host[256];
	json_t *allow, *p, *out;

	if (mode == NULL || strcmp(mode, "open") == 0) {
		*acl = NULL;
		return 0;
	}
	syn_server_host(server, host, sizeof(host));
	names = calloc(json_array_size(partners) + 1, sizeof(*names));
	if (names == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	names[n++] = host;
	if (strcmp(mode, "allowlist") == 0)
		json_array_foreach(partners, i, p) if (json_is_string(p)) names[n++] = json_string_value(p);
	qsort(names, n, sizeof(*names), by_string);
	allow = json_array();
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			json_array_append_new(allow, json_string(names[i]));
	free(names);
	out = json_pack("{s:o,s:[],s:b}", "allow", allow, "deny", "allow_ip_literals", 0);
	refusal = synapse_acl_refusal(out, server);
	if (refusal != NULL) {
		json_decref(out);
		return err_set(err, EXIT_DATAERR,
			       "federation: the room server ACL for mode %s would shut %s out of its own "
			       "rooms (%s); refusing to plan it",
			       mode, server, refusal);
	}
	*acl = out;
	return 0;
}

/* The homeserver.yaml side: federation_domain_whitelist holds the server as a whole and the rooms
 * made after this apply, which no ACL covers yet. */
static void config_note(json_t *notes, const json_t *federation)
{
	char *fragment = synapse_render_config("federation", federation);
	json_t *n = json_pack("{s:s,s:s,s:s}", "path", "federation", "level", "config-managed", "message",
			      "homeserver.yaml: federation_domain_whitelist, for the server as a whole and "
			      "for rooms made later (the ACLs cover the rooms there are now)");

	if (fragment != NULL)
		json_object_set_new(n, "fragment", json_string(fragment));
	free(fragment);
	json_array_append_new(notes, n);
}

/* One note for the rooms left out, naming the first few. */
static void skipped_note(json_t *notes, const json_t *ids, const char *why)
{
	char text[1024];
	size_t used, i;
	json_t *id;

	if (json_array_size(ids) == 0)
		return;
	used = (size_t)snprintf(text, sizeof(text), "no ACL written where %s:", why);
	json_array_foreach(ids, i, id)
	{
		if (i == 5) {
			snprintf(text + used, sizeof(text) - used, " and %zu more", json_array_size(ids) - 5);
			break;
		}
		if (used < sizeof(text))
			used +=
			    (size_t)snprintf(text + used, sizeof(text) - used, " %s", json_string_value(id));
	}
	json_array_append_new(
	    notes, json_pack("{s:s,s:s,s:s}", "path", "federation", "level", "note", "message", text));
}

/* One finding: a destination the server has talked to that the policy does not admit. */
static void destination_finding(json_t *notes, const json_t *d, const char *name, const char *mode)
{
	const json_t *last = json_object_get(d, "last_successful_stream_ordering");
	const json_t *failing = json_object_get(d, "failure_ts");
	char text[768], since[40] = "";

	if (json_is_integer(failing))
		syn_format_utc_ms((int64_t)json_integer_value(failing), since, sizeof(since));
	if (json_is_integer(last))
		snprintf(text, sizeof(text),
			 "the server federates with %s, which mode %s does not admit (last successful send: "
			 "stream ordering %" JSON_INTEGER_FORMAT "%s%s)",
			 name, mode, json_integer_value(last), since[0] ? "; failing since " : "", since);
	else
		snprintf(text, sizeof(text),
			 "the server federates with %s, which mode %s does not admit (no successful send "
			 "recorded%s%s)",
			 name, mode, since[0] ? "; failing since " : "", since);
	json_array_append_new(
	    notes, json_pack("{s:s,s:s,s:s}", "path", "federation", "level", "finding", "message", text));
}

/* Findings for the federation destinations (GET /_synapse/admin/v1/federation/destinations, every
 * page) that are neither the server itself nor an allowlist partner. */
static int destination_findings(struct session *s, const json_t *federation, json_t *notes,
				struct msg_err *err)
{
	const char *mode = json_string_value(json_object_get(federation, "mode"));
	const json_t *partners = json_object_get(federation, "partners");
	const int limit = s->context->page_size > 0 ? s->context->page_size : 100;
	long from = 0;
	char path[128], own[256];
	json_t *r = NULL, *d, *p;
	size_t i, j;

	syn_server_host(s->context->server, own, sizeof(own));
	for (;;) {
		const char *next_text;
		char *end;
		long next;

		snprintf(path, sizeof(path), "/_synapse/admin/v1/federation/destinations?from=%ld&limit=%d",
			 from, limit);
		if (syn_call(s, "GET", path, NULL, HTTP_IDEMPOTENT, NULL, NULL, &r, err) != 0)
			return -1;
		if (!json_is_array(json_object_get(r, "destinations"))) {
			json_decref(r);
			return err_set(err, EXIT_PROTOCOL,
				       "synapse: GET /_synapse/admin/v1/federation/destinations: reply lacks "
				       "'destinations'");
		}
		json_array_foreach(json_object_get(r, "destinations"), i, d)
		{
			const char *name = json_string_value(json_object_get(d, "destination"));
			char host[256];
			bool admitted = false;

			if (name == NULL)
				continue;
			syn_server_host(name, host, sizeof(host));
			admitted = strcasecmp(host, own) == 0;
			if (strcmp(mode, "allowlist") == 0)
				json_array_foreach(partners, j, p) admitted |=
				    json_is_string(p) && synapse_glob_match(json_string_value(p), host);
			if (!admitted)
				destination_finding(notes, d, name, mode);
		}
		next_text = json_string_value(json_object_get(r, "next_token"));
		next = next_text ? strtol(next_text, &end, 10) : -1;
		if (next_text != NULL && (*end != '\0' || next <= from)) {
			json_decref(r);
			return err_set(err, EXIT_PROTOCOL,
				       "synapse: GET /_synapse/admin/v1/federation/destinations: next_token "
				       "does not move past %ld",
				       from);
		}
		json_decref(r);
		r = NULL;
		if (next_text == NULL)
			return 0;
		from = next;
	}
}

int synapse_federation_read(struct session *s, const json_t *policy, json_t **desired, json_t **actual,
			    json_t *notes, struct msg_err *err)
{
	const json_t *federation = json_object_get(policy, "federation");
	json_t *want = json_object(), *have = json_object(), *acl = NULL, *rooms = NULL, *w;
	json_t *left = json_array(), *local_only = json_array(), *state = NULL;
	char *admin = NULL;
	size_t i;
	int rc = -1;

	config_note(notes, federation);
	if (synapse_acl_for(s->context->server, federation, &acl, err) != 0)
		goto done;
	if (acl == NULL) {
		json_array_append_new(
		    notes, json_pack("{s:s,s:s,s:s}", "path", "federation", "level", "note", "message",
				     "mode open: the rooms' server ACLs are left as they are"));
		rc = 0;
		goto done;
	}
	if (destination_findings(s, federation, notes, err) != 0 || syn_admin_id(s, &admin, err) != 0 ||
	    syn_rooms_list(s, &rooms, err) != 0)
		goto done;
	json_array_foreach(rooms, i, w)
	{
		const char *id = json_string_value(json_object_get(w, "room_id"));
		const json_t *current;
		char label[512];

		if (id == NULL) {
			err_set(err, EXIT_PROTOCOL,
				"synapse: GET /_synapse/admin/v1/rooms: room %zu has no room_id", i);
			goto done;
		}
		if (syn_room_reach(w) != SYN_ROOM_GOVERNED) {
			json_array_append_new(syn_room_reach(w) == SYN_ROOM_LEFT ? left : local_only,
					      json_string(id));
			continue;
		}
		if (syn_room_state(s, id, &state, err) != 0)
			goto done;
		current = syn_state_content(state, "m.room.server_acl", "");
		if (current != NULL)
			json_object_set(have, id, (json_t *)current);
		json_object_set(want, id, acl);
		if (syn_item_differs(acl, current)) {
			syn_room_label(label, sizeof(label), id, w);
			syn_note_access(notes, "federation", label,
					syn_admin_access(state, admin, "m.room.server_acl"));
		}
		json_decref(state);
		state = NULL;
	}
	skipped_note(notes, local_only, "the room cannot federate (m.federate: false)");
	skipped_note(notes, left, "no local member is left (the server is no longer in the room)");
	rc = 0;
done:
	if (rc == 0) {
		*desired = want;
		*actual = have;
	} else {
		json_decref(want);
		json_decref(have);
	}
	json_decref(state);
	json_decref(acl);
	json_decref(rooms);
	json_decref(left);
	json_decref(local_only);
	free(admin);
	return rc;
}

/* Checked again right before sending: whatever the change says, the server stays in. */
static int acl_check(struct session *s, const json_t *content, struct msg_err *err)
{
	const char *refusal = synapse_acl_refusal(content, s->context->server);

	if (refusal == NULL)
		return 0;
	return err_set(err, EXIT_DATAERR, "synapse: refusing to send a server ACL that shuts %s out (%s)",
		       s->context->server, refusal);
}

int synapse_federation_apply(struct session *s, const json_t *change, struct msg_err *err)
{
	return syn_room_apply_change(s, change, "m.room.server_acl", acl_check, err);
}
