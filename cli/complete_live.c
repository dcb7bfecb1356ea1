/* Server values for completion: asked through a session, read and written through the cache. */
#include "complete_live.h"

#include <stdlib.h>
#include <string.h>

#include "exitcode.h"

static int by_string(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* The strings of list (an array of them, or an object's keys), sorted; a new reference, or NULL when
 * out of memory. */
static json_t *sorted_names(const json_t *list)
{
	size_t n = json_is_array(list) ? json_array_size(list) : json_object_size(list), i = 0;
	json_t **names = calloc(n + 1, sizeof(*names)), *out = json_array(), *v;
	const char *key;

	if (names == NULL || out == NULL) {
		free(names);
		json_decref(out);
		return NULL;
	}
	if (json_is_array(list)) {
		json_array_foreach(list, i, v)
		{
			names[i] = json_incref(v);
		}
	} else {
		json_object_foreach((json_t *)list, key, v)
		{
			names[i++] = json_string(key);
		}
	}
	qsort(names, n, sizeof(*names), by_string);
	for (i = 0; i < n; i++)
		json_array_append_new(out, names[i]);
	free(names);
	return out;
}

int complete_fetch(struct session *s, const char *hint, json_t **names, struct msg_err *err)
{
	const struct driver *d = s->driver;
	json_t *found = NULL;
	int rc = -1;

	if (strcmp(hint, "room") == 0 && d->list_room_names != NULL)
		rc = d->list_room_names(s, &found, err);
	else if (strcmp(hint, "user") == 0 && d->list_users != NULL)
		rc = d->list_users(s, NULL, &found, err);
	else if (strcmp(hint, "token") == 0 && d->list_tokens != NULL)
		rc = d->list_tokens(s, &found, err);
	else
		return err_set(err, EXIT_FAILURE_, "%s: no list of %s names on this server", d->name, hint);
	if (rc == 0 && (*names = sorted_names(found)) == NULL)
		rc = err_set(err, EXIT_FAILURE_, "out of memory");
	json_decref(found);
	return rc;
}

json_t *complete_live(const struct context *ctx, const char *hint, complete_open_fn open, void *data)
{
	struct msg_err err = {0};
	struct session *s;
	json_t *names = complete_cache_get(ctx, hint);

	if (names != NULL)
		return names;
	if (open(data, ctx, &s) != 0 || complete_fetch(s, hint, &names, &err) != 0)
		return NULL;
	complete_cache_put(ctx, hint, names);
	return names;
}
