/* Drivers map the canonical model to one server's admin API. The engine and commands see only this.
 *
 * Canonical resources (JSON objects; fields a server lacks are simply absent):
 *   user:  {"id": "alice", "display_name": "Alice", "email": "alice@example.gov", "admin": false,
 *           "active": true}
 *   token: {"name": "onboarding-q1", "uses": 25 | null, "expires": "2027-03-31" | null,
 *           observed only: "used": 3, "pending": 0}
 *   room:  {"id": "!abc:example.gov", "alias": "#ops:example.gov" | null, "name": "Ops" | null,
 *           "members": 3, "local_members": 2, "public": false, "join_rule": "invite", "creator": "@bob:...",
 *           "federatable": true, "encryption": null, "server_acl": {...} | null, "retention": {...} | null}
 *           (read only; the last two are the room's m.room.server_acl and m.room.retention content)
 *
 * Ownership (the project's jansson rule): functions taking `const json_t *` borrow; every json_t **out
 * receives a new reference, set only on success. Functions return 0, or -1 with err filled
 * ("synapse: PUT /_synapse/admin/v2/users/@bob:example.gov: 403 M_FORBIDDEN: You are not a server admin").
 * A driver leaves a function NULL when the server cannot do it; callers then say
 * "not available on <driver>" instead of crashing. */
#ifndef MSGADM_DRIVER_H
#define MSGADM_DRIVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "io/http.h"
#include "base/msg_err.h"

/* How far a server lets msgadm hold a policy field. */
enum capability_level {
	CAP_MANAGED,	 /* read and written through the API */
	CAP_OBSERVED,	 /* read only: drift is reported, not fixed */
	CAP_CONFIG,	 /* lives in the server's configuration file */
	CAP_UNSUPPORTED, /* the server has no such thing, or msgadm cannot reach it yet */
};

struct capability {
	const char *path; /* policy path: "users.list[].email", "invites.registration" */
	enum capability_level level;
	const char *note; /* how: "PUT /_synapse/admin/v2/users (threepids)", "homeserver.yaml: ..." */
};

struct session;

/* A policy section a driver holds as a set of items (each room's server ACL, a configuration
 * fragment): the driver expands the policy's value into desired items and reads the matching actual
 * ones; the engine diffs them field by field, as it does users and tokens, and hands each change
 * back to apply. */
struct section_handler {
	const char *path; /* the policy path it serves: "federation", "retention.rooms" */
	const char *type; /* the "type" of its changes: "room_acl", "config" */
	/* desired: {key: item, or null for "must not exist"}; actual: {key: item}; both new references.
	 * notes gets what the plan should say around the items (rooms the admin must join first,
	 * rooms it cannot change). policy is the whole (managed part of the) policy document. */
	int (*read)(struct session *s, const json_t *policy, json_t **desired, json_t **actual, json_t *notes,
		    struct msg_err *err);
	/* Carries out one change of this type ({"op", "type", "key", "after" | "fields"}). */
	int (*apply)(struct session *s, const json_t *change, struct msg_err *err);
};

struct session {
	const struct driver *driver;
	const struct context *context;
	struct http_client *http;
	char *whoami; /* the token's own account (local id), cached by session_whoami */
	/* --credentials-out FILE of the running command, or NULL; owned (session_set_credentials_out).
	 * Drivers that must give new or reactivated accounts a password (ejabberd) append "jid password"
	 * lines there and refuse to create or reactivate without it; the others ignore it. */
	char *credentials_out;
	/* Who hears of long reads (session_progress): set by cli/, which draws its meter; NULL: nobody. */
	void (*progress)(void *ctx, const char *what, long done, long total);
	void *progress_ctx;
	void *priv;
};

struct driver {
	const char *name;
	const struct capability *capabilities; /* ends with path NULL */
	bool basic_auth;		       /* takes `auth: basic` (HTTP Basic with user:password) */
	/* JSON field names, beyond the HTTP layer's own, whose values -v traces hide; NULL-terminated. */
	const char *const *trace_secret_fields;
	const struct section_handler *sections; /* NULL, or ends with path NULL */
	/* Optional: the level of a policy path for one context, given the table's level, when the
	 * context decides (ejabberd keeps admin rights only where the context has a config_fragment). */
	enum capability_level (*context_capability)(const struct context *ctx, const char *path,
						    enum capability_level level, const char **note);

	int (*open)(struct session *s, struct msg_err *err);
	void (*close)(struct session *s);
	/* {"server_version": "...", ...}: whatever the server tells about itself. */
	int (*server_info)(struct session *s, json_t **info, struct msg_err *err);
	/* The local id of the account the token belongs to. */
	int (*whoami)(struct session *s, char **id, struct msg_err *err);

