/* Internals shared by the ejabberd driver's files (ejabberd*.c) and its unit tests; nothing else uses
 * this. What a real ejabberd 23.01 answers is written down next to the code that reads it. */
#ifndef MSGADM_EJABBERD_H
#define MSGADM_EJABBERD_H

#include <jansson.h>
#include <stdbool.h>

#include "driver.h"

/* The marker msgadm keeps in the private XML storage (mod_private) of the accounts it deactivates:
 * ejabberd 23.01 cannot tell a banned account from another. */
#define EJ_MARKER_ELEMENT "msgadm"
#define EJ_MARKER_NS	  "urn:msgadm:account"
#define EJ_MARKER_SET	  "<msgadm xmlns='urn:msgadm:account'>deactivated</msgadm>"
#define EJ_MARKER_CLEAR	  "<msgadm xmlns='urn:msgadm:account'/>"

/* Calls POST /api/<command> with args (a JSON object) and maps the reply: 0 with *reply the result
 * (any JSON value: 0, a string, a list, an object; reply may be NULL), or -1 with a message like
 *   ejabberd: register: 409 (code 10090): User alice@example.test already registered
 * and the exit status for its class: 401/403 -> 77, 404 "Endpoint not found" -> 76 (naming the module
 * that provides the command), "Unknown virtual host" -> 78, 5xx -> 69 (a "Malformed username" -> 1),
 * other 4xx -> 1, a 200 that is not JSON -> 76, and 1 for "failed" from commands answering 0 or 1.
 * Whether a command is retried after a lost reply is decided per command (ejabberd.c). */
int ej_call(struct session *s, const char *command, const json_t *args, json_t **reply, struct msg_err *err);
/* The same, but a 4xx reply that is one of the strings in `expected` (NULL-terminated) is an answer,
 * not an error: 0 with *reply that string. */
int ej_call_expect(struct session *s, const char *command, const json_t *args, const char *const *expected,
		   json_t **reply, struct msg_err *err);
/* The reply mapping of ej_call_expect alone, for unit tests: host names the vhost in messages. */
int ej_reply_map(const char *command, const char *host, const struct http_reply *r,
		 const char *const *expected, json_t **value, struct msg_err *err);

/* {"user": user, "host": <the context's server>}, a new reference. */
json_t *ej_user_args(const struct session *s, const char *user);
/* The local part of jid when it is on host, else NULL; malloc'd. */
char *ej_local_part(const char *jid, const char *host);
/* "ejabberd 23.01-1 is running" in the status text -> "23.01-1"; malloc'd, NULL when absent. */
char *ej_version_from_status(const char *status);
/* Reads a private_get reply ({"res": "<query ...><msgadm ...>deactivated</msgadm></query>"}):
 * 0 with *deactivated, or -1 when the reply has another shape. */
int ej_marker_parse(const json_t *reply, bool *deactivated);
/* Reads a get_vcard/get_vcard2 reply: {"content": "x"} -> "x", {"content": ""} and the "no vCard" /
 * "no value" answers -> null; a new reference, or NULL when the reply has another shape. */
json_t *ej_vcard_value(const json_t *reply);
/* The bare-string answers of get_vcard and get_vcard2 that mean "not set". */
extern const char *const ej_vcard_unset[];

extern const struct capability ejabberd_capabilities[];

int ejabberd_list_users(struct session *s, const json_t *details, json_t **users, struct msg_err *err);
int ejabberd_get_user(struct session *s, const char *id, json_t **user, struct msg_err *err);
int ejabberd_create_user(struct session *s, const json_t *user, struct msg_err *err);
int ejabberd_update_user(struct session *s, const char *id, const json_t *fields, struct msg_err *err);
int ejabberd_deactivate_user(struct session *s, const char *id, struct msg_err *err);
int ejabberd_reactivate_user(struct session *s, const char *id, struct msg_err *err);

/* Passwords for new and reactivated accounts (ejabberd_credentials.c). */
#define EJ_PASSWORD_LEN 32
/* Fills password with EJ_PASSWORD_LEN random characters (192 bits) and a NUL. */
int ej_password_new(char password[EJ_PASSWORD_LEN + 1], struct msg_err *err);
/* Opens s->credentials_out for appending (O_NOFOLLOW, created 0600); refuses a missing option (what
 * says what needed it: "creating alice@example.test") and a file that group or others can read. */
int ej_credentials_open(const struct session *s, const char *what, int *fd, struct msg_err *err);
/* Appends "jid password\n" to fd, syncs it and closes fd (also on failure). */
int ej_credentials_write(const struct session *s, int fd, const char *jid, const char *password,
			 struct msg_err *err);

/* ejabberd.yml fragments for CAP_CONFIG sections (ejabberd_config.c). */
char *ejabberd_render_config(const char *section, const json_t *value);

#endif
