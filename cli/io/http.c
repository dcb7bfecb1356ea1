/* HTTP for drivers over libcurl. The contract (security, retries, ownership) is in http.h; the -v trace
 * and its redaction are in http_trace.c. */
#include "http.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "http_trace.h"
#include "loopback.h"

#define BODY_MAX ((size_t)64 << 20)

struct http_client {
	CURL *curl;   /* one handle, so that curl keeps the connection alive between requests */
	char *base;   /* scheme://host[:port][/prefix], no trailing slash */
	char *origin; /* scheme://host[:port], for messages */
	bool loopback;
	char *token; /* bearer token or "user:password"; wiped on free */
	enum http_auth auth;
	char *auth_user;		  /* Basic: the user name part of token */
	char *password;			  /* Basic: the password part of token; wiped on free */
	char *encoded;			  /* Basic: base64 of token; wiped on free */
	const char *secrets[4];		  /* what traces and messages hide: the three above, NULL-ended */
	const char *const *secret_fields; /* the config's extra JSON field names to hide in traces */
	const char *basic_user_form;	  /* http_config's, for messages */
	int (*basic_user_check)(const char *user, struct msg_err *err);
	long (*retry_hint_ms)(long status, const json_t *body);
	struct curl_slist *headers;	 /* Accept, Expect, Authorization */
	struct curl_slist *headers_json; /* the same plus Content-Type */
	char *ca_file, *client_cert, *label;
	unsigned char *client_key; /* PEM, handed to curl in place (CURL_BLOB_NOCOPY); wiped on free */
	size_t client_key_len;
	long connect_timeout_ms, timeout_ms, retry_base_ms, retry_max_ms;
	int max_attempts;
	FILE *trace;
	char tag[16];		/* "[2] " before each trace line of a pool's worker, else "" */
	struct http_pace *pace; /* shared with its clones, or NULL while there are none */
	unsigned long requests;
	uint64_t rng;
	char errbuf[CURL_ERROR_SIZE];
};

/* What the clones of one client share (http_client_clone): when the next attempt of any of them may
 * start. A server that asks one connection to wait (429, 503) is asking all of them. */
struct http_pace {
	pthread_mutex_t lock;
	struct timespec not_before; /* CLOCK_MONOTONIC */
	int refs;		    /* under lock */
};

/* What one attempt received; the body buffer is reused between attempts. */
struct attempt {
	char *body;
	size_t len, cap;
	bool too_large, no_memory;
	long retry_after_ms; /* from the Retry-After header, -1 when absent */
};

enum outcome {
	SENT_NOT,  /* certainly did not reach the server: retry any request */
	SENT_LOST, /* may have reached the server: retry only idempotent requests */
	FATAL,	   /* retrying cannot help */
};

static bool curl_ready;

static volatile sig_atomic_t interrupted;

void http_interrupt(void)
{
	__atomic_store_n(&interrupted, 1, __ATOMIC_RELAXED);
}

void http_interrupt_clear(void)
{
	__atomic_store_n(&interrupted, 0, __ATOMIC_RELAXED);
}

bool http_is_interrupted(void)
{
	return __atomic_load_n(&interrupted, __ATOMIC_RELAXED) != 0;
}

