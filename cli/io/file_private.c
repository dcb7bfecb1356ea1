/* Private and trusted files, checked on the descriptor that was opened (see file_private.h). */
#include "file_private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int file_private_check(const char *path, mode_t mode, const struct file_private *how, struct msg_err *err)
{
	const char *name = how->name ? how->name : path;

	if ((mode & how->refuse) == 0)
		return 0;
	if (how->exposed != NULL)
		return err_set(err, how->status, how->exposed, name, path);
	return err_set(err, how->status, "%s is %s by group or others; fix with: chmod 600 %s", name,
		       how->refuse & (S_IRGRP | S_IROTH) ? "readable" : "writable", path);
}

int file_private_open(const char *path, const struct file_private *how, struct msg_err *err)
{
	const char *name = how->name ? how->name : path;
	const char *suffix = how->suffix ? how->suffix : "";
	struct stat st;
	int fd, saved;

	fd = open(path, how->flags | O_CLOEXEC, how->create_mode);
	if (fd < 0) {
		saved = errno;
		if (saved == ENOENT && how->missing_ok)
			return FILE_PRIVATE_MISSING;
		if (saved == ELOOP && (how->flags & O_NOFOLLOW))
			return err_set(err, how->status, "%s: is a symbolic link%s", name, suffix);
		return err_set(err,
			       saved == ENOENT && how->missing_status ? how->missing_status : how->status,
			       "%s: %s%s", name, strerror(saved), suffix);
	}
	/* the descriptor's own status, not the path's: whatever the path names by now is not read */
	if (fstat(fd, &st) != 0 || (how->regular && !S_ISREG(st.st_mode))) {
		close(fd);
		return err_set(err, how->status, "%s: not a regular file%s", name, suffix);
	}
	if (file_private_check(path, st.st_mode, how, err) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}
