/* Admin rights on ejabberd (users.list[].admin). ejabberd 23.01 keeps them in its configuration, and no
 * API command reads or changes an ACL; so msgadm owns one ACL, msgadm_admins, as the "admins" block of
 * the context's config_fragment file:
 *
 *   # BEGIN msgadm admins
 *   acl:
 *     msgadm_admins:
 *       user:
 *         - "alice@example.gov"
 *   # END msgadm admins
 *
 * and ejabberd.yml gives that ACL its rights (api_permissions, access rules such as configure): see
 * msgadm-config(5). The ACL "admin" of ejabberd.yml stays the admin's; msgadm neither reads nor
 * writes it. A user is an admin for msgadm when msgadm_admins lists its JID.
 *
 * 23.01 evaluates a rule that names an ACL nobody defined as "deny", for everyone: so once the block
 * exists msgadm never removes it, and with no admin left it holds "user: []". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ejabberd.h"
#include "base/exitcode.h"
#include "io/json_sort.h"
#include "io/yaml_load.h"

#define KEY "admins"

char *ej_admins_block(const json_t *jids)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *out = open_memstream(&text, &len);
	json_t *j;

	if (out == NULL)
		return NULL;
	fputs("# Admin rights: what ejabberd.yml grants the ACL " EJ_ADMINS_ACL ".\n"
	      "acl:\n"
	      "  " EJ_ADMINS_ACL ":\n",
	      out);
	if (json_array_size(jids) == 0)
		fputs("    user: []\n", out);
	else
		fputs("    user:\n", out);
	json_array_foreach(jids, i, j)
	{
		fputs("      - ", out);
		ej_put_quoted(out, json_string_value(j));
		fputc('\n', out);
	}
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	if (len > 0 && text[len - 1] == '\n')
		text[len - 1] = '\0'; /* a block's content has no last newline (ej_fragment_blocks) */
	return text;
}

int ej_admins_parse(const char *content, const char *file, json_t **jids, struct msg_err *err)
{
	json_t *doc = NULL, *users, *j;
	struct yaml_pos *pos = NULL;
	size_t i;
	int rc = -1;

	if (yaml_load_string(content, strlen(content), file, &doc, &pos, err) != 0)
		return err_prefix(err, "the %s block of %s", KEY, file);
	users = json_object_get(json_object_get(json_object_get(doc, "acl"), EJ_ADMINS_ACL), "user");
	if (!json_is_object(doc) || json_object_size(doc) != 1 ||
	    json_object_size(json_object_get(doc, "acl")) != 1 || !json_is_array(users)) {
		err_set(err, EXIT_DATAERR,
			"%s: the %s block is not what msgadm writes there (acl: " EJ_ADMINS_ACL
			": user: [JID, ...]); fix or remove it by hand",
			file, KEY);
		goto done;
	}
	json_array_foreach(users, i, j)
	{
		if (!json_is_string(j)) {
			err_set(err, EXIT_DATAERR,
				"%s: the %s block: item %zu of acl " EJ_ADMINS_ACL " user is not a JID", file,
				KEY, i + 1);
			goto done;
		}
	}
	*jids = json_incref(users);
	rc = 0;
done:
	json_decref(doc);
	yaml_pos_free(pos);
	return rc;
}

/* The block's JIDs in f ([] when there is no block). */
static int read_jids(const struct ej_fragment *f, json_t **jids, bool *present, struct msg_err *err)
{
	json_t *blocks = NULL;
	const char *content;
	int rc;

	if (ej_fragment_blocks(f, &blocks, err) != 0)
		return -1;
	content = json_string_value(json_object_get(json_object_get(blocks, KEY), "content"));
	*present = content != NULL;
	if (content == NULL) {
		*jids = json_array();
		rc = 0;
	} else {
		rc = ej_admins_parse(content, f->path, jids, err);
	}
	json_decref(blocks);
	return rc;
}

int ej_admins_read(struct session *s, json_t **admins, struct msg_err *err)
{
	struct ej_fragment f = {0};
	json_t *jids = NULL, *j;
	bool present = false;
	size_t i;

	*admins = NULL;
	if (ej_config_fragment(s->context) == NULL)
		return 0;
	if (ej_fragment_load(ej_config_fragment(s->context), &f, err) != 0 ||
	    read_jids(&f, &jids, &present, err) != 0) {
		ej_fragment_free(&f);
		return err_prefix(err, "context %s", s->context->name);
	}
	*admins = json_object();
	json_array_foreach(jids, i, j) json_object_set(*admins, json_string_value(j), json_true());
	json_decref(jids);
	ej_fragment_free(&f);
	return 0;
}

/* jids with jid added or taken out, sorted (so that the file does not depend on the order of the
 * changes); a new array. */
static json_t *with(const json_t *jids, const char *jid, bool member)
{
	json_t *all = json_array(), *out, *j;
	size_t i;

	json_array_foreach(jids, i, j)
	{
		if (strcmp(json_string_value(j), jid) != 0)
			json_array_append(all, j);
	}
	if (member)
		json_array_append_new(all, json_string(jid));
	out = json_sorted_strings(all);
	json_decref(all);
	return out;
}

int ej_admins_set(struct session *s, const char *id, bool admin, struct msg_err *err)
{
	struct ej_fragment f = {0};
	json_t *jids = NULL, *next = NULL;
	char jid[600], *block = NULL;
	bool present = false;
	int rc = -1;

	snprintf(jid, sizeof(jid), "%s@%s", id, s->context->server);
	if (ej_config_fragment(s->context) == NULL)
		return err_set(err, EXIT_CONFIG,
			       "ejabberd: %s: admin rights are kept in the ACL " EJ_ADMINS_ACL
			       " of the context's config_fragment, and context %s has none; nothing was "
			       "changed",
			       jid, s->context->name);
	if (ej_fragment_load(ej_config_fragment(s->context), &f, err) != 0 ||
	    read_jids(&f, &jids, &present, err) != 0)
		goto done;
	next = with(jids, jid, admin);
	/* never render from nothing: that would be a block with no admin at all */
	if (next == NULL || (block = ej_admins_block(next)) == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	/* the same members, and a block to keep them: nothing to write or reload */
	rc = (present && json_equal(jids, next)) ? 0 : ej_config_write_block(s, &f, KEY, block, err);
	if (rc != 0)
		err_prefix(err, "ejabberd: %s %s " EJ_ADMINS_ACL, admin ? "adding" : "removing", jid);
done:
	free(block);
	json_decref(jids);
	json_decref(next);
	ej_fragment_free(&f);
	return rc;
}