/* Called by curl while it waits (at least once a second): non-zero aborts the transfer. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)arg, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return http_is_interrupted();
}

/* Returns a malloc'd string, or NULL when out of memory. */
__attribute__((format(printf, 1, 2))) static char *str_printf(const char *fmt, ...)
{
	char *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* Copies an optional string; false when out of memory. */
static bool copy_opt(char **dst, const char *s)
{
	return s == NULL || (*dst = strdup(s)) != NULL;
}

static void free_wiped(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void free_headers(struct curl_slist *list)
{
	for (struct curl_slist *l = list; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

static bool add_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);

	if (l == NULL)
		return false;
	*list = l;
	return true;
}

/* Checks base_url and fills c->base, c->origin and c->loopback. */
static int parse_base_url(struct http_client *c, const char *url, struct msg_err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *part = NULL;
	size_t plen;
	int rc = -1;

	if (u == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		/* Not echoed when it may hold credentials. */
		err_set(err, EXIT_CONFIG, "not a valid URL: %s", strchr(url, '@') ? "(hidden)" : url);
		goto done;
	}
	if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_OPTIONS, &part, 0) == CURLUE_OK) {
		err_set(err, EXIT_CONFIG,
			"credentials in the server URL are not allowed (they end up in logs); "
			"use a token");
		goto done;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK) {
		err_set(err, EXIT_CONFIG, "the server URL must not have a query or fragment: %s", url);
		goto done;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
		err_set(err, EXIT_CONFIG, "not a valid URL: %s", url);
		goto done;
	}
	c->loopback = host_is_loopback(host);
	if (strcasecmp(scheme, "https") != 0 && strcasecmp(scheme, "http") != 0) {
		err_set(err, EXIT_CONFIG, "only https:// URLs are supported: %s", url);
		goto done;
	}
	if (strcasecmp(scheme, "http") == 0 && !c->loopback) {
		err_set(err, EXIT_CONFIG, "http:// is only allowed to loopback addresses: %s", url);
		goto done;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0); /* absent unless given */
	plen = strlen(path);
	while (plen > 0 && path[plen - 1] == '/')
		plen--;
	c->origin = str_printf("%s://%s%s%s", scheme, host, port ? ":" : "", port ? port : "");
	c->base = c->origin ? str_printf("%s%.*s", c->origin, (int)plen, path) : NULL;
	if (c->base == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	rc = 0;
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(part);
	curl_url_cleanup(u);
	return rc;
}

#define BASIC_PASSWORD_MIN 12

/* Basic: splits "user:password" (at the first colon: a JID has none) into its parts and their base64
 * form, all kept for redaction. Messages never quote the token: it may be mistyped secret text. */
static int split_basic(struct http_client *c, struct msg_err *err)
{
	const char *colon = strchr(c->token, ':');
	size_t n = strlen(c->token);

	if (colon == NULL || colon == c->token || colon[1] == '\0') {
		if (c->basic_user_form == NULL)
			return err_set(err, EXIT_CONFIG,
				       "auth: basic needs the token file to hold user:password");
		return err_set(err, EXIT_CONFIG,
			       "auth: basic needs the token file to hold user:password (%s: %s)",
			       c->label ? c->label : "the server", c->basic_user_form);
	}
	c->auth_user = strndup(c->token, (size_t)(colon - c->token));
	if (c->auth_user == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	/* what the user name must look like is the server's business */
	if (c->basic_user_check != NULL && c->basic_user_check(c->auth_user, err) != 0)
		return -1;
	/* a short password is guessable, and traces hide it wherever its text occurs: "x" would blank
	 * every x of a trace */
	if (strlen(colon + 1) < BASIC_PASSWORD_MIN)
		return err_set(err, EXIT_CONFIG,
			       "auth: basic: the password in the token file is shorter than %d characters; "
			       "give the admin account a longer one",
			       BASIC_PASSWORD_MIN);
	if (n > (size_t)INT32_MAX / 2)
		return err_set(err, EXIT_CONFIG, "the token is too long");
	c->password = strdup(colon + 1);
	c->encoded = malloc(4 * ((n + 2) / 3) + 1);
	if (c->password == NULL || c->encoded == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	EVP_EncodeBlock((unsigned char *)c->encoded, (const unsigned char *)c->token, (int)n);
	c->secrets[1] = c->password;
	c->secrets[2] = c->encoded;
	return 0;
}

static int build_headers(struct http_client *c, struct msg_err *err)
{
	char *auth = NULL;
	bool ok;

	if (c->token != NULL) {
		/* A password may hold spaces (Basic encodes it); a bearer token may not. */
		for (const char *p = c->token; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f ||
			    (*p == ' ' && c->auth != HTTP_AUTH_BASIC))
				return err_set(err, EXIT_CONFIG,
					       "the token contains spaces or control characters");
		if (c->token[0] == '\0')
			return err_set(err, EXIT_CONFIG, "the token is empty");
		c->secrets[0] = c->token;
		if (c->auth == HTTP_AUTH_BASIC) {
			if (split_basic(c, err) < 0)
				return -1;
			auth = str_printf("Authorization: Basic %s", c->encoded);
		} else {
			auth = str_printf("Authorization: Bearer %s", c->token);
		}
		if (auth == NULL)
			return err_set(err, EXIT_FAILURE_, "out of memory");
	}
	/* "Expect:" stops curl from waiting for 100 Continue before sending a large body. */
	ok = add_header(&c->headers, "Accept: application/json") && add_header(&c->headers, "Expect:") &&
	     (auth == NULL || add_header(&c->headers, auth)) &&
	     add_header(&c->headers_json, "Accept: application/json") &&
	     add_header(&c->headers_json, "Expect:") &&
	     (auth == NULL || add_header(&c->headers_json, auth)) &&
	     add_header(&c->headers_json, "Content-Type: application/json");
	free_wiped(auth);
	if (!ok)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	return 0;
}

static int check_readable(const char *what, const char *path, struct msg_err *err)
{
	if (path != NULL && access(path, R_OK) != 0)
		return err_set(err, EXIT_CONFIG, "%s %s: %s", what, path, strerror(errno));
	return 0;
}

struct http_client *http_client_new(const struct http_config *config, struct msg_err *err)
{
	struct http_client *c = NULL;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			err_set(err, EXIT_FAILURE_, "cannot initialise libcurl");
			goto fail;
		}
		curl_ready = true;
	}
	if (config == NULL || config->base_url == NULL) {
		err_set(err, EXIT_CONFIG, "no server URL");
		goto fail;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto fail;
	}
	if (parse_base_url(c, config->base_url, err) < 0)
		goto fail;
	if (check_readable("ca_file", config->ca_file, err) < 0 ||
	    check_readable("client_cert", config->client_cert, err) < 0)
		goto fail;
	if (config->client_key != NULL) {
		c->client_key = malloc(config->client_key_len ? config->client_key_len : 1);
		if (c->client_key == NULL) {
			err_set(err, EXIT_FAILURE_, "out of memory");
			goto fail;
		}
		memcpy(c->client_key, config->client_key, config->client_key_len);
		c->client_key_len = config->client_key_len;
	}
	if (!copy_opt(&c->token, config->token) || !copy_opt(&c->ca_file, config->ca_file) ||
	    !copy_opt(&c->client_cert, config->client_cert) ||
	    !copy_opt(&c->label, config->label ? config->label : "http") ||
	    (c->curl = curl_easy_init()) == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto fail;
	}
	c->auth = config->auth;
	c->secret_fields = config->secret_fields;
	c->basic_user_form = config->basic_user_form;
	c->basic_user_check = config->basic_user_check;
	c->retry_hint_ms = config->retry_hint_ms;
	if (build_headers(c, err) < 0)
		goto fail;
	c->connect_timeout_ms = config->connect_timeout_ms > 0 ? config->connect_timeout_ms : 10000;
	c->timeout_ms = config->timeout_ms > 0 ? config->timeout_ms : 60000;
	c->max_attempts = config->max_attempts > 0 ? config->max_attempts : 5;
	c->retry_base_ms = config->retry_base_ms > 0 ? config->retry_base_ms : 250;
	c->retry_max_ms = config->retry_max_ms > 0 ? config->retry_max_ms : 30000;
	c->trace = config->trace;
	if (getrandom(&c->rng, sizeof(c->rng), GRND_NONBLOCK) != (ssize_t)sizeof(c->rng))
		c->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	c->rng |= 1; /* xorshift needs a non-zero state */
	return c;
fail:
	http_client_free(c);
	return NULL;
}

struct http_client *http_client_clone(struct http_client *c, int worker, struct msg_err *err)
{
	const struct http_config hc = {
	    .base_url = c->base,
	    .token = c->token,
	    .auth = c->auth,
	    .secret_fields = c->secret_fields,
	    .ca_file = c->ca_file,
	    .client_cert = c->client_cert,
	    .client_key = c->client_key,
	    .client_key_len = c->client_key_len,
	    .label = c->label,
	    .basic_user_form = c->basic_user_form,
	    .basic_user_check = c->basic_user_check,
	    .retry_hint_ms = c->retry_hint_ms,
	    .connect_timeout_ms = c->connect_timeout_ms,
	    .timeout_ms = c->timeout_ms,
	    .max_attempts = c->max_attempts,
	    .retry_base_ms = c->retry_base_ms,
	    .retry_max_ms = c->retry_max_ms,
	    .trace = c->trace,
	};
	struct http_client *copy;

	if (c->pace == NULL) {
		c->pace = calloc(1, sizeof(*c->pace));
		if (c->pace == NULL || pthread_mutex_init(&c->pace->lock, NULL) != 0) {
			free(c->pace);
			c->pace = NULL;
			err_set(err, EXIT_FAILURE_, "out of memory");
			return NULL;
		}
		c->pace->refs = 1;
		snprintf(c->tag, sizeof(c->tag), "[1] ");
	}
	copy = http_client_new(&hc, err);
	if (copy == NULL)
		return NULL;
	pthread_mutex_lock(&c->pace->lock);
	c->pace->refs++;
	pthread_mutex_unlock(&c->pace->lock);
	copy->pace = c->pace;
	snprintf(copy->tag, sizeof(copy->tag), "[%d] ", worker);
	return copy;
}

static void pace_release(struct http_pace *pace)
{
	int refs;

	if (pace == NULL)
		return;
	pthread_mutex_lock(&pace->lock);
	refs = --pace->refs;
	pthread_mutex_unlock(&pace->lock);
	if (refs == 0) {
		pthread_mutex_destroy(&pace->lock);
		free(pace);
	}
}

static long ms_until(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000);
}

