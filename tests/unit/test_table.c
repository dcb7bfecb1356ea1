/* Tests of cli/table.c: columns as wide as their widest cell in characters, right-aligned numbers,
 * no trailing spaces, control characters kept out of the line, missing cells as "-". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static char *printed(const struct table *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	table_print(out, t);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void test_widths_follow_the_cells(void **state)
{
	struct table *t = table_new((const char *const[]){"ID", "NAME", ">USES", "NOTE", NULL});
	char *text;

	(void)state;
	table_add(t, (const char *const[]){"a-very-long-account-name", "Jürgen Groß", "7", ""});
	table_add(t, (const char *const[]){"bo", NULL, "1234", "x"});
	text = printed(t);
	assert_string_equal(text, "ID                        NAME         USES  NOTE\n"
				  "a-very-long-account-name  Jürgen Groß     7\n"
				  "bo                        -            1234  x\n");
	free(text);
	table_free(t);
}

static void test_control_characters_stay_on_the_line(void **state)
{
	struct table *t = table_new((const char *const[]){"A", "B", NULL});
	char *text;

	(void)state;
	table_add(t, (const char *const[]){"x\ny", "tab\there"});
	text = printed(t);
	assert_string_equal(text, "A    B\nx y  tab here\n");
	free(text);
	table_free(t);
}

static void test_headers_only(void **state)
{
	struct table *t = table_new((const char *const[]){"", "NAME", NULL});
	char *text;

	(void)state;
	text = printed(t);
	assert_string_equal(text, "  NAME\n");
	free(text);
	table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_widths_follow_the_cells),
	    cmocka_unit_test(test_control_characters_stay_on_the_line),
	    cmocka_unit_test(test_headers_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
