/* Tests of cli/io/jpath.c: paths as users read them, and cut at the buffer's size exactly where
 * snprintf would cut them (the loader's places and the validator's paths must agree). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "io/jpath.h"

static void test_paths(void **state)
{
	char out[64];

	(void)state;
	jpath_key(out, sizeof(out), "", "users");
	assert_string_equal(out, "users");
	jpath_key(out, sizeof(out), "users", "list");
	assert_string_equal(out, "users.list");
	jpath_index(out, sizeof(out), "users.list", 0);
	assert_string_equal(out, "users.list[0]");
	jpath_index(out, sizeof(out), "users.list", 1234567890);
	assert_string_equal(out, "users.list[1234567890]");
	jpath_index(out, sizeof(out), "", 7);
	assert_string_equal(out, "[7]");
	jpath_key(out, sizeof(out), "a", "x.y\"z");
	assert_string_equal(out, "a[\"x.y\\\"z\"]");
}

/* Every buffer size from 0 to past the whole path cuts as snprintf does. */
static void test_cut_like_snprintf(void **state)
{
	char out[40], want[40];

	(void)state;
	for (size_t size = 0; size <= sizeof(out); size++) {
		memset(out, 'x', sizeof(out));
		memset(want, 'x', sizeof(want));
		jpath_key(out, size, "users.list[12]", "display_name");
		snprintf(want, size, "%s.%s", "users.list[12]", "display_name");
		assert_memory_equal(out, want, sizeof(out));
		memset(out, 'x', sizeof(out));
		memset(want, 'x', sizeof(want));
		jpath_index(out, size, "users.list", 98765);
		snprintf(want, size, "%s[%zu]", "users.list", (size_t)98765);
		assert_memory_equal(out, want, sizeof(out));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_paths),
	    cmocka_unit_test(test_cut_like_snprintf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