/* Before an attempt: wait while the server asked any clone to. */
static void pace_wait(struct http_client *c)
{
	long wait;

	if (c->pace == NULL)
		return;
	pthread_mutex_lock(&c->pace->lock);
	wait = ms_until(&c->pace->not_before);
	pthread_mutex_unlock(&c->pace->lock);
	if (wait > 0) {
		http_trace_line(c->trace, c->secrets,
				"%s* waiting %ld ms (the server asked another connection to)", c->tag, wait);
		http_sleep_ms(wait);
	}
}

/* The server asked to wait ms: no clone starts an attempt before then. */
static void pace_push(struct http_client *c, long ms)
{
	struct timespec t;

	if (c->pace == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->pace->lock);
	if (t.tv_sec > c->pace->not_before.tv_sec ||
	    (t.tv_sec == c->pace->not_before.tv_sec && t.tv_nsec > c->pace->not_before.tv_nsec))
		c->pace->not_before = t;
	pthread_mutex_unlock(&c->pace->lock);
}

void http_client_free(struct http_client *client)
{
	if (client == NULL)
		return;
	pace_release(client->pace);
	if (client->curl != NULL)
		curl_easy_cleanup(client->curl);
	free_headers(client->headers);
	free_headers(client->headers_json);
	free_wiped(client->token);
	free_wiped(client->password);
	free_wiped(client->encoded);
	free(client->auth_user);
	free(client->base);
	free(client->origin);
	free(client->ca_file);
	free(client->client_cert);
	if (client->client_key != NULL)
		explicit_bzero(client->client_key, client->client_key_len);
	free(client->client_key);
	free(client->label);
	free(client);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct attempt *a = arg;
	size_t len = size * n, cap;
	char *grown;

	if (len > BODY_MAX - a->len) {
		a->too_large = true;
		return 0;
	}
	if (a->len + len + 1 > a->cap) {
		for (cap = a->cap ? a->cap : 4096; cap < a->len + len + 1;)
			cap *= 2;
		grown = realloc(a->body, cap);
		if (grown == NULL) {
			a->no_memory = true;
			return 0;
		}
		a->body = grown;
		a->cap = cap;
	}
	memcpy(a->body + a->len, data, len);
	a->len += len;
	a->body[a->len] = '\0';
	return len;
}

