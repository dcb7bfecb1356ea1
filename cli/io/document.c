#include "document.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "schema.h"
#include "yaml_load.h"

struct problem {
	int line, column;
	const char *path;
	const char *message;
};

static int by_position(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;

	if (x->line != y->line)
		return x->line - y->line;
	if (x->column != y->column)
		return x->column - y->column;
	return strcmp(x->path, y->path);
}

static void append_line(struct msg_err *err, const char *file, int line, int column, const char *path,
			const char *message)
{
	size_t used = strlen(err->text);
	size_t room = sizeof(err->text) - used;
	const char *sep = used ? "\n" : "";

	if (line > 0)
		snprintf(err->text + used, room, "%s%s:%d:%d: %s%s%s", sep, file, line, column, path,
			 *path ? ": " : "", message);
	else
		snprintf(err->text + used, room, "%s%s: %s%s%s", sep, file, path, *path ? ": " : "", message);
}

int document_check(const char *file, const json_t *schema, const json_t *doc, const struct yaml_pos *pos,
		   struct msg_err *err)
{
	json_t *errors = json_array();
	struct problem *list = NULL;
	size_t i, n;
	json_t *e;
	int rc = 0;

	if (schema_validate(schema, doc, errors))
		goto done;
	n = json_array_size(errors);
	list = calloc(n, sizeof(*list));
	if (list == NULL) {
		rc = err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	json_array_foreach(errors, i, e)
	{
		list[i].path = json_string_value(json_object_get(e, "path"));
		list[i].message = json_string_value(json_object_get(e, "message"));
		if (list[i].path == NULL)
			list[i].path = "";
		if (list[i].message == NULL)
			list[i].message = "invalid";
		if (json_is_string(json_object_get(e, "at")) &&
		    strcmp(json_string_value(json_object_get(e, "at")), "key") == 0)
			yaml_key_pos_lookup(pos, list[i].path, &list[i].line, &list[i].column);
		else
			yaml_pos_lookup(pos, list[i].path, &list[i].line, &list[i].column);
	}
	qsort(list, n, sizeof(*list), by_position);
	err_clear(err);
	err->status = EXIT_DATAERR;
	for (i = 0; i < n; i++)
		append_line(err, file, list[i].line, list[i].column, list[i].path, list[i].message);
	rc = -1;
done:
	free(list);
	json_decref(errors);
	return rc;
}

int document_problem(struct msg_err *err, const char *file, const struct yaml_pos *pos, const char *path,
		     const char *fmt, ...)
{
	char message[512];
	int line, column;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (err->status != EXIT_DATAERR)
		err_clear(err);
	err->status = EXIT_DATAERR;
	yaml_pos_lookup(pos, path, &line, &column);
	append_line(err, file, line, column, path, message);
	return -1;
}
