/* Tests of cli/shell/complete.c, the completion engine that the console's Tab and `msgadm __complete` (the
 * shells') share: the words after "msgadm", the last one under the cursor, and what it offers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "shell/complete.h"

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static char asked[512]; /* "hint@context " for each time the engine asked for server values */

static json_t *fake_live(const struct complete_source *src, const char *hint, const char *context)
{
	size_t n = strlen(asked);

	(void)src;
	snprintf(asked + n, sizeof(asked) - n, "%s@%s ", hint, context ? context : "-");
	if (strcmp(hint, "user") == 0)
		return json_pack("[sss]", "admin", "alice", "bob");
	if (strcmp(hint, "room") == 0)
		return json_pack("[ss]", "!abc:example.test", "#ops:example.test");
	return NULL;
}

static struct cli *test_cli; /* NULL, or one with a contexts file (test_contexts) */

/* Completes the last of words after the others, as the console or the shells would; the candidates
 * joined by spaces go to got (and the whole result to c, when given). */
static void run(bool console, const char *const *words, char *got, size_t size, struct completion *c)
{
	struct complete_source src = {
	    .data = test_cli, .console = console, .contexts = cli_complete_contexts, .live = fake_live};
	struct completion mine;
	int argc = 0;
	json_t *v;
	size_t i, used = 0;

	while (words[argc] != NULL)
		argc++;
	assert_true(argc >= 1);
	if (c == NULL)
		c = &mine;
	assert_int_equal(complete_word(&src, argc - 1, (char *const *)words, words[argc - 1], c), 0);
	got[0] = '\0';
	json_array_foreach(c->values, i, v)
	{
		used +=
		    (size_t)snprintf(got + used, size - used, "%s%s", used ? " " : "", json_string_value(v));
	}
	assert_int_equal(json_array_size(c->values), json_array_size(c->notes));
	if (c == &mine)
		completion_free(c);
}

static void expect_in(bool console, const char *const *words, const char *want)
{
	char got[4096];

	run(console, words, got, sizeof(got), NULL);
	if (strcmp(got, want) != 0)
		fail_msg("completing the last of [%s ...] (%s): got [%s], wanted [%s]", words[0],
			 console ? "console" : "shell", got, want);
}

static void expect(const char *const *words, const char *want)
{
	expect_in(false, words, want);
}

/* The note of the candidate value, for the shell. */
static const char *note_of(const char *const *words, const char *value, char *buf, size_t size)
{
	struct completion c;
	char got[4096];
	json_t *v;
	size_t i;

	run(false, words, got, sizeof(got), &c);
	buf[0] = '\0';
	json_array_foreach(c.values, i, v)
	{
		if (strcmp(json_string_value(v), value) == 0)
			snprintf(buf, size, "%s", json_string_value(json_array_get(c.notes, i)));
	}
	completion_free(&c);
	return buf;
}

static void test_command_words_come_from_the_table(void **state)
{
	(void)state;
	expect(WORDS("us"), "user");
	expect(WORDS("user", ""), "list show create update deactivate reactivate");
	expect(WORDS("user", "re"), "reactivate");
	expect(WORDS("comp"), "completion");
	expect(WORDS("ver"), "version");
	expect(WORDS("nosuch", ""), "");
	expect(WORDS("user", "nosuch", ""), "");
}

static void test_hidden_commands_are_never_offered(void **state)
{
	char got[4096];

	(void)state;
	run(false, WORDS(""), got, sizeof(got), NULL);
	assert_null(strstr(got, "__"));
	assert_non_null(strstr(got, "validate plan apply"));
	expect(WORDS("__"), "");
	expect(WORDS("help", "__"), "");
	expect(WORDS("__complete", ""), "");
	expect(WORDS("__man-synopsis", "-"), "");
}