/* Retry-After is either delay-seconds or an HTTP date; returns milliseconds, or -1 when unusable. */
static long parse_retry_after(const char *value, size_t len)
{
	char buf[128], *v, *end;
	long secs;
	time_t when;

	snprintf(buf, sizeof(buf), "%.*s", (int)(len < sizeof(buf) ? len : sizeof(buf) - 1), value);
	buf[strcspn(buf, "\r\n")] = '\0';
	v = buf + strspn(buf, " \t");
	if (*v >= '0' && *v <= '9') {
		secs = strtol(v, &end, 10); /* saturates, and is capped below */
		if (end[strspn(end, " \t")] != '\0')
			return -1;
	} else if ((when = curl_getdate(v, NULL)) != -1) {
		secs = when > time(NULL) ? (long)(when - time(NULL)) : 0;
	} else {
		return -1;
	}
	return secs > 86400 ? 86400000L : secs * 1000;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	static const char name[] = "retry-after:";
	struct attempt *a = arg;
	size_t len = size * n;

	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0)
		a->retry_after_ms = -1; /* a new response begins, e.g. after 100 Continue */
	else if (len >= sizeof(name) - 1 && strncasecmp(data, name, sizeof(name) - 1) == 0)
		a->retry_after_ms = parse_retry_after(data + sizeof(name) - 1, len - (sizeof(name) - 1));
	return len;
}

