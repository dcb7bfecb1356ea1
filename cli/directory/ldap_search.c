/* Searching a directory: every page, or an error; entries as JSON (directory.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "directory.h"
#include "ldap_internal.h"

#define OID_PAGED_RESULTS "1.2.840.113556.1.4.319"

/* A value as a string when it is UTF-8 without NUL bytes, else "hex:" and its bytes. */
static json_t *value_json(const struct berval *v)
{
	static const char digits[] = "0123456789abcdef";
	json_t *s = NULL;
	char *hex;

	if (memchr(v->bv_val, '\0', v->bv_len) == NULL)
		s = json_stringn(v->bv_val, v->bv_len); /* NULL when not UTF-8 */
	if (s != NULL)
		return s;
	hex = malloc(4 + 2 * v->bv_len + 1);
	if (hex == NULL)
		return NULL;
	memcpy(hex, "hex:", 4);
	for (size_t i = 0; i < v->bv_len; i++) {
		hex[4 + 2 * i] = digits[(unsigned char)v->bv_val[i] >> 4];
		hex[4 + 2 * i + 1] = digits[(unsigned char)v->bv_val[i] & 15];
	}
	hex[4 + 2 * v->bv_len] = '\0';
	s = json_string(hex);
	free(hex);
	return s;
}

static json_t *entry_json(LDAP *ld, LDAPMessage *e)
{
	struct berval dn = {0}, name = {0}, *values = NULL;
	json_t *attrs = json_object(), *entry;
	BerElement *ber = NULL;
	char lower[256];

	/* the _ber forms read the entry in place: no copy of each name and value list */
	if (ldap_get_dn_ber(ld, e, &ber, &dn) != LDAP_SUCCESS) {
		json_decref(attrs);
		return NULL;
	}
	while (ldap_get_attribute_ber(ld, e, ber, &name, &values) == LDAP_SUCCESS && name.bv_val != NULL) {
		json_t *list = json_array();
		size_t n = name.bv_len < sizeof(lower) - 1 ? name.bv_len : sizeof(lower) - 1;

		for (size_t i = 0; i < n; i++)
			lower[i] = (char)tolower((unsigned char)name.bv_val[i]);
		lower[n] = '\0';
		for (size_t i = 0; values != NULL && values[i].bv_val != NULL; i++)
			json_array_append_new(list, value_json(&values[i]));
		json_object_set_new(attrs, lower, list);
		ber_memfree(values);
		values = NULL;
	}
	/* set member by member: json_pack reads its format again for each of thousands of entries */
	entry = json_object();
	json_object_set_new(entry, "dn", json_stringn(dn.bv_val ? dn.bv_val : "", dn.bv_len));
	json_object_set_new(entry, "attrs", attrs);
	ber_free(ber, 0);
	return entry;
}

/* The result of one page: its code, and the cookie of the next page (empty at the end). */
static int page_result(struct directory *d, LDAPMessage *res, const char *what, struct berval *cookie,
		       struct msg_err *err)
{
	LDAPMessage *m;
	LDAPControl **ctrls = NULL, *page;
	char *matched = NULL, *text = NULL, **refs = NULL;
	int code = LDAP_OTHER, rc = -1;
	ber_int_t estimate;

