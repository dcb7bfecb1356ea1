/* Workers for a session: the session itself and its clones, one thread each, taking jobs in index
 * order from one counter. The contract is in pool.h. */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "session.h"

struct run {
	const struct pool_task *task;
	pthread_mutex_t lock;
	size_t next;  /* the next job to launch; under lock */
	bool stopped; /* finished said stop; under lock */
};

struct worker {
	struct run *run;
	struct session *session;
	pthread_t thread;
	bool started;
};

/* The next job to launch, or false when there is none (all launched, or the run stopped). */
static bool take(struct run *r, size_t *i)
{
	bool ok;

	pthread_mutex_lock(&r->lock);
	ok = !r->stopped && r->next < r->task->count &&
	     (r->task->stop == NULL || __atomic_load_n(r->task->stop, __ATOMIC_RELAXED) == 0);
	if (ok)
		*i = r->next++;
	pthread_mutex_unlock(&r->lock);
	return ok;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	size_t i;

	while (take(r, &i)) {
		struct msg_err err = {0};
		int rc = r->task->run(w->session, i, r->task->ctx, &err);

		pthread_mutex_lock(&r->lock);
		if (!r->task->finished(r->task->ctx, i, rc, &err))
			r->stopped = true;
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

/* s and clones up to n in all; the clones are kept in s->workers. */
static int workers_ready(struct session *s, int n, struct msg_err *err)
{
	if (s->workers == NULL && (s->workers = calloc(POOL_MAX, sizeof(*s->workers))) == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	for (int k = s->nworkers; k < n - 1; k++) {
		if (session_clone(s, k + 2, &s->workers[k], err) != 0)
			return -1;
		s->nworkers = k + 1;
	}
	return 0;
}

int session_run(struct session *s, const struct pool_task *task, struct msg_err *err)
{
	struct run r = {.task = task};
	struct worker w[POOL_MAX];
	sigset_t all, old;
	int n = s->parallel < 1 ? 1 : s->parallel > POOL_MAX ? POOL_MAX : s->parallel;

	if ((size_t)n > task->count)
		n = task->count == 0 ? 1 : (int)task->count;
	if (n > 1 && workers_ready(s, n, err) != 0)
		return -1;
	if (pthread_mutex_init(&r.lock, NULL) != 0)
		return err_set(err, EXIT_FAILURE_, "cannot make a lock");
	memset(w, 0, sizeof(w));
	/* the clones' threads take no signal: Ctrl-C reaches this thread's handler */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (int k = 1; k < n; k++) {
		w[k].run = &r;
		w[k].session = s->workers[k - 1];
		w[k].started = pthread_create(&w[k].thread, NULL, work, &w[k]) == 0;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* a clone that could not start is one worker fewer, not a failure */
	w[0].run = &r;
	w[0].session = s;
	work(&w[0]);
	for (int k = 1; k < n; k++)
		if (w[k].started)
			pthread_join(w[k].thread, NULL);
	pthread_mutex_destroy(&r.lock);
	return 0;
}

struct each {
	const char *what;
	size_t count, done;
	struct session *s;
	int (*item)(struct session *w, size_t i, void *ctx, struct msg_err *err);
	void *ctx;
	size_t failed_at; /* the lowest index that failed, count when none */
	struct msg_err err;
};

static int each_run(struct session *w, size_t i, void *ctx, struct msg_err *err)
{
	struct each *e = ctx;

	return e->item(w, i, e->ctx, err);
}

static bool each_finished(void *ctx, size_t i, int rc, const struct msg_err *err)
{
	struct each *e = ctx;

	if (rc != 0) {
		if (i < e->failed_at) {
			e->failed_at = i;
			e->err = *err;
		}
		return false;
	}
	session_progress(e->s, e->what, (long)++e->done, (long)e->count);
	return true;
}

int session_each(struct session *s, const char *what, size_t count,
		 int (*item)(struct session *w, size_t i, void *ctx, struct msg_err *err), void *ctx,
		 struct msg_err *err)
{
	struct each e = {.what = what, .count = count, .s = s, .item = item, .ctx = ctx, .failed_at = count};
	const struct pool_task task = {.count = count, .run = each_run, .finished = each_finished, .ctx = &e};

	session_progress(s, what, 0, (long)count);
	if (count == 0) {
		session_progress(s, what, 0, 0);
		return 0;
	}
	if (session_run(s, &task, err) != 0)
		return -1;
	if (e.failed_at < count) {
		if (err != NULL)
			*err = e.err;
		return -1;
	}
	return 0;
}

void session_workers_close(struct session *s)
{
	for (int k = 0; k < s->nworkers; k++)
		session_close(s->workers[k]);
	free(s->workers);
	s->workers = NULL;
	s->nworkers = 0;
}
