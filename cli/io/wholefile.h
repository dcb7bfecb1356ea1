/* Whole files: read one into memory, or create a new one in one go. For what msgadm must read
 * byte for byte (snapshots, signatures, keys) and must never overwrite (keys, snapshots,
 * signatures). */
#ifndef MSGADM_WHOLEFILE_H
#define MSGADM_WHOLEFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "base/msg_err.h"

/* *data gets a malloc'd copy of the file plus a NUL byte (not counted in *len), and *mode (unless
 * mode is NULL) the permissions of the file that was read. Refuses anything but a regular file and
 * files larger than max bytes. Errors: EXIT_NOINPUT (missing, unreadable), EXIT_DATAERR (too large,
 * not a regular file). The caller wipes a secret's bytes before freeing them. */
int wholefile_read(const char *path, size_t max, unsigned char **data, size_t *len, mode_t *mode,
		   struct msg_err *err);
/* The same from a descriptor the caller opened (and checked, see file_private.h) and still owns; name
 * stands for the file in messages. */
int wholefile_read_fd(int fd, const char *name, size_t max, unsigned char **data, size_t *len, mode_t *mode,
		      struct msg_err *err);

/* Creates path with mode (less the umask) and writes data; refuses (EXIT_FAILURE_) when path exists,
 * even as a dangling symbolic link. On a failed write the partial file is removed. */
int wholefile_create(const char *path, mode_t mode, const void *data, size_t len, struct msg_err *err);

#endif
