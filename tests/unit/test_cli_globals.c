/* Tests of the global options as cli_run parses them from global_options[] (cli/cli.c,
 * cli/command_table.c): every spelling of a value, flags that count, values and refusals from the
 * option's list, where parsing stops, and that the help texts name every value of the lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "base/exitcode.h"
#include "base/version.h"

#define LINE(...) ((const char *const[]){__VA_ARGS__, NULL})

static struct cli cli;
static char out[4096], errout[4096];

static void read_back(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Runs one command line (the words after "msgadm") in a fresh struct cli, which is left for the test
 * to look at; what it printed goes to out and errout. Returns the exit status. */
static int run(const char *const *words)
{
	char *argv[16];
	int argc = 0, status;

	cli_free(&cli);
	memset(&cli, 0, sizeof(cli));
	cli.out = tmpfile();
	cli.errout = tmpfile();
	assert_non_null(cli.out);
	assert_non_null(cli.errout);
	while (words[argc] != NULL) {
		assert_true(argc < 15);
		argv[argc] = (char *)words[argc];
		argc++;
	}
	argv[argc] = NULL;
	status = cli_run(&cli, argc, argv);
	read_back(cli.out, out, sizeof(out));
	read_back(cli.errout, errout, sizeof(errout));
	cli.out = cli.errout = NULL;
	return status;
}

static int setup(void **state)
{
	(void)state;
	/* no contexts file of the machine's is read */
	return setenv("MSGADM_CONFIG", "/nonexistent/msgadm-test/config.yaml", 1);
}

static int teardown(void **state)
{
	(void)state;
	cli_free(&cli);
	return 0;
}

/* A usage error: status 64, err names it, and it is printed. */
static void expect_usage_error(const char *const *words, const char *text)
{
	char printed[2200];

	assert_int_equal(run(words), EXIT_USAGE);
	assert_string_equal(cli.err.text, text);
	snprintf(printed, sizeof(printed), "msgadm: %s\n", text);
	assert_string_equal(errout, printed);
}

static void test_output_spellings(void **state)
{
	(void)state;
	assert_int_equal(run(LINE("-ojson", "version")), 0);
	assert_int_equal(cli.output, OUTPUT_JSON);
	assert_int_equal(run(LINE("-o", "yaml", "version")), 0);
	assert_int_equal(cli.output, OUTPUT_YAML);
	assert_int_equal(run(LINE("--output=json", "version")), 0);
	assert_int_equal(cli.output, OUTPUT_JSON);
	assert_int_equal(run(LINE("--output", "yaml", "version")), 0);
	assert_int_equal(cli.output, OUTPUT_YAML);
	/* as it always was: after the letter, what follows an '=' */
	assert_int_equal(run(LINE("-o=json", "version")), 0);
	assert_int_equal(cli.output, OUTPUT_JSON);
	/* anywhere on the line, the last one winning */
	assert_int_equal(run(LINE("-o", "json", "version", "-o", "text")), 0);
	assert_int_equal(cli.output, OUTPUT_TEXT);
	assert_int_equal(run(LINE("version", "--output=yaml")), 0);
	assert_int_equal(cli.output, OUTPUT_YAML);
	assert_string_equal(out, "msgadm " MSGADM_VERSION "\n");
}

static void test_color_spellings(void **state)
{
	(void)state;
	assert_int_equal(run(LINE("--color=never", "version")), 0);
	assert_int_equal(cli.color, COLOR_NEVER);
	assert_int_equal(run(LINE("--color", "always", "version")), 0);
	assert_int_equal(cli.color, COLOR_ALWAYS);
	assert_int_equal(run(LINE("version", "--color=auto")), 0);
	assert_int_equal(cli.color, COLOR_AUTO);
	assert_int_equal(run(LINE("--color=always", "version", "--color", "never")), 0);
	assert_int_equal(cli.color, COLOR_NEVER);
}

static void test_context_spellings(void **state)
{
	(void)state;
	assert_int_equal(run(LINE("--context=x", "version")), 0);
	assert_string_equal(cli.context_name, "x");
	assert_int_equal(run(LINE("version", "--context", "prod")), 0);
	assert_string_equal(cli.context_name, "prod");
	assert_int_equal(run(LINE("--context=a=b", "version")), 0);
	assert_string_equal(cli.context_name, "a=b");
	assert_int_equal(run(LINE("--context=", "version")), 0);
	assert_string_equal(cli.context_name, "");
	/* the next word is the value, whatever it looks like */
	assert_int_equal(run(LINE("--context", "-v", "version")), 0);
	assert_string_equal(cli.context_name, "-v");
	assert_int_equal(cli.verbose, 0);
}

