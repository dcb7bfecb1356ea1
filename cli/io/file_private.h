/* Files that hold a secret (a token, a key, passwords) or that msgadm trusts (the contexts file, the
 * audit log): opened first, then judged by the descriptor's own status (fstat), so that the file
 * checked is the file read or written, even if the path is changed in between.
 *
 * Messages name the file as the caller does (NAME: "context prod: token file /p/t"), each but the
 * last followed by the caller's suffix:
 *   cannot open    "NAME: <strerror>", or with O_NOFOLLOW and a link "NAME: is a symbolic link"
 *   not regular    "NAME: not a regular file"
 *   refused mode   the caller's exposed format, else
 *                  "NAME is readable (or writable) by group or others; fix with: chmod 600 PATH" */
#ifndef MSGADM_FILE_PRIVATE_H
#define MSGADM_FILE_PRIVATE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "base/msg_err.h"

/* The permission bits a secret must not have, and those a trusted file must not have. */
#define FILE_PRIVATE_SECRET  (S_IRWXG | S_IRWXO)
#define FILE_PRIVATE_TRUSTED (S_IWGRP | S_IWOTH)

struct file_private {
	const char *name;    /* the file in messages, e.g. "audit log /x/audit.jsonl"; the path when NULL */
	int flags;	     /* open(2) flags (O_RDONLY, O_WRONLY | O_APPEND | O_CREAT, O_NOFOLLOW...);
			      * O_CLOEXEC is always added */
	mode_t create_mode;  /* the mode of a file O_CREAT makes (less the umask) */
	bool regular;	     /* refuse anything but a regular file */
	mode_t refuse;	     /* permission bits the file must not have: FILE_PRIVATE_SECRET or _TRUSTED */
	int status;	     /* the exit status of every refusal */
	int missing_status;  /* the status when the path does not exist, when not status (0) */
	bool missing_ok;     /* a path that does not exist is no error: FILE_PRIVATE_MISSING, err untouched */
	const char *exposed; /* the refusal of refused bits: a printf format of two %s, name then path */
	const char *suffix;  /* ends the other messages, e.g. "; nothing was changed"; NULL for none */
};

#define FILE_PRIVATE_MISSING (-2) /* with missing_ok: the path does not exist */

/* Opens path as how asks and checks what it opened. Returns the descriptor, -1 with err set, or
 * FILE_PRIVATE_MISSING (a return value, not errno: errno may hold anything after a refusal). */
int file_private_open(const char *path, const struct file_private *how, struct msg_err *err);

/* The permission check alone, on the mode (st_mode) of a file the caller has already opened and
 * fstat'ed, for one that must say something else first (a key file that turns out to be a public
 * key). Returns 0, or -1 with err set. */
int file_private_check(const char *path, mode_t mode, const struct file_private *how, struct msg_err *err);

#endif
