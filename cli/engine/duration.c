/* Durations: policy text <-> milliseconds (see duration.h). */
#include "duration.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *unit;
	int64_t ms;
} units[] = {
    /* largest first: duration_format takes the first that divides exactly */
    {"y", INT64_C(365) * 86400000},
    {"w", INT64_C(7) * 86400000},
    {"d", 86400000},
    {"h", 3600000},
    {"m", 60000},
    {"s", 1000},
    {"ms", 1},
};

int duration_parse_ms(const char *text, int64_t *ms, const char **why)
{
	const char *p = text;
	int64_t n = 0;
	int overflow = 0;

	*why = "not a duration (use e.g. 30d, 12h, 1y)";
	if (text == NULL || *p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (DURATION_MAX_MS - (*p - '0')) / 10)
			overflow = 1; /* keep scanning: "99...9x" is still not a duration */
		else
			n = n * 10 + (*p - '0');
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit) != 0)
			continue;
		*ms = overflow || n > DURATION_MAX_MS / units[i].ms ? DURATION_MAX_MS : n * units[i].ms;
		return 0;
	}
	return -1;
}

void duration_format(int64_t ms, char *out, size_t size)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ms != 0 && ms % units[i].ms == 0) {
			snprintf(out, size, "%" PRId64 "%s", ms / units[i].ms, units[i].unit);
			return;
		}
	}
	snprintf(out, size, "%" PRId64 "ms", ms);
}
