/* Values only the server knows, for completion (complete.h's "user", "token" and "room"): asked
 * through a session, and kept on disk for a short while, so that a shell's Tab, a new msgadm process
 * each time, does not ask again, and the console and the shells share what was asked.
 *
 * The cache: $XDG_CACHE_HOME/msgadm/ (else ~/.cache/msgadm/), a directory only its owner can enter,
 * one 0600 file per context and kind ("user-prod.json") that holds the context's name, driver, url
 * and server, when it was written, and the names. It is trusted for COMPLETE_CACHE_SECONDS, and only
 * while the context still names that server; a command that changes the server drops its context's
 * files (cli.c). It never holds a token or password: not the context's token, and not invite token
 * names either, since whoever knows one may register with it: those are asked each time. */
#ifndef MSGADM_COMPLETE_LIVE_H
#define MSGADM_COMPLETE_LIVE_H

#include <jansson.h>

#include "engine/driver.h"

#define COMPLETE_CACHE_SECONDS 30

/* Opens (or hands over) the session to ask ctx's server through; 0, or -1 on failure. */
typedef int (*complete_open_fn)(void *data, const struct context *ctx, struct session **s);

/* The names of hint on ctx's server, sorted: from the cache when it is fresh, else asked through the
 * session open gives (and cached); a new reference, or NULL when that fails, silently. */
json_t *complete_live(const struct context *ctx, const char *hint, complete_open_fn open, void *data);

/* Asks s for the names of hint: "user" local ids, "token" invite token names, "room" room ids and
 * aliases; *names gets a new array of strings, sorted. */
int complete_fetch(struct session *s, const char *hint, json_t **names, struct msg_err *err);

/* The cache (complete_cache.c): the names, or NULL when there are none fresh; storing them (only for
 * hints that may be kept), quietly doing nothing when that fails; dropping a context's files. */
json_t *complete_cache_get(const struct context *ctx, const char *hint);
void complete_cache_put(const struct context *ctx, const char *hint, const json_t *names);
void complete_cache_forget(const struct context *ctx);

#endif
