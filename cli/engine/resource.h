/* Resources: the kinds of items a policy holds and a plan changes, as one table.
 *
 * A resource type says, once and for every server, what its items are: where the policy lists them,
 * their key, their fields and how those compare, the order its changes are applied in, and how the
 * policy's section becomes the desired items (expand: users.manage, users.protect and
 * users.max_deactivations are the user type's). A driver serves a type with a struct resource_ops
 * (driver.h): reading the server's items and carrying out each change. State reading, diff, ordering,
 * apply, export, the saved plan's digest, the offline check and the imperative commands walk these
 * tables; none of them names a type.
 *
 * The engine's own types are resource_types[] (users, invite tokens). A driver may declare types of
 * its own: with an expand (and then a section, list, key and state_key) they are planned from the
 * policy's lists like the engine's; for what only the driver can enumerate (a room's server ACL, a
 * block of its configuration file) they leave expand NULL, and their resource_ops read the desired
 * and the actual items together.
 *
 * Changes stay JSON objects, as plans are saved and printed:
 *   {"op": "create", "type": "user", "key": "alice", "path": "users.list[0]", "after": {...}}
 *   {"op": "update", "type": "token", "key": "q1", "path": "invites.tokens[0]",
 *    "fields": {"uses": {"from": 5, "to": 10}}}
 *   {"op": "deactivate", "type": "user", "key": "mallory", "reason": "not in the policy (...)"}
 * Their op is read with change_op() and their type with resource_named(); only resource.c compares
 * op and type names. */
#ifndef MSGADM_RESOURCE_H
#define MSGADM_RESOURCE_H

#include <jansson.h>
#include <stdbool.h>

#include "base/msg_err.h"

struct session;
struct driver;
struct policy;
struct resource_type;

enum change_op { OP_CREATE, OP_REACTIVATE, OP_UPDATE, OP_DELETE, OP_DEACTIVATE, OP_COUNT };
/* No op: what becomes of the server's items a policy does not name when they are left alone. */
#define OP_NONE OP_COUNT

/* How a plan's closing line counts an op. */
enum op_effect { EFFECT_ADD, EFFECT_CHANGE, EFFECT_REMOVE };

const char *op_name(enum change_op op);
/* "creating", "changing", ...: for "creating users is not available on ejabberd". */
const char *op_gerund(enum change_op op);
enum op_effect op_effect(enum change_op op);
/* The mark plans show for it: '+', '~' or '-'. */
char op_mark(enum change_op op);
/* What an offline check says of a change with this op and no fields: the item's "present" or
 * "active" field expected true or false; NULL for update (its fields say it). */
const char *op_deviation_field(enum change_op op, bool *expected);

/* The op of a change, OP_NONE when it has none this build knows. */
enum change_op change_op(const json_t *change);
const char *change_type(const json_t *change);
const char *change_key(const json_t *change);
/* Whether change is about an item of type t. */
bool change_is(const json_t *change, const struct resource_type *t);
/* {"op", "type", "key"[, "path"]}: a new change. */
json_t *change_new(enum change_op op, const char *type, const char *key, const char *path);
/* An update's fields as {field: new value} (their "to"); a new object. */
json_t *change_targets(const json_t *change);

enum field_flag {
	FIELD_CASELESS = 1 << 0,  /* compared without regard to case: e-mail addresses */
	FIELD_NULLABLE = 1 << 1,  /* null is a value of its own (no use limit): an export writes it */
	FIELD_OBSERVED = 1 << 2,  /* the server's alone (uses so far): listed, never compared or exported */
	FIELD_LIFECYCLE = 1 << 3, /* false deactivates, true reactivates: its changes are not updates */
	FIELD_DIRECTIVE = 1 << 4, /* tells msgadm what to do (delete: true); no server holds it */
	FIELD_ADMIN = 1 << 5,	  /* true makes the account an admin: the safety checks watch it */
	FIELD_SENSITIVE = 1 << 6, /* a secret: plans show that it is set or changes, never its value */
};

struct resource_field {
	const char *name;
	unsigned flags;
};

enum resource_flag {
	RESOURCE_ACCOUNTS = 1 << 0,    /* accounts: the acting admin is one, the last admin must stay */
	RESOURCE_SECRET_KEYS = 1 << 1, /* its keys are secrets (whoever knows one may register) */
};

