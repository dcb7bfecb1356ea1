/* YAML to JSON with source positions; see yaml_load.h for the rules and the ownership contract.
 * Built straight from libyaml's event stream: one recursive call per node, so nesting is bounded by
 * YAML_MAX_DEPTH before anything deep reaches the stack. */
#include "yaml_load.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "base/exitcode.h"
#include "jpath.h"

#define YAML_FILE_LIMIT (16u * 1024 * 1024)
/* Longer paths are truncated by jpath; only their recorded position can suffer, never the data. */
#define PATH_BUF 1024

_Static_assert(sizeof(json_int_t) == sizeof(long long), "integers are parsed with strtoll");

struct loader {
	yaml_parser_t parser;
	const char *name;
	const char *text; /* for turning reader-error byte offsets into line:column */
	size_t len;
	FILE *file; /* or, when the parser reads a file itself, the file to count them in */
	struct yaml_pos *pos;
	json_t *anchors;    /* name -> [value, nodes, height]; a later anchor replaces an earlier one */
	size_t alias_nodes; /* nodes copied so far through aliases */
	struct msg_err *err;
};

/* What a node cost: how many JSON values it holds, and how many levels of containers; and its entry
 * in the table of places (-1: only its path finds it). */
struct node_info {
	size_t nodes;
	int height;
	long entry;
};

/* The container a node is in: its entry in the table of places (-1: none) and its path's length. */
struct parent {
	long entry;
	size_t len;
};

static int parse_node(struct loader *ld, const yaml_event_t *ev, const struct parent *up, const char *path,
		      int depth, json_t **out, struct node_info *info);

