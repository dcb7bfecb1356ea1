/* Tests of cli/io/file_private.c: each refusal and its message, symbolic links with and without
 * O_NOFOLLOW, creation with a mode, a missing file, and that the descriptor returned is the file that
 * was checked even when the path is replaced afterwards. Each test works in a fresh directory under
 * $TMPDIR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "io/file_private.h"

#define TEST_TMPDIR "msgadm-file-private"
#include "test_tmpdir.h"

/* Writes text to a new file at path, then gives it mode. */
static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* What the descriptor reads, to its end; closes it. */
static const char *read_all(int fd)
{
	static char buf[256];
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

static const struct file_private secret = {
    .flags = O_RDONLY,
    .regular = true,
    .refuse = FILE_PRIVATE_SECRET,
    .status = EXIT_CONFIG,
};

static void test_private_file_opens_and_reads(void **state)
{
	struct msg_err err = {0};
	int fd;

	(void)state;
	write_file(in_dir("token"), "s3cret\n", 0600);
	fd = file_private_open(in_dir("token"), &secret, &err);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC); /* never leaks into a child */
	assert_string_equal(read_all(fd), "s3cret\n");
	assert_string_equal(err.text, "");
}

/* A secret: any permission bit for group or others refuses it, with the default message. */
static void test_secret_with_group_or_other_bits_is_refused(void **state)
{
	static const mode_t modes[] = {0640, 0604, 0620, 0602, 0610, 0601};
	const struct file_private named = {
	    .name = "context prod: token file T",
	    .flags = O_RDONLY,
	    .regular = true,
	    .refuse = FILE_PRIVATE_SECRET,
	    .status = EXIT_CONFIG,
	};
	struct msg_err err = {0};
	char want[600];

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		write_file(in_dir("token"), "s3cret\n", modes[i]);
		err_clear(&err);
		assert_int_equal(file_private_open(in_dir("token"), &secret, &err), -1);
		assert_int_equal(err.status, EXIT_CONFIG);
		snprintf(want, sizeof(want), "%s is readable by group or others; fix with: chmod 600 %s",
			 in_dir("token"), in_dir("token"));
		assert_string_equal(err.text, want);
		/* the caller's name for the file, and the path in the fix */
		assert_int_equal(file_private_open(in_dir("token"), &named, &err), -1);
		snprintf(want, sizeof(want),
			 "context prod: token file T is readable by group or others; fix with: chmod 600 %s",
			 in_dir("token"));
		assert_string_equal(err.text, want);
	}
}

