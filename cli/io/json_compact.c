/* The writer of json_compact.h. Reals are left to jansson (its number formatting is its own);
 * everything else follows jansson's dump.c: members sorted by their key's bytes (a shorter key
 * first when one is the start of another), strings escaped as jansson escapes them (\", \\, \b, \f,
 * \n, \r, \t, \u00XX for other control characters, and nothing else), UTF-8 checked the same way. */
#include "json_compact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct member {
	const char *key;
	size_t len;
	const json_t *value;
};

static int by_key(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	const int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* The length of the UTF-8 sequence at s (of n bytes), or 0 when it is not one jansson accepts:
 * no overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xC2 || s[0] > 0xF4)
		return 0;
	len = s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static int put_string(const char *text, size_t n, json_dump_callback_t put, void *data)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t run = 0, i = 0;

	if (put("\"", 1, data) != 0)
		return -1;
	while (i < n) {
		static const char *const named[] = {
		    ['"'] = "\\\"", ['\\'] = "\\\\", ['\b'] = "\\b", ['\f'] = "\\f",
		    ['\n'] = "\\n", ['\r'] = "\\r",  ['\t'] = "\\t"};
		char esc[8];
		const char *e;

		if (s[i] >= 0x20 && s[i] != '"' && s[i] != '\\') {
			size_t k = s[i] < 0x80 ? 1 : utf8_len(s + i, n - i);

			if (k == 0)
				return -1;
			i += k;
			continue;
		}
		if ((e = named[s[i]]) == NULL) {
			snprintf(esc, sizeof(esc), "\\u%04X", s[i]);
			e = esc;
		}
		if ((i > run && put(text + run, i - run, data) != 0) || put(e, strlen(e), data) != 0)
			return -1;
		run = ++i;
	}
	if ((i > run && put(text + run, i - run, data) != 0) || put("\"", 1, data) != 0)
		return -1;
	return 0;
}

static int put_value(const json_t *v, json_dump_callback_t put, void *data);

static int put_object(const json_t *obj, json_dump_callback_t put, void *data)
{
	const size_t n = json_object_size(obj);
	struct member few[16], *m = n <= 16 ? few : malloc(n * sizeof(*m));
	size_t i = 0;
	int rc = -1;

	if (m == NULL)
		return -1;
	for (void *it = json_object_iter((json_t *)obj); it != NULL && i < n;
	     it = json_object_iter_next((json_t *)obj, it), i++) {
		m[i].key = json_object_iter_key(it);
		m[i].len = json_object_iter_key_len(it);
		m[i].value = json_object_iter_value(it);
	}
	qsort(m, i, sizeof(*m), by_key);
	if (put("{", 1, data) != 0)
		goto done;
	for (size_t k = 0; k < i; k++) {
		if ((k > 0 && put(",", 1, data) != 0) || put_string(m[k].key, m[k].len, put, data) != 0 ||
		    put(":", 1, data) != 0 || put_value(m[k].value, put, data) != 0)
			goto done;
	}
	rc = put("}", 1, data);
done:
	if (m != few)
		free(m);
	return rc;
}

static int put_value(const json_t *v, json_dump_callback_t put, void *data)
{
	char num[32];
	int len;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return put_object(v, put, data);
	case JSON_ARRAY:
		if (put("[", 1, data) != 0)
			return -1;
		for (size_t i = 0; i < json_array_size(v); i++)
			if ((i > 0 && put(",", 1, data) != 0) ||
			    put_value(json_array_get(v, i), put, data) != 0)
				return -1;
		return put("]", 1, data);
	case JSON_STRING:
		return put_string(json_string_value(v), json_string_length(v), put, data);
	case JSON_INTEGER:
		len = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return put(num, (size_t)len, data);
	case JSON_REAL:
		return json_dump_callback(v, put, data, JSON_COMPACT | JSON_ENCODE_ANY);
	case JSON_TRUE:
		return put("true", 4, data);
	case JSON_FALSE:
		return put("false", 5, data);
	case JSON_NULL:
		return put("null", 4, data);
	}
	return -1;
}

int json_compact_sorted_dump(const json_t *value, json_dump_callback_t put, void *data)
{
	/* json_dumps writes only an object or an array without JSON_ENCODE_ANY */
	if (!json_is_object(value) && !json_is_array(value))
		return -1;
	return put_value(value, put, data);
}
