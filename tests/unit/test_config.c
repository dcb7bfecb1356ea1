/* Tests of cli/config.c's trust in its files: the contexts file (missing, writable by others, read
 * from the descriptor that was checked), token files and the client_key, whose bytes are what the TLS
 * library is given. Each test works in a fresh directory under $TMPDIR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "base/exitcode.h"

#define TEST_TMPDIR "msgadm-config"
#include "test_tmpdir.h"

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* A contexts file with one context "c" whose token_file and client_key are in the test directory. */
static void write_config(mode_t mode)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "contexts:\n"
		 "  - name: c\n"
		 "    driver: synapse\n"
		 "    url: https://matrix.example.test\n"
		 "    server: example.test\n"
		 "    token_file: %s\n"
		 "    client_key: %s\n",
		 in_dir("token"), in_dir("key.pem"));
	write_file(in_dir("config.yaml"), text, mode);
}

static void test_missing_file_is_an_empty_config(void **state)
{
	struct config *cfg = NULL;
	struct msg_err err = {0};

	(void)state;
	assert_int_equal(config_load(in_dir("none.yaml"), &cfg, &err), 0);
	assert_int_equal(cfg->exists, 0);
	assert_int_equal(cfg->ncontexts, 0);
	config_free(cfg);
}

/* Refused, with the fix, even when errno happens to say ENOENT already: a file others may write never
 * passes for a missing one. */
static void test_writable_by_others_is_refused(void **state)
{
	struct config *cfg = NULL;
	struct msg_err err = {0};
	char want[700];

	(void)state;
	write_config(0664);
	errno = ENOENT;
	assert_int_equal(config_load(in_dir("config.yaml"), &cfg, &err), -1);
	assert_null(cfg);
	assert_int_equal(err.status, EXIT_CONFIG);
	snprintf(want, sizeof(want), "%s: is writable by group or others; fix with: chmod go-w %s",
		 in_dir("config.yaml"), in_dir("config.yaml"));
	assert_string_equal(err.text, want);
}

/* Read by anyone is fine; the contexts come from it, and a YAML mistake names the file and place. */
static void test_loads_what_it_checked(void **state)
{
	struct config *cfg = NULL;
	struct msg_err err = {0};
	char want[700];

	(void)state;
	write_config(0644);
	assert_int_equal(config_load(in_dir("config.yaml"), &cfg, &err), 0);
	assert_int_equal(cfg->exists, 1);
	assert_int_equal(cfg->ncontexts, 1);
	assert_string_equal(cfg->contexts[0].name, "c");
	assert_string_equal(cfg->contexts[0].client_key, in_dir("key.pem"));
	config_free(cfg);
	write_file(in_dir("config.yaml"), "contexts: [\n", 0600);
	assert_int_equal(config_load(in_dir("config.yaml"), &cfg, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	snprintf(want, sizeof(want), "%s:2:1:", in_dir("config.yaml"));
	assert_memory_equal(err.text, want, strlen(want));
}

static void test_token_file(void **state)
{
	struct config *cfg = NULL;
	struct msg_err err = {0};
	char *token = NULL, want[700];

	(void)state;
	write_config(0600);
	assert_int_equal(config_load(in_dir("config.yaml"), &cfg, &err), 0);
	write_file(in_dir("token"), "  s3cret \n", 0600);
	assert_int_equal(context_read_token(&cfg->contexts[0], &token, &err), 0);
	assert_string_equal(token, "s3cret");
	free(token);
	assert_int_equal(chmod(in_dir("token"), 0640), 0);
	assert_int_equal(context_read_token(&cfg->contexts[0], &token, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	snprintf(want, sizeof(want),
		 "context c: token file %s is readable by group or others; fix with: chmod 600 %s",
		 in_dir("token"), in_dir("token"));
	assert_string_equal(err.text, want);
	config_free(cfg);
}

/* The key's bytes, exactly, for curl; refused like a token file, and only a regular file. */
static void test_client_key(void **state)
{
	static const char pem[] =
	    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n";
	struct config *cfg = NULL;
	struct msg_err err = {0};
	unsigned char *key = NULL;
	char want[700];
	size_t len = 0;

	(void)state;
	write_config(0600);
	assert_int_equal(config_load(in_dir("config.yaml"), &cfg, &err), 0);
	write_file(in_dir("key.pem"), pem, 0600);
	assert_int_equal(context_read_key(&cfg->contexts[0], &key, &len, &err), 0);
	assert_int_equal(len, strlen(pem));
	assert_memory_equal(key, pem, len);
	free(key);
	assert_int_equal(chmod(in_dir("key.pem"), 0644), 0);
	key = NULL;
	assert_int_equal(context_read_key(&cfg->contexts[0], &key, &len, &err), -1);
	assert_null(key);
	assert_int_equal(err.status, EXIT_CONFIG);
	snprintf(want, sizeof(want),
		 "context c: client_key %s is readable by group or others; fix with: chmod 600 %s",
		 in_dir("key.pem"), in_dir("key.pem"));
	assert_string_equal(err.text, want);
	assert_int_equal(unlink(in_dir("key.pem")), 0);
	assert_int_equal(mkdir(in_dir("key.pem"), 0700), 0);
	assert_int_equal(context_read_key(&cfg->contexts[0], &key, &len, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	snprintf(want, sizeof(want), "context c: client_key %s: not a regular file", in_dir("key.pem"));
	assert_string_equal(err.text, want);
	/* not a key at all: a file larger than any key is refused before it is read */
	assert_int_equal(rmdir(in_dir("key.pem")), 0);
	write_file(in_dir("key.pem"), "", 0600);
	assert_int_equal(truncate(in_dir("key.pem"), 65537), 0);
	assert_int_equal(context_read_key(&cfg->contexts[0], &key, &len, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	snprintf(want, sizeof(want), "context c: client_key %s: larger than 65536 bytes", in_dir("key.pem"));
	assert_string_equal(err.text, want);
	/* no client_key: nothing to give */
	cfg->contexts[0].client_key = NULL;
	key = (unsigned char *)"x";
	assert_int_equal(context_read_key(&cfg->contexts[0], &key, &len, &err), 0);
	assert_null(key);
	assert_int_equal(len, 0);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_missing_file_is_an_empty_config, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_writable_by_others_is_refused, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_loads_what_it_checked, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_token_file, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_client_key, make_dir, remove_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
