/* Tests of cli/audit/signing.c: Ed25519 as RFC 8032 defines it (its test vectors), key files (modes, no
 * overwriting, refusals), and that a changed message, signature or key never verifies. Each test
 * works in a fresh directory under $TMPDIR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "audit/signing.h"

#define TEST_TMPDIR "msgadm-signing"
#include "test_tmpdir.h"

static void hex_to_bytes(const char *hex, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &out[i]), 1);
}

/* Makes KEY and KEY.pub in the test directory and loads both. */
static void new_pair(const char *name, EVP_PKEY **priv, EVP_PKEY **pub)
{
	struct msg_err err = {0};
	char *pub_path = NULL;

	assert_int_equal(signing_keygen(in_dir(name), &pub_path, &err), 0);
	assert_int_equal(signing_load_private(in_dir(name), priv, &err), 0);
	assert_int_equal(signing_load_public(pub_path, pub, &err), 0);
	free(pub_path);
}

/* RFC 8032 section 7.1, tests 1 and 2: signing with OpenSSL is pure Ed25519 over the raw bytes. */
static void test_rfc8032_vectors(void **state)
{
	static const struct {
		const char *secret, *message, *signature;
	} vectors[] = {
	    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "",
	     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46"
	     "b"
	     "d25bf5f0595bbe24655141438e7a100b"},
	    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "72",
	     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8"
	     "c"
	     "387b2eaeb4302aeeb00d291612bb0c00"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		unsigned char secret[32], message[1], want[SIGNING_SIG_LEN], got[SIGNING_SIG_LEN];
		size_t mlen = strlen(vectors[i].message) / 2;
		struct msg_err err = {0};
		EVP_PKEY *key;

		hex_to_bytes(vectors[i].secret, secret, sizeof(secret));
		hex_to_bytes(vectors[i].message, message, mlen);
		hex_to_bytes(vectors[i].signature, want, sizeof(want));
		key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, secret, sizeof(secret));
		assert_non_null(key);
		assert_int_equal(signing_sign(key, message, mlen, got, &err), 0);
		assert_memory_equal(got, want, sizeof(want));
		assert_int_equal(signing_verify(key, message, mlen, want, sizeof(want), &err), 0);
		EVP_PKEY_free(key);
	}
}

