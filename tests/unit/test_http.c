/* cli/io/http.c against an in-process canned server: a thread on 127.0.0.1 that answers each request with the
 * next scripted step (keep-alive, close after the reply, drop without a reply, or stall) and records what
 * it received. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "drivers/drivers.h"
#include "io/http.h"

#define TOKEN "syt_c2VjcmV0_TOKEN42"

enum action {
	REPLY,	     /* send raw, keep the connection */
	REPLY_CLOSE, /* send raw, then close */
	DROP,	     /* close without a reply */
	STALL,	     /* never reply; wait for the client to give up */
};

struct step {
	enum action action;
	const char *raw;
};

struct request {
	char method[16];
	char target[512];
	char head[4096];
	char body[4096];
};

struct server {
	int fd;
	pthread_t thread;
	const struct step *steps;
	size_t nsteps, served;
	int connections;
	struct request req[16];
	size_t nreq;
	atomic_bool stop;
	char url[64];
};

/* Waits until fd is readable; false when the test stops the server. */
static bool readable(struct server *s, int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	while (!atomic_load(&s->stop))
		if (poll(&p, 1, 20) > 0)
			return true;
	return false;
}

static void record(struct server *s, const char *buf, size_t head_len, size_t body_len)
{
	struct request *r;

	if (s->nreq >= sizeof(s->req) / sizeof(s->req[0]))
		return;
	r = &s->req[s->nreq++];
	sscanf(buf, "%15s %511s", r->method, r->target);
	snprintf(r->head, sizeof(r->head), "%.*s", (int)head_len, buf);
	snprintf(r->body, sizeof(r->body), "%.*s", (int)body_len, buf + head_len);
}

static void write_all(int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len > 0 && (n = write(fd, s, len)) > 0)
		s += n, len -= (size_t)n;
}

static size_t content_length(const char *buf, size_t head_len)
{
	char head[4096];
	const char *cl;

	snprintf(head, sizeof(head), "%.*s", (int)head_len, buf);
	cl = strcasestr(head, "\r\ncontent-length:");
	return cl != NULL ? strtoul(cl + 17, NULL, 10) : 0;
}

/* Reads until buf holds one whole request; returns its length (head in *head_len), 0 when the peer is gone.
 */
static size_t read_request(struct server *s, int fd, char *buf, size_t size, size_t *len, size_t *head_len)
{
	const char *end;
	ssize_t n;

	for (;;) {
		buf[*len] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end != NULL) {
			*head_len = (size_t)(end + 4 - buf);
			if (*len >= *head_len + content_length(buf, *head_len))
				return *head_len + content_length(buf, *head_len);
		}
		if (*len + 1 >= size || !readable(s, fd) || (n = read(fd, buf + *len, size - *len - 1)) <= 0)
			return 0;
		*len += (size_t)n;
	}
}

static void serve_connection(struct server *s, int fd)
{
	char buf[16384];
	size_t len = 0, head_len, total;
	const struct step *st;

	while (s->served < s->nsteps &&
	       (total = read_request(s, fd, buf, sizeof(buf), &len, &head_len)) > 0) {
		record(s, buf, head_len, total - head_len);
		memmove(buf, buf + total, len - total);
		len -= total;
		st = &s->steps[s->served++];
		if (st->action == REPLY || st->action == REPLY_CLOSE)
			write_all(fd, st->raw);
		if (st->action == STALL)
			while (readable(s, fd) && read(fd, buf, sizeof(buf)) > 0)
				;
		if (st->action != REPLY)
			return;
	}
}

static void *serve(void *arg)
{
	struct server *s = arg;
	int fd;

	while (s->served < s->nsteps && readable(s, s->fd)) {
		fd = accept(s->fd, NULL, NULL);
		if (fd < 0)
			continue;
		s->connections++;
		serve_connection(s, fd);
		close(fd);
	}
	return NULL;
}

/* Binds 127.0.0.1 on a free port; with nsteps == 0 nothing is served, so the port refuses connections. */
static void server_start(struct server *s, const struct step *steps, size_t nsteps)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(addr);

	memset(s, 0, sizeof(*s));
	s->steps = steps;
	s->nsteps = nsteps;
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&addr, &alen), 0);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", ntohs(addr.sin_port));
	if (nsteps == 0) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	assert_int_equal(listen(s->fd, 8), 0);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

