/* Tests of cli/io/digest.c: SHA-256 as FIPS 180-2 gives it for its example messages, written as
 * lowercase hex, bare and with the "sha256:" tag, over exactly the bytes given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/digest.h"

static const struct {
	const char *message, *sha256;
} vectors[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
};

static void test_known_vectors_as_hex(void **state)
{
	char hex[DIGEST_SHA256_HEX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		memset(hex, 'x', sizeof(hex));
		assert_int_equal(digest_sha256_hex(vectors[i].message, strlen(vectors[i].message), hex), 0);
		assert_string_equal(hex, vectors[i].sha256);
	}
}

static void test_tagged_form(void **state)
{
	char want[80];

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		char *text = digest_sha256_tagged(vectors[i].message, strlen(vectors[i].message));

		assert_non_null(text);
		snprintf(want, sizeof(want), "sha256:%s", vectors[i].sha256);
		assert_string_equal(text, want);
		free(text);
	}
}

/* The length given is what is hashed: a NUL byte inside counts, and nothing after len is read. */
static void test_exactly_the_bytes_given(void **state)
{
	char hex[DIGEST_SHA256_HEX + 1];

	(void)state;
	assert_int_equal(digest_sha256_hex("a\0b", 3, hex), 0);
	assert_string_equal(hex, "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138");
	assert_int_equal(digest_sha256_hex("abcdef", 3, hex), 0);
	assert_string_equal(hex, vectors[1].sha256);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_vectors_as_hex),
	    cmocka_unit_test(test_tagged_form),
	    cmocka_unit_test(test_exactly_the_bytes_given),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
