/* RFC 8785 canonical JSON (see jcs.h for the rules). */
#include "jcs.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "jpath.h"

#define MAX_TRACKED_DEPTH 64

struct writer {
	char *data;
	size_t len, cap;
	int oom;
	int indent; /* 0: the canonical form */
	/* where the writer is, so that a refusal can name the value: member name or array index */
	int depth;
	const char *names[MAX_TRACKED_DEPTH];
	size_t indexes[MAX_TRACKED_DEPTH];
	struct msg_err *err;
};

static void put(struct writer *w, const char *s, size_t n)
{
	if (w->oom)
		return;
	if (w->len + n + 1 > w->cap) {
		size_t cap = w->cap ? w->cap : 256;
		char *grown;

		while (w->len + n + 1 > cap)
			cap *= 2;
		grown = realloc(w->data, cap);
		if (grown == NULL) {
			w->oom = 1;
			return;
		}
		w->data = grown;
		w->cap = cap;
	}
	memcpy(w->data + w->len, s, n);
	w->len += n;
	w->data[w->len] = '\0';
}

static void put_str(struct writer *w, const char *s)
{
	put(w, s, strlen(s));
}

static void put_newline(struct writer *w, int level)
{
	static const char spaces[] = "                                ";

	if (w->indent == 0)
		return;
	put(w, "\n", 1);
	for (long todo = (long)level * w->indent; todo > 0; todo -= (long)sizeof(spaces) - 1)
		put(w, spaces, todo < (long)sizeof(spaces) - 1 ? (size_t)todo : sizeof(spaces) - 1);
}

/* Refuses the value the writer is at, naming its path ("body.users.list[3].id"). */
static int refuse(struct writer *w, const char *why)
{
	char path[512] = "", next[512];

	for (int i = 0; i < w->depth && i < MAX_TRACKED_DEPTH; i++) {
		if (w->names[i] != NULL)
			jpath_key(next, sizeof(next), path, w->names[i]);
		else
			jpath_index(next, sizeof(next), path, w->indexes[i]);
		memcpy(path, next, sizeof(path));
	}
	return err_set(w->err, EXIT_DATAERR, "%s%s%s: not representable in RFC 8785 canonical JSON", path,
		       path[0] ? ": " : "", why);
}

/* The code point at *p, advancing *p; -1 for a malformed or overlong sequence, a surrogate, or a
 * value past U+10FFFF (none of which is UTF-8 that a JSON text may hold). */
static long utf8_next(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	unsigned c = s[0];
	long cp;
	int n;

	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		cp = c & 0x07;
	} else {
		return -1;
	}
	if (end - s <= n)
		return -1;
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*p = s + n + 1;
	return cp;
}

/* A reader of a UTF-8 string as UTF-16 code units: what RFC 8785 sorts names by. Supplementary
 * characters become surrogate pairs, so they sort before U+E000..U+FFFF, unlike by code point. */
struct utf16_reader {
	const unsigned char *p, *end;
	unsigned low; /* the pending low surrogate, or 0 */
};

/* The next code unit, or -1 at the end. A malformed byte counts as itself, which keeps the order
 * total; the writer refuses such a string anyway. */
static long utf16_next(struct utf16_reader *r)
{
	const unsigned char *start = r->p;
	long cp;

	if (r->low != 0) {
		cp = r->low;
		r->low = 0;
		return cp;
	}
	if (r->p >= r->end)
		return -1;
	cp = utf8_next(&r->p, r->end);
	if (cp < 0) {
		r->p = start + 1;
		return *start;
	}
	if (cp >= 0x10000) {
		cp -= 0x10000;
		r->low = 0xdc00 | (unsigned)(cp & 0x3ff);
		return 0xd800 | (cp >> 10);
	}
	return cp;
}

int jcs_compare_names(const char *a, const char *b)
{
	struct utf16_reader x = {(const unsigned char *)a, (const unsigned char *)a + strlen(a), 0};
	struct utf16_reader y = {(const unsigned char *)b, (const unsigned char *)b + strlen(b), 0};

	for (;;) {
		long u = utf16_next(&x), v = utf16_next(&y);

		if (u != v)
			return u < v ? -1 : 1; /* the end (-1) sorts first: a prefix precedes */
		if (u < 0)
			return 0;
	}
}

