/* JSON Schema (draft 2020-12 subset) validation; schema.h lists the keywords covered.
 *
 * Every problem is collected as {"path", "message"}; validation does not stop at the first. Two rules keep
 * the report readable: anyOf/oneOf/not report one summary error at the instance (the errors of the
 * alternatives that did not match rarely help a reader), and a schema node with an "errorMessage" string
 * reports that one message instead of whatever failed at or beneath it (as ajv-errors and the
 * vscode/yaml-language-server do). When an instance has the wrong type, the other keywords of that node
 * are not checked: they would only repeat the mismatch.
 *
 * Ownership as in schema.h: everything is borrowed; only the caller's errors array gains entries. */
#include "schema.h"
#include "jpath.h"
#include "schema_keywords.h"
#include "schema_text.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_SIZE 512
#define MSG_SIZE  1024
#define MAX_DEPTH 200 /* nested schema applications; ends $ref loops such as {"$ref": "#"} */

struct vstate {
	const json_t *root; /* the schema document, for $ref */
	json_t *errors;	    /* NULL when only the answer matters */
	int depth;
	struct schema_keywords_cache *keywords; /* NULL: out of memory, looked up each time */
};

/* Where a value is, as a chain up to the root, written out (users.list[2].email) only when an
 * error is reported: a policy of 100,000 users has half a million values and few errors. */
struct vpath {
	const struct vpath *up; /* NULL: the root */
	const char *key;	/* a member's key, or NULL for an item */
	size_t index;		/* an item's index */
};

/* The path as jpath.h writes it ("" for the root), truncated as jpath truncates. */
static void vpath_text(const struct vpath *p, char *out, size_t size)
{
	char up[PATH_SIZE];

	if (p->up == NULL) {
		snprintf(out, size, "%s", "");
		return;
	}
	vpath_text(p->up, up, sizeof(up));
	if (p->key != NULL)
		jpath_key(out, size, up, p->key);
	else
		jpath_index(out, size, up, p->index);
}

static bool validate(struct vstate *st, const json_t *schema, const json_t *inst, const struct vpath *path);

/* Drops a UTF-8 sequence cut short by truncation, so that jansson accepts the text. */
static void cut_partial_utf8(char *s)
{
	size_t n = strlen(s), i = n, need;
	unsigned char lead;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)s[i - 1];
	need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
}

__attribute__((format(printf, 3, 4))) static void add_error(struct vstate *st, const struct vpath *path,
							    const char *fmt, ...)
{
	char msg[MSG_SIZE], where[PATH_SIZE];
	va_list ap;

	if (!st->errors)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vpath_text(path, where, sizeof(where));
	cut_partial_utf8(msg);
	cut_partial_utf8(where);
	json_array_append_new(st->errors, json_pack("{s:s, s:s}", "path", where, "message", msg));
}

/* Iterates a const object; jansson's iterators take non-const pointers but do not modify the object. */
#define OBJECT_EACH(obj, it)                                                                                 \
	for (void *it = json_object_iter((json_t *)(obj)); it;                                               \
	     it = json_object_iter_next((json_t *)(obj), it))

/* ---- numbers and values ---- */

/* Compares exactly, also a json integer against a real beyond 2^53. */
static int cmp_int_real(json_int_t i, double d)
{
	double f;

	if (d >= 9223372036854775808.0)
		return -1;
	if (d < -9223372036854775808.0)
		return 1;
	f = floor(d);
	if (i != (json_int_t)f)
		return i < (json_int_t)f ? -1 : 1;
	return d > f ? -1 : 0;
}

static int num_cmp(const json_t *a, const json_t *b)
{
	if (json_is_integer(a) && json_is_integer(b))
		return (json_integer_value(a) > json_integer_value(b)) -
		       (json_integer_value(a) < json_integer_value(b));
	if (json_is_integer(a))
		return cmp_int_real(json_integer_value(a), json_real_value(b));
	if (json_is_integer(b))
		return -cmp_int_real(json_integer_value(b), json_real_value(a));
	return (json_real_value(a) > json_real_value(b)) - (json_real_value(a) < json_real_value(b));
}