	for (m = ldap_first_message(d->ld, res); m != NULL; m = ldap_next_message(d->ld, m))
		if (ldap_msgtype(m) == LDAP_RES_SEARCH_RESULT)
			break;
	if (m == NULL)
		return err_set(err, EXIT_PROTOCOL,
			       "directory %s: %s: the server ended the page without a result", d->name, what);
	if (ldap_parse_result(d->ld, m, &code, &matched, &text, &refs, &ctrls, 0) != LDAP_SUCCESS) {
		err_set(err, EXIT_PROTOCOL, "directory %s: %s: the result cannot be read", d->name, what);
		goto done;
	}
	if (code == LDAP_REFERRAL) {
		err_set(err, EXIT_PROTOCOL,
			"directory %s: %s: the server refers to %s, which msgadm does not follow: search the "
			"server that holds the base",
			d->name, what, refs && refs[0] ? refs[0] : "another server");
		goto done;
	}
	if (code == LDAP_SIZELIMIT_EXCEEDED) {
		err_set(
		    err, EXIT_TEMPFAIL,
		    "directory %s: %s: the server stopped at its size limit and answered in part; nothing "
		    "is decided on a part: %s",
		    d->name, what,
		    d->page_size > 0 ? "raise the limit for paged searches (OpenLDAP: size.prtotal)"
				     : "set page_size so that msgadm reads it page by page");
		goto done;
	}
	if (code == LDAP_TIMELIMIT_EXCEEDED || code == LDAP_ADMINLIMIT_EXCEEDED) {
		err_set(err, EXIT_TEMPFAIL,
			"directory %s: %s: %s: the server answered in part; nothing is decided on a part",
			d->name, what, ldap_err2string(code));
		goto done;
	}
	if (code == LDAP_UNAVAILABLE_CRITICAL_EXTENSION && d->page_size > 0) {
		err_set(err, EXIT_PROTOCOL,
			"directory %s: %s: the server does not do paged results (RFC 2696): set page_size: 0",
			d->name, what);
		goto done;
	}
	if (code == LDAP_NO_SUCH_OBJECT && d->missing_ok) {
		rc = 0; /* an empty answer: directory_read's "none" */
		goto done;
	}
	if (code != LDAP_SUCCESS) {
		err_set(err,
			code == LDAP_NO_SUCH_OBJECT	   ? EXIT_CONFIG
			: code == LDAP_INSUFFICIENT_ACCESS ? EXIT_NOPERM
							   : EXIT_PROTOCOL,
			"directory %s: %s: %s%s%s%s", d->name, what, ldap_err2string(code),
			text && *text ? " (" : "", text && *text ? text : "", text && *text ? ")" : "");
		goto done;
	}
	cookie->bv_len = 0;
	if (d->page_size > 0) {
		page = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, ctrls, NULL);
		if (page == NULL) {
			err_set(
			    err, EXIT_PROTOCOL,
			    "directory %s: %s: the page came without its paged-results control: the answer "
			    "may be cut short",
			    d->name, what);
			goto done;
		}
		ber_memfree(cookie->bv_val);
		cookie->bv_val = NULL;
		if (ldap_parse_pageresponse_control(d->ld, page, &estimate, cookie) != LDAP_SUCCESS) {
			err_set(err, EXIT_PROTOCOL,
				"directory %s: %s: the paged-results control cannot be read", d->name, what);
			goto done;
		}
	}
	rc = 0;
done:
	ldap_memfree(matched);
	ldap_memfree(text);
	ber_memvfree((void **)refs);
	ldap_controls_free(ctrls);
	return rc;
}

int directory_search(struct directory *d, const char *base, enum directory_scope scope, const char *filter,
		     const char *const *attrs, json_t **entries, struct msg_err *err)
{
	struct berval cookie = {0};
	struct timeval tv = {.tv_sec = d->timeout_ms / 1000, .tv_usec = (d->timeout_ms % 1000) * 1000};
	json_t *all = json_array();
	char what[1200];
	int pages = 0, rc = -1;

	snprintf(what, sizeof(what), "search of %s for %s", base[0] ? base : "the root DSE", filter);
	do {
		LDAPControl *page = NULL, *ctrls[2] = {NULL, NULL};
		LDAPMessage *res = NULL, *m;
		size_t before = json_array_size(all);
		int code;

		if (d->page_size > 0) {
			code = ldap_create_page_control(d->ld, (ber_int_t)d->page_size, &cookie, 1, &page);
			if (code != LDAP_SUCCESS) {
				dir_fail(d, EXIT_FAILURE_, code, what, err);
				goto done;
			}
			ctrls[0] = page;
		}
		dir_trace(d, "search base=\"%s\" scope=%s filter=%s%s", base,
			  scope == DIRECTORY_BASE ? "base" : "sub", filter,
			  d->page_size > 0 ? " (paged)" : "");
		code = ldap_search_ext_s(
		    d->ld, base, scope == DIRECTORY_BASE ? LDAP_SCOPE_BASE : LDAP_SCOPE_SUBTREE, filter,
		    (char **)attrs, 0, page ? ctrls : NULL, NULL, &tv, LDAP_NO_LIMIT, &res);
		d->requests++;
		ldap_control_free(page);
		if (res == NULL && code == LDAP_SERVER_DOWN) {
			err_set(
			    err, EXIT_UNAVAILABLE,
			    "directory %s: %s: the connection was lost during page %d: nothing is decided on "
			    "part of an answer",
			    d->name, what, pages + 1);
			goto done;
		}
		if (res == NULL) {
			dir_fail(d, 0, code, what, err);
			goto done;
		}
		for (m = ldap_first_message(d->ld, res); m != NULL; m = ldap_next_message(d->ld, m)) {
			if (ldap_msgtype(m) == LDAP_RES_SEARCH_ENTRY) {
				json_array_append_new(all, entry_json(d->ld, m));
			} else if (ldap_msgtype(m) == LDAP_RES_SEARCH_REFERENCE) {
				char **refs = NULL;

				ldap_parse_reference(d->ld, m, &refs, NULL, 0);
				err_set(err, EXIT_PROTOCOL,
					"directory %s: %s: the answer holds a referral to %s, which msgadm "
					"does not "
					"follow: it would be incomplete",
					d->name, what, refs && refs[0] ? refs[0] : "another server");
				ber_memvfree((void **)refs);
				ldap_msgfree(res);
				goto done;
			}
		}
		if (page_result(d, res, what, &cookie, err) != 0) {
			ldap_msgfree(res);
			goto done;
		}
		ldap_msgfree(res);
		pages++;
		dir_trace(d, "page %d: %zu entries%s", pages, json_array_size(all) - before,
			  cookie.bv_len > 0 ? ", more to come" : "");
	} while (cookie.bv_len > 0);
	rc = 0;
done:
	ber_memfree(cookie.bv_val);
	if (rc == 0)
		*entries = all;
	else
		json_decref(all);
	return rc;
}

