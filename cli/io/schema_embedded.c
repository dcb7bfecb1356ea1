/* The schemas compiled into the binary (see scripts/embed), parsed once on first use. */
#include "schema.h"

#include <stddef.h>

extern const char policy_schema_text[];
extern const size_t policy_schema_text_len;
extern const char config_schema_text[];
extern const size_t config_schema_text_len;

static json_t *parse_once(json_t **slot, const char *text, size_t len)
{
	if (*slot == NULL)
		*slot = json_loadb(text, len, 0, NULL);
	return *slot;
}

/* Kept for the life of the process, like any other static table. */
static json_t *policy_schema;
static json_t *config_schema;

const json_t *schema_policy(void)
{
	return parse_once(&policy_schema, policy_schema_text, policy_schema_text_len);
}

const json_t *schema_config(void)
{
	return parse_once(&config_schema, config_schema_text, config_schema_text_len);
}

const char *schema_policy_text(void)
{
	return policy_schema_text;
}
