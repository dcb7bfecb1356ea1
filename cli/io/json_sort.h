/* Sorted views of JSON values, for output and comparisons that must not depend on the order a
 * server or a hash table gave. Byte order (strcmp), so the result is the same on every machine. */
#ifndef MSGADM_JSON_SORT_H
#define MSGADM_JSON_SORT_H

#include <jansson.h>

/* The strings of an array, sorted: a new array, or NULL when one item is not a string (or out of
 * memory). */
json_t *json_sorted_strings(const json_t *list);
/* An object's keys, sorted: a new array of strings (empty for anything but an object), NULL when out
 * of memory. */
json_t *json_sorted_keys(const json_t *obj);
/* An object's values in the order of their keys: a new array holding references to them. */
json_t *json_sorted_values(const json_t *obj);

#endif