/* A string as JSON.stringify writes it (RFC 8785 section 3.2.2.2). */
static int put_string(struct writer *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	char esc[8];

	while (p < end)
		if (utf8_next(&p, end) < 0)
			return refuse(w, "a string that is not valid UTF-8");
	put(w, "\"", 1);
	for (p = (const unsigned char *)s; p < end; p++) {
		switch (*p) {
		case '"':
			put(w, "\\\"", 2);
			break;
		case '\\':
			put(w, "\\\\", 2);
			break;
		case '\b':
			put(w, "\\b", 2);
			break;
		case '\f':
			put(w, "\\f", 2);
			break;
		case '\n':
			put(w, "\\n", 2);
			break;
		case '\r':
			put(w, "\\r", 2);
			break;
		case '\t':
			put(w, "\\t", 2);
			break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
				put(w, esc, 6);
			} else {
				put(w, (const char *)p, 1);
			}
		}
	}
	put(w, "\"", 1);
	return 0;
}

/* |d| rounded to p significant digits (printf rounds correctly): value = 0.DIGITS x 10^n. */
static void round_digits(double d, int p, char *digits, int *n)
{
	char text[40];
	const char *c;
	int k = 0;

	snprintf(text, sizeof(text), "%.*e", p - 1, d);
	for (c = text; *c != 'e'; c++)
		if (*c != '.')
			digits[k++] = *c;
	digits[k] = '\0';
	*n = atoi(c + 1) + 1;
}

static double value_of(const char *digits, int n)
{
	char text[48];

	snprintf(text, sizeof(text), "0.%se%d", digits, n);
	return strtod(text, NULL);
}

/* The shortest digits that read back as d (d > 0, finite), the closest to d among equally short
 * ones (ECMAScript Number::toString, step 5): printf rounds correctly, so its p-digit rendering is
 * the closest p-digit candidate, and the first p that reads back is the shortest. (Only a power of
 * two has a lopsided rounding interval where a farther candidate could read back and the closest
 * not; that never happens for binary64: all 2046 were checked against node's Number#toString.)
 * 17 digits always read back. */
static void shortest_digits(double d, char *digits, int *n)
{
	for (int p = 1; p <= 17; p++) {
		round_digits(d, p, digits, n);
		if (value_of(digits, *n) == d)
			break;
	}
	for (size_t k = strlen(digits); k > 1 && digits[k - 1] == '0'; k--)
		digits[k - 1] = '\0';
}

int jcs_format_double(double d, char *buf, size_t size)
{
	char digits[24], out[48];
	size_t o = 0;
	int n, k, e;

	if (isnan(d) || isinf(d))
		return -1;
	if (d == 0) /* both zeros */
		return snprintf(buf, size, "0") < (int)size ? 0 : -1;
	if (d < 0) {
		out[o++] = '-';
		d = -d;
	}
	shortest_digits(d, digits, &n);
	k = (int)strlen(digits);
	if (k <= n && n <= 21) { /* an integer: the digits, then zeros */
		memcpy(out + o, digits, (size_t)k);
		o += (size_t)k;
		for (int i = k; i < n; i++)
			out[o++] = '0';
	} else if (0 < n && n <= 21) { /* the point inside the digits */
		memcpy(out + o, digits, (size_t)n);
		o += (size_t)n;
		out[o++] = '.';
		memcpy(out + o, digits + n, (size_t)(k - n));
		o += (size_t)(k - n);
	} else if (-6 < n && n <= 0) { /* 0.000ddd, down to 1e-6 */
		out[o++] = '0';
		out[o++] = '.';
		for (int i = 0; i < -n; i++)
			out[o++] = '0';
		memcpy(out + o, digits, (size_t)k);
		o += (size_t)k;
	} else { /* exponent form: d[.ddd]e+x or e-x */
		e = n - 1;
		out[o++] = digits[0];
		if (k > 1) {
			out[o++] = '.';
			memcpy(out + o, digits + 1, (size_t)(k - 1));
			o += (size_t)(k - 1);
		}
		o += (size_t)snprintf(out + o, sizeof(out) - o, "e%c%d", e < 0 ? '-' : '+', e < 0 ? -e : e);
	}
	out[o] = '\0';
	return snprintf(buf, size, "%s", out) < (int)size ? 0 : -1;
}

