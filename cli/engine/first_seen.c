/* An open-addressing table (see first_seen.h), at most half full, never grown: its size is fixed
 * by the count it was made for. */
#include "first_seen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	const char *key; /* NULL: free */
	size_t index;
};

struct first_seen {
	struct slot *slots;
	size_t mask;
};

static uint64_t hash_of(const char *s)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h ^ (h >> 29);
}

struct first_seen *first_seen_new(size_t n)
{
	struct first_seen *fs = calloc(1, sizeof(*fs));
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	if (fs == NULL || (fs->slots = calloc(size, sizeof(*fs->slots))) == NULL) {
		free(fs);
		return NULL;
	}
	fs->mask = size - 1;
	return fs;
}

void first_seen_free(struct first_seen *fs)
{
	if (fs == NULL)
		return;
	free(fs->slots);
	free(fs);
}

size_t first_seen_at(struct first_seen *fs, const char *key, size_t index)
{
	size_t s = (size_t)hash_of(key) & fs->mask;

	while (fs->slots[s].key != NULL) {
		if (strcmp(fs->slots[s].key, key) == 0)
			return fs->slots[s].index;
		s = (s + 1) & fs->mask;
	}
	fs->slots[s] = (struct slot){key, index};
	return index;
}
