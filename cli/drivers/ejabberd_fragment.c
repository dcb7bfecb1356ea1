/* The configuration fragment file (a context's config_fragment) as text: msgadm's blocks in it, and
 * writing it back. The markers and what msgadm puts between them are described in ejabberd_config.c.
 * The file is replaced whole and atomically (a temporary file in the same directory, then rename), so
 * ejabberd never reads half of it; the new file keeps the old one's owner, group and mode, since
 * ejabberd runs as its own user and must still be able to read it. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ejabberd.h"
#include "base/exitcode.h"

/* ejabberd's configuration is small; a larger file is not the fragment the context means. */
#define FRAGMENT_MAX (1024 * 1024)

void ej_fragment_free(struct ej_fragment *f)
{
	free(f->path);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

/* The file does not exist: it will be path in its (existing) directory, mode 0640, in the group of
 * the directory, so that a directory of group ejabberd gives ejabberd a file it can read. */
static int load_missing(const char *configured, struct ej_fragment *f, struct msg_err *err)
{
	char *copy = strdup(configured), *copy2 = strdup(configured), *dir = NULL;
	struct stat st;
	int rc = -1;

	if (copy == NULL || copy2 == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	dir = realpath(dirname(copy), NULL);
	if (dir == NULL || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		err_set(err, EXIT_CONFIG, "config_fragment %s: its directory %s: %s", configured,
			dirname(copy2), dir == NULL ? strerror(errno) : "not a directory");
		goto done;
	}
	if (asprintf(&f->path, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, basename(copy2)) < 0) {
		f->path = NULL;
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	f->text = strdup("");
	if (f->text == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	f->exists = false;
	f->uid = geteuid();
	f->gid = st.st_gid;
	f->mode = 0640;
	rc = 0;
done:
	free(dir);
	free(copy);
	free(copy2);
	return rc;
}

int ej_fragment_load(const char *configured, struct ej_fragment *f, struct msg_err *err)
{
	struct stat st;
	size_t got = 0;
	ssize_t n = 0;
	int fd = -1;

	memset(f, 0, sizeof(*f));
	/* a symbolic link is followed: the file it names is the one replaced, the link stays */
	f->path = realpath(configured, NULL);
	if (f->path == NULL && errno == ENOENT) {
		if (load_missing(configured, f, err) == 0)
			return 0;
		ej_fragment_free(f);
		return -1;
	}
	if (f->path == NULL)
		return err_set(err, EXIT_NOINPUT, "config_fragment %s: %s", configured, strerror(errno));
	fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0) {
		err_set(err, EXIT_NOINPUT, "config_fragment %s: %s", f->path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > FRAGMENT_MAX) {
		err_set(err, EXIT_CONFIG, "config_fragment %s: %s", f->path,
			S_ISREG(st.st_mode) ? "larger than 1 MiB" : "not a regular file");
		goto fail;
	}
	if ((f->text = malloc((size_t)st.st_size + 1)) == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto fail;
	}
	while (got < (size_t)st.st_size &&
	       ((n = read(fd, f->text + got, (size_t)st.st_size - got)) > 0 || (n < 0 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	if (n < 0) {
		err_set(err, EXIT_NOINPUT, "config_fragment %s: %s", f->path, strerror(errno));
		goto fail;
	}
	f->text[got] = '\0';
	if (strlen(f->text) != got) {
		err_set(err, EXIT_CONFIG, "config_fragment %s: holds a NUL byte: not a YAML file", f->path);
		goto fail;
	}
	close(fd);
	f->exists = true;
	f->uid = st.st_uid;
	f->gid = st.st_gid;
	f->mode = st.st_mode & 07777;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	ej_fragment_free(f);
	return -1;
}

/* One msgadm block: where its lines start and end in the text. */
struct block {
	char key[64];
	size_t begin;	       /* offset of the BEGIN line */
	size_t body, body_end; /* the lines between the markers (body_end: start of the END line) */
	size_t end;	       /* offset just past the END line (and its newline) */
	int line;	       /* of the BEGIN marker, for messages */
};

/* If line (len bytes, no newline) is "<prefix>KEY" with trailing blanks or CR, copies KEY. */
static bool marker(const char *line, size_t len, const char *prefix, char *key, size_t size)
{
	size_t plen = strlen(prefix), klen;

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	if (len <= plen || strncmp(line, prefix, plen) != 0)
		return false;
	klen = len - plen;
	if (klen >= size || strcspn(line + plen, " \t") < klen)
		return false;
	memcpy(key, line + plen, klen);
	key[klen] = '\0';
	return true;
}

/* Finds the blocks of text; *out (malloc'd) gets *n of them. Refuses markers that do not pair up:
 * msgadm replaces only whole blocks, and guessing where a block ends could eat the admin's lines. */
static int find_blocks(const char *path, const char *text, struct block **out, size_t *n, struct msg_err *err)
{
	struct block *b = NULL, *open = NULL;
	size_t cap = 0, count = 0, off = 0;
	char key[64];
	int line = 0;

	while (text[off] != '\0') {
		size_t len = strcspn(text + off, "\n"), next = off + len + (text[off + len] == '\n');

		line++;
		if (marker(text + off, len, EJ_BLOCK_BEGIN, key, sizeof(key))) {
			if (open != NULL) {
				err_set(
				    err, EXIT_DATAERR,
				    "%s:%d: '%s%s' inside the block '%s%s' of line %d, which has no '%s%s'",
				    path, line, EJ_BLOCK_BEGIN, key, EJ_BLOCK_BEGIN, open->key, open->line,
				    EJ_BLOCK_END, open->key);
				goto fail;
			}
			for (size_t i = 0; i < count; i++)
				if (strcmp(b[i].key, key) == 0) {
					err_set(err, EXIT_DATAERR,
						"%s:%d: a second block '%s%s' (the first is at line %d)",
						path, line, EJ_BLOCK_BEGIN, key, b[i].line);
					goto fail;
				}
			if (count == cap) {
				struct block *grown = realloc(b, (cap = cap ? 2 * cap : 4) * sizeof(*b));

				if (grown == NULL) {
					err_set(err, EXIT_FAILURE_, "out of memory");
					goto fail;
				}
				b = grown;
			}
			open = &b[count++];
			memset(open, 0, sizeof(*open));
			snprintf(open->key, sizeof(open->key), "%s", key);
			open->begin = off;
			open->body = next;
			open->line = line;
		} else if (marker(text + off, len, EJ_BLOCK_END, key, sizeof(key))) {
			if (open == NULL || strcmp(open->key, key) != 0) {
				err_set(err, EXIT_DATAERR, "%s:%d: '%s%s' without its '%s%s' before it", path,
					line, EJ_BLOCK_END, key, EJ_BLOCK_BEGIN, key);
				goto fail;
			}
			open->body_end = off;
			open->end = next;
			open = NULL;
		}
		off = next;
	}
	if (open != NULL) {
		err_set(err, EXIT_DATAERR,
			"%s:%d: '%s%s' has no '%s%s' after it (fix the file by hand: msgadm replaces only "
			"whole blocks)",
			path, open->line, EJ_BLOCK_BEGIN, open->key, EJ_BLOCK_END, open->key);
		goto fail;
	}
	*out = b;
	*n = count;
	return 0;
fail:
	free(b);
	return -1;
}

/* The text between a block's markers, without its last newline. */
static json_t *block_content(const char *text, const struct block *b)
{
	size_t len = b->body_end - b->body;

	if (len > 0 && text[b->body + len - 1] == '\n')
		len--;
	if (len > 0 && text[b->body + len - 1] == '\r')
		len--;
	return json_stringn(text + b->body, len);
}

int ej_fragment_blocks(const struct ej_fragment *f, json_t **blocks, struct msg_err *err)
{
	struct block *b = NULL;
	json_t *out;
	size_t n = 0;

	if (find_blocks(f->path, f->text, &b, &n, err) != 0)
		return -1;
	out = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *content = block_content(f->text, &b[i]);

		if (content == NULL) {
			err_set(err, EXIT_DATAERR, "%s:%d: the block '%s' is not UTF-8", f->path, b[i].line,
				b[i].key);
			free(b);
			json_decref(out);
			return -1;
		}
		json_object_set_new(out, b[i].key, json_pack("{s:o}", "content", content));
	}
	free(b);
	*blocks = out;
	return 0;
}

/* A block with its markers. */
static void put_block(FILE *out, const char *key, const char *content)
{
	fprintf(out, "%s%s\n", EJ_BLOCK_BEGIN, key);
	if (content[0] != '\0')
		fprintf(out, "%s\n", content);
	fprintf(out, "%s%s\n", EJ_BLOCK_END, key);
}

int ej_fragment_set_block(const struct ej_fragment *f, const char *key, const char *content, char **text,
			  struct msg_err *err)
{
	struct block *b = NULL, *found = NULL;
	const char *old = f->text;
	size_t n = 0, len = 0;
	char *buf = NULL;
	FILE *out;

	if (find_blocks(f->path, old, &b, &n, err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(b[i].key, key) == 0)
			found = &b[i];
	if ((out = open_memstream(&buf, &len)) == NULL) {
		free(b);
		return err_set(err, EXIT_FAILURE_, "out of memory");
	}
	if (found != NULL) {
		fwrite(old, 1, found->begin, out);
		if (content != NULL)
			put_block(out, key, content);
		fputs(old + found->end, out);
	} else {
		/* a file with nothing but blank lines gets a word on what the markers mean */
		if (old[strspn(old, " \t\r\n")] == '\0')
			fputs("# ejabberd configuration kept by msgadm: it replaces what is between its\n"
			      "# '" EJ_BLOCK_BEGIN "...' and '" EJ_BLOCK_END
			      "...' lines, and leaves the rest alone.\n",
			      out);
		else
			fprintf(out, "%s%s\n", old, old[strlen(old) - 1] == '\n' ? "" : "\n");
		if (content != NULL)
			put_block(out, key, content);
	}
	free(b);
	if (fclose(out) != 0) {
		free(buf);
		return err_set(err, EXIT_FAILURE_, "out of memory");
	}
	*text = buf;
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int ej_fragment_write(const struct ej_fragment *f, const char *text, struct msg_err *err)
{
	char *copy = strdup(f->path), *tmp = NULL, *dir;
	const char *what;
	int fd = -1, dfd, rc = -1, saved;

	if (copy == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	dir = dirname(copy);
	if (asprintf(&tmp, "%s/.msgadm-fragment.XXXXXX", dir) < 0) {
		tmp = NULL;
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		saved = errno;
		free(tmp);
		tmp = NULL;
		err_set(err, EXIT_FAILURE_,
			"%s: cannot create a temporary file in %s: %s; nothing was changed", f->path, dir,
			strerror(saved));
		goto done;
	}
	/* owner and group first: fchown may clear mode bits that fchmod then sets */
	if (fchown(fd, f->uid == geteuid() ? (uid_t)-1 : f->uid, f->gid == getegid() ? (gid_t)-1 : f->gid) !=
	    0) {
		saved = errno;
		err_set(err, EXIT_FAILURE_,
			"%s: cannot give the new file the owner %u and group %u of the old one: %s (ejabberd "
			"must still read it; run msgadm as root or as the file's owner); nothing was changed",
			f->path, (unsigned)f->uid, (unsigned)f->gid, strerror(saved));
		goto done;
	}
	if (fchmod(fd, f->mode) != 0)
		what = "set the mode of";
	else if (write_all(fd, text, strlen(text)) != 0)
		what = "write";
	else if (fsync(fd) != 0)
		what = "sync";
	else
		what = NULL;
	if (what != NULL) {
		saved = errno;
		err_set(err, EXIT_FAILURE_, "%s: cannot %s the temporary file %s: %s; nothing was changed",
			f->path, what, tmp, strerror(saved));
		goto done;
	}
	if (close(fd) != 0 || rename(tmp, f->path) != 0) {
		saved = errno;
		fd = -1;
		err_set(err, EXIT_FAILURE_, "%s: cannot replace it: %s; nothing was changed", f->path,
			strerror(saved));
		goto done;
	}
	fd = -1;
	free(tmp);
	tmp = NULL;
	/* the rename itself survives a crash only once the directory is synced */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(copy);
	return rc;
}