/* Writes why an attempt failed into reason, sets *kind, and returns the exit status it maps to. */
static int describe_failure(const struct http_client *c, CURLcode cc, const struct attempt *a, long status,
			    enum outcome *kind, char *reason, size_t size)
{
	const char *detail = c->errbuf[0] != '\0' ? c->errbuf : curl_easy_strerror(cc);

	*kind = FATAL; /* TLS failures too: a certificate problem does not go away in seconds */
	switch (cc) {
	case CURLE_ABORTED_BY_CALLBACK: /* http_interrupt: never retried */
		*kind = SENT_LOST;
		snprintf(reason, size, "interrupted");
		return EXIT_INTERRUPTED;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		*kind = SENT_NOT;
		snprintf(reason, size, "cannot connect to %s (%s)", c->origin, curl_easy_strerror(cc));
		return EXIT_UNAVAILABLE;
	case CURLE_OPERATION_TIMEDOUT:
		*kind = SENT_LOST;
		snprintf(reason, size, "timed out (%s)", detail);
		return EXIT_TEMPFAIL;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		/* With TLS 1.3 the server judges the client certificate after the client's side of the
		 * handshake, so its alert arrives on the first read: the request never reached the
		 * application, and retrying cannot help. */
		if (status == 0 && strstr(detail, " alert ") != NULL) {
			*kind = FATAL;
			snprintf(reason, size, "TLS refused by %s (%s)", c->origin, detail);
			return EXIT_UNAVAILABLE;
		}
		/* fall through */
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		*kind = SENT_LOST;
		snprintf(reason, size, "%s (%s)",
			 status > 0 ? "reply truncated" : "connection closed without a reply", detail);
		return EXIT_PROTOCOL;
	case CURLE_WRITE_ERROR:
		if (!a->too_large) {
			snprintf(reason, size, "%s", a->no_memory ? "out of memory" : detail);
			return EXIT_FAILURE_;
		}
		/* fall through */
	case CURLE_FILESIZE_EXCEEDED:
		snprintf(reason, size, "reply larger than %zu MiB", BODY_MAX >> 20);
		return EXIT_PROTOCOL;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		snprintf(reason, size, "unexpected reply (%s)", detail);
		return EXIT_PROTOCOL;
	case CURLE_URL_MALFORMAT:
		snprintf(reason, size, "not a valid percent-encoded path");
		return EXIT_FAILURE_;
	default:
		snprintf(reason, size, "failed talking to %s (%s)", c->origin, detail);
		return EXIT_UNAVAILABLE;
	}
}