/* Joins the server thread; what it recorded may be read afterwards. */
static void server_stop(struct server *s)
{
	if (s->fd < 0)
		return;
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	close(s->fd);
	s->fd = -1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static char arena[65536];
static size_t arena_used;

/* A raw reply with a correct Content-Length; extra holds header lines, each ending in \r\n. */
static const char *canned(const char *status, const char *extra, const char *body)
{
	char *out = arena + arena_used;
	int n = snprintf(out, sizeof(arena) - arena_used, "HTTP/1.1 %s\r\n%sContent-Length: %zu\r\n\r\n%s",
			 status, extra, strlen(body), body);

	assert_true(n > 0 && (size_t)n < sizeof(arena) - arena_used);
	arena_used += (size_t)n + 1;
	return out;
}

/* Everything one test uses; the teardown releases it even when an assertion fails half-way. */
struct fix {
	struct server s;
	struct http_config cfg;
	struct http_client *c;
	struct http_reply reply;
	struct msg_err err;
	json_t *body;
	FILE *trace_file;
	char *trace;
	size_t trace_len;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->s.fd = -1;
	f->cfg = (struct http_config){
	    .token = TOKEN,
	    .label = "synapse",
	    .connect_timeout_ms = 2000,
	    .timeout_ms = 2000,
	    .max_attempts = 3,
	    .retry_base_ms = 1,
	    .retry_max_ms = 300,
	};
	arena_used = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	http_reply_clear(&f->reply);
	http_client_free(f->c);
	server_stop(&f->s);
	json_decref(f->body);
	if (f->trace_file != NULL)
		fclose(f->trace_file);
	free(f->trace);
	free(f);
	return 0;
}

/* Starts a server playing steps, and a client for base_url (the server's URL when NULL). */
static void start(struct fix *f, const struct step *steps, size_t nsteps, const char *base_url)
{
	server_start(&f->s, steps, nsteps);
	f->cfg.base_url = base_url != NULL ? base_url : f->s.url;
	f->c = http_client_new(&f->cfg, &f->err);
	if (f->c == NULL)
		fail_msg("http_client_new: %s", f->err.text);
}

/* One request against a fresh server, stopped afterwards so that what it recorded can be read. */
static int call(struct fix *f, const struct step *steps, size_t nsteps, const char *method, const char *path,
		enum http_retry retry)
{
	int rc;

	start(f, steps, nsteps, NULL);
	rc = http_request(f->c, method, path, f->body, retry, &f->reply, &f->err);
	server_stop(&f->s);
	assert_int_equal(http_request_count(f->c), nsteps == 0 ? (size_t)f->cfg.max_attempts : f->s.nreq);
	return rc;
}

static void trace_on(struct fix *f)
{
	f->trace_file = open_memstream(&f->trace, &f->trace_len);
	assert_non_null(f->trace_file);
	f->cfg.trace = f->trace_file;
}

static const char *trace_text(struct fix *f)
{
	fclose(f->trace_file);
	f->trace_file = NULL;
	return f->trace;
}

static const char users_json[] = "{\"users\":[{\"name\":\"@bob:example.gov\"}]}";

static void get_200_json_parsed(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("200 OK", "Content-Type: application/json\r\n", users_json)}};

	assert_int_equal(
	    call(f, steps, N(steps), "GET", "/_synapse/admin/v2/users?limit=100", HTTP_IDEMPOTENT), 0);
	assert_int_equal(f->reply.status, 200);
	assert_int_equal(f->reply.attempts, 1);
	assert_int_equal(f->reply.body_len, strlen(users_json));
	assert_string_equal(f->reply.body, users_json);
	assert_true(json_is_array(json_object_get(f->reply.json, "users")));
	assert_string_equal(f->s.req[0].method, "GET");
	assert_string_equal(f->s.req[0].target, "/_synapse/admin/v2/users?limit=100");
	http_reply_clear(&f->reply);
	assert_null(f->reply.body);
	assert_null(f->reply.json);
}

static void authorization_header_sent(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("200 OK", "", "{}")}};

	assert_int_equal(call(f, steps, N(steps), "GET", "/x", HTTP_IDEMPOTENT), 0);
	assert_non_null(strstr(f->s.req[0].head, "\r\nAuthorization: Bearer " TOKEN "\r\n"));
	assert_non_null(strstr(f->s.req[0].head, "\r\nAccept: application/json\r\n"));
	assert_null(strstr(f->s.req[0].head, "Content-Type"));
}

