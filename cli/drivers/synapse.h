/* Internals shared by the Synapse driver's files (synapse*.c); nothing outside the driver uses this. */
#ifndef MSGADM_SYNAPSE_H
#define MSGADM_SYNAPSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/driver.h"

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
/* The largest integer Matrix events carry (canonical JSON): 2^53 - 1, as ms about 285,000 years. */
#define SYN_MS_MAX INT64_C(9007199254740991)
/* A policy duration (field of the rule at path) in ms, at most SYN_MS_MAX: EXIT_DATAERR otherwise,
 * naming the place ("retention.rooms[1].max_lifetime: '300000y' is longer than 2^53-1 ms ..."). */
int syn_duration_ms(const char *text, const char *path, const char *field, int64_t *ms, struct msg_err *err);
/* Synapse answers booleans as 0/1 integers in some places and true/false in others. */
int syn_bool(const json_t *v);

extern const struct capability synapse_capabilities[];

int synapse_list_users(struct session *s, const json_t *details, json_t **users, struct msg_err *err);
int synapse_get_user(struct session *s, const char *id, json_t **user, struct msg_err *err);
/* Changes of users and tokens (resource.h), one op each. */
int synapse_create_user(struct session *s, const json_t *change, struct msg_err *err);
int synapse_update_user(struct session *s, const json_t *change, struct msg_err *err);
int synapse_deactivate_user(struct session *s, const json_t *change, struct msg_err *err);
int synapse_reactivate_user(struct session *s, const json_t *change, struct msg_err *err);

int synapse_list_tokens(struct session *s, const json_t *details, json_t **tokens, struct msg_err *err);
int synapse_create_token(struct session *s, const json_t *change, struct msg_err *err);
int synapse_update_token(struct session *s, const json_t *change, struct msg_err *err);
int synapse_delete_token(struct session *s, const json_t *change, struct msg_err *err);
/* Canonical token from a Synapse registration token object (exposed for unit tests). */
json_t *synapse_token_from_wire(const json_t *wire);
/* Canonical user from a Synapse user object (list entry or full object); NULL if not local. */
json_t *synapse_user_from_wire(const struct session *s, const json_t *wire);

/* homeserver.yaml (synapse_config.c): one section's lines, and the whole fragment for a policy. */
char *synapse_render_config(const char *section, const json_t *value);
int synapse_render_config_file(const json_t *policy, char **text);

/* Rooms (synapse_rooms.c). Room ids are "!opaque:server", aliases "#name:server". */

/* A room id or alias for a path segment: "!" and ":" stay raw (Synapse takes them so, and messages
 * stay readable), "#" becomes "%23", the rest is escaped; malloc'd. */
char *syn_room_path_id(const char *id_or_alias);
/* Every room the server knows, as GET /_synapse/admin/v1/rooms lists them (all pages); new array. */
int syn_rooms_list(struct session *s, json_t **rooms, struct msg_err *err);
/* Whether an entry of the room list is one whose server ACL the federation section governs: a
 * federatable room a local user is still in. */
enum syn_room_reach { SYN_ROOM_GOVERNED, SYN_ROOM_LOCAL_ONLY, SYN_ROOM_LEFT };
enum syn_room_reach syn_room_reach(const json_t *entry);
/* A room's current state events, read through the admin API (no membership needed); new array. */
int syn_room_state(struct session *s, const char *room_id, json_t **state, struct msg_err *err);
/* The content of the state event (type, state_key) in state, or NULL; borrowed. */
const json_t *syn_state_content(const json_t *state, const char *type, const char *state_key);
/* An alias through the room directory, an id through the admin API: *room_id gets the id
 * (malloc'd), or NULL (and 0 is returned) when there is no such room. */
int syn_room_resolve(struct session *s, const char *id_or_alias, char **room_id, struct msg_err *err);
/* The acting admin's full user id (@admin:server); malloc'd. */
int syn_admin_id(struct session *s, char **id, struct msg_err *err);

