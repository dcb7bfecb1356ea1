/* Durations as policies write them ("30d", "12h", "1y") and as Matrix carries them (milliseconds).
 * A duration is a whole number and one unit: ms, s, m (minutes), h, d, w, y (365 days). */
#ifndef MSGADM_DURATION_H
#define MSGADM_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* The largest duration accepted: 2^53 - 1 ms, the largest integer Matrix events may carry
 * (canonical JSON), about 285,000 years. */
#define DURATION_MAX_MS INT64_C(9007199254740991)

/* The reason duration_parse_ms gives for a well-formed duration beyond DURATION_MAX_MS, so that a
 * caller can tell "too long" from "not a duration" by comparing *why with it. */
extern const char duration_too_long[];

/* Parses text into *ms. Returns 0, or -1 with *why set to a static reason ("not a duration (use
 * e.g. 30d, 12h, 1y)", or duration_too_long); *ms is set only on success. */
int duration_parse_ms(const char *text, int64_t *ms, const char **why);

/* Writes ms with the largest unit that divides it exactly ("30d", "90m", "1500ms"); out gets at
 * most size bytes. */
void duration_format(int64_t ms, char *out, size_t size);

#endif
