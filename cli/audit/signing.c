/* Ed25519 signing through OpenSSL (see signing.h). Key material passes through memory BIOs so that
 * every byte of a private key msgadm handles can be wiped. */
#include "signing.h"

#include <errno.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "io/digest.h"
#include "io/file_private.h"
#include "io/wholefile.h"

#define KEY_FILE_MAX 16384 /* a PEM Ed25519 key is about 120 bytes */

/* OpenSSL's reason for its last failure, for a message; empties its error queue. */
static const char *openssl_reason(void)
{
	const char *reason = ERR_reason_error_string(ERR_peek_last_error());

	ERR_clear_error();
	return reason ? reason : "no reason given";
}

/* Writes the key's private (PKCS#8) or public (SubjectPublicKeyInfo) PEM form to a new file. */
static int write_pem(const char *path, mode_t mode, EVP_PKEY *key, int private, struct msg_err *err)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL;
	long n;
	int rc;

	if (b == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	if (!(private ? PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL)
		      : PEM_write_bio_PUBKEY(b, key))) {
		BIO_free(b);
		return err_set(err, EXIT_FAILURE_, "%s: cannot encode the key: %s", path, openssl_reason());
	}
	n = BIO_get_mem_data(b, &data);
	rc = wholefile_create(path, mode, data, (size_t)n, err);
	OPENSSL_cleanse(data, (size_t)n);
	BIO_free(b);
	return rc;
}

int signing_keygen(const char *path, char **pub_path, struct msg_err *err)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	char *pub = NULL;
	struct stat st;
	int rc = -1;

	if (asprintf(&pub, "%s.pub", path) < 0)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	/* both names must be free before anything is written, so that a refusal leaves nothing */
	if (lstat(pub, &st) == 0 || errno != ENOENT) {
		err_set(err, EXIT_FAILURE_,
			"%s already exists; not overwritten (remove it first or choose another name)", pub);
		goto done;
	}
	ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_keygen(ctx, &key) <= 0) {
		err_set(err, EXIT_FAILURE_, "cannot make an Ed25519 key: %s", openssl_reason());
		goto done;
	}
	if (write_pem(path, 0600, key, 1, err) != 0)
		goto done;
	if (write_pem(pub, 0644, key, 0, err) != 0) {
		unlink(path); /* ours: created a moment ago by the exclusive open */
		goto done;
	}
	*pub_path = pub;
	pub = NULL;
	rc = 0;
done:
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(ctx);
	free(pub);
	return rc;
}

/* An encrypted key would make OpenSSL prompt on the terminal; msgadm writes none, so it says so. */
static int no_passphrase(char *buf, int size, int rwflag, void *asked)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	*(int *)asked = 1;
	return -1;
}

static int check_ed25519(const char *path, EVP_PKEY **key, EVP_PKEY *k, struct msg_err *err)
{
	if (EVP_PKEY_base_id(k) != EVP_PKEY_ED25519) {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
		const char *type = EVP_PKEY_get0_type_name(k);
#else
		const char *type = OBJ_nid2sn(EVP_PKEY_base_id(k));
#endif
		err_set(err, EXIT_DATAERR, "%s: not an Ed25519 key (%s)", path, type ? type : "unknown type");
		EVP_PKEY_free(k);
		return -1;
	}
	*key = k;
	return 0;
}