static int fail_at(struct loader *ld, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct loader *ld, yaml_mark_t m, const char *fmt, ...)
{
	char reason[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return err_set(ld->err, EXIT_DATAERR, "%s:%zu:%zu: %s", ld->name, m.line + 1, m.column + 1, reason);
}

static int nomem(struct loader *ld)
{
	return err_set(ld->err, EXIT_FAILURE_, "%s: out of memory", ld->name);
}

static const char *where(const char *path)
{
	return *path ? path : "(document)";
}

static int syntax_error(struct loader *ld)
{
	const yaml_parser_t *p = &ld->parser;
	const char *problem = p->problem ? p->problem : "syntax error";
	yaml_mark_t m = p->problem_mark;

	if (p->error == YAML_MEMORY_ERROR)
		return nomem(ld);
	if (p->error == YAML_READER_ERROR && ld->file != NULL && ferror(ld->file))
		return err_set(ld->err, EXIT_NOINPUT, "%s: %s", ld->name, strerror(errno));
	if (p->error == YAML_READER_ERROR) {
		/* The reader only knows a byte offset; count lines ourselves (column in bytes). */
		size_t line = 0, col = 0;
		int c = 0;

		if (ld->file != NULL && fseek(ld->file, 0, SEEK_SET) != 0)
			ld->file = NULL;
		for (size_t i = 0; i < p->problem_offset; i++) {
			if (ld->file != NULL ? (c = getc(ld->file)) == EOF : i >= ld->len)
				break;
			col++;
			if ((ld->file != NULL ? c : ld->text[i]) == '\n') {
				line++;
				col = 0;
			}
		}
		m.line = line;
		m.column = col;
		return fail_at(ld, m, "%s", problem);
	}
	if (p->context == NULL)
		return fail_at(ld, m, "%s", problem);
	if (p->context_mark.line != m.line || p->context_mark.column != m.column)
		return fail_at(ld, m, "%s (%s at %zu:%zu)", problem, p->context, p->context_mark.line + 1,
			       p->context_mark.column + 1);
	return fail_at(ld, m, "%s (%s)", problem, p->context);
}

static int next_event(struct loader *ld, yaml_event_t *ev)
{
	yaml_event_delete(ev);
	if (!yaml_parser_parse(&ld->parser, ev))
		return syntax_error(ld);
	return 0;
}

/* A document's paths are unique, so each is appended without a lookup, as what follows its
 * container's path; only one that may have been cut to PATH_BUF can collide with another, and goes
 * through yaml_pos_put whole. */
static int record_pos(struct loader *ld, const struct parent *up, const char *path, yaml_mark_t m,
		      long *entry)
{
	const int line = (int)m.line + 1, column = (int)m.column + 1;

	*entry = -1;
	if (strlen(path) < PATH_BUF - 1 && (up->entry >= 0 || up->len == 0))
		*entry = yaml_pos_append(ld->pos, up->entry, path + up->len, line, column);
	else if (yaml_pos_put(ld->pos, path, line, column) == 0)
		return 0;
	return *entry < 0 ? nomem(ld) : 0;
}

static int add_anchor(struct loader *ld, const char *name, json_t *v, const struct node_info *info)
{
	json_t *a = json_pack("[OIi]", v, (json_int_t)info->nodes, info->height);

	if (a == NULL || json_object_set_new(ld->anchors, name, a) != 0)
		return nomem(ld);
	return 0;
}

static int expand_alias(struct loader *ld, const yaml_event_t *ev, int depth, json_t **out,
			struct node_info *info)
{
	const char *name = (const char *)ev->data.alias.anchor;
	json_t *a = json_object_get(ld->anchors, name);
	json_t *copy;

	/* An anchor is registered only once its node is complete, so `&a [*a]` lands here too. */
	if (a == NULL)
		return fail_at(ld, ev->start_mark, "unknown alias '*%s'", name);
	info->nodes = (size_t)json_integer_value(json_array_get(a, 1));
	info->height = (int)json_integer_value(json_array_get(a, 2));
	/* Count before copying, so a bomb is refused before it costs memory. */
	if (info->nodes > YAML_ALIAS_BUDGET - ld->alias_nodes)
		return fail_at(ld, ev->start_mark, "too many alias expansions (limit %d)", YAML_ALIAS_BUDGET);
	ld->alias_nodes += info->nodes;
	if (depth + info->height > YAML_MAX_DEPTH)
		return fail_at(ld, ev->start_mark, "nesting deeper than %d levels", YAML_MAX_DEPTH);
	copy = json_deep_copy(json_array_get(a, 0));
	if (copy == NULL)
		return nomem(ld);
	*out = copy;
	return 0;
}

/* Shows tag:yaml.org,2002:int as the user wrote it, !!int. */
static int bad_tag(struct loader *ld, yaml_mark_t m, const yaml_char_t *tag)
{
	static const char yaml_org[] = "tag:yaml.org,2002:";
	const char *t = (const char *)tag;

	if (strncmp(t, yaml_org, sizeof(yaml_org) - 1) == 0)
		return fail_at(ld, m, "unsupported tag '!!%s'", t + sizeof(yaml_org) - 1);
	return fail_at(ld, m, "unsupported tag '%s'", t);
}

static int is_int(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	return *s == '\0';
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static int is_float(const char *s)
{
	size_t digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	if (digits == 0)
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static int is_one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return 1;
	return 0;
}

/* The YAML 1.2 core schema, minus octal/hex/.inf/.nan, which stay strings (see yaml_load.h). */
static int plain_value(struct loader *ld, const yaml_event_t *ev, const char *path, json_t **out)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const trues[] = {"true", "True", "TRUE", NULL};
	static const char *const falses[] = {"false", "False", "FALSE", NULL};
	const char *s = (const char *)ev->data.scalar.value;
	char *end;

	/* Most scalars are names and text: their first character rules out the words and numbers. */
	const bool maybe_word = strchr("~nNtTfF", *s) != NULL;

	if (strlen(s) != ev->data.scalar.length) {
		*out = json_stringn(s, ev->data.scalar.length);
	} else if (maybe_word && is_one_of(s, nulls)) {
		*out = json_null();
	} else if (maybe_word && is_one_of(s, trues)) {
		*out = json_true();
	} else if (maybe_word && is_one_of(s, falses)) {
		*out = json_false();
	} else if (is_int(s)) {
		long long v;
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno == ERANGE)
			return fail_at(ld, ev->start_mark, "%s: integer %s is out of range", where(path), s);
		*out = json_integer(v);
	} else if (is_float(s)) {
		double d = strtod(s, &end);
		/* end falls short only under a locale whose decimal point is not '.' */
		if (*end != '\0')
			return fail_at(ld, ev->start_mark, "%s: cannot read number %s", where(path), s);
		if (!isfinite(d))
			return fail_at(ld, ev->start_mark, "%s: number %s is out of range", where(path), s);
		*out = json_real(d);
	} else {
		*out = json_stringn(s, ev->data.scalar.length);
	}
	if (*out == NULL)
		return nomem(ld);
	return 0;
}

