/* The -v trace of cli/http.c, kept apart so that every traced byte passes through one redaction path:
 * JSON fields named in http_trace.c (and the client's own list of field names) are replaced by
 * "<redacted>", then every occurrence of each secret (the bearer token; for HTTP Basic the whole
 * "user:password", the password and their base64 form) is, then control characters are replaced by
 * spaces. Internal to http.c. `secrets` and `fields` are NULL-terminated lists, or NULL. */
#ifndef MSGADM_HTTP_TRACE_H
#define MSGADM_HTTP_TRACE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* Writes one formatted line to out (a no-op when out is NULL). */
void http_trace_line(FILE *out, const char *const *secrets, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes a body as one line starting with prefix ("> " or "< "): json, redacted and compact, when it
 * is not NULL, else the raw text; cut after 2000 characters. Nothing is written for an empty body. */
void http_trace_body(FILE *out, const char *const *secrets, const char *const *fields, const char *prefix,
		     const json_t *json, const char *text, size_t len);

/* Replaces every occurrence of each secret in the NUL-terminated text (a buffer of size bytes) by
 * "<redacted>", in place; the result is cut to fit. */
void http_redact_buffer(char *text, size_t size, const char *const *secrets);

#endif
