/* Taking, writing, reading, signing and verifying snapshots (see snapshot.h). */
#include "snapshot.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/exitcode.h"
#include "io/digest.h"
#include "io/jcs.h"
#include "engine/plan.h"
#include "signing.h"
#include "base/version.h"
#include "io/wholefile.h"

#define SNAPSHOT_MAX  ((size_t)1 << 30) /* ~5 KB per user pretty-printed: far beyond any real server */
#define SIGNATURE_MAX 4096		/* an Ed25519 signature is 64 bytes; more is not one */

/* The metadata fields, all strings except server_version (null when the server does not say). */
static const char *const meta_fields[] = {"format",  "context",	       "driver",
					  "server",  "server_version", "msgadm_version",
					  "created", "body_sha256",    NULL};

int snapshot_body_sha256(const json_t *body, char hex[65], struct msg_err *err)
{
	char *canon = NULL;
	size_t len;
	int rc;

	if (jcs_canonicalize(body, &canon, &len, err) != 0) {
		err_prefix(err, "body");
		return -1;
	}
	rc = digest_sha256_hex(canon, len, hex);
	free(canon);
	return rc == 0 ? 0 : err_set(err, EXIT_FAILURE_, "cannot compute SHA-256");
}

int snapshot_build(struct session *s, json_t **snap, struct msg_err *err)
{
	json_t *info = NULL, *body = NULL, *version = NULL, *meta;
	time_t now = time(NULL);
	char hex[65], created[32];
	struct tm tm;

	/* the time the reading began: the state is at least this recent */
	if (gmtime_r(&now, &tm) == NULL || strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return err_set(err, EXIT_FAILURE_, "cannot format the current time");
	if (s->driver->server_info != NULL) {
		if (s->driver->server_info(s, &info, err) != 0)
			return -1;
		version = json_object_get(info, "server_version");
	}
	if (export_policy(s, &body, err) != 0 || snapshot_body_sha256(body, hex, err) != 0) {
		json_decref(info);
		json_decref(body);
		return -1;
	}
	meta = json_pack("{s:s,s:s,s:s,s:s,s:O,s:s,s:s,s:s}", "format", SNAPSHOT_FORMAT, "context",
			 s->context->name, "driver", s->driver->name, "server", s->context->server,
			 "server_version", json_is_string(version) ? version : json_null(), "msgadm_version",
			 MSGADM_VERSION, "created", created, "body_sha256", hex);
	json_decref(info);
	*snap = json_pack("{s:o,s:o}", "snapshot", meta, "body", body);
	return *snap ? 0 : err_set(err, EXIT_FAILURE_, "out of memory");
}

int snapshot_render(const json_t *snap, char **text, size_t *len, struct msg_err *err)
{
	char *meta = NULL, *body = NULL;
	size_t mlen, blen;
	int n;

	if (jcs_pretty(json_object_get(snap, "snapshot"), 2, 1, &meta, &mlen, err) != 0 ||
	    jcs_pretty(json_object_get(snap, "body"), 2, 1, &body, &blen, err) != 0) {
		free(meta);
		return -1;
	}
	/* the metadata first, for a reader; the order is fixed, so the bytes are too */
	n = asprintf(text, "{\n  \"snapshot\": %s,\n  \"body\": %s\n}\n", meta, body);
	free(meta);
	free(body);
	if (n < 0)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	*len = (size_t)n;
	return 0;
}

int snapshot_write(const char *file, const json_t *snap, struct msg_err *err)
{
	char *text = NULL;
	size_t len;
	int rc;

	if (snapshot_render(snap, &text, &len, err) != 0)
		return -1;
	rc = wholefile_create(file, 0644, text, len, err);
	free(text);
	return rc;
}

void snapshot_free(struct snapshot *snap)
{
	if (snap == NULL)
		return;
	json_decref(snap->doc);
	free(snap->bytes);
	free(snap->file);
	free(snap);
}

static int is_hex64(const char *s)
{
	if (s == NULL || strlen(s) != 64)
		return 0;
	return strspn(s, "0123456789abcdef") == 64;
}

/* snapshot.directories, when there: what each directory a policy named answered, as counts and a
 * digest ({"directory", "base", "filter"?, "member_of"?, "entries", "users", "left_out", "digest"}),
 * never who is in it. */
static int check_directories(const struct snapshot *sn, const json_t *dirs, struct msg_err *err)
{
	static const char *const strings[] = {"directory", "base", "digest", NULL};
	static const char *const optional[] = {"filter", "member_of", NULL};
	static const char *const counts[] = {"entries", "users", "left_out", NULL};
	const json_t *d;
	const char *key;
	json_t *v;
	size_t i;

	if (dirs == NULL)
		return 0;
	if (!json_is_array(dirs))
		return err_set(err, EXIT_DATAERR, "%s: snapshot.directories: must be a list", sn->file);
	json_array_foreach(dirs, i, d)
	{
		if (!json_is_object(d))
			return err_set(err, EXIT_DATAERR, "%s: snapshot.directories[%zu]: must be an object",
				       sn->file, i);
		for (const char *const *f = strings; *f; f++)
			if (!json_is_string(json_object_get(d, *f)))
				return err_set(err, EXIT_DATAERR,
					       "%s: snapshot.directories[%zu].%s: missing or not a string",
					       sn->file, i, *f);
		for (const char *const *f = counts; *f; f++)
			if (!json_is_integer(json_object_get(d, *f)) ||
			    json_integer_value(json_object_get(d, *f)) < 0)
				return err_set(err, EXIT_DATAERR,
					       "%s: snapshot.directories[%zu].%s: missing or not a count",
					       sn->file, i, *f);
		json_object_foreach((json_t *)d, key, v)
		{
			bool known = false;

			for (const char *const *f = strings; *f; f++)
				known |= strcmp(*f, key) == 0;
			for (const char *const *f = counts; *f; f++)
				known |= strcmp(*f, key) == 0;
			for (const char *const *f = optional; *f; f++)
				known |= strcmp(*f, key) == 0 && json_is_string(v);
			if (!known)
				return err_set(err, EXIT_DATAERR,
					       "%s: snapshot.directories[%zu].%s: unknown field", sn->file, i,
					       key);
		}
	}
	return 0;
}

/* Holds the parsed document to the format: exactly "snapshot" and "body", every metadata field and
 * no other, so that nothing unhashed and unexpected rides along. */
static int check_shape(const struct snapshot *sn, struct msg_err *err)
{
	const char *format = json_string_value(json_object_get(sn->meta, "format"));
	const char *key;
	json_t *v;

	if (!json_is_object(sn->doc) || !json_is_object(sn->meta) || !json_is_object(sn->body) ||
	    json_object_size(sn->doc) != 2)
		return err_set(
		    err, EXIT_DATAERR,
		    "%s: not a msgadm snapshot (an object of \"snapshot\" and \"body\", format %s)", sn->file,
		    SNAPSHOT_FORMAT);
	if (format == NULL || strcmp(format, SNAPSHOT_FORMAT) != 0)
		return err_set(err, EXIT_DATAERR, "%s: snapshot format %s%s%s; this msgadm reads %s",
			       sn->file, format ? "'" : "", format ? format : "missing", format ? "'" : "",
			       SNAPSHOT_FORMAT);
	for (size_t i = 0; meta_fields[i] != NULL; i++) {
		v = json_object_get(sn->meta, meta_fields[i]);
		if (!json_is_string(v) && !(json_is_null(v) && strcmp(meta_fields[i], "server_version") == 0))
			return err_set(err, EXIT_DATAERR, "%s: snapshot.%s: %s", sn->file, meta_fields[i],
				       v ? "must be a string" : "missing");
	}
	json_object_foreach((json_t *)sn->meta, key, v)
	{
		size_t i = 0;

		while (meta_fields[i] != NULL && strcmp(meta_fields[i], key) != 0)
			i++;
		if (meta_fields[i] == NULL && strcmp(key, "directories") != 0)
			return err_set(err, EXIT_DATAERR, "%s: snapshot.%s: unknown field", sn->file, key);
	}
	if (check_directories(sn, json_object_get(sn->meta, "directories"), err) != 0)
		return -1;
	if (!is_hex64(json_string_value(json_object_get(sn->meta, "body_sha256"))))
		return err_set(err, EXIT_DATAERR, "%s: snapshot.body_sha256: not 64 lower-case hex digits",
			       sn->file);
	return 0;
}

/* Parses bytes already read into a snapshot; takes them over, also on failure. */
static int snapshot_parse(const char *file, unsigned char *bytes, size_t len, struct snapshot **out,
			  struct msg_err *err)
{
	struct snapshot *sn = calloc(1, sizeof(*sn));
	json_error_t jerr;

	if (sn == NULL || (sn->file = strdup(file)) == NULL) {
		free(sn);
		free(bytes);
		return err_set(err, EXIT_FAILURE_, "out of memory");
	}
	sn->bytes = bytes;
	sn->len = len;
	/* two members of one name would let a reader and a hasher see different documents */
	sn->doc = json_loadb((const char *)bytes, len, JSON_REJECT_DUPLICATES, &jerr);
	if (sn->doc == NULL) {
		err_set(err, EXIT_DATAERR, "%s:%d:%d: not a msgadm snapshot: %s", file, jerr.line,
			jerr.column, jerr.text);
		snapshot_free(sn);
		return -1;
	}
	sn->meta = json_object_get(sn->doc, "snapshot");
	sn->body = json_object_get(sn->doc, "body");
	if (check_shape(sn, err) != 0) {
		snapshot_free(sn);
		return -1;
	}
	*out = sn;
	return 0;
}

int snapshot_read(const char *file, struct snapshot **out, struct msg_err *err)
{
	unsigned char *bytes = NULL;
	size_t len;

	if (wholefile_read(file, SNAPSHOT_MAX, &bytes, &len, NULL, err) != 0)
		return -1;
	return snapshot_parse(file, bytes, len, out, err);
}

int snapshot_check_body(const struct snapshot *snap, struct msg_err *err)
{
	const char *recorded = json_string_value(json_object_get(snap->meta, "body_sha256"));
	char hex[65];

	if (snapshot_body_sha256(snap->body, hex, err) != 0) {
		err_prefix(err, "%s", snap->file);
		return -1;
	}
	if (strcmp(hex, recorded) != 0)
		return err_set(err, EXIT_DATAERR,
			       "%s: the body does not match its body_sha256 (recorded %.12s..., computed "
			       "%.12s...): the body was changed after the snapshot was taken",
			       snap->file, recorded, hex);
	return 0;
}

int snapshot_sign(const char *file, const char *keyfile, json_t **result, struct msg_err *err)
{
	struct snapshot *sn = NULL;
	unsigned char sig[SIGNING_SIG_LEN];
	EVP_PKEY *key = NULL;
	char *sigfile = NULL, *fingerprint = NULL;
	int rc = -1;

	if (snapshot_read(file, &sn, err) != 0)
		goto done;
	if (snapshot_check_body(sn, err) != 0) {
		err_prefix(err, "refusing to sign");
		goto done;
	}
	if (asprintf(&sigfile, "%s.sig", file) < 0) {
		sigfile = NULL;
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (signing_load_private(keyfile, &key, err) != 0 ||
	    signing_sign(key, sn->bytes, sn->len, sig, err) != 0 ||
	    wholefile_create(sigfile, 0644, sig, sizeof(sig), err) != 0)
		goto done;
	fingerprint = signing_fingerprint(key);
	*result = json_pack("{s:s,s:s,s:s?}", "snapshot", file, "signature", sigfile, "key", fingerprint);
	rc = *result ? 0 : err_set(err, EXIT_FAILURE_, "out of memory");
done:
	free(fingerprint);
	free(sigfile);
	EVP_PKEY_free(key);
	snapshot_free(sn);
	return rc;
}

int snapshot_verify(const char *file, const char *pubkeyfile, json_t **result, struct snapshot **verified,
		    struct msg_err *err)
{
	unsigned char *bytes = NULL, *sig = NULL;
	size_t len = 0, sig_len = 0;
	struct snapshot *sn = NULL;
	struct msg_err body_why = {0};
	EVP_PKEY *key = NULL;
	char *sigfile = NULL, *fingerprint = NULL;
	int sig_ok, parsed, body_ok = 0, rc = -1;

	if (asprintf(&sigfile, "%s.sig", file) < 0) {
		sigfile = NULL;
		return err_set(err, EXIT_FAILURE_, "out of memory");
	}
	if (signing_load_public(pubkeyfile, &key, err) != 0 ||
	    wholefile_read(file, SNAPSHOT_MAX, &bytes, &len, NULL, err) != 0 ||
	    wholefile_read(sigfile, SIGNATURE_MAX, &sig, &sig_len, NULL, err) != 0)
		goto done;
	fingerprint = signing_fingerprint(key);
	/* the signature first, over the bytes as they are; then what the bytes say */
	sig_ok = signing_verify(key, bytes, len, sig, sig_len, NULL) == 0; /* said below, in full */
	parsed = snapshot_parse(file, bytes, len, &sn, &body_why) == 0;
	bytes = NULL; /* the snapshot (or its failure) took them */
	if (parsed)
		body_ok = snapshot_check_body(sn, &body_why) == 0;
	if (!sig_ok) {
		char sig_problem[1024];

		if (sig_len != SIGNING_SIG_LEN)
			snprintf(sig_problem, sizeof(sig_problem),
				 "%s is %zu bytes, not an Ed25519 signature (%d)", sigfile, sig_len,
				 SIGNING_SIG_LEN);
		else
			snprintf(sig_problem, sizeof(sig_problem),
				 "the signature %s does not verify with %s (key %s)", sigfile, pubkeyfile,
				 fingerprint ? fingerprint : "?");
		/* the most specific finding first: a changed body says where the change is */
		if (body_ok)
			err_set(
			    err, EXIT_DATAERR,
			    "%s: %s: the snapshot or the signature was changed after signing, or another key "
			    "signed it (the body still matches its body_sha256)",
			    file, sig_problem);
		else
			err_set(err, EXIT_DATAERR, "%s; and %s", body_why.text, sig_problem);
		goto done;
	}
	if (!body_ok) {
		err_set(err, EXIT_DATAERR, "%s (although the signature is good)", body_why.text);
		goto done;
	}
	*result =
	    json_pack("{s:s,s:s,s:s?,s:O,s:O}", "snapshot", file, "signature", sigfile, "key", fingerprint,
		      "body_sha256", json_object_get(sn->meta, "body_sha256"), "metadata", sn->meta);
	if (*result == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (verified != NULL) {
		*verified = sn;
		sn = NULL;
	}
	rc = 0;
done:
	free(bytes);
	free(sig);
	free(sigfile);
	free(fingerprint);
	EVP_PKEY_free(key);
	snapshot_free(sn);
	return rc;
}