static void body_not_json_or_empty(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("200 OK", "Content-Type: text/plain\r\n", "hello")},
			       {REPLY, canned("204 No Content", "", "")}};

	start(f, steps, N(steps), NULL);
	assert_int_equal(http_request(f->c, "GET", "/a", NULL, HTTP_IDEMPOTENT, &f->reply, &f->err), 0);
	assert_string_equal(f->reply.body, "hello");
	assert_null(f->reply.json);
	http_reply_clear(&f->reply);
	assert_int_equal(http_request(f->c, "DELETE", "/b", NULL, HTTP_NOT_IDEMPOTENT, &f->reply, &f->err),
			 0);
	assert_int_equal(f->reply.status, 204);
	assert_non_null(f->reply.body);
	assert_string_equal(f->reply.body, "");
	assert_int_equal(f->reply.body_len, 0);
	assert_null(f->reply.json);
	server_stop(&f->s);
	assert_string_equal(f->s.req[1].method, "DELETE");
}

static void expect_refused(const char *url, const char *text)
{
	struct http_config cfg = {.base_url = url, .token = TOKEN};
	struct msg_err err = {0};

	assert_null(http_client_new(&cfg, &err));
	assert_int_equal(err.status, EXIT_CONFIG);
	if (strstr(err.text, text) == NULL)
		fail_msg("%s: got \"%s\"", url, err.text);
}

static void expect_accepted(const char *url)
{
	struct http_config cfg = {.base_url = url, .token = TOKEN};
	struct msg_err err = {0};
	struct http_client *c = http_client_new(&cfg, &err);

	if (c == NULL)
		fail_msg("%s refused: %s", url, err.text);
	http_client_free(c);
}

/* The check is in parsing: none of these touch the network. */
static void url_checks(void **state)
{
	(void)state;
	expect_refused("http://10.1.2.3", "http:// is only allowed to loopback addresses: http://10.1.2.3");
	expect_refused("http://example.org:8008/", "only allowed to loopback");
	expect_refused("http://127.0.0.1.example.org/", "only allowed to loopback");
	expect_refused("http://[::2]/", "only allowed to loopback");
	expect_refused("ftp://127.0.0.1/", "only https:// URLs");
	expect_refused("matrix.example.gov", "not a valid URL");
	expect_refused("https://matrix.example.gov/?a=1", "query");
	expect_accepted("https://matrix.example.gov");
	expect_accepted("https://matrix.example.gov:8448/prefix/");
	expect_accepted("http://localhost:8008");
	expect_accepted("http://[::1]:8008/");
	expect_accepted("http://127.1.2.3");
}

static void url_with_credentials_refused(void **state)
{
	(void)state;
	expect_refused("https://admin:hunter2@matrix.example.gov", "credentials in the server URL");
	expect_refused("https://admin@matrix.example.gov", "credentials in the server URL");
	expect_refused("https://admin:hunter2@matrix example.gov", "not a valid URL: (hidden)");
}

static void token_with_newline_refused(void **state)
{
	struct http_config cfg = {.base_url = "https://matrix.example.gov", .token = "abc\r\nX-Evil: 1"};
	struct msg_err err = {0};

	(void)state;
	assert_null(http_client_new(&cfg, &err));
	assert_int_equal(err.status, EXIT_CONFIG);
	assert_null(strstr(err.text, "abc"));
}

static void unreadable_ca_file_refused(void **state)
{
	struct http_config cfg = {.base_url = "https://matrix.example.gov", .ca_file = "/nonexistent/ca.pem"};
	struct msg_err err = {0};

	(void)state;
	assert_null(http_client_new(&cfg, &err));
	assert_int_equal(err.status, EXIT_CONFIG);
	assert_string_equal(err.text, "ca_file /nonexistent/ca.pem: No such file or directory");
}

static void base_prefix_joined(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("200 OK", "", "{}")}, {REPLY, canned("200 OK", "", "{}")}};
	char url[128];

	server_start(&f->s, steps, N(steps));
	snprintf(url, sizeof(url), "%s/matrix/", f->s.url);
	f->cfg.base_url = url;
	f->c = http_client_new(&f->cfg, &f->err);
	assert_non_null(f->c);
	assert_int_equal(
	    http_request(f->c, "GET", "/_matrix/client/versions", NULL, HTTP_IDEMPOTENT, &f->reply, &f->err),
	    0);
	http_reply_clear(&f->reply);
	assert_int_equal(http_request(f->c, "GET", "_matrix/x", NULL, HTTP_IDEMPOTENT, &f->reply, &f->err),
			 0);
	server_stop(&f->s);
	assert_string_equal(f->s.req[0].target, "/matrix/_matrix/client/versions");
	assert_string_equal(f->s.req[1].target, "/matrix/_matrix/x");
}

