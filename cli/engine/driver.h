/* The interface a driver implements: it maps the canonical model to one server's admin API. The engine
 * and commands see only this; which drivers exist is drivers/drivers.h's business.
 *
 * Canonical items (JSON objects; fields a server lacks are simply absent; the types are resource.h's):
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

#include "base/msg_err.h"
#include "io/http.h"
#include "resource.h"
#include "session.h"

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

/* How a driver serves one resource type (resource.h). Keys and items are the type's. */
struct resource_ops {
	const struct resource_type *type;
	/* The policy section it serves, for a driver's own types (one type may serve several: blocks
	 * of one configuration file); NULL: the type's own section. */
	const char *section;
	/* Every item, as an object key -> item (deactivated accounts included), in as few requests as
	 * the API allows. details says which fields matter for which items: {key: ["display_name",
	 * "email"]} (desired_details), json_true() for every field of every item, or NULL for what the
	 * list API gives. A field the list API lacks is fetched only where details asks for it. */
	int (*list)(struct session *s, const json_t *details, json_t **items, struct msg_err *err);
	/* One item; *item = NULL (and 0 returned) when there is none. */
	int (*get)(struct session *s, const char *key, json_t **item, struct msg_err *err);
	/* For a driver's own types (no expand): desired {key: item, or null for "must not exist"} and
	 * actual {key: item} from the (managed part of the) policy and the server, both new references;
	 * notes gets what the plan should say around the items (rooms the admin must join first). */
	int (*read)(struct session *s, const json_t *policy, json_t **desired, json_t **actual, json_t *notes,
		    struct msg_err *err);
	/* Carries out one change ({"op", "type", "key", "after" | "fields", ...}), by its op; NULL where
	 * the server cannot. */
	int (*apply[OP_COUNT])(struct session *s, const json_t *change, struct msg_err *err);
	/* Whether change may run at once with the other changes of its stage (apply --parallel, on
	 * workers of its own: engine/pool.h): it touches its item alone, nothing two changes share (a
	 * configuration file, its reload). NULL: every change of the type runs alone. */
	bool (*concurrent)(const json_t *change);
};

struct driver {
	const char *name;
	const struct capability *capabilities; /* ends with path NULL */
	bool basic_auth;		       /* takes `auth: basic` (HTTP Basic with user:password) */
	/* With basic_auth: the user name it wants, for messages, and its check (http.h). */
	const char *basic_user_form;
	int (*basic_user_check)(const char *user, struct msg_err *err);
	/* Optional: how long the server asks a client to wait, from a reply's body (http.h). */
	long (*retry_hint_ms)(long status, const json_t *body);
	/* The product's name in texts for people: "Synapse". */
	const char *product;
	/* JSON field names, beyond the HTTP layer's own, whose values -v traces hide; NULL-terminated. */
	const char *const *trace_secret_fields;
	/* The resource types it serves, ending with type NULL: the engine's (users, tokens) and its own. */
	const struct resource_ops *resources;
	/* Optional: the level of a policy path for one context, given the table's level, when the
	 * context decides (ejabberd keeps admin rights only where the context has a config_fragment). */
	enum capability_level (*context_capability)(const struct context *ctx, const char *path,
						    enum capability_level level, const char **note);

	/* Whether id can be a local account name on this server (its rule, not the policy schema's):
	 * 0, or -1 with why filled ("'/' is not allowed in an XMPP node"). For names that come from
	 * elsewhere (a directory): one that breaks it is left out, never changed into another. */
	int (*local_id_check)(const struct context *ctx, const char *id, char *why, size_t size);

	int (*open)(struct session *s, struct msg_err *err);
	void (*close)(struct session *s);
	/* {"server_version": "...", ...}: whatever the server tells about itself. */
	int (*server_info)(struct session *s, json_t **info, struct msg_err *err);
	/* The local id of the account the token belongs to. */
	int (*whoami)(struct session *s, char **id, struct msg_err *err);

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

	/* Optional: adds to an exported policy document what the driver can read beyond the items of
	 * the engine's types (ejabberd: the sections it keeps in config_fragment). */
	int (*export_sections)(struct session *s, json_t *doc, struct msg_err *err);

	/* For CAP_CONFIG sections: the server configuration fragment that would hold `section` of the
	 * policy (e.g. "federation"), as text; NULL when the driver has nothing to render. */
	char *(*render_config)(const char *section, const json_t *value);
	/* Optional: the whole fragment of the server's configuration file for what of a policy only that
	 * file holds (`msgadm render TARGET`, TARGET being config_file: "synapse-config"); offline. */
	const char *config_file;
	int (*render_config_file)(const json_t *policy, char **text);

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

/* How d serves type t (the first entry for it), or NULL. */
const struct resource_ops *driver_resource(const struct driver *d, const struct resource_type *t);
/* How d serves the type of a change, or NULL. */
const struct resource_ops *driver_resource_of(const struct driver *d, const json_t *change);

/* The level and note for a policy path; CAP_UNSUPPORTED with NULL note when the table is silent. */
enum capability_level driver_capability(const struct driver *d, const char *path, const char **note);
/* The same for a session's context (see context_capability). */
enum capability_level session_capability(const struct session *s, const char *path, const char **note);
const char *capability_level_name(enum capability_level level);

/* The types whose items are expanded from a policy's lists, for d: the engine's (resource_types[]),
 * then d's own types that have an expand; at most max into out, their number returned. */
size_t driver_policy_types(const struct driver *d, const struct resource_type **out, size_t max);

/* Whether d offers need: a resource type's name (d serves the type: "user", "token") or a feature
 * ("rooms", "event-reports", "retention"). *what gets what a message calls it, a plural ("invite
 * tokens", "rooms"). An unknown need is offered by nobody. */
bool driver_offers(const struct driver *d, const char *need, const char **what);

/* Whether d's table has an entry for path (the level may still be unsupported). */
bool driver_lists_capability(const struct driver *d, const char *path);

#endif