/* A trusted file may be read by anyone but written only by its owner. */
static void test_trusted_file_refused_only_when_writable(void **state)
{
	const struct file_private trusted = {
	    .flags = O_RDONLY,
	    .refuse = FILE_PRIVATE_TRUSTED,
	    .status = EXIT_FAILURE_,
	};
	const struct file_private worded = {
	    .flags = O_RDONLY,
	    .refuse = FILE_PRIVATE_TRUSTED,
	    .status = EXIT_CONFIG,
	    .exposed = "%s: is writable by group or others; fix with: chmod go-w %s",
	};
	struct msg_err err = {0};
	char want[600];

	(void)state;
	write_file(in_dir("config.yaml"), "contexts: []\n", 0644);
	assert_string_equal(read_all(file_private_open(in_dir("config.yaml"), &trusted, &err)),
			    "contexts: []\n");
	assert_int_equal(chmod(in_dir("config.yaml"), 0664), 0);
	assert_int_equal(file_private_open(in_dir("config.yaml"), &trusted, &err), -1);
	assert_int_equal(err.status, EXIT_FAILURE_);
	snprintf(want, sizeof(want), "%s is writable by group or others; fix with: chmod 600 %s",
		 in_dir("config.yaml"), in_dir("config.yaml"));
	assert_string_equal(err.text, want);
	assert_int_equal(chmod(in_dir("config.yaml"), 0646), 0);
	assert_int_equal(file_private_open(in_dir("config.yaml"), &worded, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	snprintf(want, sizeof(want), "%s: is writable by group or others; fix with: chmod go-w %s",
		 in_dir("config.yaml"), in_dir("config.yaml"));
	assert_string_equal(err.text, want);
}

static void test_not_a_regular_file(void **state)
{
	const struct file_private any_kind = {.flags = O_RDONLY, .refuse = FILE_PRIVATE_TRUSTED};
	const struct file_private suffixed = {
	    .flags = O_RDONLY,
	    .regular = true,
	    .status = EXIT_FAILURE_,
	    .suffix = "; nothing was changed",
	};
	struct msg_err err = {0};
	char want[600];
	int fd;

	(void)state;
	assert_int_equal(mkdir(in_dir("d"), 0700), 0);
	assert_int_equal(file_private_open(in_dir("d"), &secret, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	snprintf(want, sizeof(want), "%s: not a regular file", in_dir("d"));
	assert_string_equal(err.text, want);
	assert_int_equal(file_private_open(in_dir("d"), &suffixed, &err), -1);
	assert_int_equal(err.status, EXIT_FAILURE_);
	snprintf(want, sizeof(want), "%s: not a regular file; nothing was changed", in_dir("d"));
	assert_string_equal(err.text, want);
	/* only when asked: a caller that reads a directory learns so from read(2) */
	fd = file_private_open(in_dir("d"), &any_kind, &err);
	assert_true(fd >= 0);
	close(fd);
}

/* Without O_NOFOLLOW a link is followed and the file it names is judged (not the link, whose own
 * mode is 0777); with it the link itself is refused, whatever it names. */
static void test_symbolic_links(void **state)
{
	const struct file_private no_links = {
	    .flags = O_RDONLY | O_NOFOLLOW,
	    .regular = true,
	    .refuse = FILE_PRIVATE_SECRET,
	    .status = EXIT_FAILURE_,
	    .suffix = "; nothing was changed",
	};
	const struct file_private create = {
	    .flags = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW,
	    .create_mode = 0600,
	    .regular = true,
	    .refuse = FILE_PRIVATE_SECRET,
	    .status = EXIT_FAILURE_,
	};
	struct msg_err err = {0};
	char want[600];

	(void)state;
	write_file(in_dir("target"), "s3cret\n", 0600);
	write_file(in_dir("open"), "seen\n", 0644);
	assert_int_equal(symlink(in_dir("target"), in_dir("link")), 0);
	assert_int_equal(symlink(in_dir("open"), in_dir("link-open")), 0);
	assert_string_equal(read_all(file_private_open(in_dir("link"), &secret, &err)), "s3cret\n");
	assert_int_equal(file_private_open(in_dir("link-open"), &secret, &err), -1);
	snprintf(want, sizeof(want), "%s is readable by group or others; fix with: chmod 600 %s",
		 in_dir("link-open"), in_dir("link-open"));
	assert_string_equal(err.text, want);
	assert_int_equal(file_private_open(in_dir("link"), &no_links, &err), -1);
	assert_int_equal(err.status, EXIT_FAILURE_);
	snprintf(want, sizeof(want), "%s: is a symbolic link; nothing was changed", in_dir("link"));
	assert_string_equal(err.text, want);
	/* a dangling link is refused too, and nothing is created through it */
	assert_int_equal(symlink(in_dir("nowhere"), in_dir("dangling")), 0);
	assert_int_equal(file_private_open(in_dir("dangling"), &create, &err), -1);
	assert_non_null(strstr(err.text, "dangling: is a symbolic link"));
	assert_int_equal(access(in_dir("nowhere"), F_OK), -1);
}

static void test_missing_file(void **state)
{
	const struct file_private noinput = {
	    .flags = O_RDONLY,
	    .refuse = FILE_PRIVATE_SECRET,
	    .status = EXIT_FAILURE_,
	    .missing_status = EXIT_NOINPUT,
	    .suffix = "; nothing was changed",
	};
	const struct file_private optional = {
	    .flags = O_RDONLY,
	    .refuse = FILE_PRIVATE_TRUSTED,
	    .status = EXIT_CONFIG,
	    .missing_ok = true,
	};
	struct msg_err err = {0};
	char want[600];

	(void)state;
	assert_int_equal(file_private_open(in_dir("none"), &secret, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	snprintf(want, sizeof(want), "%s: No such file or directory", in_dir("none"));
	assert_string_equal(err.text, want);
	assert_int_equal(file_private_open(in_dir("none"), &noinput, &err), -1);
	assert_int_equal(err.status, EXIT_NOINPUT);
	snprintf(want, sizeof(want), "%s: No such file or directory; nothing was changed", in_dir("none"));
	assert_string_equal(err.text, want);
	/* missing_status is for a missing file only */
	write_file(in_dir("file"), "", 0600);
	assert_int_equal(file_private_open(in_dir("file/below"), &noinput, &err), -1);
	assert_int_equal(err.status, EXIT_FAILURE_);
	/* missing_ok: no error at all, and a return value of its own */
	err_clear(&err);
	assert_int_equal(file_private_open(in_dir("none"), &optional, &err), FILE_PRIVATE_MISSING);
	assert_int_equal(err.status, 0);
	assert_string_equal(err.text, "");
	/* but another failure is still one */
	assert_int_equal(file_private_open(in_dir("file/below"), &optional, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	snprintf(want, sizeof(want), "%s: Not a directory", in_dir("file/below"));
	assert_string_equal(err.text, want);
	/* and so is a refused file, whatever errno held before: a contexts file others may write must
	 * never pass for a missing one */
	assert_int_equal(chmod(in_dir("file"), 0620), 0);
	errno = ENOENT;
	assert_int_equal(file_private_open(in_dir("file"), &optional, &err), -1);
	assert_non_null(strstr(err.text, "file is writable by group or others"));
}

/* A file made by the open gets create_mode and is checked like any other; an existing one is
 * appended to, never truncated. */
static void test_create_with_mode_and_append(void **state)
{
	const struct file_private append = {
	    .flags = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW,
	    .create_mode = 0600,
	    .regular = true,
	    .refuse = FILE_PRIVATE_SECRET,
	    .status = EXIT_FAILURE_,
	};
	const struct file_private loose = {
	    .flags = O_WRONLY | O_APPEND | O_CREAT,
	    .create_mode = 0644,
	    .regular = true,
	    .refuse = FILE_PRIVATE_SECRET,
	    .status = EXIT_FAILURE_,
	};
	struct msg_err err = {0};
	struct stat st;
	int fd;

	(void)state;
	fd = file_private_open(in_dir("passwords"), &append, &err);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a\n", 2), 2);
	close(fd);
	assert_int_equal(stat(in_dir("passwords"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	fd = file_private_open(in_dir("passwords"), &append, &err);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "b\n", 2), 2);
	close(fd);
	assert_string_equal(read_all(open(in_dir("passwords"), O_RDONLY)), "a\nb\n");
	/* a mode the check refuses is refused at once, even on the file just made */
	assert_int_equal(file_private_open(in_dir("made-open"), &loose, &err), -1);
	assert_non_null(strstr(err.text, "made-open is readable by group or others"));
}

/* The descriptor is the file that was checked: replacing the path afterwards (a rename over it, as
 * an editor or an attacker would) changes nothing the caller reads. */
static void test_descriptor_is_the_checked_file(void **state)
{
	struct msg_err err = {0};
	int fd;

	(void)state;
	write_file(in_dir("token"), "checked\n", 0600);
	write_file(in_dir("other"), "swapped\n", 0644);
	fd = file_private_open(in_dir("token"), &secret, &err);
	assert_true(fd >= 0);
	assert_int_equal(rename(in_dir("other"), in_dir("token")), 0);
	assert_string_equal(read_all(fd), "checked\n");
	/* and the next open judges what the path names now */
	assert_int_equal(file_private_open(in_dir("token"), &secret, &err), -1);
	assert_non_null(strstr(err.text, "is readable by group or others"));
}

static atomic_bool swapping;
static char token_path[300], other_path[300];

/* Swaps the names token_path and other_path as fast as it can, until told to stop. */
static void *swap_names(void *arg)
{
	(void)arg;
	while (atomic_load(&swapping))
		renameat2(AT_FDCWD, token_path, AT_FDCWD, other_path, RENAME_EXCHANGE);
	return NULL;
}

/* The same while the path changes all the time: whatever file_private_open accepts is the private
 * file, never the exposed one it was swapped with (a check by path, then an open, would let that
 * through). Bounded in time; the loop stops early once both outcomes were seen often. */
static void test_checked_file_while_the_path_is_swapped(void **state)
{
	struct msg_err err = {0};
	long opened = 0, refused = 0;
	time_t end = time(NULL) + 3;
	pthread_t thread;
	int fd;

	(void)state;
	snprintf(token_path, sizeof(token_path), "%s", in_dir("token"));
	snprintf(other_path, sizeof(other_path), "%s", in_dir("other"));
	write_file(token_path, "checked\n", 0600);
	write_file(other_path, "swapped\n", 0644);
	atomic_store(&swapping, true);
	assert_int_equal(pthread_create(&thread, NULL, swap_names, NULL), 0);
	while (time(NULL) < end && (opened < 2000 || refused < 2000)) {
		fd = file_private_open(token_path, &secret, &err);
		if (fd >= 0) {
			opened++;
			if (strcmp(read_all(fd), "checked\n") != 0) {
				atomic_store(&swapping, false);
				pthread_join(thread, NULL);
				fail_msg("read the exposed file after %ld opens", opened);
			}
		} else if (strstr(err.text, "is readable by group or others") != NULL)
			refused++;
	}
	atomic_store(&swapping, false);
	assert_int_equal(pthread_join(thread, NULL), 0);
	print_message("opened %ld, refused %ld\n", opened, refused);
	assert_true(opened > 0);
}

/* The check alone, for a caller that has read the file already (signing: a public key is said
 * first). */
static void test_check_alone(void **state)
{
	struct msg_err err = {0};

	(void)state;
	assert_int_equal(file_private_check("k", S_IFREG | 0600, &secret, &err), 0);
	assert_int_equal(file_private_check("k", S_IFREG | 0400, &secret, &err), 0);
	assert_int_equal(file_private_check("k", S_IFREG | 0640, &secret, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	assert_string_equal(err.text, "k is readable by group or others; fix with: chmod 600 k");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_private_file_opens_and_reads, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_secret_with_group_or_other_bits_is_refused, make_dir,
					    remove_dir),
	    cmocka_unit_test_setup_teardown(test_trusted_file_refused_only_when_writable, make_dir,
					    remove_dir),
	    cmocka_unit_test_setup_teardown(test_not_a_regular_file, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_symbolic_links, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_missing_file, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_create_with_mode_and_append, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_descriptor_is_the_checked_file, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_checked_file_while_the_path_is_swapped, make_dir,
					    remove_dir),
	    cmocka_unit_test_setup_teardown(test_check_alone, make_dir, remove_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
