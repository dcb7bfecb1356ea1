/* What a driver serves and how far: its resources and its capability table. */
#include "driver.h"

#include <string.h>

const struct resource_ops *driver_resource(const struct driver *d, const struct resource_type *t)
{
	for (const struct resource_ops *o = d->resources; o && o->type; o++)
		if (o->type == t)
			return o;
	return NULL;
}

const struct resource_ops *driver_resource_of(const struct driver *d, const json_t *change)
{
	const struct resource_type *t = resource_named(d, change_type(change));

	return t ? driver_resource(d, t) : NULL;
}

size_t driver_policy_types(const struct driver *d, const struct resource_type **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; resource_types[i] != NULL && n < max; i++)
		out[n++] = resource_types[i];
	for (const struct resource_ops *o = d ? d->resources : NULL; o && o->type && n < max; o++) {
		bool listed = o->type->expand == NULL;

		for (size_t i = 0; i < n && !listed; i++)
			listed = out[i] == o->type;
		if (!listed)
			out[n++] = o->type;
	}
	return n;
}

static bool has_rooms(const struct driver *d)
{
	return d->list_rooms != NULL && d->get_room != NULL;
}

static bool has_event_reports(const struct driver *d)
{
	return d->list_event_reports != NULL;
}

static bool has_retention(const struct driver *d)
{
	return d->enforce_retention != NULL;
}

static const struct {
	const char *name, *what;
	bool (*has)(const struct driver *d);
} features[] = {
    {"rooms", "rooms", has_rooms},
    {"event-reports", "event reports", has_event_reports},
    {"retention", "retention purges", has_retention},
};

bool driver_offers(const struct driver *d, const char *need, const char **what)
{
	const struct resource_type *t = resource_named(d, need);

	if (t != NULL) {
		*what = t->plural;
		return driver_resource(d, t) != NULL;
	}
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		if (strcmp(features[i].name, need) == 0) {
			*what = features[i].what;
			return features[i].has(d);
		}
	}
	*what = need;
	return false;
}

bool driver_lists_capability(const struct driver *d, const char *path)
{
	for (const struct capability *c = d->capabilities; c && c->path; c++)
		if (strcmp(c->path, path) == 0)
			return true;
	return false;
}

enum capability_level driver_capability(const struct driver *d, const char *path, const char **note)
{
	for (const struct capability *c = d->capabilities; c && c->path; c++) {
		if (strcmp(c->path, path) == 0) {
			if (note)
				*note = c->note;
			return c->level;
		}
	}
	if (note)
		*note = NULL;
	return CAP_UNSUPPORTED;
}

enum capability_level session_capability(const struct session *s, const char *path, const char **note)
{
	const char *table_note = NULL;
	enum capability_level level = driver_capability(s->driver, path, &table_note);

	if (s->driver->context_capability != NULL)
		level = s->driver->context_capability(s->context, path, level, &table_note);
	if (note)
		*note = table_note;
	return level;
}

const char *capability_level_name(enum capability_level level)
{
	switch (level) {
	case CAP_MANAGED:
		return "managed";
	case CAP_OBSERVED:
		return "observed only";
	case CAP_CONFIG:
		return "config-managed";
	case CAP_UNSUPPORTED:
		break;
	}
	return "unsupported";
}
