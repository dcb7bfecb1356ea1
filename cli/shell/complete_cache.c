/* The completion cache on disk; what it holds, where and for how long is in complete_live.h. */
#include "complete_live.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/xdg.h"

/* Whether the names of hint may be kept: not a type's whose keys are secrets (invite tokens: whoever
 * knows one may register). A hint is a type's name or "room". */
static bool kept(const char *hint)
{
	const struct resource_type *t = resource_named(NULL, hint);

	return t != NULL ? !(t->flags & RESOURCE_SECRET_KEYS) : strcmp(hint, "room") == 0;
}

/* ".../msgadm/user-prod.json"; NULL when no place is known (a context name holds no '/'). */
static char *cache_file(const struct context *ctx, const char *hint)
{
	char name[256];

	if (strchr(ctx->name, '/') != NULL ||
	    (size_t)snprintf(name, sizeof(name), "%s-%s.json", hint, ctx->name) >= sizeof(name))
		return NULL;
	return xdg_file("XDG_CACHE_HOME", ".cache", name);
}

static bool same(const json_t *doc, const char *key, const char *value)
{
	const char *s = json_string_value(json_object_get(doc, key));

	return s != NULL && value != NULL && strcmp(s, value) == 0;
}

/* Whether doc holds names of ctx's server (as ctx now names it), written less than
 * COMPLETE_CACHE_SECONDS ago. */
static bool fresh_for(const json_t *doc, const struct context *ctx)
{
	const json_t *at = json_object_get(doc, "time"), *names = json_object_get(doc, "names"), *v;
	json_int_t now = (json_int_t)time(NULL);
	size_t i;

	if (!same(doc, "driver", ctx->driver) || !same(doc, "url", ctx->url) ||
	    !same(doc, "server", ctx->server) || !json_is_integer(at) || json_integer_value(at) > now ||
	    now - json_integer_value(at) >= COMPLETE_CACHE_SECONDS || !json_is_array(names))
		return false;
	json_array_foreach(names, i, v)
	{
		if (!json_is_string(v))
			return false;
	}
	return true;
}

json_t *complete_cache_get(const struct context *ctx, const char *hint)
{
	char *path = kept(hint) ? cache_file(ctx, hint) : NULL;
	json_t *doc = NULL, *names = NULL;
	struct stat st;
	int fd;

	if (path == NULL)
		return NULL;
	/* only a private file of our own: another may have been put there to feed us names */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 077) == 0)
		doc = json_loadfd(fd, JSON_REJECT_DUPLICATES, NULL);
	if (fd >= 0)
		close(fd);
	if (doc != NULL && fresh_for(doc, ctx))
		names = json_incref(json_object_get(doc, "names"));
	json_decref(doc);
	free(path);
	return names;
}

void complete_cache_put(const struct context *ctx, const char *hint, const json_t *names)
{
	char *path = kept(hint) ? cache_file(ctx, hint) : NULL, *tmp = NULL;
	json_t *doc = NULL;
	bool ok;
	int fd;

	if (path == NULL || asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		goto done;
	}
	doc = json_pack("{s:s,s:s,s:s,s:s,s:I,s:O}", "context", ctx->name, "driver", ctx->driver, "url",
			ctx->url, "server", ctx->server, "time", (json_int_t)time(NULL), "names", names);
	/* mkstemp makes the file 0600; rename puts it in place whole */
	if (doc == NULL || xdg_private_dirs(path) != 0 || (fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		goto done;
	ok = json_dumpfd(doc, fd, JSON_COMPACT) == 0;
	if (close(fd) != 0)
		ok = false;
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
done:
	json_decref(doc);
	free(tmp);
	free(path);
}

static void forget(const struct context *ctx, const char *hint)
{
	char *path = kept(hint) ? cache_file(ctx, hint) : NULL;

	if (path != NULL)
		unlink(path);
	free(path);
}

void complete_cache_forget(const struct context *ctx)
{
	for (size_t i = 0; resource_types[i] != NULL; i++)
		forget(ctx, resource_types[i]->name);
	forget(ctx, "room");
}
