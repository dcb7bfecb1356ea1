/* Connection profiles ("contexts") from the contexts file:
 *   $MSGADM_CONFIG, else $XDG_CONFIG_HOME/msgadm/config.yaml, else ~/.config/msgadm/config.yaml.
 * The file must not be writable by group or others; a token file must not be readable by them.
 * Tokens come only from token_file or the environment variable named by token_env. */
#ifndef MSGADM_CONFIG_H
#define MSGADM_CONFIG_H

#include <jansson.h>
#include <stddef.h>

#include "base/msg_err.h"
#include "io/yaml_pos.h"
#include "engine/session.h"

struct config {
	char *path;	      /* where it was read from (or would be) */
	json_t *doc;	      /* the whole document; strings in contexts[] point into it */
	struct yaml_pos *pos; /* positions for messages */
	int exists;	      /* 0 when no file was found */
	const char *current;  /* current_context */
	struct context *contexts;
	size_t ncontexts;
};

/* The contexts file path as resolved from the environment; malloc'd. */
char *config_default_path(void);
/* Loads and checks the file. A missing file gives an empty config (exists = 0), not an error.
 * Errors: EXIT_CONFIG with "<path>:L:C: contexts[1].driver: must be one of ...", or
 * "<path>: is writable by group or others; fix with chmod go-w". */
int config_load(const char *path, struct config **out, struct msg_err *err);
void config_free(struct config *cfg);

/* Chooses the context: name if given, else $MSGADM_CONTEXT, else current_context, else the only one.
 * Errors name what was looked for and what exists. */
int config_select(const struct config *cfg, const char *name, const struct context **out,
		  struct msg_err *err);

/* Reads the context's token (file or env), trimmed of surrounding whitespace. Returns a malloc'd
 * string the caller must wipe (explicit_bzero) and free. */
int context_read_token(const struct context *ctx, char **token, struct msg_err *err);

/* A secret from a file that group and others cannot read (judged on the descriptor read; messages
 * name it as name does: "context prod: token file /p/t"), or from the environment variable the
 * file's key (token_env) names; trimmed
 * of surrounding white space, malloc'd: the caller wipes (explicit_bzero) and frees it. */
int config_read_secret_file(const char *name, const char *path, char **secret, struct msg_err *err);
int config_read_secret_env(const char *name, const char *key, const char *variable, char **secret,
			   struct msg_err *err);

/* Reads the context's client_key (PEM), refusing one that group or others can read (EXIT_CONFIG,
 * naming it), so that the TLS library gets the bytes that were checked. *pem is NULL when the context
 * has none; else malloc'd, and the caller wipes (explicit_bzero) and frees it. */
int context_read_key(const struct context *ctx, unsigned char **pem, size_t *len, struct msg_err *err);

/* Rewrites current_context in the file (atomically, keeping mode 0600). */
int config_set_current(struct config *cfg, const char *name, struct msg_err *err);

/* The audit log (audit/audit.h) to read for `audit log` and `audit verify`: that of the context name,
 * MSGADM_CONTEXT or the current context chooses; the default when none is configured and none was
 * asked for. *context gets the context's name when one was asked for (name or MSGADM_CONTEXT), else
 * NULL. */
int config_audit_path(const struct config *cfg, const char *name, char **path, const char **context,
		      struct msg_err *err);

#endif
