/* Internals shared by the ejabberd driver's files (ejabberd*.c) and its unit tests; nothing else uses
 * this. What a real ejabberd 23.01 answers is written down next to the code that reads it. */
#ifndef MSGADM_EJABBERD_H
#define MSGADM_EJABBERD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "engine/driver.h"

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

/* The context's config_fragment (the contexts file's key only this driver reads), or NULL. */
const char *ej_config_fragment(const struct context *ctx);
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
/* Changes of users (resource.h), one op each. */
int ejabberd_create_user(struct session *s, const json_t *change, struct msg_err *err);
int ejabberd_update_user(struct session *s, const json_t *change, struct msg_err *err);
int ejabberd_deactivate_user(struct session *s, const json_t *change, struct msg_err *err);
int ejabberd_reactivate_user(struct session *s, const json_t *change, struct msg_err *err);
int ejabberd_delete_user(struct session *s, const json_t *change, struct msg_err *err);
/* retention.default through delete_old_mam_messages (ejabberd_retention.c); see driver.h. */
int ejabberd_enforce_retention(struct session *s, const json_t *policy, bool dry_run, json_t **report,
			       struct msg_err *err);

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

/* ejabberd.yml fragments for CAP_CONFIG sections (ejabberd_config.c): the whole fragment as plan shows
 * it when the context has no config_fragment, and the part msgadm writes into that file (NULL when
 * there is nothing to render). */
char *ejabberd_render_config(const char *section, const json_t *value);
char *ej_config_block(const char *section, const json_t *value);
/* Writes s as a double-quoted YAML scalar (control characters dropped). */
void ej_put_quoted(FILE *out, const char *s);
/* The section handlers of invites.registration and federation (type "ejabberd_config"). */
int ej_config_read_registration(struct session *s, const json_t *policy, json_t **desired, json_t **actual,
				json_t *notes, struct msg_err *err);
int ej_config_read_federation(struct session *s, const json_t *policy, json_t **desired, json_t **actual,
			      json_t *notes, struct msg_err *err);
int ej_config_apply(struct session *s, const json_t *change, struct msg_err *err);
/* invites.registration and federation read back from config_fragment (ejabberd_export.c). */
int ejabberd_export_sections(struct session *s, json_t *doc, struct msg_err *err);

/* The context's config_fragment file (ejabberd_fragment.c); the markers are described in
 * ejabberd_config.c and must not change: other tools and the admin's own scripts look for them. */
#define EJ_BLOCK_BEGIN "# BEGIN msgadm "
#define EJ_BLOCK_END   "# END msgadm "

struct ej_fragment {
	char *path; /* the file (symbolic links resolved; for a new file, in its resolved directory) */
	char *text; /* its content; "" when it does not exist yet */
	bool exists;
	uid_t uid;   /* the file's owner, group and mode, which a rewrite keeps; for a new file: */
	gid_t gid;   /* msgadm's user, the directory's group, */
	mode_t mode; /* 0640 */
};

/* Reads the file; a missing file in an existing directory is an empty fragment. */
int ej_fragment_load(const char *configured, struct ej_fragment *f, struct msg_err *err);
void ej_fragment_free(struct ej_fragment *f);
/* msgadm's blocks in the file: {key: {"content": the lines between the markers, no last newline}}.
 * Markers that do not pair up are an error (EXIT_DATAERR, naming the line). */
int ej_fragment_blocks(const struct ej_fragment *f, json_t **blocks, struct msg_err *err);
/* *text (malloc'd) gets the file's text with block key holding content (replaced where it is, else
 * appended), or without the block when content is NULL. */
int ej_fragment_set_block(const struct ej_fragment *f, const char *key, const char *content, char **text,
			  struct msg_err *err);
/* Replaces the file with text atomically, with the owner, group and mode in f. */
int ej_fragment_write(const struct ej_fragment *f, const char *text, struct msg_err *err);
/* Puts content into block key of f's file (ej_fragment_set_block, then ej_fragment_write) and calls
 * reload_config; when ejabberd refuses, f's text is written back and reloaded, and err says so. */
int ej_config_write_block(struct session *s, const struct ej_fragment *f, const char *key,
			  const char *content, struct msg_err *err);

/* users.list[].admin (ejabberd_admins.c): membership of the ACL msgadm_admins, the "admins" block of
 * the context's config_fragment. */
#define EJ_ADMINS_ACL "msgadm_admins"
/* The block for these JIDs (a JSON array of strings, kept in its order); malloc'd. */
char *ej_admins_block(const json_t *jids);
/* The JIDs of a block msgadm wrote (a new array); EXIT_DATAERR naming file when it holds anything
 * else. */
int ej_admins_parse(const char *content, const char *file, json_t **jids, struct msg_err *err);
/* The context's admins as {jid: true}: NULL (and 0) without config_fragment, {} without the block. */
int ej_admins_read(struct session *s, json_t **admins, struct msg_err *err);
/* Gives (admin) or takes away the rights of msgadm_admins from id, rewriting the block and reloading;
 * nothing is written when the block already says so. */
int ej_admins_set(struct session *s, const char *id, bool admin, struct msg_err *err);

#endif
