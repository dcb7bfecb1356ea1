/* A connection to one server: the context it was opened for (a profile of the contexts file) and
 * the HTTP client its driver talks through. cli/ opens sessions (cli/session.h); the engine, the
 * drivers and the auditor's tools use them. */
#ifndef MSGADM_SESSION_H
#define MSGADM_SESSION_H

#include <jansson.h>

#include "base/msg_err.h"

struct context {
	const char *name;
	const char *driver; /* a driver's name (drivers/drivers.h) */
	const char *url;
	const char *server; /* the domain the server serves: a Matrix server_name, an XMPP vhost */
	const char *token_file;
	const char *token_env;
	const char
	    *auth; /* how the token is sent: "bearer" (the default) or "basic" (token = user:password) */
	const char *ca_file;
	const char *client_cert;
	const char *client_key;
	const char *audit_log; /* msgadm's audit log for this context, or NULL for the default (audit.h) */
	/* The context's entry as the contexts file holds it, for the keys only one driver reads
	 * (context_setting); NULL when there is none. Borrowed from the file's document. */
	const json_t *settings;
	long timeout_ms;
	long connect_timeout_ms;
	int retries;
	int page_size;
	int parallel; /* requests at once (engine/pool.h), 1 to 16 */
};

struct session;

/* Where a policy's users.directory is read: cli/ opens the directory it names (cli_directory.c).
 * *answer gets {"users": {id: {"id", "display_name"?, "email"?, "active", "admin"?, "anchor", "dn"}},
 * "left_out": [{"dn", "reason"}], "entries": N, "directory": name, "url": "ldaps://...", "digest":
 * "sha256:..." of the users and those left out}. */
struct directory_source {
	int (*read)(const struct directory_source *src, const struct session *s, const json_t *spec,
		    json_t **answer, struct msg_err *err);
	void *ctx;
};

struct session {
	const struct driver *driver;
	const struct context *context;
	struct http_client *http;
	char *whoami; /* the token's own account (local id), cached by session_whoami */
	/* --credentials-out FILE of the running command, or NULL; owned (session_set_credentials_out).
	 * Where a driver must give new or reactivated accounts a password msgadm makes up, it appends
	 * "account password" lines there and refuses to create or reactivate without it; a driver whose
	 * server needs no password from msgadm ignores it. */
	char *credentials_out;
	/* Who hears of long reads (session_progress): set by cli/, which draws its meter; NULL: nobody. */
	void (*progress)(void *ctx, const char *what, long done, long total);
	void *progress_ctx;
	/* Who reads directories for the plan (above); NULL: none can be read here. */
	const struct directory_source *directory;
	/* How many jobs it runs at once (engine/pool.h): 1 is one request after another. Its clones
	 * (workers, made by the pool) share its driver and context and hold their own connection. */
	int parallel;
	struct session **workers;
	int nworkers;
};

/* The string value of a key only one driver reads ("config_fragment"), or NULL. */
const char *context_setting(const struct context *ctx, const char *key);

/* A session like s for worker number `worker` of its pool: the same driver, context, acting account
 * and --credentials-out, a connection of its own (http_client_clone), no progress and no workers. */
int session_clone(struct session *s, int worker, struct session **out, struct msg_err *err);
/* Closes the driver's side, the workers and the HTTP client, and frees s (NULL: nothing). */
void session_close(struct session *s);
/* Sets (path) or clears (NULL) s->credentials_out; commands call it before running changes. */
int session_set_credentials_out(struct session *s, const char *path, struct msg_err *err);
/* The token's own account (local id), asked once per session; borrowed. */
int session_whoami(struct session *s, const char **id, struct msg_err *err);
/* For drivers reading many items (all users, page by page or one by one): `done` of `total` (-1
 * when not known) of `what` ("users", a plural noun) read so far. A read reports as it starts, after
 * each page or item with done < total, and last with done == total (its own count, whatever the
 * server said): that last report takes the meter away. Drivers never print; whoever set s->progress
 * decides what, if anything, is shown. */
void session_progress(struct session *s, const char *what, long done, long total);

#endif
