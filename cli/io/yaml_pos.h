/* Where each value of a loaded document came from: by its jpath (jpath.h; "" for the root), the line
 * and column (1-based) of its first character and, for a mapping member, of its key. A table of its
 * own, not JSON: a policy of 100,000 users has half a million places, and a heap object or two for
 * each was most of the loader's time and memory. */
#ifndef MSGADM_YAML_POS_H
#define MSGADM_YAML_POS_H

#include <stdbool.h>
#include <stddef.h>

struct yaml_pos;

/* A new, empty table (NULL when out of memory); yaml_pos_free(NULL) does nothing. */
struct yaml_pos *yaml_pos_new(void);
void yaml_pos_free(struct yaml_pos *pos);
size_t yaml_pos_count(const struct yaml_pos *pos);

/* Records (or moves) path's place; the key's place, if any, is forgotten. -1 when out of memory. */
int yaml_pos_put(struct yaml_pos *pos, const char *path, int line, int column);
/* Records where the key of the mapping member at path stands, if path has a place and no key's yet. */
void yaml_pos_put_key(struct yaml_pos *pos, const char *path, int line, int column);
/* For a loader that knows the path is not in the table yet: records the path that is parent's
 * (an entry number from an earlier append; -1: none) followed by suffix, without looking it up (the
 * table is indexed on the first lookup). Returns the entry's number, or -1 when out of memory. */
long yaml_pos_append(struct yaml_pos *pos, long parent, const char *suffix, int line, int column);
/* yaml_pos_put_key for the entry numbered entry (yaml_pos_append's). */
void yaml_pos_put_key_at(struct yaml_pos *pos, long entry, int line, int column);

/* The place recorded for exactly path; false when there is none. */
bool yaml_pos_find(const struct yaml_pos *pos, const char *path, int *line, int *column);
/* The place of path, falling back to the nearest recorded parent path; 0 and 0 when nothing is known
 * (pos may be NULL). */
void yaml_pos_lookup(const struct yaml_pos *pos, const char *path, int *line, int *column);
/* The place of the key of a mapping member; falls back to yaml_pos_lookup for anything else. */
void yaml_key_pos_lookup(const struct yaml_pos *pos, const char *path, int *line, int *column);

/* The places in the order they were recorded: *i starts at 0; false past the last (or when out of
 * memory). *path holds until the next call. key_line is 0 for a place without a key. */
bool yaml_pos_next(const struct yaml_pos *pos, size_t *i, const char **path, int *line, int *column,
		   int *key_line, int *key_column);

#endif
