/* Tests of cli/io/yaml_pos.c, the table of places the YAML loader fills: exact and parent lookups,
 * key places, the order of iteration, and a table grown far past its first size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "io/yaml_pos.h"

static void test_put_find_and_move(void **state)
{
	struct yaml_pos *pos = yaml_pos_new();
	int line = 0, col = 0;

	(void)state;
	assert_non_null(pos);
	assert_false(yaml_pos_find(pos, "users", &line, &col));
	assert_int_equal(yaml_pos_put(pos, "users", 3, 1), 0);
	assert_int_equal(yaml_pos_put(pos, "users.list[0].id", 5, 9), 0);
	assert_true(yaml_pos_find(pos, "users", &line, &col));
	assert_int_equal(line, 3);
	assert_int_equal(col, 1);
	assert_int_equal(yaml_pos_put(pos, "users", 4, 2), 0); /* moved, not added */
	assert_int_equal(yaml_pos_count(pos), 2);
	assert_true(yaml_pos_find(pos, "users", &line, &col));
	assert_int_equal(line, 4);
	assert_false(yaml_pos_find(pos, "users.list", &line, &col));
	yaml_pos_free(pos);
	yaml_pos_free(NULL);
}

static void test_lookup_falls_back_to_the_nearest_parent(void **state)
{
	struct yaml_pos *pos = yaml_pos_new();
	int line = -1, col = -1;

	(void)state;
	assert_int_equal(yaml_pos_put(pos, "", 1, 1), 0);
	assert_int_equal(yaml_pos_put(pos, "a[\"x.y\"]", 2, 8), 0);
	yaml_pos_lookup(pos, "a[\"x.y\"].missing[3]", &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 8);
	yaml_pos_lookup(pos, "b.c", &line, &col);
	assert_int_equal(line, 1);
	yaml_pos_lookup(NULL, "b", &line, &col);
	assert_int_equal(line, 0);
	assert_int_equal(col, 0);
	yaml_pos_free(pos);
}

static void test_key_places(void **state)
{
	struct yaml_pos *pos = yaml_pos_new();
	int line = 0, col = 0;

	(void)state;
	assert_int_equal(yaml_pos_put(pos, "far", 22, 3), 0);
	yaml_pos_put_key(pos, "far", 1, 1);
	yaml_pos_put_key(pos, "far", 9, 9); /* the first key's place stays */
	yaml_pos_put_key(pos, "nowhere", 9, 9);
	yaml_key_pos_lookup(pos, "far", &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	yaml_key_pos_lookup(pos, "far.x", &line, &col); /* no key of its own: the value's parent */
	assert_int_equal(line, 22);
	assert_int_equal(yaml_pos_count(pos), 1);
	yaml_pos_free(pos);
}

/* Appended places are found once something is looked up, and a put of one of them moves it. */
static void test_appended_places(void **state)
{
	static const char *const whole[] = {"users", "users.list", "users.list[0]"};
	struct yaml_pos *pos = yaml_pos_new();
	int line = 0, col = 0, kline, kcol;
	const char *path;
	size_t i = 0, n = 0;
	long a, b;

	(void)state;
	a = yaml_pos_append(pos, -1, "users", 3, 1);
	b = yaml_pos_append(pos, a, ".list", 4, 3);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	yaml_pos_put_key_at(pos, b, 4, 1);
	yaml_pos_put_key_at(pos, b, 9, 9); /* the first key's place stays */
	assert_true(yaml_pos_find(pos, "users", &line, &col));
	assert_int_equal(line, 3);
	yaml_key_pos_lookup(pos, "users.list", &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 1);
	assert_int_equal(yaml_pos_append(pos, b, "[0]", 5, 5), 2);
	assert_int_equal(yaml_pos_append(pos, 7, "[1]", 5, 5), -1); /* no entry 7 to continue */
	yaml_pos_lookup(pos, "users.list[0].id", &line, &col);	    /* appended after the first lookup */
	assert_int_equal(line, 5);
	assert_int_equal(yaml_pos_put(pos, "users", 7, 2), 0); /* moved, not added */
	assert_int_equal(yaml_pos_count(pos), 3);
	assert_true(yaml_pos_find(pos, "users", &line, &col));
	assert_int_equal(line, 7);
	assert_int_equal(col, 2);
	assert_true(yaml_pos_find(pos, "users.list[0]", &line, &col));
	assert_false(yaml_pos_find(pos, "users.list[0", &line, &col));
	assert_false(yaml_pos_find(pos, "xusers.list[0]", &line, &col));
	/* iteration gives each whole path, in the order of the appends */
	while (yaml_pos_next(pos, &i, &path, &line, &col, &kline, &kcol)) {
		assert_true(n < 3);
		assert_string_equal(path, whole[n++]);
	}
	assert_int_equal(n, 3);
	yaml_pos_free(pos);
}

/* 300,000 places (a big policy's worth), each found again, in the order they were put. */
static void test_many_places_in_order(void **state)
{
	struct yaml_pos *pos = yaml_pos_new();
	int line, col, kline, kcol;
	const char *path;
	char want[64];
	size_t i = 0, n = 0;

	(void)state;
	for (int k = 0; k < 300000; k++) {
		snprintf(want, sizeof(want), "users.list[%d].email", k);
		assert_int_equal(yaml_pos_put(pos, want, k + 1, k % 100 + 1), 0);
	}
	for (int k = 0; k < 300000; k += 997) {
		snprintf(want, sizeof(want), "users.list[%d].email", k);
		assert_true(yaml_pos_find(pos, want, &line, &col));
		assert_int_equal(line, k + 1);
		assert_int_equal(col, k % 100 + 1);
	}
	while (yaml_pos_next(pos, &i, &path, &line, &col, &kline, &kcol)) {
		snprintf(want, sizeof(want), "users.list[%zu].email", n);
		assert_string_equal(path, want);
		assert_int_equal(kline, 0);
		n++;
	}
	assert_int_equal(n, 300000);
	yaml_pos_free(pos);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_put_find_and_move),
	    cmocka_unit_test(test_lookup_falls_back_to_the_nearest_parent),
	    cmocka_unit_test(test_key_places),
	    cmocka_unit_test(test_appended_places),
	    cmocka_unit_test(test_many_places_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
