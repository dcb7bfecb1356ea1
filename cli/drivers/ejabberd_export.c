/* What export and snapshots learn from the context's config_fragment: the registration and federation
 * blocks msgadm wrote there, read back as the policy values they were written from. A block is read
 * back only when rendering the value found gives exactly the block on disk: a block someone edited by
 * hand is left out (check then reports those sections as not in the snapshot), never guessed at. */
#include <stdlib.h>
#include <string.h>

#include "ejabberd.h"
#include "io/yaml_load.h"

/* Whether value renders to exactly content for section. */
static bool renders_to(const char *section, const json_t *value, const char *content)
{
	char *block = ej_config_block(section, value);
	bool same = block != NULL && strcmp(block, content) == 0;

	free(block);
	return same;
}

static json_t *registration_of(const char *content)
{
	static const char *const modes[] = {"closed", "token", "open"};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		json_t *mode = json_string(modes[i]);

		if (renders_to("invites.registration", mode, content))
			return mode;
		json_decref(mode);
	}
	return NULL;
}

/* The candidate the block's shape suggests: partners in the ACL msgadm_partners -> allowlist,
 * s2s_access: all -> open, else closed (or an allowlist without partners: both render alike but for
 * the comment, which renders_to tells apart). */
static json_t *federation_of(const char *content)
{
	json_t *doc = NULL, *found = NULL, *partners;
	struct yaml_pos *pos = NULL;
	struct msg_err ignored = {0};

	if (yaml_load_string(content, strlen(content), "block", &doc, &pos, &ignored) != 0)
		return NULL;
	partners = json_object_get(json_object_get(json_object_get(doc, "acl"), "msgadm_partners"), "server");
	if (json_is_array(partners))
		found = json_pack("{s:s,s:O}", "mode", "allowlist", "partners", partners);
	else if (json_is_string(json_object_get(doc, "s2s_access")) &&
		 strcmp(json_string_value(json_object_get(doc, "s2s_access")), "all") == 0)
		found = json_pack("{s:s}", "mode", "open");
	else
		found = json_pack("{s:s}", "mode", "closed");
	if (!renders_to("federation", found, content)) {
		json_decref(found);
		found = json_pack("{s:s,s:[]}", "mode", "allowlist", "partners");
		if (!renders_to("federation", found, content)) {
			json_decref(found);
			found = NULL;
		}
	}
	json_decref(doc);
	yaml_pos_free(pos);
	return found;
}

int ejabberd_export_sections(struct session *s, json_t *doc, struct msg_err *err)
{
	struct ej_fragment f = {0};
	json_t *blocks = NULL, *value;
	const char *content;

	if (ej_config_fragment(s->context) == NULL)
		return 0;
	if (ej_fragment_load(ej_config_fragment(s->context), &f, err) != 0 ||
	    ej_fragment_blocks(&f, &blocks, err) != 0) {
		ej_fragment_free(&f);
		return err_prefix(err, "context %s", s->context->name);
	}
	content = json_string_value(json_object_get(json_object_get(blocks, "registration"), "content"));
	if (content != NULL && (value = registration_of(content)) != NULL) {
		if (json_object_get(doc, "invites") == NULL)
			json_object_set_new(doc, "invites", json_object());
		json_object_set_new(json_object_get(doc, "invites"), "registration", value);
	}
	content = json_string_value(json_object_get(json_object_get(blocks, "federation"), "content"));
	if (content != NULL && (value = federation_of(content)) != NULL)
		json_object_set_new(doc, "federation", value);
	json_decref(blocks);
	ej_fragment_free(&f);
	return 0;
}