int directory_read(struct directory *d, const char *dn, const char *const *attrs, json_t **entry,
		   struct msg_err *err)
{
	json_t *found = NULL;
	int saved = d->page_size;

	d->page_size = 0;
	d->missing_ok = true;
	if (directory_search(d, dn, DIRECTORY_BASE, "(objectClass=*)", attrs, &found, err) != 0) {
		d->page_size = saved;
		d->missing_ok = false;
		return -1;
	}
	d->page_size = saved;
	d->missing_ok = false;
	*entry = json_incref(json_array_get(found, 0));
	json_decref(found);
	return 0;
}

int directory_info(struct directory *d, json_t **info, struct msg_err *err)
{
	static const char *const attrs[] = {"vendorName",
					    "vendorVersion",
					    "namingContexts",
					    "supportedControl",
					    "supportedCapabilities",
					    "objectClass",
					    "supportedLDAPVersion",
					    NULL};
	json_t *entries = NULL, *a, *v, *out, *contexts;
	char *version = NULL;
	int saved = d->page_size;
	bool paging = false, ad = false, openldap = false;
	size_t i;

	d->page_size = 0; /* the root DSE is one entry */
	if (directory_search(d, "", DIRECTORY_BASE, "(objectClass=*)", attrs, &entries, err) != 0) {
		d->page_size = saved;
		return -1;
	}
	d->page_size = saved;
	a = json_object_get(json_array_get(entries, 0), "attrs");
	json_array_foreach(json_object_get(a, "supportedcontrol"), i, v) paging |=
	    strcmp(json_string_value(v) ? json_string_value(v) : "", OID_PAGED_RESULTS) == 0;
	/* Active Directory says what it is by a capability, OpenLDAP by its root DSE's class */
	json_array_foreach(json_object_get(a, "supportedcapabilities"), i, v) ad |=
	    strcmp(json_string_value(v) ? json_string_value(v) : "", "1.2.840.113556.1.4.800") == 0;
	json_array_foreach(json_object_get(a, "objectclass"), i, v) openldap |=
	    strcasecmp(json_string_value(v) ? json_string_value(v) : "", "OpenLDAProotDSE") == 0;
	if (d->tls)
		ldap_get_option(d->ld, LDAP_OPT_X_TLS_VERSION, &version);
	contexts = json_object_get(a, "namingcontexts");
	out = json_pack("{s:s,s:s?,s:O?,s:O?,s:o,s:b}", "url", d->url, "tls", version, "vendor",
			json_array_get(json_object_get(a, "vendorname"), 0), "version",
			json_array_get(json_object_get(a, "vendorversion"), 0), "naming_contexts",
			contexts ? json_incref(contexts) : json_array(), "paging", paging);
	if (!json_is_string(json_object_get(out, "vendor")) && (ad || openldap))
		json_object_set_new(out, "vendor", json_string(ad ? "Active Directory" : "OpenLDAP"));
	ldap_memfree(version);
	json_decref(entries);
	*info = out;
	return 0;
}
