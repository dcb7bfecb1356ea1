/* The keywords of one schema node, looked up once per validation (schema.c): a policy of 100,000
 * users applies the same few nodes half a million times, and each of some thirty keywords was a hash
 * lookup every time. Borrowed from the schema, which outlives the cache. */
#ifndef MSGADM_SCHEMA_KEYWORDS_H
#define MSGADM_SCHEMA_KEYWORDS_H

#include <jansson.h>
#include <stdbool.h>

struct schema_keywords {
	const json_t *ref, *type, *const_value, *enum_values;
	const json_t *bounds[4]; /* minimum, maximum, exclusiveMinimum, exclusiveMaximum */
	const json_t *multiple_of, *min_length, *max_length, *pattern, *format;
	const json_t *prefix_items, *items, *min_items, *max_items, *unique_items;
	const json_t *properties, *additional, *pattern_properties, *required, *property_names;
	const json_t *min_properties, *max_properties;
	const json_t *all_of, *any_of, *one_of, *not_schema, *if_schema, *then_schema, *else_schema;
	const json_t *error_message;
	/* where ref leads, once schema.c has resolved it (NULL: it cannot be) */
	bool ref_resolved;
	const json_t *ref_target;
};

struct schema_keywords_cache;

/* NULL when out of memory (schema_keywords_of then fills spare each time); _free(NULL) does nothing. */
struct schema_keywords_cache *schema_keywords_cache_new(void);
void schema_keywords_cache_free(struct schema_keywords_cache *cache);

/* The keywords of schema (an object): the cached ones, or spare filled in when cache is NULL or
 * memory runs out. */
struct schema_keywords *schema_keywords_of(struct schema_keywords_cache *cache, const json_t *schema,
					   struct schema_keywords *spare);

#endif