static void test_flags(void **state)
{
	(void)state;
	assert_int_equal(run(LINE("-v", "version", "-v")), 0);
	assert_int_equal(cli.verbose, 2);
	assert_int_equal(run(LINE("--verbose", "version")), 0);
	assert_int_equal(cli.verbose, 1);
	assert_int_equal(run(LINE("-q", "version")), 0);
	assert_int_equal(cli.quiet, 1);
	assert_int_equal(run(LINE("version", "--quiet")), 0);
	assert_int_equal(cli.quiet, 1);
	/* a flag with something glued on is no global option: the command's parser refuses it */
	expect_usage_error(LINE("version", "-vv"), "unknown option '-vv'\nusage: msgadm version ");
	assert_int_equal(cli.verbose, 0);
	expect_usage_error(LINE("version", "--quiet=1"),
			   "unknown option '--quiet=1'\nusage: msgadm version ");
	assert_int_equal(cli.quiet, 0);
	expect_usage_error(LINE("-vv", "version"), "unknown command '-vv'; see 'msgadm help'");
}

static void test_help(void **state)
{
	(void)state;
	assert_int_equal(run(LINE("version", "-h")), 0);
	assert_non_null(strstr(out, "usage: msgadm version"));
	assert_null(strstr(out, "msgadm " MSGADM_VERSION "\n")); /* help, not the command */
	assert_int_equal(run(LINE("--help", "version")), 0);
	assert_non_null(strstr(out, "usage: msgadm version"));
	assert_int_equal(run(LINE("--help")), 0);
	assert_non_null(strstr(out, "--context NAME"));
	assert_string_equal(errout, "");
	/* without a command and without -h, the overview goes to stderr, status 64 */
	assert_int_equal(run(LINE("-v")), EXIT_USAGE);
	assert_string_equal(out, "");
	assert_non_null(strstr(errout, "--context NAME"));
}

/* The refusals name the value and list the option's values, from its list. */
static void test_unknown_values(void **state)
{
	(void)state;
	expect_usage_error(LINE("-o", "xml", "version"),
			   "unknown output format 'xml' (text, json, yaml, sarif or junit)");
	expect_usage_error(LINE("-oJSON", "version"),
			   "unknown output format 'JSON' (text, json, yaml, sarif or junit)");
	expect_usage_error(LINE("--output=", "version"),
			   "unknown output format '' (text, json, yaml, sarif or junit)");
	expect_usage_error(LINE("--color=sometimes", "version"),
			   "unknown --color value 'sometimes' (auto, always or never)");
	expect_usage_error(LINE("version", "--color", "al"),
			   "unknown --color value 'al' (auto, always or never)");
	/* a value of the list that this command does not print */
	expect_usage_error(LINE("-o", "sarif", "version"),
			   "-o sarif: msgadm version prints text, json or yaml");
	expect_usage_error(LINE("version", "-ojunit"), "-o junit: msgadm version prints text, json or yaml");
}

static void test_missing_values(void **state)
{
	(void)state;
	expect_usage_error(LINE("version", "-o"), "option -o needs a value");
	expect_usage_error(LINE("version", "--output"), "option --output needs a value");
	expect_usage_error(LINE("version", "--context"), "option --context needs a value");
	expect_usage_error(LINE("--color"), "option --color needs a value");
}

/* After "--", and after a command that takes its words raw, nothing is a global option. */
static void test_where_parsing_stops(void **state)
{
	(void)state;
	expect_usage_error(LINE("version", "--", "-o", "json"),
			   "unexpected argument '-o'\nusage: msgadm version ");
	assert_int_equal(cli.output, OUTPUT_TEXT);
	assert_int_equal(run(LINE("__complete", "-o", "")), 0);
	assert_int_equal(cli.output, OUTPUT_TEXT);
	assert_string_equal(out, "text\njson\nyaml\n");
	/* but before such a command they are */
	assert_int_equal(run(LINE("-v", "-o", "json", "__complete", "--color", "")), 0);
	assert_int_equal(cli.verbose, 1);
	assert_int_equal(cli.output, OUTPUT_JSON);
	assert_string_equal(out, "auto\nalways\nnever\n");
	/* the raw command must come first: after another word it is an argument (and with -o json the
	 * error is JSON) */
	assert_int_equal(run(LINE("version", "__complete", "-o", "json")), EXIT_USAGE);
	assert_int_equal(cli.output, OUTPUT_JSON);
	assert_string_equal(cli.err.text, "unexpected argument '__complete'\nusage: msgadm version ");
}

/* The help texts are prose, written by hand: each must still name every value of its option's list. */
static void test_help_names_every_value(void **state)
{
	size_t lists = 0;

	(void)state;
	for (const struct cmd_option *o = global_options; o->name != NULL; o++) {
		for (const struct cmd_value *v = o->values; v != NULL && v->word != NULL; v++)
			if (strstr(o->help, v->word) == NULL)
				fail_msg("the help of --%s does not name its value %s", o->name, v->word);
		lists += o->values != NULL;
	}
	assert_int_equal(lists, 2); /* -o and --color */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_output_spellings),
	    cmocka_unit_test(test_color_spellings),
	    cmocka_unit_test(test_context_spellings),
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_help),
	    cmocka_unit_test(test_unknown_values),
	    cmocka_unit_test(test_missing_values),
	    cmocka_unit_test(test_where_parsing_stops),
	    cmocka_unit_test(test_help_names_every_value),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
