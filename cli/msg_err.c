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
	snprintf(err->text, sizeof(err->text), "%s: %s", prefix, old);
	return -1;
}

void err_clear(struct msg_err *err)
{
	err->status = 0;
	err->unknown_outcome = false;
	err->text[0] = '\0';
}
