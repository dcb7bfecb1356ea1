/* A value written exactly as json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS) writes it, to a
 * jansson dump callback: the form the plan's state digest is taken of. Faster than jansson's own for
 * large objects: each object's members are sorted once from one pass over them, where jansson looks
 * every sorted key up again in the object. */
#ifndef MSGADM_JSON_COMPACT_H
#define MSGADM_JSON_COMPACT_H

#include <jansson.h>

/* 0, or -1 when the callback fails, memory runs out or a string is not UTF-8 (as jansson fails). */
int json_compact_sorted_dump(const json_t *value, json_dump_callback_t put, void *data);

#endif