static void test_the_console_has_its_own_words_and_not_all_commands(void **state)
{
	char got[4096];

	(void)state;
	run(true, WORDS(""), got, sizeof(got), NULL);
	assert_null(strstr(got, "console"));
	assert_null(strstr(got, "completion"));
	assert_non_null(strstr(got, "version use exit quit"));
	expect_in(true, WORDS("us"), "user"); /* a command fits: use is not offered */
	expect_in(true, WORDS("ex"), "export");
	expect_in(true, WORDS("qu"), "quit");
	expect_in(true, WORDS("comp"), "");
	expect_in(true, WORDS("completion", ""), "");
	expect_in(false, WORDS("use", ""), "");
	/* help explains every command, also in the console */
	run(true, WORDS("help", ""), got, sizeof(got), NULL);
	assert_non_null(strstr(got, "console completion help"));
}

static void test_options_are_the_global_ones_and_the_commands(void **state)
{
	char got[4096];

	(void)state;
	expect(
	    WORDS("plan", "--"),
	    "--context --output --color --verbose --quiet --help --file --out --detailed-exitcode --force");
	expect(WORDS("--co"), "--context --color");
	expect(WORDS("user", "--v"), "--verbose");
	run(false, WORDS("plan", "-"), got, sizeof(got), NULL);
	assert_non_null(strstr(got, "--output -o"));
	assert_non_null(strstr(got, "--file -f"));
	expect(WORDS("plan", "-f"), "-f");
	/* after "--", a word that starts with - is an argument */
	expect(WORDS("validate", "--", "--"), "");
	expect(WORDS("version", "-q", "--", "-"), "");
}

static void test_option_values_by_hint(void **state)
{
	struct completion c;
	char got[4096];

	(void)state;
	expect(WORDS("--color", ""), "auto always never");
	expect(WORDS("user", "list", "--color", "n"), "never");
	expect(WORDS("-o", ""), "text json yaml");
	expect(WORDS("--output", "j"), "json");
	expect(WORDS("plan", "-o", ""), "text json yaml");
	expect(WORDS("lint", "-o", ""), "text json yaml sarif junit");
	expect(WORDS("completion", ""), "bash zsh fish");
	expect(WORDS("invite", "create", "x", "--uses", ""), "");
	run(false, WORDS("--color=al"), got, sizeof(got), &c);
	assert_string_equal(got, "--color=always");
	assert_int_equal(c.value_at, 8);
	completion_free(&c);
	run(false, WORDS("lint", "-oj"), got, sizeof(got), &c);
	assert_string_equal(got, "-ojson -ojunit");
	assert_int_equal(c.value_at, 2);
	completion_free(&c);
	expect(WORDS("plan", "--output="), "--output=text --output=json --output=yaml");
	expect(WORDS("--verbose=x"), ""); /* a flag takes no value */
}

static void test_file_names_are_left_to_the_caller(void **state)
{
	struct completion c;
	char got[4096];

	(void)state;
	run(false, WORDS("plan", "-f", ""), got, sizeof(got), &c);
	assert_true(c.files);
	assert_int_equal(c.value_at, 0);
	assert_string_equal(got, "");
	completion_free(&c);
	run(false, WORDS("plan", "--out=po"), got, sizeof(got), &c);
	assert_true(c.files);
	assert_int_equal(c.value_at, 6);
	completion_free(&c);
	run(false, WORDS("validate", "a.yaml", "b"), got, sizeof(got), &c);
	assert_true(c.files); /* any number of arguments */
	completion_free(&c);
	run(false, WORDS("apply", "p.plan", ""), got, sizeof(got), &c);
	assert_false(c.files); /* one only */
	completion_free(&c);
	run(false, WORDS("plan", "-f", "p.yaml", ""), got, sizeof(got), &c);
	assert_false(c.files);
	completion_free(&c);
}

