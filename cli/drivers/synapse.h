/* Internals shared by the Synapse driver's files (synapse*.c); nothing outside the driver uses this. */
#ifndef MSGADM_SYNAPSE_H
#define MSGADM_SYNAPSE_H

#include <jansson.h>

#include "driver.h"

/* Sends one request and maps the reply: 2xx -> 0 with *reply the JSON body (new reference, may be
 * NULL when reply is NULL); a status listed in `allowed` (0-terminated) -> 0 with *status set;
 * anything else -> -1 with a message like
 *   synapse: PUT /_synapse/admin/v2/users/@bob:example.gov: 403 M_FORBIDDEN: You are not a server admin
 * and the exit status for its class (401/403 -> 77, 429 -> 75, 5xx -> 69, unexpected -> 76). */
int syn_call(struct session *s, const char *method, const char *path, const json_t *body,
	     enum http_retry retry, const long *allowed, long *status, json_t **reply, struct msg_err *err);

/* "@alice:example.gov", percent-encoded for a path segment; malloc'd. */
char *syn_user_path_id(const struct session *s, const char *local);
/* The local part of a Matrix user id on this server, or NULL when it belongs elsewhere; malloc'd. */
char *syn_local_part(const struct session *s, const char *user_id);
/* Synapse answers booleans as 0/1 integers in some places and true/false in others. */
int syn_bool(const json_t *v);

extern const struct capability synapse_capabilities[];

int synapse_list_users(struct session *s, const json_t *details, json_t **users, struct msg_err *err);
int synapse_get_user(struct session *s, const char *id, json_t **user, struct msg_err *err);
int synapse_create_user(struct session *s, const json_t *user, struct msg_err *err);
int synapse_update_user(struct session *s, const char *id, const json_t *fields, struct msg_err *err);
int synapse_deactivate_user(struct session *s, const char *id, struct msg_err *err);
int synapse_reactivate_user(struct session *s, const char *id, struct msg_err *err);

int synapse_list_tokens(struct session *s, json_t **tokens, struct msg_err *err);
int synapse_create_token(struct session *s, const json_t *token, json_t **created, struct msg_err *err);
int synapse_update_token(struct session *s, const char *name, const json_t *fields, struct msg_err *err);
int synapse_delete_token(struct session *s, const char *name, struct msg_err *err);
/* Canonical token from a Synapse registration token object (exposed for unit tests). */
json_t *synapse_token_from_wire(const json_t *wire);
/* Canonical user from a Synapse user object (list entry or full object); NULL if not local. */
json_t *synapse_user_from_wire(const struct session *s, const json_t *wire);

char *synapse_render_config(const char *section, const json_t *value);

#endif
