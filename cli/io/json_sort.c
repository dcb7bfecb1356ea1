/* Sorted views of JSON values (see json_sort.h). */
#include "json_sort.h"

#include <stdlib.h>
#include <string.h>

static int by_text(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* items (n strings, borrowed) sorted into a new array. */
static json_t *sorted_array(json_t **items, size_t n)
{
	json_t *out = json_array();

	qsort(items, n, sizeof(*items), by_text);
	for (size_t i = 0; out != NULL && i < n; i++)
		if (json_array_append(out, items[i]) != 0) {
			json_decref(out);
			return NULL;
		}
	return out;
}

json_t *json_sorted_strings(const json_t *list)
{
	size_t n = json_array_size(list), i;
	json_t **items = calloc(n + 1, sizeof(*items)), *out = NULL, *v;

	if (items == NULL)
		return NULL;
	json_array_foreach(list, i, v)
	{
		if (!json_is_string(v))
			goto done;
		items[i] = v;
	}
	out = sorted_array(items, n);
done:
	free(items);
	return out;
}

json_t *json_sorted_keys(const json_t *obj)
{
	size_t n = 0, i;
	json_t **items = calloc(json_object_size(obj) + 1, sizeof(*items)), *out = NULL, *v;
	const char *key;

	if (items == NULL)
		return NULL;
	json_object_foreach((json_t *)obj, key, v)
	{
		if ((items[n] = json_string(key)) == NULL)
			goto done;
		n++;
	}
	out = sorted_array(items, n);
done:
	for (i = 0; i < n; i++)
		json_decref(items[i]);
	free(items);
	return out;
}

json_t *json_sorted_values(const json_t *obj)
{
	json_t *keys = json_sorted_keys(obj), *out = json_array(), *k;
	size_t i;

	json_array_foreach(keys, i, k) json_array_append(out, json_object_get(obj, json_string_value(k)));
	json_decref(keys);
	return out;
}
