/* Where each key was first seen, for finding duplicates in one pass over a list: the keys are
 * borrowed (they must outlive the table), and a list of 100,000 ids costs two words a key, not a
 * jansson object with a value per key. */
#ifndef MSGADM_FIRST_SEEN_H
#define MSGADM_FIRST_SEEN_H

#include <stddef.h>

struct first_seen;

/* For at most n keys; NULL when out of memory. first_seen_free(NULL) does nothing. */
struct first_seen *first_seen_new(size_t n);
void first_seen_free(struct first_seen *fs);

/* The index key was first seen at, or index itself (and key is remembered) when it is new. */
size_t first_seen_at(struct first_seen *fs, const char *key, size_t index);

#endif
