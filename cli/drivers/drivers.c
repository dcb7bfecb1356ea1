/* The driver registry. */
#include "drivers.h"

#include <string.h>

const struct driver *const drivers[] = {&drv_synapse, &drv_ejabberd, NULL};

const struct driver *driver_find(const char *name)
{
	for (size_t i = 0; drivers[i] != NULL; i++)
		if (strcmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}