static int scalar_value(struct loader *ld, const yaml_event_t *ev, const char *path, json_t **out)
{
	const char *tag = (const char *)ev->data.scalar.tag;

	if (tag != NULL && strcmp(tag, YAML_STR_TAG) != 0)
		return bad_tag(ld, ev->start_mark, ev->data.scalar.tag);
	if (tag == NULL && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return plain_value(ld, ev, path, out);
	*out = json_stringn((const char *)ev->data.scalar.value, ev->data.scalar.length);
	if (*out == NULL)
		return nomem(ld);
	return 0;
}

/* Checks a mapping key event of the mapping obj (at path): a key it holds already is a duplicate,
 * reported with the first one's place. */
static int check_key(struct loader *ld, const yaml_event_t *kev, const char *path, const json_t *obj)
{
	const char *key, *tag;
	struct node_info one = {1, 0, -1};
	char child[PATH_BUF];
	int kline, kcol;
	yaml_mark_t m = kev->start_mark;

	if (kev->type == YAML_ALIAS_EVENT)
		return fail_at(ld, m, "aliases are not supported as mapping keys");
	if (kev->type != YAML_SCALAR_EVENT)
		return fail_at(ld, m, "mapping keys must be scalars");
	key = (const char *)kev->data.scalar.value;
	tag = (const char *)kev->data.scalar.tag;
	if (tag != NULL && strcmp(tag, YAML_STR_TAG) != 0)
		return bad_tag(ld, m, kev->data.scalar.tag);
	if (kev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && tag == NULL && strcmp(key, "<<") == 0)
		return fail_at(ld, m, "merge keys (<<) are not supported");
	if (strlen(key) != kev->data.scalar.length)
		return fail_at(ld, m, "mapping key contains a NUL character");
	if (json_object_get(obj, key) != NULL) {
		jpath_key(child, sizeof(child), path, key);
		yaml_key_pos_lookup(ld->pos, child, &kline, &kcol);
		return fail_at(ld, m, "duplicate key '%s' (first at %d:%d)", key, kline, kcol);
	}
	if (kev->data.scalar.anchor != NULL) {
		json_t *s = json_string(key);
		int rc = s ? add_anchor(ld, (const char *)kev->data.scalar.anchor, s, &one) : nomem(ld);
		json_decref(s);
		return rc;
	}
	return 0;
}

static void add_child(struct node_info *info, const struct node_info *child)
{
	info->nodes += child->nodes;
	if (child->height + 1 > info->height)
		info->height = child->height + 1;
}

/* A mapping member also keeps where its key stands. */
static int record_key_pos(struct loader *ld, const char *path, long entry, yaml_mark_t m)
{
	if (entry >= 0)
		yaml_pos_put_key_at(ld->pos, entry, (int)m.line + 1, (int)m.column + 1);
	else
		yaml_pos_put_key(ld->pos, path, (int)m.line + 1, (int)m.column + 1);
	return 0;
}

static int parse_mapping(struct loader *ld, const char *path, int depth, json_t *obj, struct node_info *info)
{
	const struct parent up = {info->entry, strlen(path)};
	yaml_event_t kev, vev;
	struct node_info ci;
	json_t *val = NULL;
	char child[PATH_BUF];
	const char *key;
	int ret = -1;

	memset(&kev, 0, sizeof(kev));
	memset(&vev, 0, sizeof(vev));
	for (;;) {
		if (next_event(ld, &kev) != 0)
			goto done;
		if (kev.type == YAML_MAPPING_END_EVENT)
			break;
		if (check_key(ld, &kev, path, obj) != 0)
			goto done;
		key = (const char *)kev.data.scalar.value;
		jpath_key(child, sizeof(child), path, key);
		if (next_event(ld, &vev) != 0 || parse_node(ld, &vev, &up, child, depth, &val, &ci) != 0)
			goto done;
		if (record_key_pos(ld, child, ci.entry, kev.start_mark) != 0)
			goto done;
		/* set_new takes val even when it fails */
		if (json_object_set_new(obj, key, val) != 0) {
			val = NULL;
			nomem(ld);
			goto done;
		}
		val = NULL;
		add_child(info, &ci);
	}
	ret = 0;
done:
	yaml_event_delete(&kev);
	yaml_event_delete(&vev);
	return ret;
}

static int parse_sequence(struct loader *ld, const char *path, int depth, json_t *arr, struct node_info *info)
{
	const struct parent up = {info->entry, strlen(path)};
	yaml_event_t ev;
	struct node_info ci;
	json_t *val = NULL;
	char child[PATH_BUF];
	int ret = -1;

	memset(&ev, 0, sizeof(ev));
	for (size_t i = 0;; i++) {
		if (next_event(ld, &ev) != 0)
			goto done;
		if (ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		jpath_index(child, sizeof(child), path, i);
		if (parse_node(ld, &ev, &up, child, depth, &val, &ci) != 0)
			goto done;
		if (json_array_append_new(arr, val) != 0) {
			val = NULL;
			nomem(ld);
			goto done;
		}
		val = NULL;
		add_child(info, &ci);
	}
	ret = 0;
done:
	yaml_event_delete(&ev);
	return ret;
}

/* Builds the value that starts with ev (borrowed) at path, inside up; depth counts the enclosing
 * containers. */
static int parse_node(struct loader *ld, const yaml_event_t *ev, const struct parent *up, const char *path,
		      int depth, json_t **out, struct node_info *info)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;
	json_t *v = NULL;
	int ret = -1;

	info->nodes = 1;
	info->height = 0;
	/* For an alias this is the alias's place; what it copies falls back to it in yaml_pos_lookup. */
	if (record_pos(ld, up, path, ev->start_mark, &info->entry) != 0)
		goto done;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return expand_alias(ld, ev, depth, out, info);
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		if (scalar_value(ld, ev, path, &v) != 0)
			goto done;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (ev->type == YAML_SEQUENCE_START_EVENT) {
			anchor = ev->data.sequence_start.anchor;
			tag = ev->data.sequence_start.tag;
		} else {
			anchor = ev->data.mapping_start.anchor;
			tag = ev->data.mapping_start.tag;
		}
		if (tag != NULL) {
			bad_tag(ld, ev->start_mark, tag);
			goto done;
		}
		if (depth + 1 > YAML_MAX_DEPTH) {
			fail_at(ld, ev->start_mark, "nesting deeper than %d levels", YAML_MAX_DEPTH);
			goto done;
		}
		v = ev->type == YAML_SEQUENCE_START_EVENT ? json_array() : json_object();
		if (v == NULL) {
			nomem(ld);
			goto done;
		}
		info->height = 1;
		if (ev->type == YAML_SEQUENCE_START_EVENT ? parse_sequence(ld, path, depth + 1, v, info)
							  : parse_mapping(ld, path, depth + 1, v, info))
			goto done;
		break;
	default:
		fail_at(ld, ev->start_mark, "unexpected YAML event %d", (int)ev->type);
		goto done;
	}
	if (anchor != NULL && add_anchor(ld, (const char *)anchor, v, info) != 0)
		goto done;
	*out = v;
	v = NULL;
	ret = 0;
done:
	json_decref(v);
	return ret;
}

