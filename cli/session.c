/* Opening a session for a context: its token, its HTTP client, its driver. */
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "config.h"
#include "drivers/drivers.h"

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
	s->parallel = ctx->parallel > 0 ? ctx->parallel : 1;
	hc.base_url = ctx->url;
	hc.token = token;
	hc.auth = basic ? HTTP_AUTH_BASIC : HTTP_AUTH_BEARER;
	hc.secret_fields = d->trace_secret_fields;
	hc.basic_user_form = d->basic_user_form;
	hc.basic_user_check = d->basic_user_check;
	hc.retry_hint_ms = d->retry_hint_ms;
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
