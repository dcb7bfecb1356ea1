/* Sessions once open: closing them and what drivers ask of them. Opening one is cli/'s (cli/session.c):
 * it reads the context's token and builds the HTTP client. */
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "driver.h"
#include "pool.h"

const char *context_setting(const struct context *ctx, const char *key)
{
	return json_string_value(json_object_get(ctx->settings, key));
}

void session_close(struct session *s)
{
	if (s == NULL)
		return;
	session_workers_close(s);
	if (s->driver && s->driver->close)
		s->driver->close(s);
	http_client_free(s->http);
	free(s->whoami);
	free(s->credentials_out);
	free(s);
}

int session_clone(struct session *s, int worker, struct session **out, struct msg_err *err)
{
	struct session *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	w->driver = s->driver;
	w->context = s->context;
	w->parallel = 1;
	if ((s->whoami != NULL && (w->whoami = strdup(s->whoami)) == NULL) ||
	    (s->credentials_out != NULL && (w->credentials_out = strdup(s->credentials_out)) == NULL)) {
		session_close(w);
		return err_set(err, EXIT_FAILURE_, "out of memory");
	}
	if (s->http != NULL && (w->http = http_client_clone(s->http, worker, err)) == NULL) {
		session_close(w);
		return -1;
	}
	*out = w;
	return 0;
}

int session_set_credentials_out(struct session *s, const char *path, struct msg_err *err)
{
	char *copy = NULL;

	if (path != NULL && (copy = strdup(path)) == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	free(s->credentials_out);
	s->credentials_out = copy;
	for (int k = 0; k < s->nworkers; k++)
		if (session_set_credentials_out(s->workers[k], path, err) != 0)
			return -1;
	return 0;
}

int session_whoami(struct session *s, const char **id, struct msg_err *err)
{
	if (s->whoami == NULL) {
		if (s->driver->whoami == NULL)
			return err_set(err, EXIT_FAILURE_,
				       "%s: cannot tell which account the token belongs to", s->driver->name);
		if (s->driver->whoami(s, &s->whoami, err) != 0)
			return -1;
	}
	*id = s->whoami;
	return 0;
}

void session_progress(struct session *s, const char *what, long done, long total)
{
	if (s->progress != NULL)
		s->progress(s->progress_ctx, what, done, total);
}
