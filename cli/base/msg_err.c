#include "msg_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct msg_err *err, int status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->status = status;
	err->unknown_outcome = false; /* a new error says nothing about an earlier request */
	err->http_status = 0;
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct msg_err *err, const char *fmt, ...)
{
	char prefix[512];
	char old[sizeof(err->text)];
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->text, sizeof(old));
	/* truncation is acceptable: messages are bounded by design */
	size_t n = strlen(prefix);
	if (n + 2 >= sizeof(err->text))
		n = sizeof(err->text) - 3;
	memcpy(err->text, prefix, n);
	memcpy(err->text + n, ": ", 2);
	size_t room = sizeof(err->text) - n - 3;
	size_t m = strlen(old);
	if (m > room)
		m = room;
	memcpy(err->text + n + 2, old, m);
	err->text[n + 2 + m] = '\0';
	return -1;
}

void err_clear(struct msg_err *err)
{
	err->status = 0;
	err->unknown_outcome = false;
	err->http_status = 0;
	err->text[0] = '\0';
}
