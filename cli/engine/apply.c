/* Carrying out a plan, change by change, in the plan's order, through the resource each change is
 * about. */
#include <string.h>

#include "base/exitcode.h"
#include "plan.h"

static int apply_one(struct session *s, const json_t *c, struct msg_err *err)
{
	const struct driver *d = s->driver;
	const struct resource_type *t = resource_named(d, change_type(c));
	const struct resource_ops *ops = t ? driver_resource(d, t) : NULL;
	const enum change_op op = change_op(c);
	const char *op_text = json_string_value(json_object_get(c, "op"));

	if (t == NULL || op == OP_NONE)
		return err_set(err, EXIT_FAILURE_, "unknown change '%s %s'", op_text ? op_text : "?",
			       change_type(c) ? change_type(c) : "?");
	if (ops == NULL || ops->apply[op] == NULL)
		return err_set(err, EXIT_FAILURE_, "%s: %s %s is not available on this server", d->name,
			       op_gerund(op), t->plural);
	return ops->apply[op](s, c, err);
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

int plan_apply(struct session *s, const json_t *plan, const struct apply_journal *journal,
	       const struct apply_observer *observer, json_t **results)
{
	json_t *out = json_array();
	struct msg_err err, journal_err = {0};
	/* No change without its record: a journal that cannot take lines stops the run before any. */
	bool recording = journal->unavailable == NULL, stop = !recording;
	json_t *c;
	int failed = 0;
	size_t i;

	if (!recording)
		journal_err = *journal->unavailable;
	json_array_foreach(json_object_get(plan, "changes"), i, c)
	{
		const char *status = "ok";

		err_clear(&err);
		if (stop) {
			status = "not attempted";
			failed++;
			if (!recording)
				err = journal_err;
		} else if (apply_one(s, c, &err) != 0) {
			status = "failed";
			failed++;
			stop = is_fatal(&err);
		}
		if (recording && journal->record(journal->ctx, c, status, err.text, &journal_err) != 0) {
			if (strcmp(status, "ok") == 0) {
				status = "done, not audited";
				failed++;
				err = journal_err;
			}
			recording = false;
			stop = true;
		}
		if (observer != NULL)
			observer->outcome(observer->ctx, c, status, err.text);
		json_array_append_new(out, json_pack("{s:O,s:s,s:s,s:i}", "change", c, "status", status,
						     "message", err.text, "exit", err.status));
	}
	*results = out;
	return failed;
}