/* The body's wait is the driver's dialect (Synapse: retry_after_ms), honoured through its hook. */
static void retry_429_honours_the_drivers_hint(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {
	    {REPLY,
	     canned("429 Too Many Requests", "",
		    "{\"errcode\":\"M_LIMIT_EXCEEDED\",\"error\":\"Too many\",\"retry_after_ms\":200}")},
	    {REPLY, canned("200 OK", "", users_json)}};
	long t0 = now_ms(), took;

	f->cfg.retry_max_ms = 1000;
	f->cfg.retry_hint_ms = drv_synapse.retry_hint_ms;
	assert_int_equal(call(f, steps, N(steps), "GET", "/u", HTTP_IDEMPOTENT), 0);
	took = now_ms() - t0;
	assert_int_equal(f->reply.status, 200);
	assert_int_equal(f->reply.attempts, 2);
	assert_int_equal(f->s.nreq, 2);
	assert_in_range(took, 195, 900);
}

/* Without a hint function the HTTP layer reads no server's dialect: a body asking for 3 s is not
 * waited for (the backoff here is about 1 ms). */
static void retry_429_reads_no_dialect_of_its_own(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("429 Too Many Requests", "", "{\"retry_after_ms\":3000}")},
			       {REPLY, canned("200 OK", "", users_json)}};
	long t0 = now_ms();

	f->cfg.retry_max_ms = 5000;
	assert_int_equal(call(f, steps, N(steps), "GET", "/u", HTTP_IDEMPOTENT), 0);
	assert_int_equal(f->reply.attempts, 2);
	assert_true(now_ms() - t0 < 2000);
}

/* Retry-After: 1 asks for 1000 ms; retry_max_ms caps it at 300, far above the 1 ms jitter. */
static void retry_after_header_seconds(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("429 Too Many Requests", "Retry-After: 1\r\n", "")},
			       {REPLY, canned("200 OK", "", "{}")}};
	long t0 = now_ms();

	assert_int_equal(call(f, steps, N(steps), "GET", "/u", HTTP_IDEMPOTENT), 0);
	assert_int_equal(f->reply.attempts, 2);
	assert_in_range(now_ms() - t0, 295, 900);
}

static void retry_after_header_date(void **state)
{
	struct fix *f = *state;
	char date[64], header[96];
	time_t later = time(NULL) + 30;
	struct step steps[2];
	long t0;

	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&later));
	snprintf(header, sizeof(header), "Retry-After: %s\r\n", date);
	steps[0] = (struct step){REPLY, canned("503 Service Unavailable", header, "")};
	steps[1] = (struct step){REPLY, canned("200 OK", "", "{}")};
	f->cfg.retry_max_ms = 250;
	t0 = now_ms();
	assert_int_equal(call(f, steps, N(steps), "GET", "/u", HTTP_IDEMPOTENT), 0);
	assert_int_equal(f->reply.attempts, 2);
	assert_in_range(now_ms() - t0, 245, 900);
}

static void retry_503_twice_then_200(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("503 Service Unavailable", "", "")},
			       {REPLY, canned("503 Service Unavailable", "", "")},
			       {REPLY, canned("200 OK", "", users_json)}};

	assert_int_equal(call(f, steps, N(steps), "GET", "/u", HTTP_IDEMPOTENT), 0);
	assert_int_equal(f->reply.status, 200);
	assert_int_equal(f->reply.attempts, 3);
	assert_int_equal(f->s.nreq, 3);
}

static void retries_exhausted_return_last_reply(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("502 Bad Gateway", "", "a")},
			       {REPLY, canned("504 Gateway Timeout", "", "b")},
			       {REPLY, canned("503 Service Unavailable", "", "{\"errcode\":\"M_UNKNOWN\"}")}};

	assert_int_equal(call(f, steps, N(steps), "GET", "/u", HTTP_IDEMPOTENT), 0);
	assert_int_equal(f->reply.status, 503);
	assert_int_equal(f->reply.attempts, 3);
	assert_string_equal(json_string_value(json_object_get(f->reply.json, "errcode")), "M_UNKNOWN");
}

