/* Carrying out a plan, change by change, in the plan's order. */
#include <string.h>

#include "audit/audit.h"
#include "base/exitcode.h"
#include "plan.h"

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* {field: {from, to}} -> {field: to} */
static json_t *targets(const json_t *fields)
{
	json_t *out = json_object();
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)fields, k, v) json_object_set(out, k, json_object_get(v, "to"));
	return out;
}

static int not_available(const struct driver *d, const char *what, struct msg_err *err)
{
	return err_set(err, EXIT_FAILURE_, "%s: %s is not available on this server", d->name, what);
}

static int apply_one(struct session *s, const json_t *c, struct msg_err *err)
{
	const struct driver *d = s->driver;
	const char *op = str(c, "op"), *type = str(c, "type"), *key = str(c, "key");
	json_t *fields = NULL, *created = NULL;
	int rc;

	if (strcmp(type, "user") == 0) {
		if (strcmp(op, "create") == 0)
			return d->create_user ? d->create_user(s, json_object_get(c, "after"), err)
					      : not_available(d, "creating users", err);
		if (strcmp(op, "update") == 0) {
			if (d->update_user == NULL)
				return not_available(d, "changing users", err);
			fields = targets(json_object_get(c, "fields"));
			rc = d->update_user(s, key, fields, err);
			json_decref(fields);
			return rc;
		}
		if (strcmp(op, "deactivate") == 0)
			return d->deactivate_user ? d->deactivate_user(s, key, err)
						  : not_available(d, "deactivating users", err);
		if (strcmp(op, "reactivate") == 0)
			return d->reactivate_user ? d->reactivate_user(s, key, err)
						  : not_available(d, "reactivating users", err);
		if (strcmp(op, "delete") == 0)
			return d->delete_user ? d->delete_user(s, key, err)
					      : not_available(d, "deleting users", err);
	} else if (strcmp(type, "token") == 0) {
		if (strcmp(op, "create") == 0) {
			if (d->create_token == NULL)
				return not_available(d, "creating tokens", err);
			rc = d->create_token(s, json_object_get(c, "after"), &created, err);
			json_decref(created);
			return rc;
		}
		if (strcmp(op, "update") == 0) {
			if (d->update_token == NULL)
				return not_available(d, "changing tokens", err);
			fields = targets(json_object_get(c, "fields"));
			rc = d->update_token(s, key, fields, err);
			json_decref(fields);
			return rc;
		}
		if (strcmp(op, "delete") == 0)
			return d->delete_token ? d->delete_token(s, key, err)
					       : not_available(d, "deleting tokens", err);
	}
	if (type != NULL && driver_section_by_type(d, type) != NULL)
		return driver_section_by_type(d, type)->apply(s, c, err);
	return err_set(err, EXIT_FAILURE_, "unknown change '%s %s'", op ? op : "?", type ? type : "?");
}

/* Failures after which the run stops: an operator's Ctrl-C; no permission, or a server that
 * stayed unreachable, overloaded or rate limiting through the retries. A 500 is about one request
 * (the HTTP layer does not retry it), so the run goes on. */
static int is_fatal(const struct msg_err *err)
{
	if (err->status == EXIT_NOPERM || err->status == EXIT_INTERRUPTED)
		return 1;
	if (err->status == EXIT_UNAVAILABLE || err->status == EXIT_TEMPFAIL)
		return err->http_status != 500;
	return 0;
}

int plan_apply(struct session *s, const json_t *plan, const struct apply_observer *observer, json_t **results)
{
	json_t *out = json_array();
	struct audit_log *log = NULL;
	struct msg_err err, audit_err = {0};
	int failed = 0, stop = 0;
	json_t *c;
	size_t i;

	/* No change without its audit line: a log that cannot be written stops the run before any. */
	stop = audit_open(s->context, s->driver->name, str(plan, "state_digest"), &log, &audit_err) != 0;
	json_array_foreach(json_object_get(plan, "changes"), i, c)
	{
		const char *status = "ok";

		err_clear(&err);
		if (stop) {
			status = "not attempted";
			failed++;
			if (log == NULL)
				err = audit_err;
		} else if (apply_one(s, c, &err) != 0) {
			status = "failed";
			failed++;
			stop = is_fatal(&err);
		}
		if (log != NULL && audit_record(log, c, status, err.text, &audit_err) != 0) {
			if (strcmp(status, "ok") == 0) {
				status = "done, not audited";
				failed++;
				err = audit_err;
			}
			audit_close(log);
			log = NULL;
			stop = 1;
		}
		if (observer != NULL)
			observer->outcome(observer->ctx, c, status, err.text);
		json_array_append_new(out, json_pack("{s:O,s:s,s:s,s:i}", "change", c, "status", status,
						     "message", err.text, "exit", err.status));
	}
	audit_close(log);
	*results = out;
	return failed;
}
