/* Whole files (see wholefile.h). */
#include "wholefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/exitcode.h"

int wholefile_read_fd(int fd, const char *name, size_t max, unsigned char **data, size_t *len, mode_t *mode,
		      struct msg_err *err)
{
	unsigned char *buf = NULL;
	struct stat st;
	size_t got = 0;
	ssize_t n;

	/* the descriptor's own status: the file checked is the file read */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return err_set(err, EXIT_DATAERR, "%s: not a regular file", name);
	if ((size_t)st.st_size > max)
		return err_set(err, EXIT_DATAERR, "%s: larger than %zu bytes", name, max);
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	/* read one byte past st_size: a file that grows meanwhile is refused, not cut */
	do {
		n = read(fd, buf + got, (size_t)st.st_size + 1 - got);
		if (n > 0)
			got += (size_t)n;
	} while ((n > 0 || (n < 0 && errno == EINTR)) && got < (size_t)st.st_size + 1);
	if (n < 0 || got != (size_t)st.st_size) {
		int saved = n < 0 ? errno : 0;

		explicit_bzero(buf, got); /* it may be a key */
		free(buf);
		if (saved != 0)
			return err_set(err, EXIT_NOINPUT, "%s: %s", name, strerror(saved));
		return err_set(err, EXIT_DATAERR, "%s: changed while it was read", name);
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	if (mode != NULL)
		*mode = st.st_mode;
	return 0;
}

int wholefile_read(const char *path, size_t max, unsigned char **data, size_t *len, mode_t *mode,
		   struct msg_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return err_set(err, EXIT_NOINPUT, "%s: %s", path, strerror(errno));
	rc = wholefile_read_fd(fd, path, max, data, len, mode, err);
	close(fd);
	return rc;
}

int wholefile_create(const char *path, mode_t mode, const void *data, size_t len, struct msg_err *err)
{
	/* O_EXCL with O_CREAT also refuses a symbolic link, dangling or not: nothing is written through one
	 */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	const char *p = data;
	size_t done = 0;
	ssize_t n;
	int saved;

	if (fd < 0 && errno == EEXIST)
		return err_set(err, EXIT_FAILURE_,
			       "%s already exists; not overwritten (remove it first or choose another name)",
			       path);
	if (fd < 0)
		return err_set(err, EXIT_FAILURE_, "%s: cannot create: %s", path, strerror(errno));
	while (done < len) {
		n = write(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	saved = done < len ? (errno ? errno : EIO) : 0;
	if (close(fd) != 0 && saved == 0)
		saved = errno;
	if (saved != 0) {
		unlink(path);
		return err_set(err, EXIT_FAILURE_, "%s: cannot write: %s", path, strerror(saved));
	}
	return 0;
}
