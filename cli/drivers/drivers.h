/* The drivers this build has: the only place that knows which exist. */
#ifndef MSGADM_DRIVERS_H
#define MSGADM_DRIVERS_H

#include "engine/driver.h"

/* The driver called name, or NULL. */
const struct driver *driver_find(const char *name);
/* Every driver, ending with NULL. */
extern const struct driver *const drivers[];

extern const struct driver drv_synapse;
extern const struct driver drv_ejabberd;

#endif