static void test_keygen_writes_pem_files_with_modes(void **state)
{
	struct msg_err err = {0};
	char *pub = NULL, text[256] = "";
	struct stat st;
	FILE *f;

	(void)state;
	umask(022);
	assert_int_equal(signing_keygen(in_dir("k"), &pub, &err), 0);
	assert_string_equal(pub, in_dir("k.pub"));
	assert_int_equal(stat(in_dir("k"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(pub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	f = fopen(in_dir("k"), "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof(text), f));
	fclose(f);
	assert_string_equal(text, "-----BEGIN PRIVATE KEY-----\n");
	f = fopen(pub, "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof(text), f));
	fclose(f);
	assert_string_equal(text, "-----BEGIN PUBLIC KEY-----\n");
	free(pub);
}

static void test_keygen_never_overwrites(void **state)
{
	struct msg_err err = {0};
	char *pub = NULL;
	struct stat before, after;
	FILE *f;

	(void)state;
	assert_int_equal(signing_keygen(in_dir("k"), &pub, &err), 0);
	free(pub);
	pub = NULL;
	assert_int_equal(stat(in_dir("k"), &before), 0);
	assert_int_equal(signing_keygen(in_dir("k"), &pub, &err), -1);
	assert_null(pub);
	assert_non_null(strstr(err.text, "already exists; not overwritten"));
	assert_int_equal(stat(in_dir("k"), &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(before.st_mtime, after.st_mtime);

	/* only the public name taken: refused before a private key is written */
	f = fopen(in_dir("other.pub"), "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(signing_keygen(in_dir("other"), &pub, &err), -1);
	assert_non_null(strstr(err.text, "other.pub already exists"));
	assert_int_equal(access(in_dir("other"), F_OK), -1);
}

static void test_sign_verify_and_tampering(void **state)
{
	unsigned char msg[] = "{\"snapshot\": {}, \"body\": {}}\n", sig[SIGNING_SIG_LEN];
	EVP_PKEY *priv, *pub, *priv2, *pub2;
	struct msg_err err = {0};

	(void)state;
	new_pair("a", &priv, &pub);
	new_pair("b", &priv2, &pub2);
	assert_int_equal(signing_sign(priv, msg, sizeof(msg) - 1, sig, &err), 0);
	assert_int_equal(signing_verify(pub, msg, sizeof(msg) - 1, sig, sizeof(sig), &err), 0);

	/* one byte of the message */
	msg[3] ^= 1;
	assert_int_equal(signing_verify(pub, msg, sizeof(msg) - 1, sig, sizeof(sig), &err), -1);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_string_equal(err.text, "the signature does not verify");
	msg[3] ^= 1;
	/* one byte of the signature */
	sig[10] ^= 0x80;
	assert_int_equal(signing_verify(pub, msg, sizeof(msg) - 1, sig, sizeof(sig), &err), -1);
	sig[10] ^= 0x80;
	/* another key, a shorter message, a cut signature */
	assert_int_equal(signing_verify(pub2, msg, sizeof(msg) - 1, sig, sizeof(sig), &err), -1);
	assert_int_equal(signing_verify(pub, msg, sizeof(msg) - 2, sig, sizeof(sig), &err), -1);
	assert_int_equal(signing_verify(pub, msg, sizeof(msg) - 1, sig, sizeof(sig) - 1, &err), -1);
	assert_string_equal(err.text, "the signature is 63 bytes, not the 64 of an Ed25519 signature");
	/* and still good when nothing changed */
	assert_int_equal(signing_verify(pub, msg, sizeof(msg) - 1, sig, sizeof(sig), &err), 0);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(priv2);
	EVP_PKEY_free(pub2);
}

static void test_fingerprint_names_the_pair(void **state)
{
	EVP_PKEY *priv, *pub, *priv2, *pub2;
	char *a, *b, *c;

	(void)state;
	new_pair("a", &priv, &pub);
	new_pair("b", &priv2, &pub2);
	a = signing_fingerprint(priv);
	b = signing_fingerprint(pub);
	c = signing_fingerprint(pub2);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal(strlen(a), 7 + 64);
	assert_int_equal(strncmp(a, "sha256:", 7), 0);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	free(a);
	free(b);
	free(c);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(priv2);
	EVP_PKEY_free(pub2);
}

static void test_private_key_readable_by_others_is_refused(void **state)
{
	struct msg_err err = {0};
	EVP_PKEY *key = NULL;
	char *pub = NULL;

	(void)state;
	assert_int_equal(signing_keygen(in_dir("k"), &pub, &err), 0);
	free(pub);
	assert_int_equal(chmod(in_dir("k"), 0640), 0);
	assert_int_equal(signing_load_private(in_dir("k"), &key, &err), -1);
	assert_null(key);
	assert_int_equal(err.status, EXIT_CONFIG);
	assert_non_null(strstr(err.text, "is readable by group or others; fix with: chmod 600"));
}

static void test_wrong_kinds_of_key_files(void **state)
{
	struct msg_err err = {0};
	EVP_PKEY *key = NULL, *rsa;
	char *pub = NULL;
	FILE *f;

	(void)state;
	assert_int_equal(signing_keygen(in_dir("k"), &pub, &err), 0);
	/* a private key where the public one belongs, and the other way round */
	assert_int_equal(signing_load_public(in_dir("k"), &key, &err), -1);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_non_null(strstr(err.text, "is a private key; verify with the public key"));
	assert_int_equal(signing_load_private(pub, &key, &err), -1);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_non_null(strstr(err.text, "is a public key; sign with the private key"));
	free(pub);
	/* missing */
	assert_int_equal(signing_load_public(in_dir("nope.pub"), &key, &err), -1);
	assert_int_equal(err.status, EXIT_NOINPUT);
	/* not PEM at all */
	f = fopen(in_dir("junk"), "w");
	assert_non_null(f);
	fputs("hello\n", f);
	fclose(f);
	assert_int_equal(signing_load_public(in_dir("junk"), &key, &err), -1);
	assert_non_null(strstr(err.text, "not a PEM public key"));
	assert_int_equal(chmod(in_dir("junk"), 0600), 0);
	assert_int_equal(signing_load_private(in_dir("junk"), &key, &err), -1);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_non_null(strstr(err.text, "junk: not a PEM private key"));
	/* a good PEM key of another algorithm */
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	assert_non_null(rsa);
	f = fopen(in_dir("rsa.pub"), "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PUBKEY(f, rsa), 1);
	fclose(f);
	EVP_PKEY_free(rsa);
	assert_int_equal(signing_load_public(in_dir("rsa.pub"), &key, &err), -1);
	assert_null(key);
	assert_non_null(strstr(err.text, "rsa.pub: not an Ed25519 key (RSA)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc8032_vectors),
	    cmocka_unit_test_setup_teardown(test_keygen_writes_pem_files_with_modes, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_keygen_never_overwrites, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_sign_verify_and_tampering, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_fingerprint_names_the_pair, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_private_key_readable_by_others_is_refused, make_dir,
					    remove_dir),
	    cmocka_unit_test_setup_teardown(test_wrong_kinds_of_key_files, make_dir, remove_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