int signing_load_private(const char *path, EVP_PKEY **key, struct msg_err *err)
{
	static const struct file_private secret_key = {.refuse = FILE_PRIVATE_SECRET, .status = EXIT_CONFIG};
	unsigned char *pem = NULL;
	EVP_PKEY *k = NULL;
	int asked = 0, is_public;
	mode_t mode;
	size_t len;
	BIO *b;

	if (wholefile_read(path, KEY_FILE_MAX, &pem, &len, &mode, err) != 0)
		return -1;
	is_public = strstr((const char *)pem, "PUBLIC KEY-----") != NULL;
	if (!is_public && (mode & secret_key.refuse) == 0 && (b = BIO_new_mem_buf(pem, (int)len)) != NULL) {
		k = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, &asked);
		BIO_free(b);
	}
	OPENSSL_cleanse(pem, len);
	free(pem);
	if (is_public)
		return err_set(err, EXIT_DATAERR,
			       "%s is a public key; sign with the private key (KEY, not KEY.pub)", path);
	/* an exposed key is refused before it is used, like a token file; after the file was read (on
	 * the descriptor wholefile_read checked) because a public key given by mistake is said first */
	if (file_private_check(path, mode, &secret_key, err) != 0)
		return -1;
	if (k == NULL && asked)
		return err_set(err, EXIT_DATAERR,
			       "%s: the key is encrypted; msgadm reads only unencrypted keys", path);
	if (k == NULL)
		return err_set(err, EXIT_DATAERR, "%s: not a PEM private key (%s)", path, openssl_reason());
	return check_ed25519(path, key, k, err);
}

int signing_load_public(const char *path, EVP_PKEY **key, struct msg_err *err)
{
	unsigned char *pem = NULL;
	EVP_PKEY *k = NULL;
	int is_private;
	size_t len;
	BIO *b;

	if (wholefile_read(path, KEY_FILE_MAX, &pem, &len, NULL, err) != 0)
		return -1;
	is_private = strstr((const char *)pem, "PRIVATE KEY-----") != NULL;
	b = is_private ? NULL : BIO_new_mem_buf(pem, (int)len);
	if (b != NULL)
		k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	OPENSSL_cleanse(pem, len); /* in case it was a private key after all */
	free(pem);
	if (is_private)
		return err_set(err, EXIT_DATAERR,
			       "%s is a private key; verify with the public key (the .pub file keygen wrote)",
			       path);
	if (k == NULL)
		return err_set(err, EXIT_DATAERR, "%s: not a PEM public key (%s)", path, openssl_reason());
	return check_ed25519(path, key, k, err);
}

int signing_sign(EVP_PKEY *key, const void *msg, size_t len, unsigned char sig[SIGNING_SIG_LEN],
		 struct msg_err *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t n = SIGNING_SIG_LEN;
	int ok;

	/* Ed25519 is one-shot and hashes internally: no digest is named */
	ok = md != NULL && EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1 &&
	     EVP_DigestSign(md, sig, &n, msg, len) == 1 && n == SIGNING_SIG_LEN;
	EVP_MD_CTX_free(md);
	if (!ok)
		return err_set(err, EXIT_FAILURE_, "cannot sign: %s", openssl_reason());
	return 0;
}

int signing_verify(EVP_PKEY *key, const void *msg, size_t len, const unsigned char *sig, size_t sig_len,
		   struct msg_err *err)
{
	EVP_MD_CTX *md;
	int ok;

	if (sig_len != SIGNING_SIG_LEN)
		return err_set(err, EXIT_DATAERR,
			       "the signature is %zu bytes, not the %d of an Ed25519 signature", sig_len,
			       SIGNING_SIG_LEN);
	md = EVP_MD_CTX_new();
	ok = md != NULL && EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
	     EVP_DigestVerify(md, sig, sig_len, msg, len) == 1;
	EVP_MD_CTX_free(md);
	ERR_clear_error(); /* a mismatch leaves a reason in the queue; the message below says it */
	if (!ok)
		return err_set(err, EXIT_DATAERR, "the signature does not verify");
	return 0;
}

char *signing_fingerprint(EVP_PKEY *key)
{
	unsigned char *der = NULL;
	char *text = NULL;
	int n = i2d_PUBKEY(key, &der);

	if (n > 0)
		text = digest_sha256_tagged(der, (size_t)n);
	OPENSSL_free(der);
	if (text == NULL)
		ERR_clear_error();
	return text;
}
