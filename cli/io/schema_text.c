/* The string checks of the schema validator (schema.c): the formats it asserts, and "pattern"
 * regular expressions, which JSON Schema writes in ECMA-262 syntax and msgadm runs with POSIX
 * <regex.h>. */
#include "schema_text.h"

#include <stdlib.h>
#include <string.h>

/* ---- formats ---- */

static bool is_alnum_ascii(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* RFC 1123: dot-separated labels of 1-63 letters, digits and inner hyphens; 253 characters at most. */
static bool is_hostname(const char *s)
{
	size_t label = 0;

	if (strlen(s) == 0 || strlen(s) > 253)
		return false;
	for (const char *p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-')
				return false;
			if (*p == '\0')
				return true;
			label = 0;
		} else if (is_alnum_ascii(*p) || (*p == '-' && label > 0)) {
			label++;
		} else {
			return false;
		}
	}
}

/* local@domain: one '@', a local part without spaces or control characters, a dotted hostname. */
static bool is_email(const char *s)
{
	const char *at = strchr(s, '@');

	if (!at || at == s || strchr(at + 1, '@'))
		return false;
	for (const char *p = s; p < at; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return strchr(at + 1, '.') && is_hostname(at + 1);
}

/* YYYY-MM-DD naming a day that exists (Gregorian leap years). */
static bool is_date(const char *s)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

static const struct format {
	const char *name;
	bool (*valid)(const char *);
	const char *message;
} formats[] = {
    {"email", is_email, "not an e-mail address"},
    {"date", is_date, "not a valid date (YYYY-MM-DD)"},
    {"hostname", is_hostname, "not a valid hostname"},
};

const char *schema_format_problem(const char *format, const char *s, size_t bytes)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(format, formats[i].name) == 0 && (strlen(s) != bytes || !formats[i].valid(s)))
			return formats[i].message;
	return NULL;
}

/* ---- patterns ---- */

static const struct escape {
	char c;
	const char *outside, *in_class; /* NULL: not expressible there */
} escapes[] = {
    {'d', "[0-9]", "0-9"},
    {'w', "[A-Za-z0-9_]", "A-Za-z0-9_"},
    {'s', "[[:space:]]", "[:space:]"},
    {'D', "[^0-9]", NULL},
    {'W', "[^A-Za-z0-9_]", NULL},
    {'S', "[^[:space:]]", NULL},
    {'t', "\t", "\t"},
    {'n', "\n", "\n"},
    {'r', "\r", "\r"},
    {'f', "\f", "\f"},
    {'v', "\v", "\v"},
    {0, NULL, NULL},
};

/* ECMA-262 escapes that POSIX ERE spells differently: \d \w \s (and \D \W \S outside brackets), escaped
 * punctuation, \t \n \r \f \v, and "(?:". Other escapes (\b, \p{...}, \1, \u...) and lookaround are
 * refused rather than given another meaning. Returns a new string, NULL if refused. */
static char *ecma_to_ere(const char *src)
{
	char *out = malloc(strlen(src) * 6 + 1), *o = out;
	bool in_class = false;
	const struct escape *e;
	const char *rep;

	if (!out)
		return NULL;
	for (const char *p = src; *p; p++) {
		if (*p == '(' && !in_class && p[1] == '?') {
			if (p[2] != ':')
				goto fail;
			*o++ = '(';
			p += 2;
			continue;
		}
		if (*p == '[' && !in_class) {
			in_class = true;
			*o++ = '[';
			if (p[1] == '^')
				*o++ = *++p;
			if (p[1] == ']') /* empty class in ECMA, a literal ']' in POSIX */
				goto fail;
			continue;
		}
		if (*p == ']' && in_class)
			in_class = false;
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		for (e = escapes, p++; e->c && e->c != *p; e++)
			;
		if (e->c) {
			if (!(rep = in_class ? e->in_class : e->outside))
				goto fail;
			o = stpcpy(o, rep);
			continue;
		}
		/* other escaped punctuation is the character itself: escaped outside brackets where ERE
		 * gives it a meaning; inside, only where the position does not matter */
		if (*p == '\0' || is_alnum_ascii(*p) || (unsigned char)*p >= 0x80 ||
		    (in_class && strchr("]^-[", *p)))
			goto fail;
		if (!in_class && strchr(".[]()*+?{}|^$\\", *p))
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
fail:
	free(out);
	return NULL;
}

bool schema_regex_compile(regex_t *re, const char *ecma)
{
	char *ere = ecma_to_ere(ecma);
	bool ok = ere && regcomp(re, ere, REG_EXTENDED | REG_NOSUB) == 0;

	free(ere);
	return ok;
}

/* Compiled patterns, by their text: a schema holds a few dozen; past PATTERN_CACHE they are
 * compiled for each use, which is only slower. Kept for the life of the process. */
#define PATTERN_CACHE 128

static struct {
	char *ecma;
	regex_t re;
	bool ok;
} patterns[PATTERN_CACHE];
static size_t npatterns;

bool schema_regex_match(const char *ecma, const char *s, bool *supported)
{
	regex_t re;
	bool match;
	size_t i;

	for (i = 0; i < npatterns; i++)
		if (strcmp(patterns[i].ecma, ecma) == 0)
			break;
	if (i == npatterns && npatterns < PATTERN_CACHE && (patterns[i].ecma = strdup(ecma)) != NULL) {
		patterns[i].ok = schema_regex_compile(&patterns[i].re, ecma);
		npatterns++;
	}
	if (i < npatterns) {
		*supported = patterns[i].ok;
		return patterns[i].ok && regexec(&patterns[i].re, s, 0, NULL, 0) == 0;
	}
	if (!(*supported = schema_regex_compile(&re, ecma)))
		return false;
	match = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return match;
}
