/* HTTP for drivers, over libcurl: one easy handle per client, kept alive between requests.
 *
 * Security: TLS peer and host verification are always on (a custom CA via ca_file, client
 * certificates via client_cert/client_key). http:// is refused unless the host is a loopback
 * address (127.0.0.0/8, ::1, localhost). The credentials go in the Authorization header: a bearer token
 * (the default), or "user:password" sent as HTTP Basic (the form of the user name is the server's:
 * basic_user_form, basic_user_check). They never
 * appear in traces or messages: the token, and for Basic the whole "user:password", the password alone
 * and their base64 form, are replaced by "<redacted>" wherever they occur. -v traces also redact JSON
 * fields named "password", "new_password" and "access_token", and those the config adds.
 *
 * Retries: connect failures, 429 and 502/503/504 are retried with exponential backoff and full jitter,
 * honouring the Retry-After header (seconds or HTTP date) and what the server's own dialect says in
 * the body (retry_hint_ms; the larger wins, capped at retry_max_ms). A request marked HTTP_NOT_IDEMPOTENT is
 * retried only when it certainly did not reach the server (connect failure, 429, 503); otherwise the call
 * fails with err->unknown_outcome = true so the caller re-reads the state before deciding anything.
 *
 * Ownership: config strings are copied; the token and the client key are wiped (explicit_bzero) when
 * the client is freed.
 * Replies are owned by the caller and released with http_reply_clear. */
#ifndef MSGADM_HTTP_H
#define MSGADM_HTTP_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/msg_err.h"

/* How the token is sent. */
enum http_auth {
	HTTP_AUTH_BEARER, /* "Authorization: Bearer <token>" (the default) */
	HTTP_AUTH_BASIC,  /* the token is "user:password", sent as "Authorization: Basic <base64>" */
};

struct http_config {
	const char *base_url;		  /* "https://matrix.example.gov" or "http://127.0.0.1:8008" */
	const char *token;		  /* bearer token, "user:password" for HTTP_AUTH_BASIC, or NULL */
	enum http_auth auth;		  /* 0: bearer */
	const char *const *secret_fields; /* more JSON field names whose values traces hide, NULL-terminated,
					   * or NULL; the strings must outlive the client */
	const char *ca_file;		  /* optional */
	const char *client_cert;	  /* optional */
	const void *client_key;		  /* optional: the PEM key's bytes, not its path */
	size_t client_key_len;		  /* (copied; the copy is wiped when the client is freed) */
	const char *label;		  /* message prefix, e.g. "synapse" */
	/* Basic: the user name the server wants, for messages ("the full JID, as in
	 * admin@example.test:secret"), and its check (0, or -1 with err set), both optional. */
	const char *basic_user_form;
	int (*basic_user_check)(const char *user, struct msg_err *err);
	/* Optional: how long the server asks to wait, in ms, from a reply's JSON body, or -1. */
	long (*retry_hint_ms)(long status, const json_t *body);
	long connect_timeout_ms; /* 0: 10000 */
	long timeout_ms;	 /* whole request; 0: 60000 */
	int max_attempts;	 /* 0: 5 (1 means no retry) */
	long retry_base_ms;	 /* first backoff; 0: 250 */
	long retry_max_ms;	 /* cap for one wait; 0: 30000 */
	FILE *trace;		 /* -v: request/response lines go here (stderr), or NULL */
};

enum http_retry { HTTP_IDEMPOTENT, HTTP_NOT_IDEMPOTENT };

struct http_reply {
	long status; /* HTTP status of the last attempt */
	char *body;  /* NUL-terminated, possibly empty, never NULL after success */
	size_t body_len;
	json_t *json; /* parsed body when it is valid JSON, else NULL */
	int attempts; /* how many attempts were made */
};

struct http_client;

/* A SIGINT handler (the console's, apply's second Ctrl-C) cancels the requests in progress, on
 * every thread: their transfers are aborted, retries stop, and http_request fails with
 * EXIT_INTERRUPTED, "interrupted". Whoever sets it clears it before the next command. The flag is
 * read and written atomically (lock-free, so safe in a signal handler): worker threads read it. */
void http_interrupt(void);
void http_interrupt_clear(void);
bool http_is_interrupted(void);

/* Returns NULL and fills err (EXIT_CONFIG for a refused URL, e.g. "http:// is only allowed to loopback
 * addresses: http://10.0.0.1") on failure. */
struct http_client *http_client_new(const struct http_config *config, struct msg_err *err);
void http_client_free(struct http_client *client);
/* A second client like c, with a connection of its own, for worker number `worker` (2, 3, ...) of a
 * pool running requests at once. The clones and c wait together when the server asks one of them to
 * (429, 503: the larger of Retry-After and the backoff), and tag their -v trace lines "[N] " (c
 * becomes "[1] "). Each client is used by one thread at a time; free the clones before c or after,
 * in any order. */
struct http_client *http_client_clone(struct http_client *c, int worker, struct msg_err *err);

/* Sends method to base_url + path (path includes any query string and must already be
 * percent-encoded). body may be NULL; when given it is sent as application/json.
 * Returns 0 when a reply was received (whatever its status: after retries, the last reply), and
 * -1 on transport failure: status EXIT_UNAVAILABLE for connect/TLS failures, EXIT_TEMPFAIL for
 * timeouts, EXIT_PROTOCOL for a truncated reply; text like
 * "synapse: GET /_synapse/admin/v2/users: cannot connect to 127.0.0.1:8008 (Connection refused)". */
int http_request(struct http_client *client, const char *method, const char *path, const json_t *body,
		 enum http_retry retry, struct http_reply *reply, struct msg_err *err);
void http_reply_clear(struct http_reply *reply);
/* Waits ms milliseconds, or less once http_interrupt was called (Ctrl-C): between retries, and for
 * drivers polling a long task on the server. */
void http_sleep_ms(long ms);

/* Percent-encodes s for use in a path segment or query value; returns a malloc'd string. */
char *http_escape(const char *s);

/* Replaces the client's secrets (the token; for Basic also the password and the base64 form) in text
 * (a buffer of size bytes) by "<redacted>": for messages that quote what a server said, since a server
 * may echo them back. */
void http_redact(const struct http_client *client, char *text, size_t size);

/* With HTTP_AUTH_BASIC, the user name the client signs in as (not secret; borrowed); else NULL. */
const char *http_auth_user(const struct http_client *client);
/* Whether candidate is the client's bearer token, compared in constant time; false for Basic. Lets a
 * driver find its own token in a server's list without the token leaving the client. */
bool http_token_equals(const struct http_client *client, const char *candidate);

/* Number of requests sent (attempts included) since the client was made; for benchmarks and tests. */
unsigned long http_request_count(const struct http_client *client);

#endif
