/* Durations as policies write them ("30d", "12h", "1y"), in milliseconds. A duration is a whole
 * number and one unit: ms, s, m (minutes), h, d, w, y (365 days). How long a duration a server can
 * hold is the driver's business. */
#ifndef MSGADM_DURATION_H
#define MSGADM_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* What a longer duration counts as: 2^63 - 1 ms, some 292 million years, forever for any server. */
#define DURATION_MAX_MS INT64_MAX

/* Parses text into *ms, a well-formed duration longer than DURATION_MAX_MS counting as that. Returns
 * 0, or -1 with *why set to a static reason ("not a duration (use e.g. 30d, 12h, 1y)"); *ms is set
 * only on success. */
int duration_parse_ms(const char *text, int64_t *ms, const char **why);

/* Writes ms with the largest unit that divides it exactly ("30d", "90m", "1500ms"); out gets at
 * most size bytes. */
void duration_format(int64_t ms, char *out, size_t size);

#endif
