/* Tests of cli/plan_print.c: what a person reads. Secrets a change carries are shown as
 * "(sensitive)", never their text; other fields as JSON values, blocks as lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "color.h"
#include "engine/plan.h"
#include "test_json.h"

static char *printed(const char *change)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	color_set(false);
	plan_print_change(out, J(change));
	assert_int_equal(fclose(out), 0);
	return text;
}

static void test_secrets_are_sensitive(void **state)
{
	char *text;

	(void)state;
	text =
	    printed("{'op': 'create', 'type': 'user', 'key': 'kim', 'after': {'id': 'kim', 'display_name': "
		    "'Kim', 'password': 'hunter2-hunter2'}}");
	assert_string_equal(text, "  + user kim\n      display_name: \"Kim\"\n      password: (sensitive)\n");
	free(text);
	text = printed(
	    "{'op': 'update', 'type': 'user', 'key': 'kim', 'fields': {'password': {'from': "
	    "'old-secret-text', 'to': 'new-secret-text'}, 'email': {'from': null, 'to': 'k@x.test'}}}");
	assert_null(strstr(text, "secret-text"));
	assert_non_null(strstr(text, "      password: (sensitive) -> (sensitive)\n"));
	assert_non_null(strstr(text, "      email: null -> \"k@x.test\"\n"));
	free(text);
}

static void test_blocks_as_lines(void **state)
{
	char *text;

	(void)state;
	text = printed("{'op': 'update', 'type': 'ejabberd_config', 'key': 'registration', 'fields': "
		       "{'content': {'from': 'a:\\n  deny: all', 'to': 'a:\\n  allow: all'}}}");
	assert_string_equal(text, "  ~ ejabberd_config registration\n"
				  "      content: (lines - removed, + added)\n"
				  "          a:\n"
				  "        -   deny: all\n"
				  "        +   allow: all\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_secrets_are_sensitive, release_all),
	    cmocka_unit_test_teardown(test_blocks_as_lines, release_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
