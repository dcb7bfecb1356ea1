/* Tests of cli/io/json_compact.c: byte for byte what json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS)
 * writes, for every kind of value, key order and string the plan's state digest can meet (a saved
 * plan's digest must not change), and failing where jansson fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_compact.h"

struct text {
	char *buf;
	size_t len, cap;
};

static int collect(const char *bytes, size_t n, void *data)
{
	struct text *t = data;

	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->buf = realloc(t->buf, t->cap);
		assert_non_null(t->buf);
	}
	memcpy(t->buf + t->len, bytes, n);
	t->len += n;
	t->buf[t->len] = '\0';
	return 0;
}

/* Holds the writer to jansson's text of v, and takes v. */
static void same_as_jansson(json_t *v)
{
	char *want = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	struct text got = {0};

	assert_non_null(want);
	assert_int_equal(json_compact_sorted_dump(v, collect, &got), 0);
	assert_non_null(got.buf);
	assert_string_equal(got.buf, want);
	free(got.buf);
	free(want);
	json_decref(v);
}

static void test_values(void **state)
{
	json_t *o = json_object(), *nested = json_object(), *list = json_array();

	(void)state;
	same_as_jansson(json_object());
	same_as_jansson(json_array());
	json_object_set_new(o, "b", json_true());
	json_object_set_new(o, "a", json_false());
	json_object_set_new(o, "ab", json_null());
	json_object_set_new(o, "", json_integer(0));
	json_object_set_new(o, "A", json_integer(-9223372036854775807LL - 1));
	json_object_set_new(o, "z", json_integer(9223372036854775807LL));
	json_object_setn_new(o, "a\0b", 3, json_string("key with a NUL"));
	json_object_set_new(o, "\xc3\xa9t\xc3\xa9", json_string("\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"));
	for (double d = 1e-10; d < 1e300; d *= 1234.5)
		json_array_append_new(list, json_real(d));
	json_array_append_new(list, json_real(0.1));
	json_array_append_new(list, json_real(1.0));
	json_array_append_new(list, json_real(-0.0));
	json_array_append_new(list, json_real(-2.5));
	json_array_append_new(list, json_array());
	json_array_append_new(list, json_object());
	json_object_set_new(nested, "users",
			    json_pack("{s:{s:s,s:b,s:b}}", "alice", "id", "alice", "admin", 0, "active", 1));
	json_array_append_new(list, nested);
	json_object_set_new(o, "list", list);
	same_as_jansson(o);
}

static void test_strings(void **state)
{
	char all[300];
	json_t *a = json_array();

	(void)state;
	for (int c = 0; c < 128; c++)
		all[c] = (char)c;
	json_array_append_new(a, json_stringn(all, 128)); /* every ASCII byte, NUL and DEL included */
	json_array_append_new(a, json_string("\"quoted\" \\back\\ /slash/ \x7f"));
	json_array_append_new(a, json_string("\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf"));
	json_array_append_new(a, json_string(""));
	same_as_jansson(a);
}

/* Large objects whose keys come in no order, many sharing a start. */
static void test_many_keys(void **state)
{
	json_t *o = json_object();
	char key[32];
	unsigned int x = 12345;

	(void)state;
	for (int i = 0; i < 5000; i++) {
		x = x * 1103515245u + 12345u;
		snprintf(key, sizeof(key), "user%u%s", (x >> 8) % 100000, i % 3 ? "" : "-x");
		json_object_set_new(o, key, json_pack("{s:s,s:i}", "id", key, "n", i));
	}
	same_as_jansson(o);
}

/* Text that is not UTF-8 fails, as jansson fails; so do a bare scalar and the callback's failure. */
static int refuse(const char *bytes, size_t n, void *data)
{
	(void)bytes;
	(void)n;
	(void)data;
	return -1;
}

static void test_failures(void **state)
{
	static const char *const bad[] = {"\x80",	  "\xc0\xaf",	      "\xe0\x80\xaf",
					  "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
					  "\xc3",	  "\xe6\x97"};
	struct text got = {0};
	json_t *v;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = json_pack("[o]", json_stringn_nocheck(bad[i], strlen(bad[i])));
		assert_null(json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS));
		assert_int_equal(json_compact_sorted_dump(v, collect, &got), -1);
		json_decref(v);
	}
	v = json_string("scalar");
	assert_int_equal(json_compact_sorted_dump(v, collect, &got), -1);
	json_decref(v);
	v = json_pack("{s:i}", "a", 1);
	assert_int_equal(json_compact_sorted_dump(v, refuse, NULL), -1);
	json_decref(v);
	free(got.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_many_keys),
	    cmocka_unit_test(test_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