static void status_500_and_redirect_not_retried(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {
	    {REPLY, canned("500 Internal Server Error", "", "{\"errcode\":\"M_UNKNOWN\"}")},
	    {REPLY, canned("302 Found", "Location: https://elsewhere.example/\r\n", "")}};

	start(f, steps, N(steps), NULL);
	assert_int_equal(http_request(f->c, "GET", "/u", NULL, HTTP_IDEMPOTENT, &f->reply, &f->err), 0);
	assert_int_equal(f->reply.status, 500);
	assert_int_equal(f->reply.attempts, 1);
	http_reply_clear(&f->reply);
	assert_int_equal(http_request(f->c, "GET", "/v", NULL, HTTP_IDEMPOTENT, &f->reply, &f->err), 0);
	assert_int_equal(f->reply.status, 302);
	assert_int_equal(f->reply.attempts, 1);
	assert_int_equal(http_request_count(f->c), 2);
}

static void post_502_outcome_unknown(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("502 Bad Gateway", "", "")},
			       {REPLY, canned("200 OK", "", "{}")}};

	f->body = json_pack("{s:s}", "displayname", "Bob");
	assert_int_equal(call(f, steps, N(steps), "POST", "/_synapse/admin/v1/x", HTTP_NOT_IDEMPOTENT), -1);
	assert_true(f->err.unknown_outcome);
	assert_int_equal(f->err.status, EXIT_UNAVAILABLE);
	assert_string_equal(
	    f->err.text, "synapse: POST /_synapse/admin/v1/x: 502 from the server (the outcome is unknown)");
	assert_int_equal(f->s.nreq, 1);
	assert_null(f->reply.body);
}

static void post_429_retried(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("429 Too Many Requests", "", "{\"retry_after_ms\":1}")},
			       {REPLY, canned("201 Created", "", "{}")}};

	f->body = json_pack("{s:s}", "displayname", "Bob");
	assert_int_equal(call(f, steps, N(steps), "POST", "/p", HTTP_NOT_IDEMPOTENT), 0);
	assert_int_equal(f->reply.status, 201);
	assert_int_equal(f->s.nreq, 2);
	assert_string_equal(f->s.req[0].body, "{\"displayname\":\"Bob\"}");
	assert_string_equal(f->s.req[1].body, "{\"displayname\":\"Bob\"}");
	assert_non_null(strstr(f->s.req[1].head, "\r\nContent-Type: application/json\r\n"));
}

/* A port that was bound and closed again refuses connections; POST too is retried, as it never left.
 * The message names the path without its query string. */
static void connection_refused(void **state)
{
	struct fix *f = *state;
	char expect[256];

	assert_int_equal(call(f, NULL, 0, "POST", "/_synapse/admin/v2/users?limit=100", HTTP_NOT_IDEMPOTENT),
			 -1);
	assert_int_equal(f->err.status, EXIT_UNAVAILABLE);
	assert_false(f->err.unknown_outcome);
	snprintf(expect, sizeof(expect),
		 "synapse: POST /_synapse/admin/v2/users: cannot connect to %s (Couldn't connect to server)",
		 f->s.url);
	assert_string_equal(f->err.text, expect);
}

/* An empty reply to an idempotent request is retried: repeating a GET cannot do harm. */
static void get_dropped_connection_retried(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{DROP, NULL}, {REPLY, canned("200 OK", "", users_json)}};

	assert_int_equal(call(f, steps, N(steps), "GET", "/u", HTTP_IDEMPOTENT), 0);
	assert_int_equal(f->reply.status, 200);
	assert_int_equal(f->reply.attempts, 2);
	assert_int_equal(f->s.connections, 2);
}

static void post_dropped_connection_outcome_unknown(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{DROP, NULL}, {REPLY, canned("200 OK", "", "{}")}};

	assert_int_equal(call(f, steps, N(steps), "PUT", "/u", HTTP_NOT_IDEMPOTENT), -1);
	assert_true(f->err.unknown_outcome);
	assert_int_equal(f->err.status, EXIT_PROTOCOL);
	assert_non_null(strstr(f->err.text, "synapse: PUT /u: connection closed without a reply"));
	assert_int_equal(f->s.nreq, 1);
}

