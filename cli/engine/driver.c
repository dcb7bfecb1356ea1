/* The driver registry and sessions: the only place that knows which drivers exist. */
#include "driver.h"

#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"

static const struct driver *const drivers[] = {&drv_synapse, &drv_ejabberd, NULL};

const struct driver *driver_find(const char *name)
{
	for (size_t i = 0; drivers[i] != NULL; i++)
		if (strcmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

const struct section_handler *driver_section(const struct driver *d, const char *path)
{
	for (const struct section_handler *h = d->sections; h && h->path; h++)
		if (strcmp(h->path, path) == 0)
			return h;
	return NULL;
}

const struct section_handler *driver_section_by_type(const struct driver *d, const char *type)
{
	for (const struct section_handler *h = d->sections; h && h->path; h++)
		if (strcmp(h->type, type) == 0)
			return h;
	return NULL;
}

enum capability_level driver_capability(const struct driver *d, const char *path, const char **note)
{
	for (const struct capability *c = d->capabilities; c && c->path; c++) {
		if (strcmp(c->path, path) == 0) {
			if (note)
				*note = c->note;
			return c->level;
		}
	}
	if (note)
		*note = NULL;
	return CAP_UNSUPPORTED;
}

enum capability_level session_capability(const struct session *s, const char *path, const char **note)
{
	const char *table_note = NULL;
	enum capability_level level = driver_capability(s->driver, path, &table_note);

	if (s->driver->context_capability != NULL)
		level = s->driver->context_capability(s->context, path, level, &table_note);
	if (note)
		*note = table_note;
	return level;
}

const char *capability_level_name(enum capability_level level)
{
	switch (level) {
	case CAP_MANAGED:
		return "managed";
	case CAP_OBSERVED:
		return "observed only";
	case CAP_CONFIG:
		return "config-managed";
	case CAP_UNSUPPORTED:
		break;
	}
	return "unsupported";
}

int session_open(const struct context *ctx, FILE *trace, struct session **out, struct msg_err *err)
{
	const struct driver *d = driver_find(ctx->driver);
	const bool basic = ctx->auth != NULL && strcmp(ctx->auth, "basic") == 0;
	struct http_config hc = {0};
	struct session *s = NULL;
	unsigned char *key = NULL;
	char *token = NULL;
	size_t key_len = 0;
	int rc = -1;

	if (d == NULL)
		return err_set(err, EXIT_CONFIG, "context %s: driver '%s' is not available in this build",
			       ctx->name, ctx->driver);
	if (basic && !d->basic_auth)
		return err_set(err, EXIT_CONFIG, "context %s: the %s driver does not take auth: basic",
			       ctx->name, d->name);
	if (context_read_key(ctx, &key, &key_len, err) != 0 || context_read_token(ctx, &token, err) != 0)
		goto done;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	s->driver = d;
	s->context = ctx;
	hc.base_url = ctx->url;
	hc.token = token;
	hc.auth = basic ? HTTP_AUTH_BASIC : HTTP_AUTH_BEARER;
	hc.secret_fields = d->trace_secret_fields;
	hc.ca_file = ctx->ca_file;
	hc.client_cert = ctx->client_cert;
	hc.client_key = key;
	hc.client_key_len = key_len;
	hc.label = d->name;
	hc.connect_timeout_ms = ctx->connect_timeout_ms;
	hc.timeout_ms = ctx->timeout_ms;
	hc.max_attempts = ctx->retries + 1;
	hc.trace = trace;
	s->http = http_client_new(&hc, err);
	if (s->http == NULL) {
		err_prefix(err, "context %s", ctx->name);
		goto done;
	}
	if (d->open != NULL && d->open(s, err) != 0)
		goto done;
	rc = 0;
done:
	if (token != NULL)
		explicit_bzero(token, strlen(token));
	free(token);
	if (key != NULL)
		explicit_bzero(key, key_len);
	free(key);
	if (rc == 0)
		*out = s;
	else
		session_close(s);
	return rc;
}

void session_close(struct session *s)
{
	if (s == NULL)
		return;
	if (s->driver && s->driver->close)
		s->driver->close(s);
	http_client_free(s->http);
	free(s->whoami);
	free(s->credentials_out);
	free(s);
}

int session_set_credentials_out(struct session *s, const char *path, struct msg_err *err)
{
	char *copy = NULL;

	if (path != NULL && (copy = strdup(path)) == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	free(s->credentials_out);
	s->credentials_out = copy;
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