/* What a policy asks of one type, expanded: the desired items and what becomes of the others. */
struct desired {
	json_t *
	    items; /* {key: item}, or {key: null}: must not exist; items may be the policy's own: read them */
	/* The policy's list the items came from (borrowed), or NULL: every item's path is the
	 * section's. Their paths are looked up through desired_path. */
	const json_t *listed;
	json_t *paths;	 /* {key: policy path of its entry}, made from listed when first needed */
	json_t *protect; /* {key: true}: never changed (a note says so when the server differs), or NULL */
	json_t *leave;	 /* {key: true}: named by the policy, left as they are (noted already), or NULL */
	const char *protect_path; /* where protect comes from, for that note: "users.protect" */
	const char *path;	  /* the section's path, for items without one of their own */
	enum change_op unlisted;  /* for the server's items the policy does not name; OP_NONE: none */
	char unlisted_reason[128];
	const char *delete_reason; /* why an item null is deleted ("delete: true in the policy"), or NULL */
	json_int_t limit;	   /* at most this many removals in one plan, or -1 for no limit */
	const char *limit_path;	   /* where the limit comes from: "users.max_deactivations" */
	/* Where items came from besides the policy, for the plan to record (its "sources"): a
	 * directory's {"directory", "url", "entries", "users", "left_out", "digest"}; or NULL. */
	json_t *source;
};
void desired_init(struct desired *d, const char *path);
/* Takes field out of item key. Items are shared with the policy they came from (expand copies only
 * what it changes), so this replaces the item with a copy without the field. */
void desired_take_field(struct desired *d, const char *key, const char *field);
void desired_clear(struct desired *d);
/* The policy path of item key's entry ("users.list[2]"), or NULL when it has none of its own. The
 * paths are made on the first call: a plan with nothing to change never needs them. */
const char *desired_path(const struct resource_type *t, const struct desired *d, const char *key);

struct resource_type {
	const char *name;    /* "user": the type of its changes, completion's hint for its keys */
	const char *plural;  /* "users": in messages */
	const char *section; /* the policy path whose presence has the type planned: "users" */
	const char *list;    /* where the policy and an export list its items: "users.list" */
	const char *key;     /* the field holding an item's key: "id" */
	/* Where the state read keeps its items ("users"; saved plans' digests cover it). NULL: under
	 * "sections", by the type's name (the drivers' own types). */
	const char *state_key;
	const char *capability; /* the capability path of the type as a whole: "users.manage" */
	const char *schema_def; /* the policy schema's $defs entry for one item: "user" */
	const char *command;	/* the command group that changes one item: "user" */
	/* Its fields, in the order an export writes them (the key first, not listed), ending at a NULL
	 * name; NULL: the fields of each desired item, compared strictly (absent differs from null). */
	const struct resource_field *fields;
	unsigned flags;		     /* enum resource_flag */
	int stage[OP_COUNT];	     /* the order changes are applied in, by op; 0 means 50 */
	const char *export_defaults; /* JSON of what an export puts beside the list: {"manage": "listed"} */
	/* The policy's section (its value at `section`) as desired items. s is the session the plan is
	 * for, NULL offline (a snapshot check); notes takes what the plan should say. */
	int (*expand)(const struct resource_type *t, const struct session *s, const json_t *section,
		      struct desired *out, json_t *notes, struct msg_err *err);
	/* What the schema cannot say about the policy's section (an account to delete carries no
	 * fields), as document problems (document.h); NULL: nothing. */
	int (*check)(const struct resource_type *t, const struct policy *p, const json_t *section,
		     struct msg_err *err);
};

/* The engine's types, in the order plans read and exports write them; ends with NULL. */
extern const struct resource_type *const resource_types[];
extern const struct resource_type resource_user;
extern const struct resource_type resource_token;

/* The policy's sections (paths below the top level: "invites.registration"), in plan order; ends
 * with NULL. A section no resource of the driver serves is noted in the plan, never dropped. */
extern const char *const policy_sections[];
/* Keys of a policy that hold no server settings: "version", "server", "lint". */
bool policy_meta_key(const char *key);

/* The engine's type whose section is path ("users"), or NULL. */
const struct resource_type *resource_of_section(const char *path);
/* The type called name: the driver's own types first (d may be NULL), then the engine's. */
const struct resource_type *resource_named(const struct driver *d, const char *name);
const struct resource_field *resource_field(const struct resource_type *t, const char *name);
/* Whether field name of t is compared by the diff: not the key, observed, lifecycle or a directive. */
bool resource_compared(const struct resource_type *t, const char *name);
/* The same for a field at hand, without looking it up by name. */
bool resource_field_compared(const struct resource_field *f);
bool resource_field_is(const struct resource_type *t, const char *name, unsigned flag);
/* The field of t flagged flag, or NULL. */
const char *resource_field_with(const struct resource_type *t, unsigned flag);
int resource_stage(const struct resource_type *t, enum change_op op);

/* The value at a dotted path of doc ("invites.tokens"), or NULL; borrowed. */
json_t *policy_at(const json_t *doc, const char *path);
/* Removes the value at a dotted path of doc, if any. */
void policy_drop(json_t *doc, const char *path);
/* Sets the value at a dotted path of doc, making the objects above it (steals value). */
void policy_put(json_t *doc, const char *path, json_t *value);

/* The expand of a plain list (invites.tokens): each entry by its key, its path its index; the
 * server's items the list lacks are deleted ("not in invites.tokens"). */
int resource_expand_list(const struct resource_type *t, const struct session *s, const json_t *section,
			 struct desired *out, json_t *notes, struct msg_err *err);

#endif
