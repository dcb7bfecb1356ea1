/* Running independent jobs at once, each worker on a connection of its own.
 *
 * A session runs up to s->parallel jobs at a time: the session itself is the first worker, and the
 * others are its clones (same context and token, their own HTTP connection, http_client_clone),
 * made on first need and kept until the session closes, so that their connections are reused from
 * one run to the next. With s->parallel 1, or a single job, everything runs in the calling thread in
 * index order, exactly as a plain loop would.
 *
 * Jobs are handed out in index order. A job's run touches only what is its own (its slot of the
 * caller's arrays, objects no other job reads); whatever is shared is done in finished, which the
 * pool calls for one job at a time, in the order jobs end. SIGINT is left to the calling thread. */
#ifndef MSGADM_POOL_H
#define MSGADM_POOL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/msg_err.h"

struct session;

#define POOL_MAX 16 /* the most workers a session runs: more would only queue at the server */

struct pool_task {
	size_t count;
	/* Job i on worker w (the session or one of its clones), concurrently with other jobs. */
	int (*run)(struct session *w, size_t i, void *ctx, struct msg_err *err);
	/* Job i ended with rc and err (err is the job's own: the callee may keep a copy). One at a
	 * time. Returns false to launch no more jobs (those running still end). */
	bool (*finished)(void *ctx, size_t i, int rc, const struct msg_err *err);
	void *ctx;
	/* When set and non-zero (a SIGINT handler's flag), no more jobs are launched. */
	volatile sig_atomic_t *stop;
};

/* Runs the task: 0 once every launched job has finished (the jobs not launched, after a stop, never
 * reach finished); -1 with err set when the workers cannot be made, and then nothing ran. */
int session_run(struct session *s, const struct pool_task *task, struct msg_err *err);

/* For per-item reads: calls item(w, i, ctx, err) for i from 0 to count - 1 on the session's workers,
 * reporting progress of `what` (session_progress) as items end. At the first failure no more items
 * are launched; the failure returned is that of the lowest index that failed. */
int session_each(struct session *s, const char *what, size_t count,
		 int (*item)(struct session *w, size_t i, void *ctx, struct msg_err *err), void *ctx,
		 struct msg_err *err);

/* Closes the session's clones (session_close calls it). */
void session_workers_close(struct session *s);

#endif
