/* Tests of cli/io/json_sort.c: byte order, non-strings refused, keys and values of an object. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "io/json_sort.h"
#include "test_json.h"

static void test_strings(void **state)
{
	(void)state;
	assert_json_as(hold(json_sorted_strings(J("['b', 'B', 'a', 'a']"))), J("['B', 'a', 'a', 'b']"), 0);
	assert_json_as(hold(json_sorted_strings(J("[]"))), J("[]"), 0);
	assert_null(json_sorted_strings(J("['a', 1]")));
}

static void test_keys_and_values(void **state)
{
	json_t *obj = J("{'zed': 1, 'amy': {'x': 2}, 'Bob': null}");

	(void)state;
	assert_json_as(hold(json_sorted_keys(obj)), J("['Bob', 'amy', 'zed']"), 0);
	assert_json_as(hold(json_sorted_values(obj)), J("[null, {'x': 2}, 1]"), 0);
	assert_json_as(hold(json_sorted_keys(J("[1, 2]"))), J("[]"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_strings, release_all),
	    cmocka_unit_test_teardown(test_keys_and_values, release_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