#define SET(opt, val)                                                                                        \
	do {                                                                                                 \
		if ((cc = curl_easy_setopt(h, opt, val)) != CURLE_OK)                                        \
			return cc;                                                                           \
	} while (0)

/* Sets every option afresh (curl_easy_reset keeps live connections), then runs one attempt. */
static CURLcode perform(struct http_client *c, const char *method, const char *url, const char *payload,
			struct attempt *a)
{
	CURL *h = c->curl;
	CURLcode cc;

	curl_easy_reset(h);
	c->errbuf[0] = '\0';
	SET(CURLOPT_ERRORBUFFER, c->errbuf);
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L); /* a redirect is an unexpected reply for the driver to report */
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, c->timeout_ms);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_file != NULL)
		SET(CURLOPT_CAINFO, c->ca_file);
	if (c->client_cert != NULL)
		SET(CURLOPT_SSLCERT, c->client_cert);
	if (c->client_key != NULL) {
		/* the bytes msgadm checked and read (config.h), not a path curl would open again; NOCOPY
		 * keeps them in the one buffer that is wiped */
		struct curl_blob key = {
		    .data = c->client_key, .len = c->client_key_len, .flags = CURL_BLOB_NOCOPY};
		SET(CURLOPT_SSLKEY_BLOB, &key);
	}
	if (c->loopback)
		SET(CURLOPT_NOPROXY, "*"); /* http:// is allowed because the bytes stay on this machine */
	SET(CURLOPT_USERAGENT, "msgadm");
	SET(CURLOPT_HTTPHEADER, payload != NULL ? c->headers_json : c->headers);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)BODY_MAX);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, a);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, a);
	SET(CURLOPT_XFERINFOFUNCTION, on_progress);
	SET(CURLOPT_NOPROGRESS, 0L);
	if (strcmp(method, "HEAD") == 0)
		SET(CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		SET(CURLOPT_CUSTOMREQUEST, method);
	if (payload != NULL || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	    strcmp(method, "PATCH") == 0) {
		SET(CURLOPT_POSTFIELDS, payload != NULL ? payload : "");
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(payload != NULL ? strlen(payload) : 0));
	}
	return curl_easy_perform(h);
}

#undef SET

static uint64_t next_random(struct http_client *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return c->rng;
}

/* Full jitter over [0, min(max, base * 2^k)], raised to the server's hint, capped at max. */
static long backoff_ms(struct http_client *c, int k, long hint_ms)
{
	long ceiling = c->retry_base_ms, wait;

	for (int i = 0; i < k && ceiling < c->retry_max_ms; i++)
		ceiling = ceiling > c->retry_max_ms / 2 ? c->retry_max_ms : ceiling * 2;
	if (ceiling > c->retry_max_ms)
		ceiling = c->retry_max_ms;
	wait = (long)(next_random(c) % ((uint64_t)ceiling + 1));
	if (hint_ms > wait)
		wait = hint_ms;
	return wait < c->retry_max_ms ? wait : c->retry_max_ms;
}

void http_sleep_ms(long ms)
{
	struct timespec left = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	while (nanosleep(&left, &left) != 0 && errno == EINTR && !http_is_interrupted())
		;
}

