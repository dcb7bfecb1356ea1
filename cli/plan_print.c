/* Plans for people: one line per change (+ add, ~ change, - deactivate/delete), then what the server
 * cannot be made to do through its API, then the closing count. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "plan.h"

static void print_value(FILE *out, const json_t *v)
{
	char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	fputs(text ? text : "?", out);
	free(text);
}

static void print_fields(FILE *out, const json_t *obj, const char *skip)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		if (skip && strcmp(key, skip) == 0)
			continue;
		fprintf(out, "      %s: ", key);
		print_value(out, v);
		fputc('\n', out);
	}
}

void plan_print_change(FILE *out, const json_t *c)
{
	const char *op = json_string_value(json_object_get(c, "op"));
	const char *type = json_string_value(json_object_get(c, "type"));
	const char *key = json_string_value(json_object_get(c, "key"));
	const char *reason = json_string_value(json_object_get(c, "reason"));
	const char *key_field = strcmp(type, "user") == 0 ? "id" : "name";
	const char *field;
	json_t *f;

	if (strcmp(op, "create") == 0) {
		fprintf(out, "  + %s %s\n", type, key);
		print_fields(out, json_object_get(c, "after"), key_field);
	} else if (strcmp(op, "update") == 0) {
		fprintf(out, "  ~ %s %s\n", type, key);
		json_object_foreach(json_object_get(c, "fields"), field, f)
		{
			fprintf(out, "      %s: ", field);
			print_value(out, json_object_get(f, "from"));
			fputs(" -> ", out);
			print_value(out, json_object_get(f, "to"));
			fputc('\n', out);
		}
	} else if (strcmp(op, "reactivate") == 0) {
		fprintf(out, "  ~ %s %s (reactivate)\n", type, key);
	} else {
		fprintf(out, "  - %s %s (%s%s%s)\n", type, key, op, reason ? ": " : "", reason ? reason : "");
	}
}

static int is_apply_note(const json_t *note)
{
	const char *level = json_string_value(json_object_get(note, "level"));

	return level != NULL && strcmp(level, "apply") == 0;
}

void plan_print(FILE *out, const json_t *plan)
{
	const json_t *changes = json_object_get(plan, "changes");
	const json_t *notes = json_object_get(plan, "notes");
	const json_t *sum = json_object_get(plan, "summary");
	int apply_notes = 0;
	json_t *c;
	size_t i;

	fprintf(out, "%s %s (context %s, as %s)\n", json_string_value(json_object_get(plan, "driver")),
		json_string_value(json_object_get(plan, "server")),
		json_string_value(json_object_get(plan, "context")),
		json_string_value(json_object_get(plan, "acting")));
	if (json_array_size(changes) == 0)
		fputs("\nNo changes: the server matches the policy.\n", out);
	else
		fputc('\n', out);
	json_array_foreach(changes, i, c) plan_print_change(out, c);
	/* notes of level "apply": steps apply takes besides the changes (a driver's preparations) */
	json_array_foreach(notes, i, c)
	{
		if (!is_apply_note(c))
			continue;
		if (apply_notes++ == 0)
			fputs("\nApply will also:\n", out);
		fprintf(out, "  * %s: %s\n", json_string_value(json_object_get(c, "path")),
			json_string_value(json_object_get(c, "message")));
	}
	if (json_array_size(notes) > (size_t)apply_notes)
		fputs("\nNot changed by apply:\n", out);
	json_array_foreach(notes, i, c)
	{
		const char *message = json_string_value(json_object_get(c, "message"));
		const char *fragment = json_string_value(json_object_get(c, "fragment"));

		if (is_apply_note(c))
			continue;

		fprintf(out, "  ! %s: %s%s%s\n", json_string_value(json_object_get(c, "path")),
			json_string_value(json_object_get(c, "level"))
			    ? json_string_value(json_object_get(c, "level"))
			    : "note",
			message ? ": " : "", message ? message : "");
		if (fragment != NULL) {
			fputs("      set in the server's configuration:\n", out);
			for (const char *line = fragment; *line;) {
				const char *nl = strchr(line, '\n');
				int len = nl ? (int)(nl - line) : (int)strlen(line);
				fprintf(out, "        %.*s\n", len, line);
				line += len + (nl ? 1 : 0);
			}
		}
	}
	fprintf(out, "\nPlan: %lld to add, %lld to change, %lld to deactivate/delete.\n",
		(long long)json_integer_value(json_object_get(sum, "add")),
		(long long)json_integer_value(json_object_get(sum, "change")),
		(long long)json_integer_value(json_object_get(sum, "remove")));
}

int plan_load(const char *file, json_t **plan, struct msg_err *err)
{
	json_error_t jerr;
	json_t *p;
	FILE *f = fopen(file, "r");

	if (f == NULL)
		return err_set(err, EXIT_NOINPUT, "%s: %s", file, strerror(errno));
	p = json_loadf(f, 0, &jerr);
	fclose(f);
	if (p == NULL)
		return err_set(err, EXIT_DATAERR, "%s:%d:%d: not a saved plan: %s", file, jerr.line,
			       jerr.column, jerr.text);
	if (!json_is_object(p) ||
	    strcmp(json_string_value(json_object_get(p, "format"))
		       ? json_string_value(json_object_get(p, "format"))
		       : "",
		   "msgadm-plan/1") != 0 ||
	    !json_is_array(json_object_get(p, "changes")) || !json_is_object(json_object_get(p, "policy"))) {
		json_decref(p);
		return err_set(err, EXIT_DATAERR, "%s: not a msgadm plan (format msgadm-plan/1)", file);
	}
	*plan = p;
	return 0;
}

int plan_save(const char *file, const json_t *plan, struct msg_err *err)
{
	if (json_dump_file(plan, file, JSON_INDENT(2)) != 0)
		return err_set(err, EXIT_FAILURE_, "%s: cannot write the plan: %s", file, strerror(errno));
	return 0;
}
