/* ejabberd.yml for the policy sections that live in ejabberd's configuration: invites.registration and
 * federation. No API command of 23.01 reads or changes ACLs or access rules: they are in the files,
 * and reload_config takes a valid change without a restart and refuses a broken one (400, the old
 * configuration stays live).
 *
 * Without config_fragment in the context, plan shows the fragment to add by hand (a config-managed
 * note) and apply changes nothing. With it, msgadm keeps each section as one block of that file,
 * which ejabberd.yml pulls in with include_config_file:
 *
 *   # BEGIN msgadm registration            # BEGIN msgadm federation
 *   access_rules:                          acl:
 *     msgadm_register:                       msgadm_partners:
 *       deny: all                              server:
 *   # END msgadm registration                    - "bund.de"
 *                                          access_rules:
 *                                            msgadm_s2s:
 *                                              allow: msgadm_partners
 *                                              deny: all
 *                                          s2s_access: msgadm_s2s
 *                                          # END msgadm federation
 *
 * The marker lines are exactly "# BEGIN msgadm KEY" and "# END msgadm KEY" (KEY: registration,
 * federation); they are an interface (the admin's tools and msgadm's own tests look for them) and do
 * not change. A block's item is {"content": its lines}, compared with what the policy renders; apply
 * rewrites that block only, atomically and keeping the file's owner, group and mode
 * (ejabberd_fragment.c), then calls reload_config; if ejabberd refuses, the previous file is put back
 * and reloaded, and the change fails with ejabberd's message. After a federation change it closes the
 * open server-to-server streams (stop_s2s_connections): 23.01 checks s2s_access when a stream opens.
 * Lines outside the blocks are the admin's; they must not repeat a top-level option the blocks set
 * (s2s_access), nor an acl or access_rules name of theirs (msgadm_*): ejabberd merges acl and
 * access_rules across its files, and refuses any other option given twice.
 *
 * Admin rights are a third block, "admins" (the ACL msgadm_admins), written when a user's admin flag
 * changes (ejabberd_admins.c), through the same write, reload and take-back as these.
 *
 * Modules are not merged: a module ejabberd.yml lists cannot be set again from an included file. So
 * the registration block holds the access rule msgadm_register only, and the plan says that
 * mod_register in ejabberd.yml itself must name it (access: msgadm_register). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ejabberd.h"
#include "base/exitcode.h"

#define REGISTER_MODULE "modules:\n  mod_register:\n    access: msgadm_register"

/* A double-quoted YAML scalar: the policy's host names hold neither quotes nor backslashes, but a
 * fragment must stay valid YAML whatever it is given. */
void ej_put_quoted(FILE *out, const char *s)
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

static void registration(FILE *out, const char *mode, bool whole)
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
	if (!whole)
		fputs("# It applies where mod_register in ejabberd.yml has access: msgadm_register.\n", out);
	fprintf(out, "access_rules:\n  msgadm_register:\n    %s: all\n", open ? "allow" : "deny");
	if (whole)
		fputs("# The mod_register entry goes into the modules section of ejabberd.yml "
		      "itself.\n" REGISTER_MODULE "\n",
		      out);
}

static void federation(FILE *out, const json_t *value, bool whole)
{
	const char *mode = json_string_value(json_object_get(value, "mode"));
	const json_t *partners = json_object_get(value, "partners");
	const char *reload = whole ? "; then call reload_config" : "";
	json_t *p;
	size_t i;

	if (mode != NULL && strcmp(mode, "open") == 0) {
		fprintf(out, "# Federation with any server%s.\ns2s_access: all\n", reload);
		return;
	}
	if (mode != NULL && strcmp(mode, "allowlist") == 0 && json_array_size(partners) > 0) {
		fprintf(out,
			"# Federation only with the partners%s.\n"
			"acl:\n"
			"  msgadm_partners:\n"
			"    server:\n",
			reload);
		json_array_foreach(partners, i, p)
		{
			if (!json_is_string(p))
				continue;
			fputs("      - ", out);
			ej_put_quoted(out, json_string_value(p));
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
		"# %s: every server-to-server connection is refused%s.\n"
		"access_rules:\n"
		"  msgadm_s2s:\n"
		"    deny: all\n"
		"s2s_access: msgadm_s2s\n",
		mode != NULL && strcmp(mode, "allowlist") == 0 ? "An allowlist without partners"
							       : "No federation",
		reload);
}

static char *render(const char *section, const json_t *value, bool whole)
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
		registration(out, json_string_value(value), whole);
	else
		federation(out, value, whole);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	/* plan prints fragments line by line: no trailing newline, like the Synapse driver's */
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	return text;
}

