/* Colour on terminals (see color.h). */
#include "color.h"

#include <stdlib.h>

static bool enabled;

bool color_decide(enum color_mode mode, bool stdout_tty)
{
	if (mode == COLOR_ALWAYS)
		return true;
	if (mode == COLOR_NEVER)
		return false;
	return stdout_tty && getenv("NO_COLOR") == NULL;
}

void color_set(bool on)
{
	enabled = on;
}

const char *color_mark(char mark)
{
	if (!enabled)
		return "";
	switch (mark) {
	case '+':
		return "\033[32m";
	case '~':
		return "\033[33m";
	case '-':
		return "\033[31m";
	default:
		return "";
	}
}

const char *color_end(void)
{
	return enabled ? "\033[0m" : "";
}