/* Deep equality as JSON Schema means it: 1 and 1.0 are the same value. */
static bool json_same(const json_t *a, const json_t *b)
{
	size_t i;

	if (json_is_number(a) && json_is_number(b))
		return num_cmp(a, b) == 0;
	if (json_typeof(a) != json_typeof(b))
		return false;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (i = 0; i < json_array_size(a); i++)
			if (!json_same(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return false;
		OBJECT_EACH(a, it)
		{
			const json_t *bv = json_object_get(b, json_object_iter_key(it));
			if (!bv || !json_same(json_object_iter_value(it), bv))
				return false;
		}
		return true;
	default:
		return true; /* true, false, null */
	}
}

/* Writes a value for a message: strings bare, numbers short (0.1, not 0.10000000000000001). */
static void render_value(char *out, size_t size, const json_t *v)
{
	char *text;

	if (json_is_string(v)) {
		snprintf(out, size, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(out, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_real(v)) {
		snprintf(out, size, "%.15g", json_real_value(v));
		if (strtod(out, NULL) != json_real_value(v))
			snprintf(out, size, "%.17g", json_real_value(v));
	} else {
		text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		snprintf(out, size, "%s", text ? text : "?");
		free(text);
	}
}

static const char *type_of(const json_t *v)
{
	static const char *const names[] = {
	    [JSON_OBJECT] = "object",	[JSON_ARRAY] = "array", [JSON_STRING] = "string",
	    [JSON_INTEGER] = "integer", [JSON_REAL] = "number", [JSON_TRUE] = "boolean",
	    [JSON_FALSE] = "boolean",	[JSON_NULL] = "null",
	};
	return names[json_typeof(v)];
}

/* "a string", "an integer", "null" */
static const char *article(const char *type)
{
	return !strcmp(type, "null") ? "" : strchr("aeiou", type[0]) ? "an " : "a ";
}

static bool has_type(const json_t *v, const char *type)
{
	double d;

	if (!strcmp(type, "number"))
		return json_is_number(v);
	if (!strcmp(type, "integer") && json_is_real(v)) {
		d = json_real_value(v);
		return isfinite(d) && d == floor(d);
	}
	return !strcmp(type, type_of(v));
}

/* ---- $ref ---- */

static const json_t *pointer_step(const json_t *cur, const char *token)
{
	char *end;
	unsigned long long i;

	if (json_is_object(cur))
		return json_object_get(cur, token);
	if (!json_is_array(cur) || token[0] < '0' || token[0] > '9' || (token[0] == '0' && token[1]))
		return NULL;
	i = strtoull(token, &end, 10);
	return *end ? NULL : json_array_get(cur, (size_t)i);
}

/* Resolves "#", "#/json/pointer" (URI-percent-encoded, ~0 ~1 escaped), and the same after the root's own
 * "$id". Other documents and $anchor names are not supported: NULL. */
static const json_t *resolve_ref(const json_t *root, const char *ref)
{
	const char *hash = strchr(ref, '#'), *id = json_string_value(json_object_get(root, "$id"));
	size_t base = hash ? (size_t)(hash - ref) : strlen(ref), idlen = id ? strlen(id) : 0;
	const json_t *cur = NULL;
	char *ptr = NULL, *tok, *o;
	const char *p;

	if (idlen > 0 && id[idlen - 1] == '#')
		idlen--;
	if (base > 0 && (base != idlen || strncmp(ref, id, base) != 0))
		goto done;
	if (!hash || !hash[1]) {
		cur = root;
		goto done;
	}
	if (hash[1] != '/' || !(ptr = malloc(2 * strlen(hash))))
		goto done;
	tok = ptr + strlen(hash);
	for (p = hash + 1, o = ptr; *p; p++) { /* the fragment is percent-decoded first */
		if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			char hex[3] = {p[1], p[2], '\0'};
			*o++ = (char)strtol(hex, NULL, 16);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	for (p = ptr, cur = root; cur && *p == '/';) { /* then read as a JSON pointer */
		for (p++, o = tok; *p && *p != '/'; p++) {
			if (*p == '~' && (p[1] == '0' || p[1] == '1'))
				*o++ = *++p == '0' ? '~' : '/';
			else if (*p == '~')
				cur = NULL; /* a bad escape: pointer_step(NULL, ...) is NULL */
			else
				*o++ = *p;
		}
		*o = '\0';
		cur = pointer_step(cur, tok);
	}
done:
	free(ptr);
	return cur;
}

/* ---- keywords by instance type ---- */

static bool check_type(struct vstate *st, const struct schema_keywords *kw, const json_t *inst,
		       const struct vpath *path)
{
	const json_t *type = kw->type;
	size_t n = json_is_array(type) ? json_array_size(type) : 1, len = 0;
	char want[256] = "";
	const char *name;

	if (!type)
		return true;
	for (size_t i = 0; i < n; i++) {
		if (!(name = json_string_value(json_is_array(type) ? json_array_get(type, i) : type)))
			continue;
		if (has_type(inst, name))
			return true;
		len += (size_t)snprintf(want + len, sizeof(want) - len, "%s%s%s",
					!i	     ? ""
					: i + 1 == n ? " or "
						     : ", ",
					article(name), name);
		len = len < sizeof(want) ? len : sizeof(want) - 1;
	}
	name = type_of(inst);
	add_error(st, path, "expected %s, got %s%s", want, article(name), name);
	return false;
}

static bool check_value(struct vstate *st, const struct schema_keywords *kw, const json_t *inst,
			const struct vpath *path)
{
	const json_t *c = kw->const_value, *e = kw->enum_values;
	char list[MSG_SIZE / 2] = "", one[MSG_SIZE / 2];
	bool ok = true;
	size_t i, len = 0;

	if (c && !json_same(c, inst)) {
		render_value(one, sizeof(one), c);
		add_error(st, path, "must be %s", one);
		ok = false;
	}
	if (!json_is_array(e))
		return ok;
	for (i = 0; i < json_array_size(e); i++) {
		if (json_same(json_array_get(e, i), inst))
			return ok;
		render_value(one, sizeof(one), json_array_get(e, i));
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", one);
		len = len < sizeof(list) ? len : sizeof(list) - 1; /* truncated: keep writing nothing */
	}
	add_error(st, path, i ? "must be one of: %s" : "no value is allowed here%s", list);
	return false;
}

/* x is a multiple of m when x / m is a whole number, up to rounding: both remainders near 0 or near m
 * count. A quotient that overflows is not a multiple; one beyond 2^53 holds no fraction to check. */
static bool is_multiple(const json_t *x, const json_t *m)
{
	double q, r, dm = fabs(json_number_value(m));

	if (json_is_integer(x) && json_is_integer(m) && json_integer_value(m) > 0)
		return json_integer_value(x) % json_integer_value(m) == 0;
	q = json_number_value(x) / dm;
	if (!isfinite(q))
		return false;
	if (fabs(q) >= 9007199254740992.0)
		return true;
	r = fabs(fmod(json_number_value(x), dm));
	return r <= dm * 1e-9 || dm - r <= dm * 1e-9;
}

static bool check_number(struct vstate *st, const struct schema_keywords *kw, const json_t *inst,
			 const struct vpath *path)
{
	/* in the order of kw->bounds: minimum, maximum, exclusiveMinimum, exclusiveMaximum */
	static const struct bound {
		const char *message;
		int bad_lo, bad_hi; /* the comparison results (instance vs limit) that fail */
	} bounds[] = {
	    {"must be at least", -1, -1},
	    {"must be at most", 1, 1},
	    {"must be greater than", -1, 0},
	    {"must be less than", 0, 1},
	};
	const json_t *lim, *m = kw->multiple_of;
	char num[64];
	bool ok = true;
	int c;

	for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		lim = kw->bounds[i];
		if (!json_is_number(lim))
			continue;
		c = num_cmp(inst, lim);
		if (c >= bounds[i].bad_lo && c <= bounds[i].bad_hi) {
			render_value(num, sizeof(num), lim);
			add_error(st, path, "%s %s", bounds[i].message, num);
			ok = false;
		}
	}
	if (json_is_number(m) && json_number_value(m) > 0 && !is_multiple(inst, m)) {
		render_value(num, sizeof(num), m);
		add_error(st, path, "must be a multiple of %s", num);
		ok = false;
	}
	return ok;
}

/* minLength/maxLength, minItems/maxItems, minProperties/maxProperties: count against the keyword pair. */
static bool check_count(struct vstate *st, const json_t *min, const json_t *max, const struct vpath *path,
			size_t count, const char *unit)
{
	char num[64];
	bool ok = true;

	if (json_is_number(min) && (double)count < json_number_value(min)) {
		render_value(num, sizeof(num), min);
		add_error(st, path, "must have at least %s %s%s", num, unit,
			  json_number_value(min) == 1 ? "" : "s");
		ok = false;
	}
	if (json_is_number(max) && (double)count > json_number_value(max)) {
		render_value(num, sizeof(num), max);
		add_error(st, path, "must have at most %s %s%s", num, unit,
			  json_number_value(max) == 1 ? "" : "s");
		ok = false;
	}
	return ok;
}

static bool check_string(struct vstate *st, const struct schema_keywords *kw, const json_t *inst,
			 const struct vpath *path)
{
	const char *s = json_string_value(inst), *fmt = json_string_value(kw->format);
	const char *pattern = json_string_value(kw->pattern), *message;
	size_t bytes = json_string_length(inst), chars = 0;
	bool ok = true, supported;

	for (size_t i = 0; i < bytes; i++) /* code points: every byte that does not continue a sequence */
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	ok = check_count(st, kw->min_length, kw->max_length, path, chars, "character");
	if (pattern && !schema_regex_match(pattern, s, &supported)) {
		if (supported)
			add_error(st, path, "must match pattern %s", pattern);
		else
			add_error(st, path, "schema error: unsupported pattern %s", pattern);
		ok = false;
	}
	if (fmt != NULL && (message = schema_format_problem(fmt, s, bytes)) != NULL) {
		add_error(st, path, "%s", message);
		ok = false;
	}
	return ok;
}

static bool check_array(struct vstate *st, const struct schema_keywords *kw, const json_t *inst,
			const struct vpath *path)
{
	const json_t *prefix = kw->prefix_items, *items = kw->items;
	size_t n = json_array_size(inst), first = json_array_size(prefix), i, j;
	char earlier[PATH_SIZE];
	bool ok = check_count(st, kw->min_items, kw->max_items, path, n, "item");

	for (i = 0; i < n; i++) {
		const json_t *sub = i < first ? json_array_get(prefix, i) : items;
		const struct vpath child = {.up = path, .index = i};

		if (sub)
			ok = validate(st, sub, json_array_get(inst, i), &child) && ok;
	}
	if (!json_is_true(kw->unique_items))
		return ok;
	for (j = 1; j < n; j++) {
		for (i = 0; i < j && !json_same(json_array_get(inst, i), json_array_get(inst, j)); i++)
			;
		if (i < j) {
			const struct vpath child = {.up = path, .index = j},
					   first_one = {.up = path, .index = i};

			vpath_text(&first_one, earlier, sizeof(earlier));
			add_error(st, &child, "duplicate of %s", earlier);
			ok = false;
		}
	}
	return ok;
}

/* propertyNames: a bad name is reported at the field, with the first reason the name schema gives. */
static bool check_name(struct vstate *st, const json_t *names, const char *key, const struct vpath *path)
{
	struct vstate sub = *st;
	json_t *name = json_string(key);
	bool ok;

	sub.errors = st->errors ? json_array() : NULL;
	ok = validate(&sub, names, name, path);
	if (!ok)
		add_error(st, path, "invalid field name '%s': %s", key,
			  json_array_size(sub.errors)
			      ? json_string_value(json_object_get(json_array_get(sub.errors, 0), "message"))
			      : "not allowed");
	json_decref(sub.errors);
	json_decref(name);
	return ok;
}

static bool check_object(struct vstate *st, const struct schema_keywords *kw, const json_t *inst,
			 const struct vpath *path)
{
	const json_t *props = kw->properties, *addl = kw->additional;
	const json_t *pprops = kw->pattern_properties, *req = kw->required;
	const json_t *names = kw->property_names, *sub;
	size_t npat = json_object_size(pprops), i = 0;
	struct pattern {
		const json_t *schema;
		regex_t re;
		bool compiled;
	} *pats = NULL;
	bool ok =
	    check_count(st, kw->min_properties, kw->max_properties, path, json_object_size(inst), "field");
	bool matched;

	for (i = 0; i < json_array_size(req); i++) {
		const char *key = json_string_value(json_array_get(req, i));
		if (key && !json_object_get(inst, key)) {
			add_error(st, path, "missing required field '%s'", key);
			ok = false;
		}
	}
	if (npat && !(pats = calloc(npat, sizeof(*pats)))) {
		add_error(st, path, "out of memory");
		ok = false;
		goto done;
	}
	i = 0;
	OBJECT_EACH(pprops, it)
	{
		pats[i].schema = json_object_iter_value(it);
		pats[i].compiled = schema_regex_compile(&pats[i].re, json_object_iter_key(it));
		if (!pats[i++].compiled) {
			add_error(st, path, "schema error: unsupported pattern %s", json_object_iter_key(it));
			ok = false;
		}
	}
	OBJECT_EACH(inst, it)
	{
		const char *key = json_object_iter_key(it);
		const json_t *val = json_object_iter_value(it);
		const struct vpath member = {.up = path, .key = key}, *child = &member;

		if (names)
			ok = check_name(st, names, key, child) && ok;
		sub = json_object_get(props, key);
		if ((matched = sub != NULL))
			ok = validate(st, sub, val, child) && ok;
		for (i = 0; i < npat; i++) {
			if (pats[i].compiled && regexec(&pats[i].re, key, 0, NULL, 0) == 0) {
				matched = true;
				ok = validate(st, pats[i].schema, val, child) && ok;
			}
		}
		if (matched || !addl)
			continue;
		if (json_is_false(addl)) {
			add_error(st, child, "unknown field '%s'", key);
			/* the key is at fault, not its value: say so, for the position in messages */
			if (st->errors != NULL)
				json_object_set_new(
				    json_array_get(st->errors, json_array_size(st->errors) - 1), "at",
				    json_string("key"));
			ok = false;
		} else {
			ok = validate(st, addl, val, child) && ok;
		}
	}
done:
	for (i = 0; pats && i < npat; i++)
		if (pats[i].compiled)
			regfree(&pats[i].re);
	free(pats);
	return ok;
}

/* ---- applicators ---- */

/* A $ref is resolved once per node and validation. */
static bool check_ref(struct vstate *st, struct schema_keywords *kw, const json_t *inst,
		      const struct vpath *path)
{
	const char *ref = json_string_value(kw->ref);
	const json_t *target;

	if (!kw->ref_resolved) {
		kw->ref_target = resolve_ref(st->root, ref);
		kw->ref_resolved = true;
	}
	target = kw->ref_target;
	if (!target) {
		add_error(st, path, "schema error: cannot resolve $ref %s", ref);
		return false;
	}
	return validate(st, target, inst, path);
}

/* allOf passes errors through; anyOf, oneOf and not answer with one summary (see the top of the file). */
static bool check_logic(struct vstate *st, const struct schema_keywords *kw, const json_t *inst,
			const struct vpath *path)
{
	const json_t *all = kw->all_of, *any = kw->any_of;
	const json_t *one = kw->one_of, *neg = kw->not_schema;
	const json_t *cond = kw->if_schema, *branch;
	struct vstate quiet = *st;
	size_t i, matches = 0;
	bool ok = true;

	quiet.errors = NULL;
	for (i = 0; i < json_array_size(all); i++)
		ok = validate(st, json_array_get(all, i), inst, path) && ok;
	for (i = 0; i < json_array_size(any) && !validate(&quiet, json_array_get(any, i), inst, path); i++)
		;
	if (json_is_array(any) && i == json_array_size(any)) {
		add_error(st, path, "does not match any allowed form");
		ok = false;
	}
	for (i = 0; i < json_array_size(one); i++)
		matches += validate(&quiet, json_array_get(one, i), inst, path);
	if (json_is_array(one) && matches != 1) {
		if (matches == 0)
			add_error(st, path, "does not match any allowed form");
		else
			add_error(st, path, "matches %zu allowed forms, but must match exactly one", matches);
		ok = false;
	}
	if (neg && validate(&quiet, neg, inst, path)) {
		add_error(st, path, "matches a form that is not allowed");
		ok = false;
	}
	if (cond) {
		branch = validate(&quiet, cond, inst, path) ? kw->then_schema : kw->else_schema;
		if (branch)
			ok = validate(st, branch, inst, path) && ok;
	}
	return ok;
}

static bool check_keywords(struct vstate *st, struct schema_keywords *kw, const json_t *inst,
			   const struct vpath *path)
{
	bool ok = true;

	if (json_is_string(kw->ref))
		ok = check_ref(st, kw, inst, path);
	if (!check_type(st, kw, inst, path))
		return false; /* the other keywords would only repeat the mismatch */
	ok = check_value(st, kw, inst, path) && ok;
	if (json_is_number(inst))
		ok = check_number(st, kw, inst, path) && ok;
	else if (json_is_string(inst))
		ok = check_string(st, kw, inst, path) && ok;
	else if (json_is_array(inst))
		ok = check_array(st, kw, inst, path) && ok;
	else if (json_is_object(inst))
		ok = check_object(st, kw, inst, path) && ok;
	return check_logic(st, kw, inst, path) && ok;
}

static bool validate(struct vstate *st, const json_t *schema, const json_t *inst, const struct vpath *path)
{
	struct schema_keywords spare, *kw;
	struct vstate quiet = *st;
	const char *message;
	bool ok;

	if (json_is_boolean(schema)) {
		if (json_is_false(schema))
			add_error(st, path, "not allowed here");
		return json_is_true(schema);
	}
	if (!json_is_object(schema))
		return true; /* not a schema; a well-formed schema document never leads here */
	kw = schema_keywords_of(st->keywords, schema, &spare);
	message = json_string_value(kw->error_message);
	if (st->depth >= MAX_DEPTH) {
		add_error(st, path, "schema error: nested too deeply (a $ref loop?)");
		return false;
	}
	st->depth++;
	if (message && st->errors) {
		quiet.errors = NULL;
		quiet.depth = st->depth;
		ok = check_keywords(&quiet, kw, inst, path);
		if (!ok)
			add_error(st, path, "%s", message);
	} else {
		ok = check_keywords(st, kw, inst, path);
	}
	st->depth--;
	return ok;
}

bool schema_validate(const json_t *schema, const json_t *instance, json_t *errors)
{
	struct vstate st = {.root = schema,
			    .errors = json_is_array(errors) ? errors : NULL,
			    .depth = 0,
			    .keywords = schema_keywords_cache_new()};
	const struct vpath root = {0};
	bool ok = validate(&st, schema, instance, &root);

	schema_keywords_cache_free(st.keywords);
	return ok;
}
