/* The table of places (see yaml_pos.h): entries in the order they come, each path kept as its
 * parent's entry and what follows the parent's path (".email", "[2]"), those pieces in one arena;
 * and an open-addressing index of entry numbers, at most half full. The index (and each path's
 * hash) is a cache, built when something is looked up: the loader only appends (yaml_pos_append),
 * and a valid policy is never looked up, so it costs neither the index nor a probe per value.
 * Whole paths of 100,000 users were half the table. */
#include "yaml_pos.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	uint32_t parent; /* entry number + 1 of the path this one continues; 0: none, suffix is all */
	uint32_t suffix; /* offset of the NUL-terminated rest of its path in the arena */
	int line, column, key_line, key_column;
};

struct yaml_pos {
	struct entry *entries;
	size_t count, cap;
	uint32_t *index;  /* entry number + 1; 0: free */
	size_t slots;	  /* a power of two */
	uint32_t *hashes; /* of entries [0, indexed), which are in the index */
	size_t indexed, hashes_cap;
	char *arena;
	size_t used, size;
	char *scratch; /* yaml_pos_next's path */
	size_t scratch_size;
};

#define FNV_BASIS 2166136261u

/* FNV-1a, continued from h over s: a path's hash from its parent's and its suffix. */
static uint32_t hash_more(uint32_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
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
	free(pos->hashes);
	free(pos->arena);
	free(pos->scratch);
	free(pos);
}

size_t yaml_pos_count(const struct yaml_pos *pos)
{
	return pos ? pos->count : 0;
}

/* Whether entry i's whole path is the len bytes at path: its suffix ends them, its parent's path
 * the rest. */
static bool matches(const struct yaml_pos *pos, size_t i, const char *path, size_t len)
{
	for (;;) {
		const struct entry *e = &pos->entries[i];
		const char *suffix = pos->arena + e->suffix;
		const size_t n = strlen(suffix);

		if (n > len || memcmp(path + len - n, suffix, n) != 0)
			return false;
		len -= n;
		if (e->parent == 0)
			return len == 0;
		i = e->parent - 1;
	}
}

/* The slot of path in the index: its entry's, or the free one where it would go. */
static size_t slot_of(const struct yaml_pos *pos, const char *path, size_t len, uint32_t hash)
{
	size_t mask = pos->slots - 1, s = hash & mask;

	while (pos->index[s] != 0) {
		size_t i = pos->index[s] - 1;

		if (pos->hashes[i] == hash && matches(pos, i, path, len))
			break;
		s = (s + 1) & mask;
	}
	return s;
}

static int catch_up(struct yaml_pos *pos);

static const struct entry *find(const struct yaml_pos *pos, const char *path)
{
	const size_t len = strlen(path);
	size_t s;

	/* the table itself is never const; only its index is filled in here */
	if (pos == NULL || catch_up((struct yaml_pos *)pos) != 0 || pos->slots == 0)
		return NULL;
	s = slot_of(pos, path, len, hash_more(FNV_BASIS, path, len));
	return pos->index[s] ? &pos->entries[pos->index[s] - 1] : NULL;
}

static void index_entry(struct yaml_pos *pos, size_t i)
{
	size_t s = pos->hashes[i] & (pos->slots - 1);

	while (pos->index[s] != 0)
		s = (s + 1) & (pos->slots - 1);
	pos->index[s] = (uint32_t)(i + 1);
}

/* Grows *buf (of *cap units) to hold need units, by half again each time. */
static int reserve(void **buf, size_t *cap, size_t need, size_t unit)
{
	size_t want = *cap ? *cap : 256;
	void *p;

	if (need <= *cap)
		return 0;
	while (want < need)
		want += want / 2;
	if ((p = realloc(*buf, want * unit)) == NULL)
		return -1;
	*buf = p;
	*cap = want;
	return 0;
}

/* Makes room in the index for want entries: a new one, twice as big as needed, indexes [0, indexed). */
static int grow_index(struct yaml_pos *pos, size_t want)
{
	size_t slots = pos->slots ? pos->slots : 64;
	uint32_t *index;

	if (want * 2 <= pos->slots)
		return reserve((void **)&pos->hashes, &pos->hashes_cap, want, sizeof(*pos->hashes));
	while (want * 2 > slots)
		slots *= 2;
	if (slots > UINT32_MAX ||
	    reserve((void **)&pos->hashes, &pos->hashes_cap, want, sizeof(*pos->hashes)) != 0 ||
	    (index = calloc(slots, sizeof(*index))) == NULL)
		return -1;
	free(pos->index);
	pos->index = index;
	pos->slots = slots;
	for (size_t i = 0; i < pos->indexed; i++)
		index_entry(pos, i);
	return 0;
}