	/* All accounts, as an object id -> user, deactivated included, in as few requests as the API
	 * allows. `details` says which fields matter for which users: {id: ["display_name", "email"]}
	 * (see diff_detail_fields), json_true() for every field of every user, or NULL for what the
	 * list API gives. A field the list API lacks is fetched only where details asks for it. */
	int (*list_users)(struct session *s, const json_t *details, json_t **users, struct msg_err *err);
	/* One user; *user = NULL (and 0 returned) when it does not exist. */
	int (*get_user)(struct session *s, const char *id, json_t **user, struct msg_err *err);
	int (*create_user)(struct session *s, const json_t *user, struct msg_err *err);
	/* Sets the fields present in `fields` (display_name, email, admin). */
	int (*update_user)(struct session *s, const char *id, const json_t *fields, struct msg_err *err);
	int (*deactivate_user)(struct session *s, const char *id, struct msg_err *err);
	int (*reactivate_user)(struct session *s, const char *id, struct msg_err *err);
	/* Removes the account for good (only where the policy says delete: true). */
	int (*delete_user)(struct session *s, const char *id, struct msg_err *err);

	/* Registration/invite tokens, as an object name -> token. */
	int (*list_tokens)(struct session *s, json_t **tokens, struct msg_err *err);
	int (*create_token)(struct session *s, const json_t *token, json_t **created, struct msg_err *err);
	int (*update_token)(struct session *s, const char *name, const json_t *fields, struct msg_err *err);
	int (*delete_token)(struct session *s, const char *name, struct msg_err *err);

	/* Rooms, as an object id -> room (see above). */
	int (*list_rooms)(struct session *s, json_t **rooms, struct msg_err *err);
	/* One room by id or alias, also with "topic", "version", "joined" (member ids) and
	 * "admin_membership" (the acting account's); *room = NULL (and 0 returned) when there is none. */
	int (*get_room)(struct session *s, const char *id_or_alias, json_t **room, struct msg_err *err);
	/* The rooms' ids and canonical aliases, as an array of strings, from the room list alone (no
	 * request per room): for completion. */
	int (*list_room_names)(struct session *s, json_t **names, struct msg_err *err);

	/* Reports users made about events (moderation, for auditors), oldest first, every page, as an
	 * array of {"id": 2, "time": "2026-11-26T14:05:09Z", "received_ts": ms, "room_id", "room_alias"
	 * | null, "room_name" | null, "event_id", "reporter" (full user id), "sender", "score" | null,
	 * "reason" | null}. filter: NULL or {"room": "!id:server" | "#alias:server", "user": "alice" |
	 * "@alice:server" (the reporter)}, matched exactly; an unknown alias is an error. NULL when the
	 * server keeps no such reports. */
	int (*list_event_reports)(struct session *s, const json_t *filter, json_t **reports,
				  struct msg_err *err);

	/* Optional: adds to an exported policy document what the driver can read beyond users and
	 * tokens (ejabberd: the sections it keeps in config_fragment). */
	int (*export_sections)(struct session *s, json_t *doc, struct msg_err *err);

	/* For CAP_CONFIG sections: the server configuration fragment that would hold `section` of the
	 * policy (e.g. "federation"), as text; NULL when the driver has nothing to render. */
	char *(*render_config)(const char *section, const json_t *value);

	/* Deletes history older than the policy's retention lifetimes (retention.rooms rules, and
	 * retention.default for everything else), waiting for each deletion to finish. *report gets an
	 * array of {"scope": room id or "server", "rule": "retention.rooms[0]" | "retention.default",
	 * "cutoff": "2026-01-31T12:00:00Z" | null, "status": "purged" | "nothing to purge" |
	 * "would purge" | "failed", "message": "..."}; a failure in one scope is reported there and the
	 * others still get their turn, so -1 means the run itself could not go on (no permission, a
	 * policy the driver cannot read). dry_run: nothing is changed, status "would purge". */
	int (*enforce_retention)(struct session *s, const json_t *policy, bool dry_run, json_t **report,
				 struct msg_err *err);
};

const struct driver *driver_find(const char *name);
extern const struct driver drv_synapse;
extern const struct driver drv_ejabberd;

/* The driver's handler for a policy section path, or for a change type; NULL when it has none. */
const struct section_handler *driver_section(const struct driver *d, const char *path);
const struct section_handler *driver_section_by_type(const struct driver *d, const char *type);

/* The level and note for a policy path; CAP_UNSUPPORTED with NULL note when the table is silent. */
enum capability_level driver_capability(const struct driver *d, const char *path, const char **note);
/* The same for a session's context (see context_capability). */
enum capability_level session_capability(const struct session *s, const char *path, const char **note);
const char *capability_level_name(enum capability_level level);

/* Opens a session for ctx: reads the token, makes the HTTP client, calls the driver's open.
 * trace is the -v stream or NULL. */
int session_open(const struct context *ctx, FILE *trace, struct session **out, struct msg_err *err);
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
