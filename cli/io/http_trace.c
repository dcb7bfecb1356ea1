#include "http_trace.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_BODY_MAX 2000

static const char *const secret_keys[] = {"password", "new_password", "access_token"};

/* Whether key is one of secret_keys or of the client's own fields. */
static bool is_secret_key(const char *key, const char *const *fields)
{
	for (size_t i = 0; i < sizeof(secret_keys) / sizeof(secret_keys[0]); i++)
		if (strcmp(key, secret_keys[i]) == 0)
			return true;
	for (; fields != NULL && *fields != NULL; fields++)
		if (strcmp(key, *fields) == 0)
			return true;
	return false;
}

/* Replaces the values of secret keys, at any depth, in a copy the caller owns. */
static void redact_json(json_t *value, const char *const *fields)
{
	size_t i;
	json_t *item;

	if (json_is_object(value)) {
		for (void *it = json_object_iter(value); it != NULL; it = json_object_iter_next(value, it)) {
			if (is_secret_key(json_object_iter_key(it), fields))
				json_object_iter_set_new(value, it, json_string("<redacted>"));
			else
				redact_json(json_object_iter_value(it), fields);
		}
	} else if (json_is_array(value)) {
		json_array_foreach(value, i, item) redact_json(item, fields);
	}
}

/* Returns a malloc'd copy of text with every occurrence of secret replaced, or NULL when out of memory. */
static char *replace_secret(const char *text, const char *secret)
{
	static const char mark[] = "<redacted>";
	size_t slen = secret != NULL ? strlen(secret) : 0;
	size_t count = 0;
	const char *p, *hit;
	char *out, *o;

	if (slen == 0)
		return strdup(text);
	for (p = text; (hit = strstr(p, secret)) != NULL; p = hit + slen)
		count++;
	out = malloc(strlen(text) + count * sizeof(mark) + 1);
	if (out == NULL)
		return NULL;
	o = out;
	for (p = text; (hit = strstr(p, secret)) != NULL; p = hit + slen) {
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, mark, sizeof(mark) - 1);
		o += sizeof(mark) - 1;
	}
	strcpy(o, p);
	return out;
}

static void free_wiped(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* replace_secret for each secret in turn: a malloc'd copy, or NULL when out of memory. */
static char *replace_secrets(const char *text, const char *const *secrets)
{
	char *out = strdup(text), *next;

	for (; out != NULL && secrets != NULL && *secrets != NULL; secrets++) {
		if (**secrets == '\0' || strstr(out, *secrets) == NULL)
			continue;
		next = replace_secret(out, *secrets);
		free_wiped(out);
		out = next;
	}
	return out;
}

static bool holds_secret(const char *text, const char *const *secrets)
{
	for (; secrets != NULL && *secrets != NULL; secrets++)
		if (**secrets != '\0' && strstr(text, *secrets) != NULL)
			return true;
	return false;
}

void http_redact_buffer(char *text, size_t size, const char *const *secrets)
{
	char *clean;

	if (!holds_secret(text, secrets))
		return;
	clean = replace_secrets(text, secrets);
	explicit_bzero(text, size);
	if (clean == NULL) {
		snprintf(text, size, "<message withheld: it held a secret>");
		return;
	}
	snprintf(text, size, "%s", clean);
	/* a cut at the end could leave part of the secret only if it was in the input; it was replaced */
	free_wiped(clean);
}

void http_trace_line(FILE *out, const char *const *secrets, const char *fmt, ...)
{
	char *raw = NULL, *line = NULL;
	va_list ap;
	int n;

	if (out == NULL)
		return;
	va_start(ap, fmt);
	n = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	line = replace_secrets(raw, secrets);
	if (line != NULL) {
		/* A server's reply must not drive the terminal. */
		for (char *c = line; *c != '\0'; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = ' ';
		fprintf(out, "%s\n", line);
	}
	free_wiped(raw);
	free_wiped(line);
}

void http_trace_body(FILE *out, const char *const *secrets, const char *const *fields, const char *prefix,
		     const json_t *json, const char *text, size_t len)
{
	json_t *copy = NULL;
	char *dump = NULL, *clean = NULL;
	size_t shown, total;

	if (out == NULL || (json == NULL && len == 0))
		return;
	if (json != NULL) {
		copy = json_deep_copy(json);
		if (copy == NULL)
			goto done;
		redact_json(copy, fields);
		dump = json_dumps(copy, JSON_COMPACT | JSON_ENCODE_ANY);
	} else {
		dump = strndup(text, len); /* stops at a NUL byte in the body, which is fine for a trace */
	}
	if (dump == NULL)
		goto done;
	/* Redact before cutting, so that a secret straddling the cut cannot show in part. */
	clean = replace_secrets(dump, secrets);
	if (clean == NULL)
		goto done;
	total = strlen(clean);
	shown = total;
	if (shown > TRACE_BODY_MAX) {
		shown = TRACE_BODY_MAX;
		while (shown > 0 && ((unsigned char)clean[shown] & 0xc0) == 0x80)
			shown--; /* do not split a UTF-8 sequence */
		http_trace_line(out, secrets, "%s%.*s... (%zu more bytes)", prefix, (int)shown, clean,
				total - shown);
	} else {
		http_trace_line(out, secrets, "%s%s", prefix, clean);
	}
done:
	free_wiped(dump);
	free_wiped(clean);
	json_decref(copy);
}
