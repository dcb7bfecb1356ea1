/* The audit log: appending chained lines, reading them back, and checking the chain (see audit.h). */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "io/digest.h"
#include "io/file_private.h"

#define HASH_HEX DIGEST_SHA256_HEX
#define MAX_LINE (16 * 1024 * 1024) /* a longer line is not one msgadm wrote */

static const char zero_hash[HASH_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct audit_log {
	int fd;
	char *path;
	json_t *base; /* the fields every line of this run shares: user, uid, context, server, ... */
};

char *audit_path(const struct context *ctx)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct passwd *pw;
	char *path = NULL;

	if (ctx != NULL && ctx->audit_log != NULL)
		return strdup(ctx->audit_log);
	/* the XDG base directory spec: a relative XDG_STATE_HOME is to be ignored */
	if (state != NULL && state[0] == '/')
		return asprintf(&path, "%s/msgadm/audit.jsonl", state) < 0 ? NULL : path;
	if ((home == NULL || *home == '\0') && (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	return asprintf(&path, "%s/.local/state/msgadm/audit.jsonl", home ? home : ".") < 0 ? NULL : path;
}

/* mkdir -p of the directory part of path, creating what is missing with mode 0700. */
static int make_parents(const char *path, struct msg_err *err)
{
	char *dir = strdup(path);
	int rc = 0;

	if (dir == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	for (char *p = dir + 1; *p && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			rc = err_set(err, EXIT_FAILURE_, "audit log %s: cannot create %s: %s", path, dir,
				     strerror(errno));
		*p = '/';
	}
	free(dir);
	return rc;
}

static int read_at(int fd, char *buf, size_t len, off_t at)
{
	while (len > 0) {
		ssize_t n = pread(fd, buf, len, at);
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
		at += n;
	}
	return 0;
}

/* The hash of the file's last line (64 zeros for an empty file). Refuses a file that does not end
 * with a newline: the chain cannot be continued from a line cut short. */
static int tail_hash(const struct audit_log *log, char hex[HASH_HEX + 1], struct msg_err *err)
{
	char buf[4096], last;
	off_t end, pos, start = 0;
	char *line = NULL;
	struct stat st;

	if (fstat(log->fd, &st) != 0)
		return err_set(err, EXIT_FAILURE_, "audit log %s: %s", log->path, strerror(errno));
	if (st.st_size == 0) {
		memcpy(hex, zero_hash, sizeof(zero_hash));
		return 0;
	}
	end = st.st_size - 1;
	if (read_at(log->fd, &last, 1, end) != 0 || last != '\n')
		return err_set(
		    err, EXIT_FAILURE_,
		    "audit log %s: the last line is incomplete; check it with 'msgadm audit verify'",
		    log->path);
	for (pos = end; pos > 0 && start == 0;) {
		size_t n = pos > (off_t)sizeof(buf) ? sizeof(buf) : (size_t)pos;

		if (read_at(log->fd, buf, n, pos - (off_t)n) != 0)
			return err_set(err, EXIT_FAILURE_, "audit log %s: read error", log->path);
		for (size_t i = n; i-- > 0;) {
			if (buf[i] == '\n') {
				start = pos - (off_t)n + (off_t)i + 1;
				break;
			}
		}
		pos -= (off_t)n;
	}
	if (end - start > MAX_LINE || (line = malloc((size_t)(end - start) + 1)) == NULL)
		return err_set(err, EXIT_FAILURE_, "audit log %s: the last line is too long", log->path);
	if (read_at(log->fd, line, (size_t)(end - start), start) != 0) {
		free(line);
		return err_set(err, EXIT_FAILURE_, "audit log %s: read error", log->path);
	}
	digest_sha256_hex(line, (size_t)(end - start), hex);
	free(line);
	return 0;
}

static json_t *os_user(void)
{
	struct passwd *pw = getpwuid(getuid());
	char fallback[32];

	snprintf(fallback, sizeof(fallback), "uid %u", (unsigned)getuid());
	return json_string(pw != NULL ? pw->pw_name : fallback);
}

/* Under sudo, root acts for someone: sudo names them in SUDO_USER. Only root's record gets it (anyone
 * else could set the variable), and it says what sudo said, not who typed. */
static const char *sudo_user(void)
{
	const char *name = getenv("SUDO_USER");

	return getuid() == 0 && name != NULL && *name != '\0' && strlen(name) < 256 ? name : NULL;
}

int audit_open(const struct context *ctx, const char *driver, const char *digest, struct audit_log **out,
	       struct msg_err *err)
{
	struct audit_log *log = calloc(1, sizeof(*log));
	char hex[HASH_HEX + 1], name[sizeof(err->text)];
	const struct file_private trusted = {
	    .name = name,
	    .flags = O_RDWR | O_APPEND | O_CREAT,
	    .create_mode = 0600,
	    .regular = true,
	    .refuse = FILE_PRIVATE_TRUSTED,
	    .status = EXIT_FAILURE_,
	};

	if (log == NULL || (log->path = audit_path(ctx)) == NULL) {
		free(log);
		return err_set(err, EXIT_FAILURE_, "out of memory");
	}
	log->fd = -1;
	if (make_parents(log->path, err) != 0)
		goto fail;
	snprintf(name, sizeof(name), "audit log %s", log->path);
	log->fd = file_private_open(log->path, &trusted, err);
	if (log->fd < 0)
		goto fail;
	if (flock(log->fd, LOCK_EX) != 0) {
		err_set(err, EXIT_FAILURE_, "audit log %s: cannot lock: %s", log->path, strerror(errno));
		goto fail;
	}
	if (tail_hash(log, hex, err) != 0)
		goto fail; /* closing the descriptor releases the lock */
	flock(log->fd, LOCK_UN);
	log->base = json_pack("{s:o,s:i,s:s?,s:s,s:s,s:s,s:s?}", "user", os_user(), "uid", (int)getuid(),
			      "sudo_user", sudo_user(), "context", ctx->name, "server", ctx->server, "driver",
			      driver ? driver : "", "digest", digest);
	if (log->base == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto fail;
	}
	*out = log;
	return 0;
fail:
	audit_close(log);
	return -1;
}

static int append_line(struct audit_log *log, const char *text, struct msg_err *err)
{
	size_t len = strlen(text);
	struct stat st;
	ssize_t n;

	if (fstat(log->fd, &st) != 0)
		return err_set(err, EXIT_FAILURE_, "audit log %s: %s", log->path, strerror(errno));
	n = write(log->fd, text, len);
	if (n != (ssize_t)len) {
		int saved = n < 0 ? errno : ENOSPC;
		/* a line cut short would break the chain for every later run: take it back */
		if (n > 0 && ftruncate(log->fd, st.st_size) != 0)
			saved = errno;
		return err_set(err, EXIT_FAILURE_, "audit log %s: %s", log->path, strerror(saved));
	}
	if (fdatasync(log->fd) != 0)
		return err_set(err, EXIT_FAILURE_, "audit log %s: %s", log->path, strerror(errno));
	return 0;
}

int audit_record(struct audit_log *log, const json_t *change, const char *outcome, const char *message,
		 struct msg_err *err)
{
	char when[32], hex[HASH_HEX + 1], *text = NULL, *line = NULL;
	json_t *record = json_object();
	time_t now = time(NULL);
	struct tm tm;
	int rc = -1;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	json_object_set_new(record, "time", json_string(when));
	json_object_update(record, log->base);
	json_object_set(record, "change", (json_t *)change);
	json_object_set_new(record, "outcome", json_string(outcome));
	if (message != NULL && *message)
		json_object_set_new(record, "message", json_string(message));
	if (flock(log->fd, LOCK_EX) != 0) {
		err_set(err, EXIT_FAILURE_, "audit log %s: cannot lock: %s", log->path, strerror(errno));
		goto done;
	}
	if (tail_hash(log, hex, err) == 0) {
		json_object_set_new(record, "prev", json_string(hex));
		text = json_dumps(record, JSON_COMPACT);
		if (text == NULL || asprintf(&line, "%s\n", text) < 0) {
			line = NULL;
			err_set(err, EXIT_FAILURE_, "out of memory");
		} else {
			rc = append_line(log, line, err);
		}
	}
	flock(log->fd, LOCK_UN);
done:
	free(line);
	free(text);
	json_decref(record);
	return rc;
}

void audit_close(struct audit_log *log)
{
	if (log == NULL)
		return;
	if (log->fd >= 0)
		close(log->fd);
	json_decref(log->base);
	free(log->path);
	free(log);
}

int audit_check(const struct context *ctx, struct msg_err *err)
{
	struct audit_log *log = NULL;

	if (audit_open(ctx, NULL, NULL, &log, err) != 0)
		return -1;
	audit_close(log);
	return 0;
}

/* ---- reading ---- */

static FILE *open_for_reading(const char *path, struct msg_err *err)
{
	FILE *f = fopen(path, "r");

	if (f == NULL)
		err_set(err, errno == ENOENT ? EXIT_NOINPUT : EXIT_FAILURE_, "audit log %s: %s%s", path,
			strerror(errno), errno == ENOENT ? " (nothing was applied with it yet?)" : "");
	return f;
}

int audit_read(const char *path, json_t **records, struct msg_err *err)
{
	FILE *f = open_for_reading(path, err);
	json_t *out, *record;
	char *line = NULL;
	size_t cap = 0, number = 0;
	ssize_t len;
	int rc = 0;

	if (f == NULL)
		return -1;
	out = json_array();
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		number++;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		record = json_loadb(line, (size_t)len, 0, NULL);
		if (!json_is_object(record))
			rc = err_set(err, EXIT_DATAERR, "%s:%zu: not an audit record (a JSON object)", path,
				     number);
		else
			json_array_append(out, record);
		json_decref(record);
	}
	free(line);
	fclose(f);
	if (rc == 0)
		*records = out;
	else
		json_decref(out);
	return rc;
}

static int is_hex_hash(const char *s)
{
	return s != NULL && strlen(s) == HASH_HEX && strspn(s, "0123456789abcdef") == HASH_HEX;
}

int audit_verify(const char *path, const char *anchor, json_t **summary, struct msg_err *err)
{
	FILE *f = open_for_reading(path, err);
	char expected[HASH_HEX + 1], *line = NULL;
	size_t cap = 0, number = 0;
	int rc = 0, anchored = anchor == NULL;
	json_t *record;
	ssize_t len;

	if (f == NULL)
		return -1;
	memcpy(expected, zero_hash, sizeof(zero_hash));
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		const char *prev;

		number++;
		if (line[len - 1] != '\n') {
			rc = err_set(err, EXIT_DATAERR, "%s:%zu: incomplete line (no newline at its end)",
				     path, number);
			break;
		}
		line[--len] = '\0';
		record = json_loadb(line, (size_t)len, 0, NULL);
		prev = json_string_value(json_object_get(record, "prev"));
		if (!json_is_object(record) || !is_hex_hash(prev))
			rc = err_set(err, EXIT_DATAERR, "%s:%zu: not an audit record (no \"prev\" hash)",
				     path, number);
		else if (strcmp(prev, expected) != 0 && number == 1)
			rc = err_set(err, EXIT_DATAERR,
				     "%s:1: \"prev\" is not 64 zeros: lines were removed from the start",
				     path);
		else if (strcmp(prev, expected) != 0)
			rc = err_set(
			    err, EXIT_DATAERR,
			    "%s:%zu: \"prev\" is not the SHA-256 of line %zu: line %zu was edited, or "
			    "lines were removed or reordered here",
			    path, number, number - 1, number - 1);
		json_decref(record);
		digest_sha256_hex(line, (size_t)len, expected);
		anchored |= anchor != NULL && strcmp(anchor, expected) == 0;
	}
	free(line);
	fclose(f);
	if (rc == 0 && !anchored)
		rc = err_set(
		    err, EXIT_DATAERR,
		    "%s: no line has the SHA-256 %s: lines up to the anchored one were removed or edited",
		    path, anchor);
	if (rc == 0)
		*summary = json_pack("{s:s,s:I,s:b,s:s?}", "file", path, "lines", (json_int_t)number,
				     "intact", 1, "head", number > 0 ? expected : NULL);
	return rc;
}

static int journal_record(void *ctx, const json_t *change, const char *status, const char *message,
			  struct msg_err *err)
{
	return audit_record(ctx, change, status, message, err);
}

void audit_journal_open(const struct context *ctx, const char *driver, const char *digest,
			struct audit_log **log, struct msg_err *open_err, struct apply_journal *journal)
{
	*log = NULL;
	err_clear(open_err);
	journal->record = journal_record;
	journal->unavailable = audit_open(ctx, driver, digest, log, open_err) != 0 ? open_err : NULL;
	journal->ctx = *log;
}