static void test_server_values_are_asked_with_the_context_on_the_line(void **state)
{
	(void)state;
	asked[0] = '\0';
	expect(WORDS("user", "show", "al"), "alice");
	expect(WORDS("--context", "prod", "user", "show", ""), "admin alice bob");
	expect(WORDS("user", "--context=test", "deactivate", "b"), "bob");
	expect(WORDS("-v", "--context", "x", "user", "show", "alice", ""), "");
	assert_string_equal(asked, "user@- user@prod user@test ");
	expect(WORDS("room", "show", "#"), "#ops:example.test");
	expect(WORDS("audit", "reports", "--room="), "--room=!abc:example.test --room=#ops:example.test");
	expect(WORDS("audit", "reports", "--user", "a"), "admin alice");
	/* values are not arguments: "-o json" does not make "json" the first argument */
	expect(WORDS("user", "show", "-o", "json", "a"), "admin alice");
}

static void test_help_completes_command_words(void **state)
{
	(void)state;
	expect(WORDS("help", "user", ""), "list show create update deactivate reactivate");
	expect(WORDS("help", "user", "list", ""), "");
	expect(WORDS("help", "vers"), "version");
}

static void test_notes_say_what_each_candidate_is(void **state)
{
	char note[256];

	(void)state;
	assert_string_equal(note_of(WORDS("user", "sh"), "show", note, sizeof(note)), "show one account");
	assert_string_equal(note_of(WORDS("us"), "user", note, sizeof(note)),
			    "list, show, create, update, deactivate, reactivate");
	assert_string_equal(note_of(WORDS("--col"), "--color", note, sizeof(note)),
			    "colour plans: auto (on a terminal, unless NO_COLOR is set), always or never");
	assert_string_equal(note_of(WORDS("--color", ""), "auto", note, sizeof(note)), "");
}

static void test_the_command_a_line_names(void **state)
{
	const struct command *cmd;

	(void)state;
	cmd = complete_command(5, (char *const *)WORDS("-o", "json", "user", "show", "x"), false);
	assert_non_null(cmd);
	assert_string_equal(cmd->name, "user show");
	/* "user" is the value of --context, so "list" alone names nothing */
	assert_null(complete_command(3, (char *const *)WORDS("--context", "user", "list"), false));
	assert_null(complete_command(2, (char *const *)WORDS("use", "prod"), true));
	cmd = complete_command(1, (char *const *)WORDS("console"), true);
	assert_non_null(cmd); /* the console refuses it by name, so it must find it */
	assert_string_equal(cmd->name, "console");
}

static void test_contexts_come_from_the_contexts_file(void **state)
{
	char path[] = "/tmp/msgadm-test-complete-XXXXXX";
	struct cli cli = {0};
	int fd = mkstemp(path);
	static const char text[] =
	    "current_context: prod\n"
	    "contexts:\n"
	    "  - {name: prod, driver: synapse, url: 'https://m.example.gov', server: example.gov}\n"
	    "  - {name: test, driver: ejabberd, url: 'http://127.0.0.1:5280', server: t.test}\n";
	char note[256];

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	setenv("MSGADM_CONFIG", path, 1);
	test_cli = &cli;
	expect(WORDS("--context", ""), "prod test");
	expect(WORDS("--context=t"), "--context=test");
	expect(WORDS("context", "use", ""), "prod test");
	expect(WORDS("context", "use", "prod", ""), "");
	expect_in(true, WORDS("use", "p"), "prod");
	assert_string_equal(note_of(WORDS("--context", ""), "test", note, sizeof(note)), "ejabberd t.test");
	test_cli = NULL;
	cli_free(&cli);
	unlink(path);
	unsetenv("MSGADM_CONFIG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_command_words_come_from_the_table),
	    cmocka_unit_test(test_hidden_commands_are_never_offered),
	    cmocka_unit_test(test_the_console_has_its_own_words_and_not_all_commands),
	    cmocka_unit_test(test_options_are_the_global_ones_and_the_commands),
	    cmocka_unit_test(test_option_values_by_hint),
	    cmocka_unit_test(test_file_names_are_left_to_the_caller),
	    cmocka_unit_test(test_server_values_are_asked_with_the_context_on_the_line),
	    cmocka_unit_test(test_help_completes_command_words),
	    cmocka_unit_test(test_notes_say_what_each_candidate_is),
	    cmocka_unit_test(test_the_command_a_line_names),
	    cmocka_unit_test(test_contexts_come_from_the_contexts_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
