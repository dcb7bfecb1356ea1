/* Server values for completion: asked through a session, read and written through the cache. */
#include "complete_live.h"

#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "io/json_sort.h"

int complete_fetch(struct session *s, const char *hint, json_t **names, struct msg_err *err)
{
	const struct driver *d = s->driver;
	/* a hint is a type's name (its keys), or "room" */
	const struct resource_type *t = resource_named(d, hint);
	const struct resource_ops *ops = t ? driver_resource(d, t) : NULL;
	json_t *found = NULL;
	int rc = -1;

	if (strcmp(hint, "room") == 0 && d->list_room_names != NULL)
		rc = d->list_room_names(s, &found, err);
	else if (ops != NULL && ops->list != NULL)
		rc = ops->list(s, NULL, &found, err);
	else
		return err_set(err, EXIT_FAILURE_, "%s: no list of %s names on this server", d->name, hint);
	/* a list of names, or an object keyed by them (users, tokens) */
	if (rc == 0 &&
	    (*names = json_is_object(found) ? json_sorted_keys(found) : json_sorted_strings(found)) == NULL)
		rc = err_set(err, EXIT_PROTOCOL, "%s: the %s names read are not all strings", d->name, hint);
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