char *ejabberd_render_config(const char *section, const json_t *value)
{
	return render(section, value, true);
}

char *ej_config_block(const char *section, const json_t *value)
{
	return render(section, value, false);
}

/* ---- the section handlers ---- */

static void note(json_t *notes, const char *path, const char *level, const char *message,
		 const char *fragment)
{
	json_t *n = json_pack("{s:s,s:s,s:s}", "path", path, "level", level, "message", message);

	if (fragment != NULL)
		json_object_set_new(n, "fragment", json_string(fragment));
	json_array_append_new(notes, n);
}

/* Without config_fragment: the fragment to add by hand, and nothing to diff. */
static void by_hand(const char *path, const json_t *value, json_t *notes)
{
	char *fragment = ejabberd_render_config(path, value);

	note(notes, path, "config-managed",
	     "put this in ejabberd.yml (or a file it includes) and call reload_config; msgadm does so itself "
	     "when the context sets config_fragment",
	     fragment);
	free(fragment);
}

/* desired {key: {"content": block}}; actual: every msgadm block in the file, so that the two handlers,
 * which share one change type and one file, each leave the digest the whole file's blocks. */
static int config_read(struct session *s, const char *path, const char *key, const json_t *value,
		       json_t **desired, json_t **actual, json_t *notes, struct msg_err *err)
{
	const char *file = ej_config_fragment(s->context);
	struct ej_fragment f = {0};
	json_t *blocks = NULL, *want, *have;
	char *block, text[1024];

	if (file == NULL) {
		by_hand(path, value, notes);
		*desired = json_object();
		*actual = json_object();
		return 0;
	}
	if ((block = ej_config_block(path, value)) == NULL)
		return err_set(err, EXIT_DATAERR, "%s: nothing msgadm can render for ejabberd", path);
	if (ej_fragment_load(file, &f, err) != 0 || ej_fragment_blocks(&f, &blocks, err) != 0) {
		free(block);
		ej_fragment_free(&f);
		return err_prefix(err, "context %s", s->context->name);
	}
	want = json_pack("{s:{s:s}}", key, "content", block);
	have = json_object_get(blocks, key);
	if (have == NULL || !json_equal(json_object_get(want, key), have)) {
		snprintf(text, sizeof(text),
			 "write the %s block of %s (between '%s%s' and '%s%s') and call reload_config; "
			 "if ejabberd refuses it, the previous file is put back%s",
			 key, f.path, EJ_BLOCK_BEGIN, key, EJ_BLOCK_END, key,
			 strcmp(key, "federation") == 0
			     ? "; then close the open server-to-server streams (stop_s2s_connections), which "
			       "ejabberd does not check again"
			     : "");
		note(notes, path, "apply", text, NULL);
	}
	if (strcmp(key, "registration") == 0)
		note(notes, path, "note",
		     "in-band registration follows the rule msgadm_register only where mod_register in "
		     "ejabberd.yml names it (a file ejabberd.yml includes cannot set the options of a module "
		     "it lists, so config_fragment holds the rule alone)",
		     REGISTER_MODULE);
	free(block);
	ej_fragment_free(&f);
	*desired = want;
	*actual = blocks;
	return 0;
}

int ej_config_read_registration(struct session *s, const json_t *policy, json_t **desired, json_t **actual,
				json_t *notes, struct msg_err *err)
{
	const json_t *value = json_object_get(json_object_get(policy, "invites"), "registration");

	return config_read(s, "invites.registration", "registration", value, desired, actual, notes, err);
}

int ej_config_read_federation(struct session *s, const json_t *policy, json_t **desired, json_t **actual,
			      json_t *notes, struct msg_err *err)
{
	return config_read(s, "federation", "federation", json_object_get(policy, "federation"), desired,
			   actual, notes, err);
}

