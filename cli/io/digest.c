/* SHA-256 as hex (see digest.h). */
#include "digest.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define TAG "sha256:"

int digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_SHA256_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	hex[0] = '\0';
	if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != DIGEST_SHA256_HEX / 2)
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[DIGEST_SHA256_HEX] = '\0';
	return 0;
}

char *digest_sha256_tagged(const void *data, size_t len)
{
	char *text = malloc(sizeof(TAG) - 1 + DIGEST_SHA256_HEX + 1);

	if (text == NULL)
		return NULL;
	memcpy(text, TAG, sizeof(TAG) - 1);
	if (digest_sha256_hex(data, len, text + sizeof(TAG) - 1) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
