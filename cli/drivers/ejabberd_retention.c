/* Retention on ejabberd 23.01: mod_mam has no lifetime option, so `msgadm retention enforce` (run daily
 * from cron) holds retention.default by calling delete_old_mam_messages {"type": "all", "days": N},
 * which deletes the archived one-to-one and room messages older than N days, server-wide. 23.01 takes
 * whole days only: N is max_lifetime rounded UP, so a message may outlive max_lifetime by less than a
 * day but never goes before it. The command answers 0 (or 1 for "failed") and does not say how many
 * messages it deleted. There is no per-room retention: retention.rooms rules are reported as not
 * enforced, and while a room rule keeps messages longer than the default, the server-wide deletion
 * would break it, so the default is then not enforced either. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/duration.h"
#include "ejabberd.h"
#include "base/exitcode.h"

#define DAY_MS INT64_C(86400000)

/* The rule's max_lifetime in ms into *ms; 0 when it has none, -1 (err filled) when it is unreadable. */
static int max_lifetime(const json_t *rule, const char *path, int64_t *ms, bool *present, struct msg_err *err)
{
	const char *text = json_string_value(json_object_get(rule, "max_lifetime")), *why = NULL;

	*present = text != NULL;
	if (text == NULL)
		return 0;
	if (duration_parse_ms(text, ms, &why) != 0)
		return err_set(err, EXIT_DATAERR, "%s.max_lifetime: '%s' is %s", path, text, why);
	return 0;
}

static int add(json_t *report, const char *scope, const char *rule, const char *cutoff, const char *status,
	       const char *message, struct msg_err *err)
{
	json_t *e =
	    json_pack("{s:s,s:s,s:o,s:s,s:s}", "scope", scope, "rule", rule, "cutoff",
		      cutoff ? json_string(cutoff) : json_null(), "status", status, "message", message);

	if (e == NULL || json_array_append_new(report, e) != 0)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	return 0;
}

/* Each retention.rooms rule: not enforced. *conflict says whether one keeps messages longer than
 * default_ms (or for ever), which the server-wide deletion would break. */
static int room_rules(const json_t *rooms, int64_t default_ms, json_t *report, bool *conflict,
		      struct msg_err *err)
{
	const json_t *rule;
	size_t i;

	*conflict = false;
	json_array_foreach(rooms, i, rule)
	{
		const char *room = json_string_value(json_object_get(rule, "room"));
		char path[48];
		int64_t ms = 0;
		bool present;

		snprintf(path, sizeof(path), "retention.rooms[%zu]", i);
		if (max_lifetime(rule, path, &ms, &present, err) != 0)
			return -1;
		if (!present || ms > default_ms)
			*conflict = true;
		if (add(report, room ? room : "?", path, NULL, "failed",
			"not enforced: ejabberd 23.01 has no per-room retention (delete_old_mam_messages "
			"works "
			"on the whole server)",
			err) != 0)
			return -1;
	}
	return 0;
}

int ejabberd_enforce_retention(struct session *s, const json_t *policy, bool dry_run, json_t **report,
			       struct msg_err *err)
{
	const json_t *retention = json_object_get(policy, "retention");
	const json_t *rooms = json_object_get(retention, "rooms");
	json_t *out = json_array(), *args = NULL;
	char cutoff[32], message[2200], lifetime[32];
	int64_t ms = 0, days;
	bool present = false, conflict = false;
	time_t when;
	struct tm tm;

	if (out == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	if (max_lifetime(json_object_get(retention, "default"), "retention.default", &ms, &present, err) !=
		0 ||
	    (json_is_array(rooms) &&
	     room_rules(rooms, present ? ms : DURATION_MAX_MS, out, &conflict, err) != 0))
		goto fail;
	if (!present) {
		*report = out;
		return 0;
	}
	days = ms / DAY_MS + (ms % DAY_MS != 0);
	duration_format(ms, lifetime, sizeof(lifetime));
	when = time(NULL) - (time_t)(days * 86400);
	if (gmtime_r(&when, &tm) == NULL ||
	    strftime(cutoff, sizeof(cutoff), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		err_set(err, EXIT_FAILURE_, "cannot format the cutoff time");
		goto fail;
	}
	if (days == 0) {
		if (add(out, "server", "retention.default", cutoff, "failed",
			"not enforced: max_lifetime 0 would delete every archived message; msgadm refuses it "
			"(ejabberd 23.01 works in whole days: use at least 1d)",
			err) != 0)
			goto fail;
		*report = out;
		return 0;
	}
	if (conflict) {
		if (add(out, "server", "retention.default", cutoff, "failed",
			"not enforced: a retention.rooms rule keeps messages longer than the default, and "
			"ejabberd 23.01 can delete old messages only on the whole server",
			err) != 0)
			goto fail;
		*report = out;
		return 0;
	}
	if (dry_run) {
		snprintf(
		    message, sizeof(message),
		    "would call delete_old_mam_messages {\"type\": \"all\", \"days\": %lld}: max_lifetime %s "
		    "rounded up to whole days (ejabberd 23.01 works in days)",
		    (long long)days, lifetime);
		if (add(out, "server", "retention.default", cutoff, "would purge", message, err) != 0)
			goto fail;
		*report = out;
		return 0;
	}
	args = json_pack("{s:s,s:I}", "type", "all", "days", (json_int_t)days);
	if (args == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto fail;
	}
	if (ej_call(s, "delete_old_mam_messages", args, NULL, err) != 0) {
		/* no permission or the wrong server: the run cannot go on; anything else is this scope's */
		if (err->status == EXIT_NOPERM || err->status == EXIT_CONFIG)
			goto fail;
		snprintf(message, sizeof(message), "%s", err->text);
		if (add(out, "server", "retention.default", cutoff, "failed", message, err) != 0)
			goto fail;
	} else {
		snprintf(
		    message, sizeof(message),
		    "delete_old_mam_messages {\"type\": \"all\", \"days\": %lld} answered 0: archived "
		    "messages older than %lld days are deleted (max_lifetime %s rounded up to whole days; "
		    "ejabberd 23.01 does not say how many)",
		    (long long)days, (long long)days, lifetime);
		if (add(out, "server", "retention.default", cutoff, "purged", message, err) != 0)
			goto fail;
	}
	json_decref(args);
	*report = out;
	return 0;
fail:
	json_decref(args);
	json_decref(out);
	return -1;
}
