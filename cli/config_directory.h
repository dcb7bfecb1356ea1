/* The contexts file's `directories:` (msgadm-config(5)): where the directories a policy names are,
 * and their bind passwords (a 0600 file, judged on the descriptor read, or an environment variable). */
#ifndef MSGADM_CONFIG_DIRECTORY_H
#define MSGADM_CONFIG_DIRECTORY_H

#include "config.h"
#include "directory/directory.h"

/* The directory called name, or EXIT_CONFIG naming those there are. Its strings are the file's. */
int config_directory(const struct config *cfg, const char *name, struct directory_profile *out,
		     struct msg_err *err);
/* The names of the directories the file lists, as a new array of strings (for completion). */
json_t *config_directory_names(const struct config *cfg);
/* The profile's bind password (file or variable), trimmed of surrounding white space, or NULL for an
 * anonymous bind (no bind_dn). The caller wipes (explicit_bzero) and frees it. */
int config_directory_password(const struct directory_profile *p, char **password, struct msg_err *err);

#endif
