/* Passwords of the accounts the ejabberd driver creates or reactivates. ejabberd has no account without a
 * password, so msgadm makes a random one and appends it, with the JID, to the --credentials-out file:
 * the only place it ever goes. It is never printed, and wiped from memory once sent and written. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ejabberd.h"
#include "base/exitcode.h"
#include "io/file_private.h"

int ej_password_new(char password[EJ_PASSWORD_LEN + 1], struct msg_err *err)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[EJ_PASSWORD_LEN];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(raw)) {
		n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			explicit_bzero(raw, sizeof(raw));
			return err_set(err, EXIT_FAILURE_, "cannot get random bytes for a password: %s",
				       strerror(errno));
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		password[i] = alphabet[raw[i] % 64]; /* 64 divides 256: no bias */
	password[EJ_PASSWORD_LEN] = '\0';
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

int ej_credentials_open(const struct session *s, const char *what, int *fd, struct msg_err *err)
{
	static const struct file_private secret = {
	    .flags = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY,
	    .create_mode = 0600,
	    .regular = true,
	    .refuse = FILE_PRIVATE_SECRET,
	    .status = EXIT_FAILURE_,
	    .missing_status = EXIT_NOINPUT,
	    .exposed = "%s: is readable by group or others, and would hold passwords; fix with: chmod 600 %s "
		       "(nothing was changed)",
	    .suffix = "; nothing was changed",
	};
	const char *path = s->credentials_out;
	int f;

	if (path == NULL)
		return err_set(err, EXIT_USAGE,
			       "ejabberd: %s needs --credentials-out FILE: its new password is written only "
			       "there; nothing was changed",
			       what);
	f = file_private_open(path, &secret, err);
	if (f < 0)
		return -1;
	*fd = f;
	return 0;
}

int ej_credentials_write(const struct session *s, int fd, const char *jid, const char *password,
			 struct msg_err *err)
{
	char line[512];
	size_t len, done = 0;
	ssize_t n;
	int rc = 0;

	len = (size_t)snprintf(line, sizeof(line), "%s %s\n", jid, password);
	if (len >= sizeof(line)) {
		rc = err_set(err, EXIT_FAILURE_, "%s: the JID %s is too long", s->credentials_out, jid);
		goto done;
	}
	/* one write with O_APPEND: lines of concurrent runs do not interleave */
	while (done < len) {
		n = write(fd, line + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = err_set(err, EXIT_FAILURE_, "%s: %s", s->credentials_out,
				     n < 0 ? strerror(errno) : "short write");
			goto done;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0)
		rc = err_set(err, EXIT_FAILURE_, "%s: %s", s->credentials_out, strerror(errno));
done:
	explicit_bzero(line, sizeof(line));
	if (close(fd) != 0 && rc == 0)
		rc = err_set(err, EXIT_FAILURE_, "%s: %s", s->credentials_out, strerror(errno));
	return rc;
}
