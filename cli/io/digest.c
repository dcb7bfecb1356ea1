/* SHA-256 as hex (see digest.h). */
#include "digest.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define TAG "sha256:"

static void to_hex(const unsigned char md[DIGEST_SHA256_HEX / 2], char hex[DIGEST_SHA256_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned int i = 0; i < DIGEST_SHA256_HEX / 2; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[DIGEST_SHA256_HEX] = '\0';
}

int digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_SHA256_HEX + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	hex[0] = '\0';
	if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != DIGEST_SHA256_HEX / 2)
		return -1;
	to_hex(md, hex);
	return 0;
}

char *digest_tag(const unsigned char md[DIGEST_SHA256_HEX / 2])
{
	char *text = malloc(sizeof(TAG) - 1 + DIGEST_SHA256_HEX + 1);

	if (text == NULL)
		return NULL;
	memcpy(text, TAG, sizeof(TAG) - 1);
	to_hex(md, text + sizeof(TAG) - 1);
	return text;
}

char *digest_sha256_tagged(const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != DIGEST_SHA256_HEX / 2)
		return NULL;
	return digest_tag(md);
}