static void truncated_body_after_retries(void **state)
{
	static const char half[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"users\":[";
	struct fix *f = *state;
	struct step steps[] = {{REPLY_CLOSE, half}, {REPLY_CLOSE, half}, {REPLY_CLOSE, half}};

	assert_int_equal(call(f, steps, N(steps), "GET", "/u", HTTP_IDEMPOTENT), -1);
	assert_int_equal(f->err.status, EXIT_PROTOCOL);
	assert_false(f->err.unknown_outcome);
	assert_non_null(strstr(f->err.text, "synapse: GET /u: reply truncated"));
	assert_int_equal(f->s.nreq, 3);
}

static void timeout_is_tempfail(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{STALL, NULL}};

	f->cfg.timeout_ms = 150;
	f->body = json_object();
	assert_int_equal(call(f, steps, N(steps), "POST", "/slow", HTTP_NOT_IDEMPOTENT), -1);
	assert_int_equal(f->err.status, EXIT_TEMPFAIL);
	assert_true(f->err.unknown_outcome);
	assert_non_null(strstr(f->err.text, "synapse: POST /slow: timed out"));
}

static void reply_too_large(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY_CLOSE, "HTTP/1.1 200 OK\r\nContent-Length: 70000000\r\n\r\n{"}};

	assert_int_equal(call(f, steps, N(steps), "GET", "/big", HTTP_IDEMPOTENT), -1);
	assert_int_equal(f->err.status, EXIT_PROTOCOL);
	assert_string_equal(f->err.text, "synapse: GET /big: reply larger than 64 MiB");
}

/* The server echoes the token and the password back; neither may reach the trace. */
static void trace_redacts_secrets(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("429 Too Many Requests", "", "{\"retry_after_ms\":1}")},
			       {REPLY, canned("200 OK", "",
					      "{\"access_token\":\"" TOKEN "\",\"echo\":\"Bearer " TOKEN
					      "\",\"password\":\"hunter2\"}")}};
	const char *trace;
	char expect[256];

	f->body = json_pack("{s:s,s:{s:s},s:[{s:s}]}", "password", "hunter2", "user", "new_password",
			    "correct-horse", "list", "access_token", "tok2");
	f->cfg.retry_hint_ms = drv_synapse.retry_hint_ms; /* the wait comes from the body */
	trace_on(f);
	assert_int_equal(
	    call(f, steps, N(steps), "POST", "/_synapse/admin/v1/reset_password/%40bob", HTTP_NOT_IDEMPOTENT),
	    0);
	trace = trace_text(f);
	snprintf(expect, sizeof(expect), "> POST %s/_synapse/admin/v1/reset_password/%%40bob\n", f->s.url);
	assert_non_null(strstr(trace, expect));
	assert_non_null(strstr(trace, "> Authorization: Bearer <redacted>\n"));
	assert_non_null(strstr(trace,
			       "> {\"password\":\"<redacted>\",\"user\":{\"new_password\":\"<redacted>\"},"
			       "\"list\":[{\"access_token\":\"<redacted>\"}]}\n"));
	assert_non_null(strstr(trace, "\n< 429 ("));
	assert_non_null(strstr(trace, "* retrying in 1 ms (429, attempt 2 of 3)\n"));
	assert_non_null(strstr(trace, "\n< 200 ("));
	assert_non_null(strstr(trace, "\"echo\":\"Bearer <redacted>\""));
	assert_null(strstr(trace, TOKEN));
	assert_null(strstr(trace, "c2VjcmV0"));
	assert_null(strstr(trace, "hunter2"));
	assert_null(strstr(trace, "correct-horse"));
	assert_null(strstr(trace, "tok2"));
	assert_non_null(strstr(f->s.req[0].body, "hunter2")); /* the server still got the real body */
}

static void trace_cuts_long_bodies(void **state)
{
	static char big[5000];
	struct fix *f = *state;
	struct step steps[1];
	const char *line;

	memset(big, 'x', sizeof(big) - 1);
	steps[0] = (struct step){REPLY, canned("200 OK", "Content-Type: text/plain\r\n", big)};
	trace_on(f);
	assert_int_equal(call(f, steps, N(steps), "GET", "/t", HTTP_IDEMPOTENT), 0);
	line = strstr(trace_text(f), "\n< xxx");
	assert_non_null(line);
	assert_true(strchr(line + 1, '\n') - line - 1 < 2100);
	assert_non_null(strstr(line, "... (2999 more bytes)\n"));
	assert_int_equal(f->reply.body_len, sizeof(big) - 1);
}

static void keep_alive_one_connection(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("200 OK", "", "{}")},
			       {REPLY, canned("200 OK", "", users_json)}};

	start(f, steps, N(steps), NULL);
	assert_int_equal(http_request_count(f->c), 0);
	assert_int_equal(http_request(f->c, "GET", "/a", NULL, HTTP_IDEMPOTENT, &f->reply, &f->err), 0);
	http_reply_clear(&f->reply);
	assert_int_equal(http_request(f->c, "GET", "/b", NULL, HTTP_IDEMPOTENT, &f->reply, &f->err), 0);
	assert_non_null(f->reply.json);
	assert_int_equal(http_request_count(f->c), 2);
	server_stop(&f->s);
	assert_int_equal(f->s.connections, 1);
	assert_int_equal(f->s.nreq, 2);
}

