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

void jpath_key(char *out, size_t outsz, const char *parent, const char *key)
{
	size_t n;

	if (is_plain_key(key)) {
		snprintf(out, outsz, "%s%s%s", parent, *parent ? "." : "", key);
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
	snprintf(out, outsz, "%s[%zu]", parent, index);
}
