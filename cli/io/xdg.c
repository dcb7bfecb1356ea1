/* msgadm's own files in the XDG base directories; see xdg.h. */
#include "xdg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *xdg_file(const char *var, const char *home_dir, const char *name)
{
	const char *base = getenv(var), *home = getenv("HOME");
	char *path;

	if (base != NULL && base[0] == '/')
		return asprintf(&path, "%s/msgadm/%s", base, name) < 0 ? NULL : path;
	if (home == NULL || home[0] == '\0')
		return NULL;
	return asprintf(&path, "%s/%s/msgadm/%s", home, home_dir, name) < 0 ? NULL : path;
}

int xdg_private_dirs(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	struct stat st;
	int rc = 0;

	if (slash == NULL || slash == path)
		return 0;
	if ((dir = strndup(path, (size_t)(slash - path))) == NULL)
		return -1;
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*p = c;
		if (rc != 0 || c == '\0')
			break;
	}
	if (rc != 0 || lstat(dir, &st) != 0)
		rc = -1;
	else if (!S_ISDIR(st.st_mode))
		rc = -1, errno = ENOTDIR;
	else if ((st.st_mode & 077) != 0 && st.st_uid != geteuid())
		rc = -1, errno = EPERM;
	else if ((st.st_mode & 077) != 0 && chmod(dir, 0700) != 0)
		rc = -1;
	free(dir);
	return rc;
}
