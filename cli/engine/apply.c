/* Carrying out a plan through the resource each change is about: stage after stage, the changes of
 * one stage on the session's workers where their driver allows it, their outcomes told in plan
 * order. */
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "plan.h"
#include "pool.h"

struct outcome {
	const char *status; /* NULL: not ended (yet) */
	struct msg_err err;
};

struct applying {
	const json_t *changes;
	size_t count;
	size_t first; /* the running batch's first change */
	const struct apply_journal *journal;
	const struct apply_observer *observer;
	struct outcome *outcomes;
	size_t told; /* changes told to the observer and in out: all before this one */
	json_t *out;
	bool recording, stop;
	struct msg_err journal_err;
	int failed;
};

static const struct resource_ops *ops_of(const struct driver *d, const json_t *c,
					 const struct resource_type **type)
{
	const struct resource_type *t = resource_named(d, change_type(c));

	*type = t;
	return t ? driver_resource(d, t) : NULL;
}

static int apply_one(struct session *s, const json_t *c, struct msg_err *err)
{
	const struct driver *d = s->driver;
	const struct resource_type *t;
	const struct resource_ops *ops = ops_of(d, c, &t);
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

/* Whether change c may share its stage's workers; a change msgadm cannot carry out runs alone (and
 * fails at once). */
static bool concurrent(const struct driver *d, const json_t *c)
{
	const struct resource_type *t;
	const struct resource_ops *ops = ops_of(d, c, &t);

	return ops != NULL && change_op(c) != OP_NONE && ops->concurrent != NULL && ops->concurrent(c);
}

static int stage_of(const struct driver *d, const json_t *c)
{
	return resource_stage(resource_named(d, change_type(c)), change_op(c));
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

/* Tells the observer, in plan order, of every change that has ended since the last call. */
static void tell(struct applying *a)
{
	for (; a->told < a->count && a->outcomes[a->told].status != NULL; a->told++) {
		const json_t *c = json_array_get(a->changes, a->told);
		const struct outcome *o = &a->outcomes[a->told];

		if (a->observer != NULL && a->observer->outcome != NULL)
			a->observer->outcome(a->observer->ctx, c, o->status, o->err.text);
		json_array_append_new(a->out, json_pack("{s:O,s:s,s:s,s:i}", "change", c, "status", o->status,
							"message", o->err.text, "exit", o->err.status));
	}
}

/* Change i ended as status: recorded (no change without its record), counted, told when its turn
 * comes. Returns whether the run goes on. */
static bool ended(struct applying *a, size_t i, const char *status, const struct msg_err *err)
{
	struct outcome *o = &a->outcomes[i];
	const json_t *c = json_array_get(a->changes, i);

	o->status = status;
	o->err = *err;
	if (strcmp(status, "ok") != 0)
		a->failed++;
	if (strcmp(status, "failed") == 0 && is_fatal(err))
		a->stop = true;
	if (a->recording && a->journal->record(a->journal->ctx, c, status, err->text, &a->journal_err) != 0) {
		if (strcmp(status, "ok") == 0) {
			o->status = "done, not audited";
			o->err = a->journal_err;
			a->failed++;
		}
		a->recording = false;
		a->stop = true;
	}
	tell(a);
	return !a->stop;
}

static int batch_run(struct session *w, size_t k, void *ctx, struct msg_err *err)
{
	struct applying *a = ctx;

	return apply_one(w, json_array_get(a->changes, a->first + k), err);
}

static bool batch_finished(void *ctx, size_t k, int rc, const struct msg_err *err)
{
	struct applying *a = ctx;

	return ended(a, a->first + k, rc == 0 ? "ok" : "failed", err);
}

/* Why a change was not attempted: what stopped the run before it. */
static void not_attempted(struct applying *a, size_t i)
{
	struct msg_err err = {0};

	if (!a->recording)
		err = a->journal_err;
	else if (a->observer != NULL && a->observer->stop != NULL &&
		 __atomic_load_n(a->observer->stop, __ATOMIC_RELAXED))
		err_set(&err, EXIT_INTERRUPTED, "interrupted before it was started");
	else
		snprintf(err.text, sizeof(err.text), "the run stopped at a failure before it");
	ended(a, i, "not attempted", &err);
}

int plan_apply(struct session *s, const json_t *plan, const struct apply_journal *journal,
	       const struct apply_observer *observer, json_t **results)
{
	const json_t *changes = json_object_get(plan, "changes");
	struct applying a = {
	    .changes = changes,
	    .count = json_array_size(changes),
	    .journal = journal,
	    .observer = observer,
	    .out = json_array(),
	    /* No change without its record: a journal that cannot take lines stops the run before any. */
	    .recording = journal->unavailable == NULL,
	    .stop = journal->unavailable != NULL,
	};
	struct pool_task batch = {
	    .run = batch_run,
	    .finished = batch_finished,
	    .ctx = &a,
	    .stop = observer != NULL ? observer->stop : NULL,
	};
	struct msg_err err;
	size_t i = 0, end;

	if (journal->unavailable != NULL)
		a.journal_err = *journal->unavailable;
	a.outcomes = calloc(a.count ? a.count : 1, sizeof(*a.outcomes));
	if (a.outcomes == NULL) {
		json_decref(a.out);
		*results = json_array();
		return (int)a.count; /* nothing attempted, nothing to record */
	}
	while (i < a.count) {
		const json_t *c = json_array_get(changes, i);

		/* one batch: the changes of one stage that may run together, or one that runs alone */
		end = i + 1;
		if (concurrent(s->driver, c))
			while (end < a.count && concurrent(s->driver, json_array_get(changes, end)) &&
			       stage_of(s->driver, json_array_get(changes, end)) == stage_of(s->driver, c))
				end++;
		if (!a.stop && (observer == NULL || observer->stop == NULL ||
				__atomic_load_n(observer->stop, __ATOMIC_RELAXED) == 0)) {
			a.first = i;
			batch.count = end - i;
			err_clear(&err);
			if (session_run(s, &batch, &err) != 0)
				for (size_t k = i; k < end; k++)
					ended(&a, k, "failed", &err);
		}
		for (size_t k = i; k < end; k++)
			if (a.outcomes[k].status == NULL)
				not_attempted(&a, k);
		i = end;
	}
	free(a.outcomes);
	*results = a.out;
	return a.failed;
}
