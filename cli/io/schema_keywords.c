/* The cache of schema_keywords.h: an open-addressing table by node address, at most half full. */
#include "schema_keywords.h"

#include <stdint.h>
#include <stdlib.h>

struct slot {
	const json_t *schema; /* NULL: free */
	struct schema_keywords *kw;
};

struct schema_keywords_cache {
	struct slot *slots;
	size_t count, size; /* size: a power of two */
};

struct schema_keywords_cache *schema_keywords_cache_new(void)
{
	return calloc(1, sizeof(struct schema_keywords_cache));
}

void schema_keywords_cache_free(struct schema_keywords_cache *cache)
{
	if (cache == NULL)
		return;
	for (size_t i = 0; i < cache->size; i++)
		free(cache->slots[i].kw);
	free(cache->slots);
	free(cache);
}

static void fill(struct schema_keywords *kw, const json_t *s)
{
	*kw = (struct schema_keywords){
	    .ref = json_object_get(s, "$ref"),
	    .type = json_object_get(s, "type"),
	    .const_value = json_object_get(s, "const"),
	    .enum_values = json_object_get(s, "enum"),
	    .bounds = {json_object_get(s, "minimum"), json_object_get(s, "maximum"),
		       json_object_get(s, "exclusiveMinimum"), json_object_get(s, "exclusiveMaximum")},
	    .multiple_of = json_object_get(s, "multipleOf"),
	    .min_length = json_object_get(s, "minLength"),
	    .max_length = json_object_get(s, "maxLength"),
	    .pattern = json_object_get(s, "pattern"),
	    .format = json_object_get(s, "format"),
	    .prefix_items = json_object_get(s, "prefixItems"),
	    .items = json_object_get(s, "items"),
	    .min_items = json_object_get(s, "minItems"),
	    .max_items = json_object_get(s, "maxItems"),
	    .unique_items = json_object_get(s, "uniqueItems"),
	    .properties = json_object_get(s, "properties"),
	    .additional = json_object_get(s, "additionalProperties"),
	    .pattern_properties = json_object_get(s, "patternProperties"),
	    .required = json_object_get(s, "required"),
	    .property_names = json_object_get(s, "propertyNames"),
	    .min_properties = json_object_get(s, "minProperties"),
	    .max_properties = json_object_get(s, "maxProperties"),
	    .all_of = json_object_get(s, "allOf"),
	    .any_of = json_object_get(s, "anyOf"),
	    .one_of = json_object_get(s, "oneOf"),
	    .not_schema = json_object_get(s, "not"),
	    .if_schema = json_object_get(s, "if"),
	    .then_schema = json_object_get(s, "then"),
	    .else_schema = json_object_get(s, "else"),
	    .error_message = json_object_get(s, "errorMessage"),
	};
}

static size_t slot_of(const struct schema_keywords_cache *cache, const json_t *schema)
{
	uintptr_t h = (uintptr_t)schema;
	size_t s;

	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15u;
	for (s = (size_t)(h >> 7) & (cache->size - 1);
	     cache->slots[s].schema != NULL && cache->slots[s].schema != schema;
	     s = (s + 1) & (cache->size - 1))
		;
	return s;
}

static int grow(struct schema_keywords_cache *cache)
{
	struct schema_keywords_cache bigger = {.size = cache->size ? cache->size * 2 : 64};

	if ((bigger.slots = calloc(bigger.size, sizeof(*bigger.slots))) == NULL)
		return -1;
	for (size_t i = 0; i < cache->size; i++)
		if (cache->slots[i].schema != NULL)
			bigger.slots[slot_of(&bigger, cache->slots[i].schema)] = cache->slots[i];
	free(cache->slots);
	cache->slots = bigger.slots;
	cache->size = bigger.size;
	return 0;
}

struct schema_keywords *schema_keywords_of(struct schema_keywords_cache *cache, const json_t *schema,
					   struct schema_keywords *spare)
{
	struct schema_keywords *kw;
	size_t s;

	if (cache == NULL || ((cache->count + 1) * 2 > cache->size && grow(cache) != 0))
		goto uncached;
	s = slot_of(cache, schema);
	if (cache->slots[s].schema != NULL)
		return cache->slots[s].kw;
	if ((kw = malloc(sizeof(*kw))) == NULL)
		goto uncached;
	fill(kw, schema);
	cache->slots[s] = (struct slot){schema, kw};
	cache->count++;
	return kw;
uncached:
	fill(spare, schema);
	return spare;
}
