/* Connecting to a directory: the URL's rules, TLS always verified, the bind. Searches are in
 * ldap_search.c; the contract is directory.h's. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "directory.h"
#include "io/loopback.h"
#include "ldap_internal.h"
#include "tls_probe.h"

/* Where the system's CAs are when a profile names none (libldap with GnuTLS has no default). */
#define SYSTEM_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

void dir_trace(const struct directory *d, const char *fmt, ...)
{
	va_list ap;

	if (d->trace == NULL)
		return;
	fprintf(d->trace, "ldap %s: ", d->name);
	va_start(ap, fmt);
	vfprintf(d->trace, fmt, ap);
	va_end(ap);
	fputc('\n', d->trace);
}

int dir_fail(const struct directory *d, int status, int rc, const char *what, struct msg_err *err)
{
	char *diag = NULL;
	int e;

	ldap_get_option(d->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	if (status == 0) {
		switch (rc) {
		case LDAP_SERVER_DOWN:
		case LDAP_CONNECT_ERROR:
			status = EXIT_UNAVAILABLE;
			break;
		case LDAP_TIMEOUT:
		case LDAP_TIMELIMIT_EXCEEDED:
		case LDAP_SIZELIMIT_EXCEEDED:
		case LDAP_ADMINLIMIT_EXCEEDED:
		case LDAP_BUSY:
		case LDAP_UNAVAILABLE:
			status = EXIT_TEMPFAIL;
			break;
		case LDAP_INVALID_CREDENTIALS:
		case LDAP_INAPPROPRIATE_AUTH:
		case LDAP_INSUFFICIENT_ACCESS:
		case LDAP_STRONG_AUTH_REQUIRED:
		case LDAP_CONFIDENTIALITY_REQUIRED:
			status = EXIT_NOPERM;
			break;
		default:
			status = EXIT_PROTOCOL;
		}
	}
	e = err_set(err, status, "directory %s: %s: %s%s%s%s", d->name, what, ldap_err2string(rc),
		    diag && *diag ? " (" : "", diag && *diag ? diag : "", diag && *diag ? ")" : "");
	ldap_memfree(diag);
	return e;
}

/* ldaps://HOST[:PORT], or ldap://HOST[:PORT] with StartTLS or on loopback; nothing after the host. */
static int check_url(struct directory *d, const struct directory_profile *p, bool *tls, struct msg_err *err)
{
	LDAPURLDesc *u = NULL;
	int rc = -1;

	if (ldap_url_parse(p->url, &u) != LDAP_URL_SUCCESS) {
		err_set(err, EXIT_CONFIG, "directory %s: url: not an LDAP URL: %s", p->name, p->url);
		goto done;
	}
	if (strcasecmp(u->lud_scheme, "ldaps") != 0 && strcasecmp(u->lud_scheme, "ldap") != 0) {
		err_set(err, EXIT_CONFIG, "directory %s: url: only ldaps:// and ldap:// are supported: %s",
			p->name, p->url);
		goto done;
	}
	if ((u->lud_dn != NULL && *u->lud_dn) || u->lud_attrs != NULL || u->lud_filter != NULL ||
	    u->lud_exts != NULL) {
		err_set(err, EXIT_CONFIG,
			"directory %s: url: give only ldaps://HOST[:PORT] (the base and filter belong to the "
			"policy's users.directory): %s",
			p->name, p->url);
		goto done;
	}
	if (u->lud_host == NULL || *u->lud_host == '\0') {
		err_set(err, EXIT_CONFIG, "directory %s: url: no host: %s", p->name, p->url);
		goto done;
	}
	if (asprintf(&d->host, "%s", u->lud_host) < 0 ||
	    asprintf(&d->port, "%d",
		     u->lud_port			       ? u->lud_port
		     : strcasecmp(u->lud_scheme, "ldaps") == 0 ? 636
							       : 389) < 0) {
		d->host = d->port = NULL;
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (strcasecmp(u->lud_scheme, "ldaps") == 0) {
		if (p->starttls) {
			err_set(err, EXIT_CONFIG,
				"directory %s: starttls: is for ldap:// URLs; ldaps:// is TLS already",
				p->name);
			goto done;
		}
		*tls = true;
	} else if (strcasecmp(u->lud_scheme, "ldap") == 0) {
		char host[300];

		snprintf(host, sizeof(host), strchr(u->lud_host, ':') ? "[%s]" : "%s", u->lud_host);
		if (!p->starttls && !host_is_loopback(host)) {
			err_set(
			    err, EXIT_CONFIG,
			    "directory %s: url: ldap:// sends the bind password in the clear: use ldaps://, "
			    "or starttls: true (plain ldap:// only to a loopback address): %s",
			    p->name, p->url);
			goto done;
		}
		*tls = p->starttls;
	} else {
		err_set(err, EXIT_CONFIG, "directory %s: url: only ldaps:// and ldap:// are supported: %s",
			p->name, p->url);
		goto done;
	}
	rc = 0;
done:
	ldap_free_urldesc(u);
	return rc;
}

static int set(struct directory *d, int option, const void *value, const char *what, struct msg_err *err)
{
	if (ldap_set_option(d->ld, option, value) != LDAP_OPT_SUCCESS)
		return err_set(err, EXIT_FAILURE_, "directory %s: cannot set %s", d->name, what);
	return 0;
}

/* Options on the handle, which win over ldap.conf, ~/.ldaprc and LDAP* variables: no referral is
 * chased, every certificate is checked against the profile's CA and the host name. */
static int configure(struct directory *d, const char *ca_file, struct msg_err *err)
{
	const int v3 = LDAP_VERSION3, hard = LDAP_OPT_X_TLS_HARD, tls12 = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2;
	const int fresh = 0;
	const char *ca = ca_file;
	struct timeval tv = {.tv_sec = d->timeout_ms / 1000, .tv_usec = (d->timeout_ms % 1000) * 1000};

	if (ca == NULL && access(SYSTEM_CA_FILE, R_OK) == 0)
		ca = SYSTEM_CA_FILE;
	if (ca != NULL && access(ca, R_OK) != 0)
		return err_set(err, EXIT_CONFIG, "directory %s: ca_file %s: cannot be read", d->name, ca);
	if (set(d, LDAP_OPT_PROTOCOL_VERSION, &v3, "LDAPv3", err) != 0 ||
	    set(d, LDAP_OPT_REFERRALS, LDAP_OPT_OFF, "no referrals", err) != 0 ||
	    set(d, LDAP_OPT_NETWORK_TIMEOUT, &tv, "the connect timeout", err) != 0 ||
	    set(d, LDAP_OPT_TIMEOUT, &tv, "the timeout", err) != 0 ||
	    set(d, LDAP_OPT_X_TLS_REQUIRE_CERT, &hard, "certificate checks", err) != 0 ||
	    set(d, LDAP_OPT_X_TLS_PROTOCOL_MIN, &tls12, "TLS 1.2 at least", err) != 0 ||
	    (ca != NULL && set(d, LDAP_OPT_X_TLS_CACERTFILE, ca, "the CA file", err) != 0) ||
	    /* a TLS context of this handle's own, made from the options above */
	    set(d, LDAP_OPT_X_TLS_NEWCTX, &fresh, "a TLS context", err) != 0)
		return -1;
	return 0;
}

/* After rc on a TLS connection: when a second connection can tell why TLS failed, err says that. */
static int tls_failed(struct directory *d, const struct directory_profile *p, int rc, const char *what,
		      struct msg_err *err)
{
	char why[1024];

	if ((rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR) &&
	    tls_probe(d->host, d->port, p->starttls, p->ca_file, d->timeout_ms, why, sizeof(why)) !=
		TLS_PROBE_UNREACHABLE)
		return err_set(err, EXIT_UNAVAILABLE, "directory %s: TLS with %s failed: %s", d->name, d->url,
			       why);
	return dir_fail(d, 0, rc, what, err);
}

int directory_open(const struct directory_profile *p, const char *password, FILE *trace,
		   struct directory **out, struct msg_err *err)
{
	struct directory *d = calloc(1, sizeof(*d));
	struct berval cred = {0};
	bool tls = false;
	int rc;

	if (d == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	d->trace = trace;
	d->page_size = p->page_size;
	d->timeout_ms = p->timeout_ms > 0 ? p->timeout_ms : 30000;
	if ((d->name = strdup(p->name)) == NULL || (d->url = strdup(p->url)) == NULL) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto fail;
	}
	if (check_url(d, p, &tls, err) != 0)
		goto fail;
	if ((rc = ldap_initialize(&d->ld, p->url)) != LDAP_SUCCESS) {
		err_set(err, EXIT_CONFIG, "directory %s: url %s: %s", p->name, p->url, ldap_err2string(rc));
		goto fail;
	}
	if (configure(d, p->ca_file, err) != 0)
		goto fail;
	if (p->starttls) {
		dir_trace(d, "StartTLS with %s", p->url);
		if ((rc = ldap_start_tls_s(d->ld, NULL, NULL)) != LDAP_SUCCESS) {
			tls_failed(d, p, rc == LDAP_CONNECT_ERROR ? LDAP_SERVER_DOWN : rc, "StartTLS", err);
			goto fail;
		}
	}
	d->tls = tls;
	if (p->bind_dn != NULL) {
		if (password == NULL || *password == '\0') {
			err_set(err, EXIT_CONFIG,
				"directory %s: no bind password: an empty one would bind anonymously",
				p->name);
			goto fail;
		}
		cred.bv_val = (char *)password;
		cred.bv_len = strlen(password);
	}
	dir_trace(d, "bind as %s (simple%s)", p->bind_dn ? p->bind_dn : "anonymous",
		  p->bind_dn ? ", password <redacted>" : "");
	rc = ldap_sasl_bind_s(d->ld, p->bind_dn ? p->bind_dn : "", LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	d->requests++;
	if (rc != LDAP_SUCCESS) {
		char what[600];

		snprintf(what, sizeof(what), "%s %s (%s)", p->bind_dn ? "bind as" : "anonymous bind to",
			 p->bind_dn ? p->bind_dn : p->url, p->url);
		if (tls)
			tls_failed(d, p, rc, what, err);
		else
			dir_fail(d, 0, rc, what, err);
		goto fail;
	}
	dir_trace(d, "bound");
	*out = d;
	return 0;
fail:
	directory_close(d);
	return -1;
}

void directory_close(struct directory *d)
{
	if (d == NULL)
		return;
	if (d->ld != NULL)
		ldap_unbind_ext_s(d->ld, NULL, NULL);
	free(d->name);
	free(d->url);
	free(d->host);
	free(d->port);
	free(d);
}

unsigned long directory_requests(const struct directory *d)
{
	return d->requests;
}