/* After ejabberd refused text: the previous file back, and ejabberd told so. err holds the refusal
 * and is rewritten to say what happened. */
static int take_back(struct session *s, const struct ej_fragment *f, const char *key, struct msg_err *err)
{
	struct msg_err again = {0};
	char refusal[sizeof(err->text)];
	int status = err->status;
	long http = err->http_status;

	snprintf(refusal, sizeof(refusal), "%s", err->text);
	if (ej_fragment_write(f, f->text, &again) != 0)
		err_set(err, status,
			"%s: ejabberd refused the new %s block (%s), and putting the previous file back "
			"failed: %s",
			f->path, key, refusal, again.text);
	else if (ej_call(s, "reload_config", NULL, NULL, &again) != 0)
		err_set(
		    err, status,
		    "%s: ejabberd refused the new %s block (%s); the previous file is back, but reloading "
		    "it failed too: %s",
		    f->path, key, refusal, again.text);
	else
		err_set(err, status,
			"%s: ejabberd refused the new %s block; the previous file is back and live: %s",
			f->path, key, refusal);
	err->http_status = http;
	return -1;
}

int ej_config_write_block(struct session *s, const struct ej_fragment *f, const char *key,
			  const char *content, struct msg_err *err)
{
	char *text = NULL;
	int rc = -1;

	if (ej_fragment_set_block(f, key, content, &text, err) != 0 || ej_fragment_write(f, text, err) != 0)
		goto done;
	rc = ej_call(s, "reload_config", NULL, NULL, err) == 0 ? 0 : take_back(s, f, key, err);
done:
	free(text);
	return rc;
}

int ej_config_apply(struct session *s, const json_t *change, struct msg_err *err)
{
	const enum change_op op = change_op(change);
	const char *key = change_key(change);
	const json_t *from = NULL, *to = NULL, *have;
	struct ej_fragment f = {0};
	json_t *blocks = NULL;
	int rc = -1;

	if (ej_config_fragment(s->context) == NULL)
		return err_set(err, EXIT_CONFIG,
			       "ejabberd: context %s has no config_fragment: the %s block has nowhere to go",
			       s->context->name, key ? key : "?");
	if (op == OP_CREATE) {
		to = json_object_get(json_object_get(change, "after"), "content");
	} else if (op == OP_UPDATE) {
		from = json_object_get(json_object_get(json_object_get(change, "fields"), "content"), "from");
		to = json_object_get(json_object_get(json_object_get(change, "fields"), "content"), "to");
	} else if (op != OP_DELETE) {
		return err_set(err, EXIT_FAILURE_, "ejabberd: cannot %s a configuration block", op_name(op));
	}
	if (key == NULL || (op != OP_DELETE && !json_is_string(to)))
		return err_set(err, EXIT_FAILURE_,
			       "ejabberd: the %s change of a configuration block has no content",
			       op_name(op));
	if (ej_fragment_load(ej_config_fragment(s->context), &f, err) != 0 ||
	    ej_fragment_blocks(&f, &blocks, err) != 0)
		goto done;
	/* the file is the admin's too: write only over the block the plan saw */
	have = json_object_get(json_object_get(blocks, key), "content");
	if (op == OP_CREATE ? have != NULL : (have == NULL || (from != NULL && !json_equal(from, have)))) {
		err_set(err, EXIT_FAILURE_,
			"%s: the %s block changed since the plan was made; nothing was written (plan again)",
			f.path, key);
		goto done;
	}
	if (ej_config_write_block(s, &f, key, json_string_value(to), err) != 0)
		goto done;
	/* 23.01 checks s2s_access when a stream opens, not later: without this, streams to servers the
	 * policy no longer allows would stay up (ejabberd reopens the allowed ones when needed) */
	if (strcmp(key, "federation") == 0 && ej_call(s, "stop_s2s_connections", NULL, NULL, err) != 0) {
		err_prefix(err,
			   "%s: the new federation block is live, but the server-to-server streams already "
			   "open could not be closed (they run until they end)",
			   f.path);
		goto done;
	}
	rc = 0;
done:
	json_decref(blocks);
	ej_fragment_free(&f);
	return rc;
}
