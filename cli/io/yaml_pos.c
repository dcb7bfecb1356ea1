/* The table of places (see yaml_pos.h): entries in the order they come, their paths in one arena, and
 * an open-addressing index of entry numbers, at most half full. The index is a cache, built when
 * something is looked up: the loader only appends (yaml_pos_append), and a valid policy is never
 * looked up, so it costs neither the index nor a probe per value. */
#include "yaml_pos.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	size_t path; /* offset of its NUL-terminated path in the arena */
	uint32_t hash;
	int line, column, key_line, key_column;
};

struct yaml_pos {
	struct entry *entries;
	size_t count, cap;
	uint32_t *index; /* entry number + 1; 0: free */
	size_t slots;	 /* a power of two */
	size_t indexed;	 /* entries [0, indexed) are in the index and have their hash */
	char *arena;
	size_t used, size;
};

static uint32_t hash_of(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct yaml_pos *yaml_pos_new(void)
{
	return calloc(1, sizeof(struct yaml_pos));
}

void yaml_pos_free(struct yaml_pos *pos)
{
	if (pos == NULL)
		return;
	free(pos->entries);
	free(pos->index);
	free(pos->arena);
	free(pos);
}

size_t yaml_pos_count(const struct yaml_pos *pos)
{
	return pos ? pos->count : 0;
}

/* The slot of path in the index: its entry's, or the free one where it would go. */
static size_t slot_of(const struct yaml_pos *pos, const char *path, uint32_t hash)
{
	size_t mask = pos->slots - 1, s = hash & mask;

	while (pos->index[s] != 0) {
		const struct entry *e = &pos->entries[pos->index[s] - 1];

		if (e->hash == hash && strcmp(pos->arena + e->path, path) == 0)
			break;
		s = (s + 1) & mask;
	}
	return s;
}

static int catch_up(struct yaml_pos *pos);

static const struct entry *find(const struct yaml_pos *pos, const char *path)
{
	size_t s;

	/* the table itself is never const; only its index is filled in here */
	if (pos == NULL || catch_up((struct yaml_pos *)pos) != 0 || pos->slots == 0)
		return NULL;
	s = slot_of(pos, path, hash_of(path));
	return pos->index[s] ? &pos->entries[pos->index[s] - 1] : NULL;
}

static void index_entry(struct yaml_pos *pos, size_t i)
{
	size_t s = pos->entries[i].hash & (pos->slots - 1);

	while (pos->index[s] != 0)
		s = (s + 1) & (pos->slots - 1);
	pos->index[s] = (uint32_t)(i + 1);
}

/* Makes room in the index for want entries: a new one, twice as big as needed, indexes [0, indexed). */
static int grow_index(struct yaml_pos *pos, size_t want)
{
	size_t slots = pos->slots ? pos->slots : 64;
	uint32_t *index;

	if (want * 2 <= pos->slots)
		return 0;
	while (want * 2 > slots)
		slots *= 2;
	if (slots > UINT32_MAX || (index = calloc(slots, sizeof(*index))) == NULL)
		return -1;
	free(pos->index);
	pos->index = index;
	pos->slots = slots;
	for (size_t i = 0; i < pos->indexed; i++)
		index_entry(pos, i);
	return 0;
}

/* Indexes the entries appended since the last lookup. */
static int catch_up(struct yaml_pos *pos)
{
	if (pos->indexed == pos->count)
		return 0;
	if (grow_index(pos, pos->count) != 0)
		return -1;
	for (; pos->indexed < pos->count; pos->indexed++) {
		pos->entries[pos->indexed].hash = hash_of(pos->arena + pos->entries[pos->indexed].path);
		index_entry(pos, pos->indexed);
	}
	return 0;
}

static int reserve(void **buf, size_t *cap, size_t need, size_t unit)
{
	size_t want = *cap ? *cap : 256;
	void *p;

	if (need <= *cap)
		return 0;
	while (want < need)
		want *= 2;
	if ((p = realloc(*buf, want * unit)) == NULL)
		return -1;
	*buf = p;
	*cap = want;
	return 0;
}

/* Adds an entry for path at the end, not indexed yet; its number, or -1 when out of memory. */
static long add(struct yaml_pos *pos, const char *path)
{
	const size_t len = strlen(path) + 1;

	if (pos->count >= UINT32_MAX / 2 ||
	    reserve((void **)&pos->entries, &pos->cap, pos->count + 1, sizeof(*pos->entries)) != 0 ||
	    reserve((void **)&pos->arena, &pos->size, pos->used + len, 1) != 0)
		return -1;
	memcpy(pos->arena + pos->used, path, len);
	pos->entries[pos->count] = (struct entry){.path = pos->used};
	pos->used += len;
	return (long)pos->count++;
}

int yaml_pos_put(struct yaml_pos *pos, const char *path, int line, int column)
{
	const uint32_t hash = hash_of(path);
	struct entry *e;
	size_t s;

	if (catch_up(pos) != 0 || grow_index(pos, pos->count + 1) != 0)
		return -1;
	s = slot_of(pos, path, hash);
	if (pos->index[s] == 0) {
		if (add(pos, path) < 0)
			return -1;
		pos->entries[pos->count - 1].hash = hash;
		pos->index[s] = (uint32_t)pos->count;
		pos->indexed = pos->count;
	}
	e = &pos->entries[pos->index[s] - 1];
	e->line = line;
	e->column = column;
	e->key_line = e->key_column = 0;
	return 0;
}

long yaml_pos_append(struct yaml_pos *pos, const char *path, int line, int column)
{
	long i = add(pos, path);

	if (i >= 0) {
		pos->entries[i].line = line;
		pos->entries[i].column = column;
	}
	return i;
}

void yaml_pos_put_key_at(struct yaml_pos *pos, long entry, int line, int column)
{
	struct entry *e = entry >= 0 && (size_t)entry < pos->count ? &pos->entries[entry] : NULL;

	if (e != NULL && e->key_line == 0) {
		e->key_line = line;
		e->key_column = column;
	}
}

void yaml_pos_put_key(struct yaml_pos *pos, const char *path, int line, int column)
{
	struct entry *e = (struct entry *)find(pos, path);

	if (e != NULL && e->key_line == 0) {
		e->key_line = line;
		e->key_column = column;
	}
}

bool yaml_pos_find(const struct yaml_pos *pos, const char *path, int *line, int *column)
{
	const struct entry *e = find(pos, path);

	if (e == NULL)
		return false;
	*line = e->line;
	*column = e->column;
	return true;
}

/* Returns the length of path without its last component: ".key", "[n]" or ["key"]. */
static size_t parent_len(const char *path, size_t len)
{
	size_t i = 0, last = 0;

	while (i < len) {
		last = i;
		if (path[i] == '[' && i + 1 < len && path[i + 1] == '"') {
			for (i += 2; i < len && path[i] != '"'; i++)
				if (path[i] == '\\' && i + 1 < len)
					i++;
			i += 2; /* the closing quote and bracket */
		} else if (path[i] == '[') {
			while (i < len && path[i] != ']')
				i++;
			i++;
		} else {
			for (i++; i < len && path[i] != '.' && path[i] != '['; i++)
				;
		}
	}
	return last;
}

void yaml_pos_lookup(const struct yaml_pos *pos, const char *path, int *line, int *column)
{
	char *p = path ? strdup(path) : NULL;
	size_t len = p ? strlen(p) : 0;
	const struct entry *e = NULL;

	*line = 0;
	*column = 0;
	if (pos == NULL || p == NULL)
		goto done;
	for (;;) {
		p[len] = '\0';
		e = find(pos, p);
		if (e != NULL || len == 0)
			break;
		len = parent_len(p, len);
	}
	if (e != NULL) {
		*line = e->line;
		*column = e->column;
	}
done:
	free(p);
}

void yaml_key_pos_lookup(const struct yaml_pos *pos, const char *path, int *line, int *column)
{
	const struct entry *e = find(pos, path);

	if (e != NULL && e->key_line != 0) {
		*line = e->key_line;
		*column = e->key_column;
		return;
	}
	yaml_pos_lookup(pos, path, line, column);
}

bool yaml_pos_next(const struct yaml_pos *pos, size_t *i, const char **path, int *line, int *column,
		   int *key_line, int *key_column)
{
	const struct entry *e;

	if (pos == NULL || *i >= pos->count)
		return false;
	e = &pos->entries[(*i)++];
	*path = pos->arena + e->path;
	*line = e->line;
	*column = e->column;
	*key_line = e->key_line;
	*key_column = e->key_column;
	return true;
}
