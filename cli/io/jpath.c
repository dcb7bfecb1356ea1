#include "jpath.h"

#include <stdio.h>
#include <string.h>

static int is_plain_key(const char *key)
{
	if (*key == '\0')
		return 0;
	for (const char *p = key; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* out = a b c, cut to outsz - 1 bytes as snprintf would: a loader builds one path per value, and
 * snprintf's format parsing was most of the cost. */
static void join(char *out, size_t outsz, const char *a, const char *b, size_t blen, const char *c,
		 size_t clen)
{
	size_t n = 0;
	const char *parts[] = {a, b, c};
	size_t lens[] = {strlen(a), blen, clen};

	if (outsz == 0)
		return;
	for (int i = 0; i < 3; i++) {
		size_t take = lens[i] < outsz - 1 - n ? lens[i] : outsz - 1 - n;

		memcpy(out + n, parts[i], take);
		n += take;
	}
	out[n] = '\0';
}

void jpath_key(char *out, size_t outsz, const char *parent, const char *key)
{
	size_t n;

	if (is_plain_key(key)) {
		join(out, outsz, parent, ".", *parent ? 1 : 0, key, strlen(key));
		return;
	}
	n = (size_t)snprintf(out, outsz, "%s[\"", parent);
	for (const char *p = key; *p && n + 3 < outsz; p++) {
		if (*p == '"' || *p == '\\')
			out[n++] = '\\';
		out[n++] = *p;
	}
	if (n + 3 <= outsz) {
		out[n++] = '"';
		out[n++] = ']';
		out[n] = '\0';
	} else if (outsz > 0) {
		out[outsz - 1] = '\0';
	}
}

void jpath_index(char *out, size_t outsz, const char *parent, size_t index)
{
	char digits[24], *d = digits + sizeof(digits);

	*--d = ']';
	do
		*--d = (char)('0' + index % 10);
	while ((index /= 10) != 0);
	*--d = '[';
	join(out, outsz, parent, "", 0, d, (size_t)(digits + sizeof(digits) - d));
}
