/* Plans for people: one line per change (+ add, ~ change, - deactivate/delete), then what the server
 * cannot be made to do through its API, then the closing count. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "color.h"
#include "base/exitcode.h"
#include "engine/plan.h"

/* Fields whose values are secrets: a plan shows that they are set or change, never what they hold
 * (plans are pasted into tickets and CI logs). A type's own fields say so (FIELD_SENSITIVE); these
 * names are held back whatever the type, for blocks a driver renders. */
static const char *const sensitive_fields[] = {"password", "new_password", "newpass", "access_token",
					       "secret",   "token",	   "key",     NULL};

static bool is_sensitive(const struct resource_type *t, const char *field)
{
	if (resource_field_is(t, field, FIELD_SENSITIVE))
		return true;
	for (size_t i = 0; sensitive_fields[i] != NULL; i++)
		if (strcmp(field, sensitive_fields[i]) == 0)
			return true;
	return false;
}

static void print_value(FILE *out, const json_t *v)
{
	char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	fputs(text ? text : "?", out);
	free(text);
}

/* A string of several lines (a configuration block) is shown as its lines, not as one escaped string. */
static bool is_block(const json_t *v)
{
	return json_is_string(v) && strchr(json_string_value(v), '\n') != NULL;
}

/* One line of a block, indented: control characters are shown escaped, as JSON would, so that a value
 * read from the server cannot move the cursor or pass for a line of the plan. */
static void print_line(FILE *out, const char *mark, const char *line, size_t len)
{
	/* a block's removed and added lines take the colours of removals and additions */
	const char *on = mark[0] == '-' || mark[0] == '+' ? color_mark(mark[0]) : "";

	fprintf(out, "        %s%s", on, mark);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fprintf(out, "%s\n", on[0] != '\0' ? color_end() : "");
}

/* The lines of text, split in place; *n gets their number. */
static char **split_lines(char *text, size_t *n)
{
	size_t count = 1;
	char **lines;

	for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++)
		count++;
	if ((lines = calloc(count, sizeof(*lines))) == NULL)
		return NULL;
	for (*n = 0; *n < count; (*n)++) {
		lines[*n] = text;
		if ((text = strchr(text, '\n')) != NULL)
			*text++ = '\0';
	}
	return lines;
}

/* The lines that go ("- "), come ("+ ") and stay from one block to another: a longest common
 * subsequence, which blocks of a few dozen lines afford; larger ones are shown whole, old then new. */
static void print_line_diff(FILE *out, const char *from, const char *to)
{
	char *a = strdup(from ? from : ""), *b = strdup(to ? to : "");
	size_t na = 0, nb = 0, i, j;
	char **la = a ? split_lines(a, &na) : NULL, **lb = b ? split_lines(b, &nb) : NULL;
	unsigned *len = NULL;

	if (la == NULL || lb == NULL) {
		fputs("        (cannot show the difference: out of memory)\n", out);
		goto done;
	}
	if ((na + 1) * (nb + 1) <= 250000)
		len = calloc((na + 1) * (nb + 1), sizeof(*len));
#define L(x, y) (len == NULL ? 0 : len[(x) * (nb + 1) + (y)])
	for (i = na; len != NULL && i-- > 0;)
		for (j = nb; j-- > 0;)
			len[i * (nb + 1) + j] = strcmp(la[i], lb[j]) == 0    ? L(i + 1, j + 1) + 1
						: L(i + 1, j) >= L(i, j + 1) ? L(i + 1, j)
									     : L(i, j + 1);
	for (i = 0, j = 0; i < na || j < nb;) {
		if (len != NULL && i < na && j < nb && strcmp(la[i], lb[j]) == 0) {
			print_line(out, "  ", la[i], strlen(la[i]));
			i++;
			j++;
		} else if (i < na && (j == nb || len == NULL || L(i + 1, j) >= L(i, j + 1))) {
			print_line(out, "- ", la[i], strlen(la[i]));
			i++;
		} else {
			print_line(out, "+ ", lb[j], strlen(lb[j]));
			j++;
		}
	}
#undef L
done:
	free(len);
	free(la);
	free(lb);
	free(a);
	free(b);
}

static void print_block(FILE *out, const char *text)
{
	for (const char *line = text; *line;) {
		size_t n = strcspn(line, "\n");

		print_line(out, "", line, n);
		line += n + (line[n] == '\n');
	}
}

