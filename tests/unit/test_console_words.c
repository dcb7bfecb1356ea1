/* Tests of cli/shell/console_words.c: how the console splits a line into words, and which lines it keeps
 * out of the history file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "shell/console_words.h"

/* Splits line, expects the result and the words (a NULL-terminated list), then frees. */
static void expect_split(const char *line, enum console_split want, const char *const *words)
{
	struct console_words w;
	enum console_split got = console_words_split(line, &w);
	int n = 0;

	if (got != want)
		fail_msg("splitting [%s]: got %s, wanted %s", line, console_split_error(got),
			 console_split_error(want));
	while (words[n] != NULL)
		n++;
	if (w.argc != n)
		fail_msg("splitting [%s]: %d words, wanted %d", line, w.argc, n);
	for (int i = 0; i < n; i++)
		if (strcmp(w.argv[i], words[i]) != 0)
			fail_msg("splitting [%s]: word %d is [%s], wanted [%s]", line, i, w.argv[i],
				 words[i]);
	assert_null(w.argv == NULL ? NULL : w.argv[w.argc]);
	console_words_free(&w);
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_WORDS   ((const char *const[]){NULL})

static void test_blanks_separate_words(void **state)
{
	(void)state;
	expect_split("user list", SPLIT_OK, WORDS("user", "list"));
	expect_split("  user \t show\talice  ", SPLIT_OK, WORDS("user", "show", "alice"));
	expect_split("", SPLIT_OK, NO_WORDS);
	expect_split(" \t ", SPLIT_OK, NO_WORDS);
}

static void test_single_quotes_keep_everything(void **state)
{
	(void)state;
	expect_split("user update bob --display-name 'Bob \"the\" Builder'", SPLIT_OK,
		     WORDS("user", "update", "bob", "--display-name", "Bob \"the\" Builder"));
	expect_split("a '\\n $HOME #x' b", SPLIT_OK, WORDS("a", "\\n $HOME #x", "b"));
}

static void test_double_quotes_escape_only_some(void **state)
{
	(void)state;
	expect_split("x \"Alice Liddell\"", SPLIT_OK, WORDS("x", "Alice Liddell"));
	expect_split("\"a \\\"q\\\" \\\\ \\$ \\n\"", SPLIT_OK, WORDS("a \"q\" \\ $ \\n"));
	expect_split("\"it's\"", SPLIT_OK, WORDS("it's"));
}

static void test_backslash_outside_quotes(void **state)
{
	(void)state;
	expect_split("my\\ file.yaml", SPLIT_OK, WORDS("my file.yaml"));
	expect_split("\\'x\\\" \\\\", SPLIT_OK, WORDS("'x\"", "\\"));
	expect_split("ab\\\ncd", SPLIT_OK, WORDS("abcd"));
}

static void test_quotes_join_parts_and_make_empty_words(void **state)
{
	(void)state;
	expect_split("a'b'\"c\"d", SPLIT_OK, WORDS("abcd"));
	expect_split("x '' \"\" y", SPLIT_OK, WORDS("x", "", "", "y"));
	expect_split("--display-name=\"A B\"", SPLIT_OK, WORDS("--display-name=A B"));
}

static void test_comments_start_at_a_word(void **state)
{
	(void)state;
	expect_split("# a comment", SPLIT_OK, NO_WORDS);
	expect_split("   #", SPLIT_OK, NO_WORDS);
	expect_split("user list # all of them", SPLIT_OK, WORDS("user", "list"));
	expect_split("invite create q#1 '#2'", SPLIT_OK, WORDS("invite", "create", "q#1", "#2"));
}

static void test_nothing_is_expanded(void **state)
{
	(void)state;
	expect_split("$HOME ~ *.yaml `id` $(id)", SPLIT_OK, WORDS("$HOME", "~", "*.yaml", "`id`", "$(id)"));
}

static void test_unfinished_lines_keep_their_words_open(void **state)
{
	struct console_words w;

	(void)state;
	expect_split("validate 'my fi", SPLIT_OPEN_QUOTE, WORDS("validate", "my fi"));
	expect_split("a \"b", SPLIT_OPEN_QUOTE, WORDS("a", "b"));
	expect_split("a b\\", SPLIT_TRAILING_BACKSLASH, WORDS("a", "b"));

	assert_int_equal(console_words_split("plan -f '", &w), SPLIT_OPEN_QUOTE);
	assert_int_equal(w.argc, 3);
	assert_string_equal(w.argv[2], "");
	assert_true(w.open);
	assert_int_equal(w.quote, '\'');
	console_words_free(&w);

	assert_int_equal(console_words_split("user show al", &w), SPLIT_OK);
	assert_true(w.open);
	assert_int_equal(w.quote, 0);
	console_words_free(&w);

	assert_int_equal(console_words_split("user show ", &w), SPLIT_OK);
	assert_false(w.open);
	assert_int_equal(w.argc, 2);
	console_words_free(&w);

	assert_string_equal(console_split_error(SPLIT_OPEN_QUOTE), "unterminated quote");
}

static void assert_secret(const char *line, bool want)
{
	if (console_line_secret(line) != want)
		fail_msg("[%s] should %sbe kept out of the history", line, want ? "" : "not ");
}

static void test_ordinary_lines_are_kept(void **state)
{
	(void)state;
	assert_secret("user list", false);
	assert_secret("user show alice", false);
	assert_secret("invite create onboarding-token-q1 --uses 25", false);
	assert_secret("user update bob --display-name 'Bob Keyes'", false);
	assert_secret("plan -f policies/production.yaml --out change.plan", false);
	assert_secret("user show @alice:example.gov", false);
	/* 32 base64-like characters in a row is still a name */
	assert_secret("invite create abcdefghijklmnopqrstuvwxyz-12345", false);
	assert_secret("", false);
}

static void test_secret_options_and_assignments_are_not_kept(void **state)
{
	(void)state;
	assert_secret("user create bob --password hunter2", true);
	assert_secret("user create bob --password=hunter2", true);
	assert_secret("user create bob --PASSWD x", true);
	assert_secret("server info --api-key abc", true);
	assert_secret("x --client-secret=abc", true);
	assert_secret("token=abc user list", true);
	assert_secret("x access_token=abc", true);
	assert_secret("x 'api_key=abc def'", true);
	assert_secret("x \"--pass\"word=y", true);
}

static void test_long_base64_runs_are_not_kept(void **state)
{
	(void)state;
	assert_secret("user show syt_YWRtaW4_QnVYdGhXbkVsZ2VsZ0hBcmJxeQ_3kD9x2", true);
	assert_secret("x eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.x", true);
	assert_secret("x abcdefghijklmnopqrstuvwxyz-123456", true); /* 33 */
	assert_secret("x \"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0123456789\"", true);
}

static void test_comments_and_broken_quotes_are_still_checked(void **state)
{
	(void)state;
	assert_secret("user list # password=hunter2", true);
	assert_secret("user list 'oops --token=abc", true);
	assert_secret("user list # ordinary remark", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blanks_separate_words),
	    cmocka_unit_test(test_single_quotes_keep_everything),
	    cmocka_unit_test(test_double_quotes_escape_only_some),
	    cmocka_unit_test(test_backslash_outside_quotes),
	    cmocka_unit_test(test_quotes_join_parts_and_make_empty_words),
	    cmocka_unit_test(test_comments_start_at_a_word),
	    cmocka_unit_test(test_nothing_is_expanded),
	    cmocka_unit_test(test_unfinished_lines_keep_their_words_open),
	    cmocka_unit_test(test_ordinary_lines_are_kept),
	    cmocka_unit_test(test_secret_options_and_assignments_are_not_kept),
	    cmocka_unit_test(test_long_base64_runs_are_not_kept),
	    cmocka_unit_test(test_comments_and_broken_quotes_are_still_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
