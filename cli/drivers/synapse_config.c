/* What of a policy only homeserver.yaml can hold, as the lines to paste there: each section's
 * fragment (plan's notes show them one by one) and the whole file fragment `msgadm render
 * synapse-config` prints. Offline: no server is asked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/resource.h"
#include "synapse.h"

/* "head" then fmt_item for each string of items; "head []" for an empty list. With escape_dots,
 * dots are written as "\\." so that a domain reads literally inside a regular expression. */
static char *list_lines(const char *head, const json_t *items, const char *fmt_item, int escape_dots)
{
	size_t cap = 256 + json_array_size(items) * 600, used;
	char *out = malloc(cap);
	char item[512];
	json_t *v;
	size_t i;

	if (out == NULL)
		return NULL;
	used = (size_t)snprintf(out, cap, "%s%s", head, json_array_size(items) ? "" : " []");
	json_array_foreach(items, i, v)
	{
		const char *s = json_string_value(v);
		size_t n = 0;

		for (; s && *s && n + 3 < sizeof(item); s++) {
			if (escape_dots && *s == '.')
				item[n++] = '\\';
			item[n++] = *s;
		}
		item[n] = '\0';
		if (used < cap)
			used += (size_t)snprintf(out + used, cap - used, fmt_item, item);
	}
	return out;
}

char *synapse_render_config(const char *section, const json_t *value)
{
	char *out = NULL;
	const char *mode;

	if (strcmp(section, "invites.registration") == 0) {
		mode = json_string_value(value);
		if (mode == NULL)
			return NULL;
		if (strcmp(mode, "closed") == 0)
			return strdup("enable_registration: false");
		if (strcmp(mode, "token") == 0)
			return strdup("enable_registration: true\nregistration_requires_token: true");
		return strdup("enable_registration: true\nregistration_requires_token: false");
	}
	if (strcmp(section, "invites.guests") == 0)
		return strdup(json_is_true(value) ? "allow_guest_access: true" : "allow_guest_access: false");
	if (strcmp(section, "invites.allowed_domains") == 0)
		return list_lines("allowed_local_3pids:", value,
				  "\n  - medium: email\n    pattern: '^[^@]+@%s$'", 1);
	if (strcmp(section, "federation") == 0) {
		mode = json_string_value(json_object_get(value, "mode"));
		if (mode != NULL && strcmp(mode, "open") == 0)
			return strdup("# no federation_domain_whitelist (federate with everyone)");
		if (mode != NULL && strcmp(mode, "closed") == 0)
			return strdup("federation_domain_whitelist: []");
		return list_lines("federation_domain_whitelist:", json_object_get(value, "partners"),
				  "\n  - %s", 0);
	}
	if (strcmp(section, "retention.default") == 0) {
		const char *max = json_string_value(json_object_get(value, "max_lifetime"));
		const char *min = json_string_value(json_object_get(value, "min_lifetime"));
		if (asprintf(&out, "retention:\n  enabled: true\n  default_policy:%s%s%s%s",
			     max ? "\n    max_lifetime: " : "", max ? max : "",
			     min ? "\n    min_lifetime: " : "", min ? min : "") < 0)
			return NULL;
		return out;
	}
	return NULL;
}

/* Appends "# section\nfragment\n" to text. */
static int append(char **text, const char *section, const char *fragment)
{
	char *more = NULL;

	if (asprintf(&more, "%s# %s\n%s\n", *text, section, fragment) < 0)
		return -1;
	free(*text);
	*text = more;
	return 0;
}

int synapse_render_config_file(const json_t *doc, char **out)
{
	const json_t *retention = json_object_get(doc, "retention");
	char *text = NULL, *fragment;

	if (asprintf(&text, "# homeserver.yaml fragment from msgadm for %s\n",
		     json_string_value(json_object_get(doc, "server"))) < 0)
		return -1;
	/* every section homeserver.yaml holds, in the policy's order */
	for (size_t i = 0; policy_sections[i] != NULL; i++) {
		const json_t *value = policy_at(doc, policy_sections[i]);

		if (value == NULL)
			continue;
		fragment = synapse_render_config(policy_sections[i], value);
		if (fragment != NULL && append(&text, policy_sections[i], fragment) != 0) {
			free(fragment);
			free(text);
			return -1;
		}
		free(fragment);
	}
	/* per-room rules alone: Synapse deletes by m.room.retention only with retention enabled */
	if (json_object_get(retention, "rooms") != NULL && json_object_get(retention, "default") == NULL &&
	    append(&text, "retention.rooms (m.room.retention is honoured only with retention enabled)",
		   "retention:\n  enabled: true") != 0) {
		free(text);
		return -1;
	}
	*out = text;
	return 0;
}