static void print_fields(FILE *out, const struct resource_type *t, const json_t *obj, const char *skip)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		if (skip && strcmp(key, skip) == 0)
			continue;
		fprintf(out, "      %s: ", key);
		if (is_sensitive(t, key)) {
			fputs(json_is_null(v) ? "null\n" : "(sensitive)\n", out);
			continue;
		}
		if (is_block(v)) {
			fputs("|\n", out);
			print_block(out, json_string_value(v));
			continue;
		}
		print_value(out, v);
		fputc('\n', out);
	}
}

void plan_print_change(FILE *out, const json_t *c)
{
	const enum change_op op = change_op(c);
	const char *type = change_type(c), *key = change_key(c);
	const char *reason = json_string_value(json_object_get(c, "reason"));
	const struct resource_type *t = resource_named(NULL, type);
	const char mark = op_mark(op);
	const char *field;
	json_t *f;

	if (op == OP_CREATE) {
		fprintf(out, "  %s%c %s %s%s\n", color_mark(mark), mark, type, key, color_end());
		print_fields(out, t, json_object_get(c, "after"), t ? t->key : "name");
	} else if (op == OP_UPDATE) {
		fprintf(out, "  %s%c %s %s%s\n", color_mark(mark), mark, type, key, color_end());
		json_object_foreach(json_object_get(c, "fields"), field, f)
		{
			fprintf(out, "      %s: ", field);
			if (is_sensitive(t, field)) {
				fputs("(sensitive) -> (sensitive)\n", out);
				continue;
			}
			if (is_block(json_object_get(f, "from")) || is_block(json_object_get(f, "to"))) {
				fputs("(lines - removed, + added)\n", out);
				print_line_diff(out, json_string_value(json_object_get(f, "from")),
						json_string_value(json_object_get(f, "to")));
				continue;
			}
			print_value(out, json_object_get(f, "from"));
			fputs(" -> ", out);
			print_value(out, json_object_get(f, "to"));
			fputc('\n', out);
		}
	} else if (mark != '-') {
		fprintf(out, "  %s%c %s %s (%s)%s\n", color_mark(mark), mark, type, key, op_name(op),
			color_end());
	} else {
		fprintf(out, "  %s%c %s %s (%s%s%s)%s\n", color_mark(mark), mark, type, key,
			json_string_value(json_object_get(c, "op")), reason ? ": " : "", reason ? reason : "",
			color_end());
	}
}

static int is_apply_note(const json_t *note)
{
	const char *level = json_string_value(json_object_get(note, "level"));

	return level != NULL && strcmp(level, "apply") == 0;
}

/* Notes of level "finding": what the server does against the policy that no change of the plan
 * corrects (a federation peer outside the allowlist); plan --detailed-exitcode counts them. */
static int is_finding(const json_t *note)
{
	const char *level = json_string_value(json_object_get(note, "level"));

	return level != NULL && strcmp(level, "finding") == 0;
}

void plan_print(FILE *out, const json_t *plan)
{
	const json_t *changes = json_object_get(plan, "changes");
	const json_t *notes = json_object_get(plan, "notes");
	const json_t *sum = json_object_get(plan, "summary");
	int apply_notes = 0, findings = 0;
	json_t *c;
	size_t i;

	fprintf(out, "%s %s (context %s, as %s)\n", json_string_value(json_object_get(plan, "driver")),
		json_string_value(json_object_get(plan, "server")),
		json_string_value(json_object_get(plan, "context")),
		json_string_value(json_object_get(plan, "acting")));
	json_array_foreach(json_object_get(plan, "sources"), i, c) fprintf(
	    out, "directory %s (%s): %lld entries read, %lld users, %lld left out\n",
	    json_string_value(json_object_get(c, "directory")), json_string_value(json_object_get(c, "url")),
	    (long long)json_integer_value(json_object_get(c, "entries")),
	    (long long)json_integer_value(json_object_get(c, "users")),
	    (long long)json_integer_value(json_object_get(c, "left_out")));
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
	json_array_foreach(notes, i, c)
	{
		if (!is_finding(c))
			continue;
		if (findings++ == 0)
			fputs("\nFindings:\n", out);
		fprintf(out, "  %s? %s: %s%s\n", color_mark('~'),
			json_string_value(json_object_get(c, "path")),
			json_string_value(json_object_get(c, "message")), color_end());
	}
	if (json_array_size(notes) > (size_t)(apply_notes + findings))
		fputs("\nNot changed by apply:\n", out);
	json_array_foreach(notes, i, c)
	{
		const char *message = json_string_value(json_object_get(c, "message"));
		const char *fragment = json_string_value(json_object_get(c, "fragment"));

		if (is_apply_note(c) || is_finding(c))
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
