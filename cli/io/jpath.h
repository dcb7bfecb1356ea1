/* Paths that name a place inside a policy document, as users read them: users.list[2].email.
 * The YAML loader records positions under these paths and the validator reports errors with them,
 * so both must build them the same way: through these two functions. The root is "". */
#ifndef MSGADM_JPATH_H
#define MSGADM_JPATH_H

#include <stddef.h>

/* Writes parent + ".key" (or "key" at the root) into out. A key that is not [A-Za-z0-9_-]+ is
 * written as ["key"] with '"' and '\' escaped. Truncates safely at outsz. */
void jpath_key(char *out, size_t outsz, const char *parent, const char *key);
/* Writes parent + "[index]" into out. */
void jpath_index(char *out, size_t outsz, const char *parent, size_t index);

#endif