static int put_number(struct writer *w, const json_t *v)
{
	const json_int_t limit = (json_int_t)1 << 53;
	char text[48];
	double d;

	if (json_is_integer(v) && json_integer_value(v) >= -limit && json_integer_value(v) <= limit) {
		snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		put_str(w, text);
		return 0;
	}
	d = json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v);
	if (jcs_format_double(d, text, sizeof(text)) != 0)
		return refuse(w, "NaN or an infinity");
	put_str(w, text);
	return 0;
}

static int by_utf16(const void *a, const void *b)
{
	return jcs_compare_names(*(const char *const *)a, *(const char *const *)b);
}

static int put_value(struct writer *w, const json_t *v, int level);

static int put_object(struct writer *w, const json_t *v, int level)
{
	size_t n = json_object_size(v), i = 0;
	const char **names;
	const char *name;
	json_t *member;
	int rc = 0;

	if (n == 0) {
		put(w, "{}", 2);
		return 0;
	}
	names = malloc(n * sizeof(*names));
	if (names == NULL) {
		w->oom = 1;
		return err_set(w->err, EXIT_FAILURE_, "out of memory");
	}
	json_object_foreach((json_t *)v, name, member) names[i++] = name;
	qsort(names, n, sizeof(*names), by_utf16);
	put(w, "{", 1);
	w->depth++;
	for (i = 0; i < n && rc == 0; i++) {
		if (w->depth <= MAX_TRACKED_DEPTH)
			w->names[w->depth - 1] = names[i];
		if (i > 0)
			put(w, ",", 1);
		put_newline(w, level + 1);
		rc = put_string(w, names[i], strlen(names[i]));
		if (rc == 0) {
			put(w, w->indent ? ": " : ":", w->indent ? 2 : 1);
			rc = put_value(w, json_object_get(v, names[i]), level + 1);
		}
	}
	if (rc == 0)
		w->depth--; /* on failure the path stays, for the message */
	put_newline(w, level);
	put(w, "}", 1);
	free(names);
	return rc;
}

static int put_array(struct writer *w, const json_t *v, int level)
{
	size_t i, n = json_array_size(v);
	int rc = 0;

	if (n == 0) {
		put(w, "[]", 2);
		return 0;
	}
	put(w, "[", 1);
	w->depth++;
	for (i = 0; i < n && rc == 0; i++) {
		if (w->depth <= MAX_TRACKED_DEPTH) {
			w->names[w->depth - 1] = NULL;
			w->indexes[w->depth - 1] = i;
		}
		if (i > 0)
			put(w, ",", 1);
		put_newline(w, level + 1);
		rc = put_value(w, json_array_get(v, i), level + 1);
	}
	if (rc == 0)
		w->depth--;
	put_newline(w, level);
	put(w, "]", 1);
	return rc;
}

static int put_value(struct writer *w, const json_t *v, int level)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return put_object(w, v, level);
	case JSON_ARRAY:
		return put_array(w, v, level);
	case JSON_STRING:
		return put_string(w, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
	case JSON_REAL:
		return put_number(w, v);
	case JSON_TRUE:
		put(w, "true", 4);
		return 0;
	case JSON_FALSE:
		put(w, "false", 5);
		return 0;
	case JSON_NULL:
		put(w, "null", 4);
		return 0;
	}
	return refuse(w, "an unknown JSON type");
}

int jcs_pretty(const json_t *v, int indent, int level, char **out, size_t *len, struct msg_err *err)
{
	struct writer *w = calloc(1, sizeof(*w));
	int rc;

	if (w == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	w->indent = indent > 0 ? indent : 0;
	w->err = err;
	rc = v == NULL ? refuse(w, "no value") : put_value(w, v, level);
	if (rc == 0 && (w->oom || w->data == NULL))
		rc = err_set(err, EXIT_FAILURE_, "out of memory");
	if (rc == 0) {
		*out = w->data;
		*len = w->len;
	} else {
		free(w->data);
	}
	free(w);
	return rc;
}

int jcs_canonicalize(const json_t *v, char **out, size_t *len, struct msg_err *err)
{
	return jcs_pretty(v, 0, 0, out, len, err);
}