/* Reads the document from the parser, its input set; ld is freed either way. */
static int load(struct loader *ld, json_t **doc, struct yaml_pos **pos)
{
	yaml_event_t ev;
	const struct parent no_parent = {-1, 0};
	struct node_info info;
	json_t *root = NULL;
	int ret = -1;

	memset(&ev, 0, sizeof(ev));
	if (next_event(ld, &ev) != 0 || next_event(ld, &ev) != 0) /* STREAM-START, then the document */
		goto done;
	if (ev.type == YAML_STREAM_END_EVENT) {
		err_set(ld->err, EXIT_DATAERR, "%s: empty document", ld->name);
		goto done;
	}
	if (next_event(ld, &ev) != 0 || parse_node(ld, &ev, &no_parent, "", 0, &root, &info) != 0)
		goto done;
	if (next_event(ld, &ev) != 0 || next_event(ld, &ev) != 0) /* DOCUMENT-END, then what follows */
		goto done;
	if (ev.type == YAML_DOCUMENT_START_EVENT) {
		fail_at(ld, ev.start_mark, "more than one YAML document; msgadm reads one policy per file");
		goto done;
	}
	*doc = root;
	root = NULL;
	*pos = ld->pos;
	ld->pos = NULL;
	ret = 0;
done:
	yaml_event_delete(&ev);
	yaml_parser_delete(&ld->parser);
	json_decref(root);
	yaml_pos_free(ld->pos);
	json_decref(ld->anchors);
	return ret;
}

