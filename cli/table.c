/* Aligned text tables (see table.h). */
#include "table.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct table {
	size_t columns;
	size_t lines, capacity; /* lines held: the headers, then the rows */
	bool right[TABLE_MAX_COLUMNS];
	char **cells; /* lines times columns, line by line */
};

/* Characters of a UTF-8 string: every byte but continuation bytes. */
static size_t width_of(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static char *cell_copy(const char *s)
{
	char *c = strdup(s != NULL ? s : "-");

	for (char *p = c; p != NULL && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return c;
}

static void append(struct table *t, const char *const *cells)
{
	if (t->lines == t->capacity) {
		size_t capacity = t->capacity ? t->capacity * 2 : 16;
		char **more = realloc(t->cells, capacity * t->columns * sizeof(*more));

		if (more == NULL)
			return; /* out of memory: the row is left out rather than the program stopped */
		t->cells = more;
		t->capacity = capacity;
	}
	for (size_t c = 0; c < t->columns; c++)
		t->cells[t->lines * t->columns + c] = cell_copy(cells[c]);
	t->lines++;
}

struct table *table_new(const char *const *headers)
{
	struct table *t = calloc(1, sizeof(*t));
	const char *titles[TABLE_MAX_COLUMNS];

	if (t == NULL)
		return NULL;
	while (t->columns < TABLE_MAX_COLUMNS && headers[t->columns] != NULL) {
		const char *h = headers[t->columns];

		t->right[t->columns] = h[0] == '>';
		titles[t->columns++] = h + (h[0] == '>');
	}
	append(t, titles);
	return t;
}

void table_add(struct table *t, const char *const *cells)
{
	if (t != NULL)
		append(t, cells);
}

void table_print(FILE *out, const struct table *t)
{
	size_t width[TABLE_MAX_COLUMNS] = {0};

	if (t == NULL)
		return;
	for (size_t l = 0; l < t->lines; l++)
		for (size_t c = 0; c < t->columns; c++) {
			size_t w = width_of(t->cells[l * t->columns + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (size_t l = 0; l < t->lines; l++) {
		size_t end =
		    t->columns; /* the line stops after its last non-empty cell: no trailing spaces */

		while (end > 1 && width_of(t->cells[l * t->columns + end - 1]) == 0)
			end--;
		for (size_t c = 0; c < end; c++) {
			const char *cell = t->cells[l * t->columns + c];
			size_t pad = width[c] - width_of(cell);
			bool last = c + 1 == end;

			if (c > 0)
				fputs("  ", out);
			if (t->right[c])
				fprintf(out, "%*s", (int)pad, "");
			fputs(cell != NULL ? cell : "", out);
			if (!t->right[c] && !last)
				fprintf(out, "%*s", (int)pad, "");
		}
		fputc('\n', out);
	}
}

void table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->lines * t->columns; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