/* What the acting admin lacks before it can send a state event of `type` into a room. */
enum syn_access {
	SYN_CAN_SEND,	 /* joined, with power enough */
	SYN_MUST_JOIN,	 /* not joined: make_room_admin (which invites into a private room), then join */
	SYN_NEEDS_POWER, /* joined, power too low: make_room_admin */
};
enum syn_access syn_admin_access(const json_t *state, const char *admin_id, const char *type);
/* Whether the diff would change have (NULL: absent) into want: a field of want differs. */
bool syn_item_differs(const json_t *want, const json_t *have);
/* "!id (#alias)", "!id ("Name")" or "!id", from an admin room list entry. */
void syn_room_label(char *out, size_t size, const char *room_id, const json_t *wire);
/* Adds a plan note (level "apply") when the admin must join or be given power first: members see
 * both, so the plan says so room by room before apply does it. */
void syn_note_access(json_t *notes, const char *path, const char *label, enum syn_access access);
/* Carries out a create or update change of a room state section (key: room id): re-reads the room,
 * builds the content (update: the current content with the changed fields), runs check when given,
 * makes the admin able to send (make_room_admin, join), then PUTs the state event. A refusal
 * inside the room is EXIT_FAILURE_ (the other rooms still get their turn), not EXIT_NOPERM. */
int syn_room_apply_change(struct session *s, const json_t *change, const char *type,
			  int (*check)(struct session *s, const json_t *content, struct msg_err *err),
			  struct msg_err *err);

/* Event reports (synapse_reports.c): see list_event_reports in driver.h. */
int synapse_list_event_reports(struct session *s, const json_t *filter, json_t **reports,
			       struct msg_err *err);

int synapse_list_rooms(struct session *s, json_t **rooms, struct msg_err *err);
int synapse_get_room(struct session *s, const char *id_or_alias, json_t **room, struct msg_err *err);
int synapse_list_room_names(struct session *s, json_t **names, struct msg_err *err);

/* Policy sections held room by room (synapse_acl.c, synapse_retention.c). */
/* federation read back from the rooms' server ACLs, for export (synapse_export.c). */
int synapse_export_sections(struct session *s, json_t *doc, struct msg_err *err);
int synapse_federation_read(struct session *s, const json_t *policy, json_t **desired, json_t **actual,
			    json_t *notes, struct msg_err *err);
int synapse_federation_apply(struct session *s, const json_t *change, struct msg_err *err);
int synapse_retention_read(struct session *s, const json_t *policy, json_t **desired, json_t **actual,
			   json_t *notes, struct msg_err *err);
int synapse_retention_apply(struct session *s, const json_t *change, struct msg_err *err);

/* Matrix glob matching ("*" any run, "?" one character), case-insensitive, whole string. */
bool synapse_glob_match(const char *pattern, const char *name);
/* The m.room.server_acl content for a federation section: allow = the server itself and, in
 * allowlist mode, the partners (sorted, without duplicates); deny = []; allow_ip_literals = false.
 * *acl = NULL for mode open (ACLs are left alone). EXIT_DATAERR when the ACL would not admit the
 * server itself. */
/* The server name without its port, as server ACLs name servers; written into out. */
void syn_server_host(const char *server, char *out, size_t size);
int synapse_acl_for(const char *server, const json_t *federation, json_t **acl, struct msg_err *err);
/* NULL when acl admits server (its port ignored), else why not (static text). */
const char *synapse_acl_refusal(const json_t *acl, const char *server);
/* The m.room.retention content a retention.rooms rule asks for, in milliseconds; EXIT_DATAERR for
 * a duration out of range or min_lifetime above max_lifetime. path names the rule in messages. */
int synapse_retention_item(const json_t *rule, const char *path, json_t **item, struct msg_err *err);

/* Retention enforcement through the purge history API (synapse_purge.c): the driver's
 * enforce_retention. */
int synapse_enforce_retention(struct session *s, const json_t *policy, bool dry_run, json_t **report,
			      struct msg_err *err);
/* The pause before status request attempt+1 of a purge: 100 ms doubling up to 5 s. */
int64_t syn_purge_poll_delay_ms(int attempt);
/* ms since the epoch as "2026-01-31T12:00:00Z". */
void syn_format_utc_ms(int64_t ms, char *out, size_t size);

#endif