/* Sets ld up for a document called name; -1 (ld needing nothing freed) when out of memory. */
static int loader_init(struct loader *ld, const char *name, struct msg_err *err)
{
	memset(ld, 0, sizeof(*ld));
	ld->name = name ? name : "<input>";
	ld->text = "";
	ld->err = err;
	ld->pos = yaml_pos_new();
	ld->anchors = json_object();
	if (ld->pos == NULL || ld->anchors == NULL || !yaml_parser_initialize(&ld->parser)) {
		yaml_pos_free(ld->pos);
		json_decref(ld->anchors);
		return nomem(ld);
	}
	return 0;
}

int yaml_load_string(const char *text, size_t len, const char *name, json_t **doc, struct yaml_pos **pos,
		     struct msg_err *err)
{
	struct loader ld;

	if (loader_init(&ld, name, err) != 0)
		return -1;
	ld.text = text ? text : "";
	ld.len = text ? len : 0;
	yaml_parser_set_input_string(&ld.parser, (const unsigned char *)ld.text, ld.len);
	return load(&ld, doc, pos);
}

/* A regular file is read by the parser as it goes, not into a buffer of its size first: a policy of
 * 100,000 users is 9 MB, all of it held beside the document it becomes. */
static int load_regular_file(FILE *f, off_t size, const char *name, json_t **doc, struct yaml_pos **pos,
			     struct msg_err *err)
{
	struct loader ld;

	if (size > (off_t)YAML_FILE_LIMIT)
		return err_set(err, EXIT_DATAERR, "%s: file too large (limit 16 MiB)", name);
	if (loader_init(&ld, name, err) != 0)
		return -1;
	ld.file = f;
	yaml_parser_set_input_file(&ld.parser, f);
	return load(&ld, doc, pos);
}

int yaml_load_stream(FILE *f, const char *name, json_t **doc, struct yaml_pos **pos, struct msg_err *err)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct stat st;
	int ret = -1;

	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && ftell(f) == 0)
		return load_regular_file(f, st.st_size, name, doc, pos, err);
	/* Grow as needed and read one byte past the limit, so "at the limit" and "over it" differ. */
	while (!feof(f) && !ferror(f) && len <= YAML_FILE_LIMIT) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nbuf;
			if (ncap > YAML_FILE_LIMIT + 1)
				ncap = YAML_FILE_LIMIT + 1;
			nbuf = realloc(buf, ncap);
			if (nbuf == NULL) {
				err_set(err, EXIT_FAILURE_, "%s: out of memory", name);
				goto done;
			}
			buf = nbuf;
			cap = ncap;
		}
		len += fread(buf + len, 1, cap - len, f);
	}
	if (ferror(f)) {
		err_set(err, EXIT_NOINPUT, "%s: %s", name, strerror(errno));
		goto done;
	}
	if (len > YAML_FILE_LIMIT) {
		err_set(err, EXIT_DATAERR, "%s: file too large (limit 16 MiB)", name);
		goto done;
	}
	ret = yaml_load_string(buf, len, name, doc, pos, err);
done:
	free(buf);
	return ret;
}

int yaml_load_file(const char *path, json_t **doc, struct yaml_pos **pos, struct msg_err *err)
{
	int is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	int ret;

	if (f == NULL)
		return err_set(err, EXIT_NOINPUT, "%s: %s", name, strerror(errno));
	ret = yaml_load_stream(f, name, doc, pos, err);
	if (!is_stdin)
		fclose(f);
	return ret;
}
