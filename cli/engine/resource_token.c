/* The token type: registration (invite) tokens, as invites.tokens lists them; the server's tokens the
 * list lacks are deleted. */
#include "resource.h"

static const struct resource_field token_fields[] = {
    {"uses", FIELD_NULLABLE},	 /* null: no limit */
    {"expires", FIELD_NULLABLE}, /* null: never */
    {"used", FIELD_OBSERVED},	 /* registrations so far */
    {"pending", FIELD_OBSERVED}, /* registrations under way */
    {NULL, 0},
};

const struct resource_type resource_token = {
    .name = "token",
    .plural = "invite tokens",
    .section = "invites.tokens",
    .list = "invites.tokens",
    .key = "name",
    .state_key = "tokens",
    .capability = "invites.tokens",
    .schema_def = "token",
    .command = "invite",
    .fields = token_fields,
    .flags = RESOURCE_SECRET_KEYS,
    /* tokens before the accounts that may register with them; deletions after every creation */
    .stage = {[OP_CREATE] = 10, [OP_UPDATE] = 11, [OP_DELETE] = 80},
    .expand = resource_expand_list,
};
