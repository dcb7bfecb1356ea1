/* ejabberd.yml fragments for the policy sections that live in ejabberd's configuration. No API command
 * of 23.01 reads or changes ACLs or access rules: the admin edits the file (acl and access_rules may
 * go in a file pulled in with include_config_file, whose maps ejabberd merges into its own) and calls
 * reload_config, which takes a valid change without a restart and refuses a broken one (400). The
 * modules section is not merged: a module listed twice is an error, so mod_register's options go into
 * ejabberd.yml itself. The names msgadm_* keep clear of rules the admin already has. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ejabberd.h"

/* A double-quoted YAML scalar: the policy's host names hold neither quotes nor backslashes, but a
 * fragment must stay valid YAML whatever it is given. */
static void put_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, out);
	}
	fputc('"', out);
}

static void registration(FILE *out, const char *mode)
{
	bool open = strcmp(mode, "open") == 0;

	if (strcmp(mode, "token") == 0)
		fputs("# ejabberd 23.01 has no registration tokens: in-band registration stays closed,\n"
		      "# and accounts are created through the API (msgadm user create).\n",
		      out);
	else if (open)
		fputs("# In-band registration open to anyone who reaches the server.\n", out);
	else
		fputs("# In-band registration closed; accounts are created through the API\n"
		      "# (msgadm user create), which this rule does not affect.\n",
		      out);
	fprintf(out,
		"access_rules:\n"
		"  msgadm_register:\n"
		"    %s: all\n"
		"# The mod_register entry goes into the modules section of ejabberd.yml itself.\n"
		"modules:\n"
		"  mod_register:\n"
		"    access: msgadm_register\n",
		open ? "allow" : "deny");
}

static void federation(FILE *out, const json_t *value)
{
	const char *mode = json_string_value(json_object_get(value, "mode"));
	const json_t *partners = json_object_get(value, "partners");
	json_t *p;
	size_t i;

	if (mode != NULL && strcmp(mode, "open") == 0) {
		fputs("# Federation with any server.\ns2s_access: all\n", out);
		return;
	}
	if (mode != NULL && strcmp(mode, "allowlist") == 0 && json_array_size(partners) > 0) {
		fputs("# Federation only with the partners; then call reload_config.\n"
		      "acl:\n"
		      "  msgadm_partners:\n"
		      "    server:\n",
		      out);
		json_array_foreach(partners, i, p)
		{
			if (!json_is_string(p))
				continue;
			fputs("      - ", out);
			put_quoted(out, json_string_value(p));
			fputc('\n', out);
		}
		fputs("access_rules:\n"
		      "  msgadm_s2s:\n"
		      "    allow: msgadm_partners\n"
		      "    deny: all\n"
		      "s2s_access: msgadm_s2s\n",
		      out);
		return;
	}
	fprintf(out,
		"# %s: every server-to-server connection is refused; then call reload_config.\n"
		"access_rules:\n"
		"  msgadm_s2s:\n"
		"    deny: all\n"
		"s2s_access: msgadm_s2s\n",
		mode != NULL && strcmp(mode, "allowlist") == 0 ? "An allowlist without partners"
							       : "No federation");
}

char *ejabberd_render_config(const char *section, const json_t *value)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	/* retention.default has nothing to render: 23.01 has no lifetime option (see the capability) */
	if (strcmp(section, "invites.registration") != 0 && strcmp(section, "federation") != 0)
		return NULL;
	if (strcmp(section, "invites.registration") == 0 && !json_is_string(value))
		return NULL;
	if ((out = open_memstream(&text, &len)) == NULL)
		return NULL;
	if (strcmp(section, "invites.registration") == 0)
		registration(out, json_string_value(value));
	else
		federation(out, value);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	/* plan prints fragments line by line: no trailing newline, like the Synapse driver's */
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	return text;
}