/* The server's wish: Retry-After, or what the reply's body says in the server's own dialect
 * (retry_hint_ms), whichever is larger, at most a day. */
static long server_hint_ms(const struct http_client *c, const struct attempt *a, long status,
			   const json_t *json)
{
	long hint = a->retry_after_ms;
	long body = c->retry_hint_ms != NULL && json != NULL ? c->retry_hint_ms(status, json) : -1;

	if (body > hint)
		hint = body < 86400000L ? body : 86400000L;
	return hint;
}

static long elapsed_ms(CURL *h)
{
	curl_off_t us = 0;

	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &us);
	return (long)(us / 1000);
}

/* Messages name the path without its query string, as the drivers do. */
static int request_failed(const struct http_client *c, struct msg_err *err, int status, bool unknown,
			  const char *method, const char *path, const char *reason)
{
	err_set(err, status, "%s: %s %.*s: %s%s", c->label, method, (int)strcspn(path, "?"), path, reason,
		unknown ? " (the outcome is unknown)" : "");
	if (err != NULL)
		err->unknown_outcome = unknown;
	return -1;
}

/* One attempt, traced: fills a, *json (when the body parses) and *status (0 when nothing came back). */
static CURLcode attempt_once(struct http_client *c, const char *method, const char *url, const json_t *body,
			     const char *payload, struct attempt *a, json_t **json, long *status)
{
	char sent[sizeof(c->tag) + 2], came[sizeof(c->tag) + 2];
	CURLcode cc;

	a->len = 0;
	if (a->body != NULL)
		a->body[0] = '\0';
	a->too_large = a->no_memory = false;
	a->retry_after_ms = -1;
	json_decref(*json);
	*json = NULL;
	*status = 0;
	snprintf(sent, sizeof(sent), "%s> ", c->tag);
	snprintf(came, sizeof(came), "%s< ", c->tag);
	http_trace_line(c->trace, c->secrets, "%s%s %s", sent, method, url);
	if (c->token != NULL)
		http_trace_line(c->trace, c->secrets, "%sAuthorization: %s <redacted>", sent,
				c->auth == HTTP_AUTH_BASIC ? "Basic" : "Bearer");
	http_trace_body(c->trace, c->secrets, c->secret_fields, sent, body, NULL, 0);
	cc = perform(c, method, url, payload, a);
	c->requests++;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
	if (cc != CURLE_OK) {
		http_trace_line(c->trace, c->secrets, "%sfailed: %s (%ld ms)", came,
				c->errbuf[0] ? c->errbuf : curl_easy_strerror(cc), elapsed_ms(c->curl));
		return cc;
	}
	if (a->len > 0)
		*json = json_loadb(a->body, a->len, JSON_DECODE_ANY, NULL);
	http_trace_line(c->trace, c->secrets, "%s%ld (%zu bytes, %ld ms)", came, *status, a->len,
			elapsed_ms(c->curl));
	http_trace_body(c->trace, c->secrets, c->secret_fields, came, *json, a->body, a->len);
	return CURLE_OK;
}

int http_request(struct http_client *c, const char *method, const char *path, const json_t *body,
		 enum http_retry retry, struct http_reply *reply, struct msg_err *err)
{
	struct attempt a = {0};
	char *url = NULL, *payload = NULL;
	const char *joined;
	json_t *json = NULL;
	char reason[CURL_ERROR_SIZE + 256], why[CURL_ERROR_SIZE];
	long status = 0, hint, wait;
	int attempt, exit_status, rc = -1;
	enum outcome kind;
	CURLcode cc;