/* ---- HTTP Basic (ejabberd: the token file holds jid:password) ---- */

#define BASIC_CRED "admin@example.test:s3cr3t-password"
#define BASIC_PW   "s3cr3t-password"
#define BASIC_B64  "YWRtaW5AZXhhbXBsZS50ZXN0OnMzY3IzdC1wYXNzd29yZA==" /* base64 of BASIC_CRED */

static void basic_on(struct fix *f)
{
	f->cfg.token = BASIC_CRED;
	f->cfg.auth = HTTP_AUTH_BASIC;
	f->cfg.label = "ejabberd";
}

static void basic_authorization_header_sent(void **state)
{
	struct fix *f = *state;
	struct step steps[] = {{REPLY, canned("200 OK", "", "0")}};

	basic_on(f);
	f->body = json_object();
	assert_int_equal(call(f, steps, N(steps), "POST", "/api/status", HTTP_IDEMPOTENT), 0);
	assert_non_null(strstr(f->s.req[0].head, "\r\nAuthorization: Basic " BASIC_B64 "\r\n"));
	assert_null(strstr(f->s.req[0].head, "Bearer"));
	assert_string_equal(http_auth_user(f->c), "admin@example.test");
	assert_false(http_token_equals(f->c, BASIC_CRED));
}

/* The server echoes every form of the credentials; none may reach the trace or a message. */
static void basic_trace_and_messages_redacted(void **state)
{
	static const char *const fields[] = {"newpass", "token", NULL};
	struct fix *f = *state;
	struct step steps[] = {
	    {REPLY, canned("401 Unauthorized", "",
			   "{\"status\":\"error\",\"code\":10,\"message\":\"bad " BASIC_CRED " or " BASIC_PW
			   " or Basic " BASIC_B64 "\"}")},
	    {REPLY,
	     canned("200 OK", "", "[{\"token\":\"other-users-token\",\"user\":\"bob@example.test\"}]")}};
	const char *trace;
	char message[512];

	basic_on(f);
	f->cfg.secret_fields = fields;
	f->body =
	    json_pack("{s:s,s:s,s:s}", "user", "bob", "newpass", "fresh-password", "note", "was " BASIC_PW);
	trace_on(f);
	start(f, steps, N(steps), NULL);
	assert_int_equal(
	    http_request(f->c, "POST", "/api/change_password", f->body, HTTP_IDEMPOTENT, &f->reply, &f->err),
	    0);
	snprintf(message, sizeof(message), "ejabberd: status: 401: %s", f->reply.body);
	http_reply_clear(&f->reply);
	assert_int_equal(
	    http_request(f->c, "POST", "/api/oauth_list_tokens", NULL, HTTP_IDEMPOTENT, &f->reply, &f->err),
	    0);
	server_stop(&f->s);
	trace = trace_text(f);
	assert_non_null(strstr(trace, "> Authorization: Basic <redacted>\n"));
	assert_non_null(strstr(trace, "\"newpass\":\"<redacted>\""));
	assert_non_null(strstr(trace, "\"note\":\"was <redacted>\""));
	assert_non_null(strstr(trace, "\"token\":\"<redacted>\",\"user\":\"bob@example.test\""));
	assert_non_null(strstr(trace, "bad <redacted> or <redacted> or Basic <redacted>"));
	assert_null(strstr(trace, BASIC_CRED));
	assert_null(strstr(trace, BASIC_PW));
	assert_null(strstr(trace, BASIC_B64));
	assert_null(strstr(trace, "fresh-password"));
	assert_null(strstr(trace, "other-users-token"));
	/* a message quoting the reply */
	assert_non_null(strstr(message, BASIC_PW));
	http_redact(f->c, message, sizeof(message));
	assert_null(strstr(message, BASIC_CRED));
	assert_null(strstr(message, BASIC_PW));
	assert_null(strstr(message, BASIC_B64));
	assert_non_null(strstr(message, "bad <redacted> or <redacted> or Basic <redacted>"));
	/* the server still got the real body */
	assert_non_null(strstr(f->s.req[0].body, "fresh-password"));
}

