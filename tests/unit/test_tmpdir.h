/* A directory of its own for each test that writes files: made by make_dir (cmocka setup, with the
 * umask at 022 so that modes are what the test sets), removed by remove_dir (teardown); in_dir
 * names a file in it. Define TEST_TMPDIR (the directory's prefix) before including. */
#ifndef MSGADM_TEST_TMPDIR_H
#define MSGADM_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static char dir[256];

static inline int make_dir(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	umask(022);
	snprintf(dir, sizeof(dir), "%s/" TEST_TMPDIR ".XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static inline int remove_dir(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static inline const char *in_dir(const char *name)
{
	static char paths[4][300];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, 300, "%s/%s", dir, name);
	return p;
}

#endif
