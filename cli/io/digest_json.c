/* Streams jansson's output into SHA-256 (see digest_json.h), batched: jansson hands over a few bytes
 * at a time, and one digest update per piece would cost more than the text it saves. */
#include "digest_json.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "json_compact.h"

#define BATCH 65536

struct sink {
	EVP_MD_CTX *md;
	size_t used;
	unsigned char buf[BATCH];
};

static int flush(struct sink *s)
{
	int ok = s->used == 0 || EVP_DigestUpdate(s->md, s->buf, s->used);

	s->used = 0;
	return ok ? 0 : -1;
}

static int put(const char *text, size_t len, void *data)
{
	struct sink *s = data;

	if (len > BATCH - s->used && flush(s) != 0)
		return -1;
	if (len >= BATCH)
		return EVP_DigestUpdate(s->md, text, len) ? 0 : -1;
	memcpy(s->buf + s->used, text, len);
	s->used += len;
	return 0;
}

/* The state digest's form has a faster writer of its own; any other goes through jansson. */
static int dump(const json_t *value, size_t flags, struct sink *s)
{
	if (flags == (JSON_COMPACT | JSON_SORT_KEYS))
		return json_compact_sorted_dump(value, put, s);
	return json_dump_callback(value, put, s, flags);
}

char *digest_json_tagged(const json_t *value, size_t flags)
{
	struct sink *s = malloc(sizeof(*s));
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char *text = NULL;

	if (s == NULL || (s->md = EVP_MD_CTX_new()) == NULL) {
		free(s);
		return NULL;
	}
	s->used = 0;
	if (!EVP_DigestInit_ex(s->md, EVP_sha256(), NULL) || dump(value, flags, s) != 0 || flush(s) != 0 ||
	    !EVP_DigestFinal_ex(s->md, md, &n) || n != DIGEST_SHA256_HEX / 2)
		goto done;
	text = digest_tag(md);
done:
	EVP_MD_CTX_free(s->md);
	free(s);
	return text;
}