/* Refused with ejabberd's rules for the user name (the full JID), as its sessions are opened. */
static void expect_basic_refused(const char *token, const char *text)
{
	struct http_config cfg = {.base_url = "http://127.0.0.1:1",
				  .token = token,
				  .auth = HTTP_AUTH_BASIC,
				  .label = "ejabberd",
				  .basic_user_form = drv_ejabberd.basic_user_form,
				  .basic_user_check = drv_ejabberd.basic_user_check};
	struct msg_err err = {0};

	assert_null(http_client_new(&cfg, &err));
	assert_int_equal(err.status, EXIT_CONFIG);
	if (strstr(err.text, text) == NULL)
		fail_msg("%s: got \"%s\"", token, err.text);
	assert_null(strstr(err.text, "pw"));
}

static void basic_credentials_checked(void **state)
{
	struct http_config cfg = {.base_url = "http://127.0.0.1:1",
				  .token = "admin@example.test:pass word phrase",
				  .auth = HTTP_AUTH_BASIC};
	struct msg_err err = {0};
	struct http_client *c;

	(void)state;
	expect_basic_refused("admin@example.test-pw", "to hold user:password");
	expect_basic_refused("admin@example.test:", "to hold user:password");
	expect_basic_refused(":pw", "to hold user:password");
	expect_basic_refused("admin:pw", "must be the full JID");
	expect_basic_refused(":pw", "(ejabberd: the full JID, as in admin@example.test:secret)");
	expect_basic_refused("admin@example.test:pw-long\tenough-pw", "control characters");
	/* short: guessable, and hiding "pw" in traces would blank unrelated text */
	expect_basic_refused("admin@example.test:pw", "shorter than 12 characters");
	expect_basic_refused("admin@example.test:pw-11-char", "shorter than 12 characters");
	/* a password may hold spaces (Basic encodes it); a bearer token may not */
	c = http_client_new(&cfg, &err);
	assert_non_null(c);
	http_client_free(c);
	cfg.auth = HTTP_AUTH_BEARER;
	assert_null(http_client_new(&cfg, &err));
	/* what a user name must look like is the server's: without its check a bare name goes */
	cfg.auth = HTTP_AUTH_BASIC;
	cfg.token = "admin:long-enough-password";
	c = http_client_new(&cfg, &err);
	assert_non_null(c);
	http_client_free(c);
}

static void bearer_token_equals(void **state)
{
	struct http_config cfg = {.base_url = "http://127.0.0.1:1", .token = TOKEN};
	struct msg_err err = {0};
	struct http_client *c = http_client_new(&cfg, &err);

	(void)state;
	assert_non_null(c);
	assert_null(http_auth_user(c));
	assert_true(http_token_equals(c, TOKEN));
	assert_false(http_token_equals(c, TOKEN "x"));
	assert_false(http_token_equals(c, "syt_c2VjcmV0_TOKEN4"));
	assert_false(http_token_equals(c, ""));
	assert_false(http_token_equals(c, NULL));
	http_client_free(c);
}

static void escape_path_segment(void **state)
{
	char *e = http_escape("@bob:example.gov/x y");

	(void)state;
	assert_string_equal(e, "%40bob%3Aexample.gov%2Fx%20y");
	free(e);
	e = http_escape("");
	assert_string_equal(e, "");
	free(e);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(get_200_json_parsed),
	    T(authorization_header_sent),
	    T(body_not_json_or_empty),
	    T(url_checks),
	    T(url_with_credentials_refused),
	    T(token_with_newline_refused),
	    T(unreadable_ca_file_refused),
	    T(base_prefix_joined),
	    T(retry_429_honours_the_drivers_hint),
	    T(retry_429_reads_no_dialect_of_its_own),
	    T(retry_after_header_seconds),
	    T(retry_after_header_date),
	    T(retry_503_twice_then_200),
	    T(retries_exhausted_return_last_reply),
	    T(status_500_and_redirect_not_retried),
	    T(post_502_outcome_unknown),
	    T(post_429_retried),
	    T(connection_refused),
	    T(get_dropped_connection_retried),
	    T(post_dropped_connection_outcome_unknown),
	    T(truncated_body_after_retries),
	    T(timeout_is_tempfail),
	    T(reply_too_large),
	    T(trace_redacts_secrets),
	    T(trace_cuts_long_bodies),
	    T(keep_alive_one_connection),
	    T(basic_authorization_header_sent),
	    T(basic_trace_and_messages_redacted),
	    T(basic_credentials_checked),
	    T(bearer_token_equals),
	    T(escape_path_segment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