	memset(reply, 0, sizeof(*reply));
	for (joined = path; *joined == '/'; joined++)
		; /* joined to the base with exactly one slash */
	if ((url = str_printf("%s/%s", c->base, joined)) == NULL) {
		request_failed(c, err, EXIT_FAILURE_, false, method, path, "out of memory");
		goto done;
	}
	if (body != NULL && (payload = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL) {
		request_failed(c, err, EXIT_FAILURE_, false, method, path, "cannot encode the request body");
		goto done;
	}
	for (attempt = 1;; attempt++) {
		pace_wait(c);
		cc = attempt_once(c, method, url, body, payload, &a, &json, &status);
		if (cc == CURLE_OK) {
			if (status != 429 && status != 502 && status != 503 && status != 504)
				break;
			/* 429 and 503 say the request was not processed; 502 and 504 do not. */
			if (retry == HTTP_NOT_IDEMPOTENT && status != 429 && status != 503) {
				snprintf(reason, sizeof(reason), "%ld from the server", status);
				request_failed(c, err, EXIT_UNAVAILABLE, true, method, path, reason);
				goto done;
			}
			if (attempt >= c->max_attempts)
				break; /* the last reply goes to the driver, which maps its status */
			hint = server_hint_ms(c, &a, status, json);
			snprintf(why, sizeof(why), "%ld", status);
		} else {
			exit_status = describe_failure(c, cc, &a, status, &kind, reason, sizeof(reason));
			if (kind == FATAL || (kind == SENT_LOST && retry == HTTP_NOT_IDEMPOTENT) ||
			    exit_status == EXIT_INTERRUPTED || attempt >= c->max_attempts) {
				request_failed(c, err, exit_status,
					       kind == SENT_LOST && retry == HTTP_NOT_IDEMPOTENT, method,
					       path, reason);
				goto done;
			}
			hint = -1;
			snprintf(why, sizeof(why), "%s", curl_easy_strerror(cc));
		}
		wait = backoff_ms(c, attempt - 1, hint);
		http_trace_line(c->trace, c->secrets, "%s* retrying in %ld ms (%s, attempt %d of %d)", c->tag,
				wait, why, attempt + 1, c->max_attempts);
		if (status == 429 || status == 503)
			pace_push(c, wait);
		http_sleep_ms(wait);
	}
	if (a.body == NULL && (a.body = calloc(1, 1)) == NULL) {
		request_failed(c, err, EXIT_FAILURE_, false, method, path, "out of memory");
		goto done;
	}
	reply->status = status;
	reply->body = a.body;
	reply->body_len = a.len;
	reply->json = json;
	reply->attempts = attempt;
	a.body = NULL;
	json = NULL;
	rc = 0;
done:
	free(a.body);
	json_decref(json);
	free_wiped(payload); /* it may hold a password */
	free(url);
	return rc;
}

void http_reply_clear(struct http_reply *reply)
{
	if (reply == NULL)
		return;
	free(reply->body);
	json_decref(reply->json);
	memset(reply, 0, sizeof(*reply));
}

char *http_escape(const char *s)
{
	size_t n = strlen(s);
	char *escaped, *copy;

	if (n > 0x7fffffff)
		return NULL;
	escaped = curl_easy_escape(NULL, s, (int)n);
	if (escaped == NULL)
		return NULL;
	copy = strdup(escaped);
	curl_free(escaped);
	return copy;
}

unsigned long http_request_count(const struct http_client *client)
{
	return client->requests;
}

void http_redact(const struct http_client *client, char *text, size_t size)
{
	if (client != NULL)
		http_redact_buffer(text, size, client->secrets);
}

const char *http_auth_user(const struct http_client *client)
{
	return client->auth == HTTP_AUTH_BASIC ? client->auth_user : NULL;
}

bool http_token_equals(const struct http_client *client, const char *candidate)
{
	size_t n, m;
	unsigned char diff = 0;

	if (client->auth != HTTP_AUTH_BEARER || client->token == NULL || candidate == NULL)
		return false;
	n = strlen(client->token);
	m = strlen(candidate);
	/* the time depends on the candidate's length only, not on where the first difference is */
	for (size_t i = 0; i < m; i++)
		diff |= (unsigned char)(candidate[i] ^ client->token[i < n ? i : 0]);
	return diff == 0 && n == m;
}
