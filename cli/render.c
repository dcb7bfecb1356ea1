/* Text renderings of canonical resources, shared by the imperative commands. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "table.h"

static const char *str_or(const json_t *obj, const char *key, const char *fallback)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : fallback;
}

void render_users_table(FILE *out, const json_t *users)
{
	static const char *const with_email_column[] = {"ID",	  "DISPLAY NAME", "ADMIN",
							"ACTIVE", "EMAIL",	  NULL};
	static const char *const without_email_column[] = {"ID", "DISPLAY NAME", "ADMIN", "ACTIVE", NULL};
	struct table *t;
	int with_email = 0;
	json_t *u;
	size_t i;

	/* the e-mail column only when it was fetched (user list --email) */
	json_array_foreach(users, i, u) with_email |= json_object_get(u, "email") != NULL;
	t = table_new(with_email ? with_email_column : without_email_column);
	json_array_foreach(users, i, u)
	{
		const json_t *admin = json_object_get(u, "admin");
		/* a server that keeps admins in its configuration may not say: "-", never a guess */
		const char *row[] = {str_or(u, "id", "?"), str_or(u, "display_name", "-"),
				     admin == NULL	   ? "-"
				     : json_is_true(admin) ? "yes"
							   : "no",
				     json_is_true(json_object_get(u, "active")) ? "yes" : "no",
				     str_or(u, "email", "-")};

		table_add(t, row);
	}
	table_print(out, t);
	table_free(t);
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
	static const char *const headers[] = {"NAME", ">USES", ">USED", "EXPIRES", NULL};
	struct table *t = table_new(headers);
	json_t *tok;
	size_t i;

	json_array_foreach(tokens, i, tok)
	{
		char uses[32], used[32];
		const json_t *u = json_object_get(tok, "uses");

		if (json_is_integer(u))
			snprintf(uses, sizeof(uses), "%" JSON_INTEGER_FORMAT, json_integer_value(u));
		else
			strcpy(uses, "unlimited");
		snprintf(used, sizeof(used), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(tok, "used")));
		table_add(t, (const char *const[]){str_or(tok, "name", "?"), uses, used,
						   str_or(tok, "expires", "never")});
	}
	table_print(out, t);
	table_free(t);
}