/* Hashes and indexes the entries appended since the last lookup; a parent comes before its children. */
static int catch_up(struct yaml_pos *pos)
{
	if (pos->indexed == pos->count)
		return 0;
	if (grow_index(pos, pos->count) != 0)
		return -1;
	for (; pos->indexed < pos->count; pos->indexed++) {
		const struct entry *e = &pos->entries[pos->indexed];
		const char *suffix = pos->arena + e->suffix;

		pos->hashes[pos->indexed] =
		    hash_more(e->parent ? pos->hashes[e->parent - 1] : FNV_BASIS, suffix, strlen(suffix));
		index_entry(pos, pos->indexed);
	}
	return 0;
}

/* Adds an entry continuing parent (an entry number + 1, or 0) with suffix, not indexed yet; its
 * number, or -1 when out of memory. */
static long add(struct yaml_pos *pos, uint32_t parent, const char *suffix, int line, int column)
{
	const size_t len = strlen(suffix) + 1;

	if (pos->count >= UINT32_MAX / 2 || pos->used + len > UINT32_MAX ||
	    reserve((void **)&pos->entries, &pos->cap, pos->count + 1, sizeof(*pos->entries)) != 0 ||
	    reserve((void **)&pos->arena, &pos->size, pos->used + len, 1) != 0)
		return -1;
	memcpy(pos->arena + pos->used, suffix, len);
	pos->entries[pos->count] =
	    (struct entry){.parent = parent, .suffix = (uint32_t)pos->used, .line = line, .column = column};
	pos->used += len;
	return (long)pos->count++;
}

int yaml_pos_put(struct yaml_pos *pos, const char *path, int line, int column)
{
	const size_t len = strlen(path);
	const uint32_t hash = hash_more(FNV_BASIS, path, len);
	struct entry *e;
	size_t s;

	if (catch_up(pos) != 0 || grow_index(pos, pos->count + 1) != 0)
		return -1;
	s = slot_of(pos, path, len, hash);
	if (pos->index[s] == 0) {
		if (add(pos, 0, path, line, column) < 0)
			return -1;
		pos->hashes[pos->count - 1] = hash;
		pos->index[s] = (uint32_t)pos->count;
		pos->indexed = pos->count;
	}
	e = &pos->entries[pos->index[s] - 1];
	e->line = line;
	e->column = column;
	e->key_line = e->key_column = 0;
	return 0;
}

long yaml_pos_append(struct yaml_pos *pos, long parent, const char *suffix, int line, int column)
{
	if (parent < -1 || parent >= (long)pos->count)
		return -1;
	return add(pos, (uint32_t)(parent + 1), suffix, line, column);
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

/* Writes entry i's whole path into the scratch buffer; NULL when out of memory. */
static const char *whole_path(struct yaml_pos *pos, size_t i)
{
	size_t len = 0, at;

	for (size_t j = i + 1; j != 0; j = pos->entries[j - 1].parent)
		len += strlen(pos->arena + pos->entries[j - 1].suffix);
	if (reserve((void **)&pos->scratch, &pos->scratch_size, len + 1, 1) != 0)
		return NULL;
	pos->scratch[len] = '\0';
	at = len;
	for (size_t j = i + 1; j != 0; j = pos->entries[j - 1].parent) {
		const char *suffix = pos->arena + pos->entries[j - 1].suffix;
		const size_t n = strlen(suffix);

		at -= n;
		memcpy(pos->scratch + at, suffix, n);
	}
	return pos->scratch;
}

bool yaml_pos_next(const struct yaml_pos *pos, size_t *i, const char **path, int *line, int *column,
		   int *key_line, int *key_column)
{
	const struct entry *e;

	if (pos == NULL || *i >= pos->count)
		return false;
	e = &pos->entries[*i];
	/* as in find: only the scratch buffer changes */
	if ((*path = whole_path((struct yaml_pos *)pos, (*i)++)) == NULL)
		return false;
	*line = e->line;
	*column = e->column;
	*key_line = e->key_line;
	*key_column = e->key_column;
	return true;
}
