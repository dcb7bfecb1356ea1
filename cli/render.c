/* Text renderings of canonical resources, shared by the imperative commands. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *str_or(const json_t *obj, const char *key, const char *fallback)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : fallback;
}

void render_users_table(FILE *out, const json_t *users)
{
	int with_email = 0;
	json_t *u;
	size_t i;

	/* the e-mail column only when it was fetched (user list --email) */
	json_array_foreach(users, i, u) with_email |= json_object_get(u, "email") != NULL;
	fprintf(out, "%-24s %-28s %-5s %-6s%s\n", "ID", "DISPLAY NAME", "ADMIN", "ACTIVE",
		with_email ? " EMAIL" : "");
	json_array_foreach(users, i, u)
	{
		fprintf(out, "%-24s %-28s %-5s %-6s", str_or(u, "id", "?"), str_or(u, "display_name", "-"),
			json_is_true(json_object_get(u, "admin")) ? "yes" : "no",
			json_is_true(json_object_get(u, "active")) ? "yes" : "no");
		if (with_email)
			fprintf(out, " %s", str_or(u, "email", "-"));
		fputc('\n', out);
	}
}

void render_fields(FILE *out, const json_t *obj)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		char *text = json_is_string(v) || json_is_null(v)
				 ? NULL
				 : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		fprintf(out, "%-14s %s\n", key, text ? text : json_is_null(v) ? "-" : json_string_value(v));
		free(text);
	}
}

void render_tokens_table(FILE *out, const json_t *tokens)
{
	json_t *t;
	size_t i;

	fprintf(out, "%-32s %-9s %-6s %s\n", "NAME", "USES", "USED", "EXPIRES");
	json_array_foreach(tokens, i, t)
	{
		char uses[32];
		const json_t *u = json_object_get(t, "uses");

		if (json_is_integer(u))
			snprintf(uses, sizeof(uses), "%" JSON_INTEGER_FORMAT, json_integer_value(u));
		else
			strcpy(uses, "unlimited");
		fprintf(out, "%-32s %-9s %-6" JSON_INTEGER_FORMAT " %s\n", str_or(t, "name", "?"), uses,
			json_integer_value(json_object_get(t, "used")), str_or(t, "expires", "never"));
	}
}

static int by_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *sorted_values(const json_t *obj)
{
	const char **keys = calloc(json_object_size(obj) + 1, sizeof(*keys));
	json_t *out = json_array(), *v;
	const char *k;
	size_t n = 0;

	if (keys == NULL)
		return out;
	json_object_foreach((json_t *)obj, k, v) keys[n++] = k;
	qsort(keys, n, sizeof(*keys), by_key);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, json_object_get(obj, keys[i]));
	free(keys);
	return out;
}
