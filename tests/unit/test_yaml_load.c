/* The YAML loader: scalar typing, positions, and every way a file is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "io/yaml_load.h"

struct loaded {
	json_t *doc;
	struct yaml_pos *pos;
	struct msg_err err;
};

static int load(const char *text, struct loaded *l)
{
	memset(l, 0, sizeof(*l));
	return yaml_load_string(text, strlen(text), "t.yaml", &l->doc, &l->pos, &l->err);
}

static void unload(struct loaded *l)
{
	json_decref(l->doc);
	yaml_pos_free(l->pos);
}

static json_t *must_load(const char *text, struct loaded *l)
{
	int rc = load(text, l);
	if (rc != 0)
		fail_msg("unexpected error: %s", l->err.text);
	assert_non_null(l->doc);
	assert_non_null(l->pos);
	return l->doc;
}

/* Refusals leave the out-parameters alone and say exactly msg. */
static void expect_error(const char *text, int status, const char *msg)
{
	json_t *keep = json_string("untouched");
	struct yaml_pos *pos_keep = yaml_pos_new(), *pos = pos_keep;
	json_t *doc = keep;
	struct msg_err err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(yaml_load_string(text, strlen(text), "t.yaml", &doc, &pos, &err), -1);
	assert_ptr_equal(doc, keep);
	assert_ptr_equal(pos, pos_keep);
	assert_int_equal(err.status, status);
	assert_string_equal(err.text, msg);
	json_decref(keep);
	yaml_pos_free(pos_keep);
}

static void assert_pos(const struct yaml_pos *pos, const char *path, int line, int col)
{
	int l = 0, c = 0;

	if (!yaml_pos_find(pos, path, &l, &c))
		fail_msg("no position recorded for '%s'", path);
	assert_int_equal(l, line);
	assert_int_equal(c, col);
}

static json_t *at(json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);
	if (v == NULL)
		fail_msg("no key '%s'", key);
	return v;
}

static void test_nulls(void **state)
{
	struct loaded l;
	json_t *d = must_load("a: null\nb: ~\nc:\nd: Null\ne: NULL\nf: nULL\ng: 'null'\n", &l);
	(void)state;

	assert_true(json_is_null(at(d, "a")));
	assert_true(json_is_null(at(d, "b")));
	assert_true(json_is_null(at(d, "c")));
	assert_true(json_is_null(at(d, "d")));
	assert_true(json_is_null(at(d, "e")));
	assert_string_equal(json_string_value(at(d, "f")), "nULL");
	assert_string_equal(json_string_value(at(d, "g")), "null");
	unload(&l);
}

static void test_booleans_and_not_booleans(void **state)
{
	struct loaded l;
	json_t *d = must_load("a: true\nb: True\nc: TRUE\nd: false\ne: False\nf: FALSE\n"
			      "g: yes\nh: no\ni: on\nj: tRUE\nk: \"true\"\n",
			      &l);
	(void)state;

	assert_true(json_is_true(at(d, "a")));
	assert_true(json_is_true(at(d, "b")));
	assert_true(json_is_true(at(d, "c")));
	assert_true(json_is_false(at(d, "d")));
	assert_true(json_is_false(at(d, "e")));
	assert_true(json_is_false(at(d, "f")));
	assert_string_equal(json_string_value(at(d, "g")), "yes");
	assert_string_equal(json_string_value(at(d, "h")), "no");
	assert_string_equal(json_string_value(at(d, "i")), "on");
	assert_string_equal(json_string_value(at(d, "j")), "tRUE");
	assert_string_equal(json_string_value(at(d, "k")), "true");
	unload(&l);
}

static void test_integers(void **state)
{
	struct loaded l;
	json_t *d =
	    must_load("a: 42\nb: -7\nc: +3\nd: 0\ne: 9223372036854775807\nf: -9223372036854775808\n", &l);
	(void)state;

	assert_true(json_is_integer(at(d, "a")));
	assert_int_equal(json_integer_value(at(d, "a")), 42);
	assert_int_equal(json_integer_value(at(d, "b")), -7);
	assert_int_equal(json_integer_value(at(d, "c")), 3);
	assert_int_equal(json_integer_value(at(d, "d")), 0);
	assert_true(json_integer_value(at(d, "e")) == INT64_MAX);
	assert_true(json_integer_value(at(d, "f")) == INT64_MIN);
	unload(&l);
}

static void test_reals(void **state)
{
	struct loaded l;
	json_t *d = must_load("a: 3.5\nb: 1e3\nc: -2.5E-1\nd: .5\ne: 5.\n", &l);
	(void)state;

	assert_true(json_is_real(at(d, "a")));
	assert_true(json_real_value(at(d, "a")) == 3.5);
	assert_true(json_is_real(at(d, "b")));
	assert_true(json_real_value(at(d, "b")) == 1000.0);
	assert_true(json_real_value(at(d, "c")) == -0.25);
	assert_true(json_real_value(at(d, "d")) == 0.5);
	assert_true(json_real_value(at(d, "e")) == 5.0);
	unload(&l);
}

static void test_strings_stay_strings(void **state)
{
	static const char *const cases[][2] = {
	    {"a", "42"},
	    {"b", "42"},
	    {"c", "2027-03-31"},
	    {"d", "0x1F"},
	    {"e", ".inf"},
	    {"f", "1_000"},
	    {"g", "3.5"},
	    {"h", "42\n"},
	    {"i", "true"},
	    {"j", "12"},
	    {"k", "1e"},
	    {"l", "--1"},
	    {"m", "bob@example.org"},
	};
	struct loaded l;
	json_t *d = must_load("a: \"42\"\nb: '42'\nc: 2027-03-31\nd: 0x1F\ne: .inf\nf: 1_000\ng: \"3.5\"\n"
			      "h: |\n  42\ni: >-\n  true\nj: !!str 12\nk: 1e\nl: --1\nm: bob@example.org\n",
			      &l);
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v = at(d, cases[i][0]);
		if (!json_is_string(v))
			fail_msg("%s is not a string", cases[i][0]);
		assert_string_equal(json_string_value(v), cases[i][1]);
	}
	unload(&l);
}

static void test_nul_in_string_kept(void **state)
{
	struct loaded l;
	json_t *d = must_load("a: \"x\\0y\"\n", &l);
	(void)state;

	assert_int_equal(json_string_length(at(d, "a")), 3);
	assert_memory_equal(json_string_value(at(d, "a")), "x\0y", 3);
	unload(&l);
	expect_error("\"k\\0\": 1\n", EXIT_DATAERR, "t.yaml:1:1: mapping key contains a NUL character");
}

static void test_integer_overflow(void **state)
{
	(void)state;
	expect_error("limits:\n  max: 9223372036854775808\n", EXIT_DATAERR,
		     "t.yaml:2:8: limits.max: integer 9223372036854775808 is out of range");
	expect_error("- -9223372036854775809\n", EXIT_DATAERR,
		     "t.yaml:1:3: [0]: integer -9223372036854775809 is out of range");
	expect_error("1e999\n", EXIT_DATAERR, "t.yaml:1:1: (document): number 1e999 is out of range");
}

static const char users_yaml[] = "# policy\n"
				 "users:\n"
				 "  list:\n"
				 "    - name: alice\n"
				 "      email: alice@example.org\n"
				 "    - name: bob\n"
				 "      email: bob@example.org\n"
				 "rooms: [lobby, {alias: '#ops', public: false}]\n";

static void test_positions_block_and_flow(void **state)
{
	struct loaded l;
	json_t *d = must_load(users_yaml, &l);
	(void)state;

	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(at(d, "users"), "list"), 1), "email")),
			    "bob@example.org");
	assert_pos(l.pos, "", 2, 1);
	assert_pos(l.pos, "users", 3, 3);
	assert_pos(l.pos, "users.list", 4, 5);
	assert_pos(l.pos, "users.list[0]", 4, 7);
	assert_pos(l.pos, "users.list[0].name", 4, 13);
	assert_pos(l.pos, "users.list[1]", 6, 7);
	assert_pos(l.pos, "users.list[1].email", 7, 14);
	assert_pos(l.pos, "rooms", 8, 8);
	assert_pos(l.pos, "rooms[0]", 8, 9);
	assert_pos(l.pos, "rooms[1]", 8, 16);
	assert_pos(l.pos, "rooms[1].alias", 8, 24);
	assert_pos(l.pos, "rooms[1].public", 8, 40);
	assert_int_equal(yaml_pos_count(l.pos), 14);
	unload(&l);
}

/* Positions too far apart or too far right for the loader's compact form are kept exactly all the
 * same: a key 20 lines above its value, a key and a value past column 16,383. */
static void test_positions_far_apart_stay_exact(void **state)
{
	char text[40000];
	struct loaded l;
	int line = 0, col = 0;
	size_t n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "far:\n");
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  # comment %d\n", i);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "  x: 1\nwide: {");
	for (int i = 0; i < 2000; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "k%04d: vvvv, ", i);
	snprintf(text + n, sizeof(text) - n, "last: end}\n");
	must_load(text, &l);
	assert_pos(l.pos, "far", 22, 3);
	yaml_key_pos_lookup(l.pos, "far", &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	yaml_key_pos_lookup(l.pos, "wide.last", &line, &col);
	assert_int_equal(line, 23);
	assert_int_equal(col, 8 + 2000 * 13);
	assert_pos(l.pos, "wide.last", 23, 8 + 2000 * 13 + 6);
	yaml_key_pos_lookup(l.pos, "wide.k0001", &line, &col);
	assert_int_equal(col, 8 + 13);
	unload(&l);
}

static void test_root_scalar(void **state)
{
	struct loaded l;
	json_t *d = must_load("\n  42\n", &l);
	(void)state;

	assert_int_equal(json_integer_value(d), 42);
	assert_pos(l.pos, "", 2, 3);
	unload(&l);
}

static void test_keys_needing_quotes(void **state)
{
	struct loaded l;
	json_t *d =
	    must_load("a:\n  x.y: 1\n  \"with space\": 2\n  ok_key-1: 3\n  'q\"]': 4\n  \"\": 5\n", &l);
	(void)state;

	assert_int_equal(json_integer_value(at(at(d, "a"), "x.y")), 1);
	assert_pos(l.pos, "a[\"x.y\"]", 2, 8);
	assert_pos(l.pos, "a[\"with space\"]", 3, 17);
	assert_pos(l.pos, "a.ok_key-1", 4, 13);
	assert_pos(l.pos, "a[\"q\\\"]\"]", 5, 10);
	assert_pos(l.pos, "a[\"\"]", 6, 7);
	unload(&l);
}

static void test_keys_are_strings(void **state)
{
	struct loaded l;
	json_t *d = must_load("true: 1\n42: 2\n~: 3\n\"<<\": 4\n", &l);
	(void)state;

	assert_int_equal(json_integer_value(at(d, "true")), 1);
	assert_int_equal(json_integer_value(at(d, "42")), 2);
	assert_int_equal(json_integer_value(at(d, "~")), 3);
	assert_int_equal(json_integer_value(at(d, "<<")), 4);
	unload(&l);
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	expect_error("users:\n  alice: 1\n  bob: 2\n  alice: 3\n", EXIT_DATAERR,
		     "t.yaml:4:3: duplicate key 'alice' (first at 2:3)");
	expect_error("{a: 1, \"a\": 2}\n", EXIT_DATAERR, "t.yaml:1:8: duplicate key 'a' (first at 1:2)");
}

static void test_same_key_in_different_mappings(void **state)
{
	struct loaded l;
	json_t *d = must_load("a: {x: 1}\nb: {x: 2}\nc: [{x: 3}, {x: 4}]\n", &l);
	(void)state;

	assert_int_equal(json_integer_value(at(at(d, "b"), "x")), 2);
	unload(&l);
}

static void test_alias_resolution(void **state)
{
	struct loaded l;
	json_t *d =
	    must_load("base: &b\n  role: admin\n  tags: [x, y]\ncopy: *b\nn: &n 7\nm: [*n, *n]\n", &l);
	int line, col;
	(void)state;

	assert_true(json_equal(at(d, "copy"), at(d, "base")));
	assert_ptr_not_equal(at(d, "copy"), at(d, "base"));
	assert_ptr_not_equal(at(at(d, "copy"), "tags"), at(at(d, "base"), "tags"));
	assert_int_equal(json_integer_value(json_array_get(at(d, "m"), 1)), 7);
	assert_pos(l.pos, "base.role", 2, 9);
	assert_pos(l.pos, "copy", 4, 7);
	assert_pos(l.pos, "m[1]", 6, 9);
	yaml_pos_lookup(l.pos, "copy.tags[1]", &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 7);
	unload(&l);
}

static void test_alias_latest_anchor_and_key_anchor(void **state)
{
	struct loaded l;
	json_t *d = must_load("a: &x 1\nb: &x 2\nc: *x\n&k name: 3\nd: *k\n", &l);
	(void)state;

	assert_int_equal(json_integer_value(at(d, "c")), 2);
	assert_string_equal(json_string_value(at(d, "d")), "name");
	unload(&l);
}

static void test_unknown_and_recursive_alias(void **state)
{
	(void)state;
	expect_error("a: 1\nb: *nope\n", EXIT_DATAERR, "t.yaml:2:4: unknown alias '*nope'");
	expect_error("a: &a [1, *a]\n", EXIT_DATAERR, "t.yaml:1:11: unknown alias '*a'");
	expect_error("&k a: 1\n*k : 2\n", EXIT_DATAERR,
		     "t.yaml:2:1: aliases are not supported as mapping keys");
}

/* Classic billion laughs: nine levels, each nine aliases of the one before. */
static void test_alias_bomb_refused_quickly(void **state)
{
	char text[1024];
	size_t n = 0;
	clock_t start = clock();
	(void)state;

	n += (size_t)snprintf(
	    text + n, sizeof(text) - n,
	    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
	for (char c = 'b'; c <= 'i'; c++) {
		char p = (char)(c - 1);
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c, p, p, p, p, p,
				      p, p, p, p);
	}
	assert_true(n < sizeof(text));
	/* a..d copy 8289 nodes; the first *d in e (7381 more) goes over. */
	expect_error(text, EXIT_DATAERR, "t.yaml:5:8: too many alias expansions (limit 10000)");
	assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 2.0);
}

static char *many_aliases(size_t count)
{
	char *text = malloc(32 + count * 4);
	size_t n;

	assert_non_null(text);
	n = (size_t)sprintf(text, "a: &a x\nb: [*a");
	for (size_t i = 1; i < count; i++)
		n += (size_t)sprintf(text + n, ",*a");
	strcpy(text + n, "]\n");
	return text;
}

static void test_alias_budget_boundary(void **state)
{
	struct loaded l;
	char *ok = many_aliases(YAML_ALIAS_BUDGET);
	char *over = many_aliases(YAML_ALIAS_BUDGET + 1);
	(void)state;

	must_load(ok, &l);
	assert_int_equal(json_array_size(at(l.doc, "b")), YAML_ALIAS_BUDGET);
	unload(&l);
	assert_int_equal(load(over, &l), -1);
	assert_non_null(strstr(l.err.text, ": too many alias expansions (limit 10000)"));
	assert_null(l.doc);
	free(ok);
	free(over);
}

static char *nested_lists(size_t levels)
{
	char *text = malloc(2 * levels + 2);

	assert_non_null(text);
	memset(text, '[', levels);
	memset(text + levels, ']', levels);
	strcpy(text + 2 * levels, "\n");
	return text;
}

static void test_depth_limit(void **state)
{
	struct loaded l;
	char *ok = nested_lists(YAML_MAX_DEPTH);
	char *deep = nested_lists(YAML_MAX_DEPTH + 1);
	(void)state;

	must_load(ok, &l);
	unload(&l);
	expect_error(deep, EXIT_DATAERR, "t.yaml:1:65: nesting deeper than 64 levels");
	free(ok);
	free(deep);
}

/* An alias may not smuggle depth past the limit: root map + 30 lists + a 40-level anchor. */
static void test_depth_limit_through_alias(void **state)
{
	char text[512];
	struct loaded l;
	(void)state;

	snprintf(text, sizeof(text), "a: &a %.40s%.40s\nb: %.20s*a%.20s\n",
		 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		 "[[[[[[[[[[[[[[[[[[[[", "]]]]]]]]]]]]]]]]]]]]");
	must_load(text, &l);
	unload(&l);
	snprintf(text, sizeof(text), "a: &a %.40s%.40s\nb: %.30s*a%.30s\n",
		 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
	expect_error(text, EXIT_DATAERR, "t.yaml:2:34: nesting deeper than 64 levels");
}

static void test_merge_key_refused(void **state)
{
	(void)state;
	expect_error("base: &b {a: 1}\nx:\n  <<: *b\n", EXIT_DATAERR,
		     "t.yaml:3:3: merge keys (<<) are not supported");
}

static void test_non_scalar_key(void **state)
{
	(void)state;
	expect_error("? [a, b]\n: 1\n", EXIT_DATAERR, "t.yaml:1:3: mapping keys must be scalars");
	expect_error("{{a: 1}: 2}\n", EXIT_DATAERR, "t.yaml:1:2: mapping keys must be scalars");
}

static void test_tags(void **state)
{
	struct loaded l;
	json_t *d = must_load("a: !!str 42\nb: !!str true\n!!str c: 1\n", &l);
	(void)state;

	assert_string_equal(json_string_value(at(d, "a")), "42");
	assert_string_equal(json_string_value(at(d, "b")), "true");
	assert_int_equal(json_integer_value(at(d, "c")), 1);
	unload(&l);
	expect_error("a: !!int 4\n", EXIT_DATAERR, "t.yaml:1:4: unsupported tag '!!int'");
	expect_error("a: !custom x\n", EXIT_DATAERR, "t.yaml:1:4: unsupported tag '!custom'");
	expect_error("a: !!map {b: 1}\n", EXIT_DATAERR, "t.yaml:1:4: unsupported tag '!!map'");
	expect_error("!!set\n? a\n", EXIT_DATAERR, "t.yaml:1:1: unsupported tag '!!set'");
}

static void test_documents(void **state)
{
	struct loaded l;
	json_t *d = must_load("%YAML 1.2\n---\na: 1\n...\n", &l);
	(void)state;

	assert_int_equal(json_integer_value(at(d, "a")), 1);
	unload(&l);
	expect_error("a: 1\n---\nb: 2\n", EXIT_DATAERR,
		     "t.yaml:2:1: more than one YAML document; msgadm reads one policy per file");
	expect_error("---\na: 1\n...\n---\n", EXIT_DATAERR,
		     "t.yaml:4:1: more than one YAML document; msgadm reads one policy per file");
}

static void test_empty_document(void **state)
{
	json_t *doc = NULL;
	struct yaml_pos *pos = NULL;
	struct msg_err err;
	(void)state;

	expect_error("", EXIT_DATAERR, "t.yaml: empty document");
	expect_error("# only a comment\n\n", EXIT_DATAERR, "t.yaml: empty document");
	memset(&err, 0, sizeof(err));
	assert_int_equal(yaml_load_string(NULL, 0, "<stdin>", &doc, &pos, &err), -1);
	assert_string_equal(err.text, "<stdin>: empty document");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_error("a: b: c\n", EXIT_DATAERR, "t.yaml:1:5: mapping values are not allowed in this context");
	expect_error("a: [1, 2\nb: 3\n", EXIT_DATAERR,
		     "t.yaml:2:2: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)");
	expect_error("a:\n  - x\n - y\n", EXIT_DATAERR,
		     "t.yaml:3:2: did not find expected key (while parsing a block mapping at 1:1)");
	expect_error("a: 1\nb: \xff\n", EXIT_DATAERR, "t.yaml:2:4: invalid leading UTF-8 octet");
}

/* Errors deep inside, after anchors and aliases were built: nothing may leak (LSan checks). */
static void test_error_paths_do_not_leak(void **state)
{
	(void)state;
	expect_error("a: &a {x: [1, 2]}\nb: *a\nc: [1, {d: 2, d: 3}]\n", EXIT_DATAERR,
		     "t.yaml:3:15: duplicate key 'd' (first at 3:9)");
	expect_error("a: &a {x: [1, 2]}\nb: [*a, {c: [oops: ]\n", EXIT_DATAERR,
		     "t.yaml:3:1: did not find expected ',' or '}' (while parsing a flow mapping at 2:9)");
}

static char *temp_file(const char *content, size_t len)
{
	char *path = strdup("/tmp/test_yaml_load.XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_true(write(fd, content, len) == (ssize_t)len);
	close(fd);
	return path;
}

static void test_file_missing_and_directory(void **state)
{
	json_t *doc = NULL;
	struct yaml_pos *pos = NULL;
	struct msg_err err;
	(void)state;

	memset(&err, 0, sizeof(err));
	assert_int_equal(yaml_load_file("/nonexistent/policy.yaml", &doc, &pos, &err), -1);
	assert_int_equal(err.status, EXIT_NOINPUT);
	assert_string_equal(err.text, "/nonexistent/policy.yaml: No such file or directory");
	assert_null(doc);
	assert_int_equal(yaml_load_file("/tmp", &doc, &pos, &err), -1);
	assert_int_equal(err.status, EXIT_NOINPUT);
	assert_string_equal(err.text, "/tmp: Is a directory");
}

static void test_file_load_and_name_in_errors(void **state)
{
	static const char bad[] = "a: 1\na: 2\n";
	char *good = temp_file(users_yaml, strlen(users_yaml));
	char *broken = temp_file(bad, strlen(bad));
	char want[256];
	json_t *doc = NULL;
	struct yaml_pos *pos = NULL;
	struct msg_err err;
	int line, col;
	(void)state;

	memset(&err, 0, sizeof(err));
	assert_int_equal(yaml_load_file(good, &doc, &pos, &err), 0);
	yaml_pos_lookup(pos, "users.list[1].email", &line, &col);
	assert_int_equal(line, 7);
	assert_int_equal(col, 14);
	json_decref(doc);
	yaml_pos_free(pos);
	doc = NULL;
	pos = NULL;
	assert_int_equal(yaml_load_file(broken, &doc, &pos, &err), -1);
	snprintf(want, sizeof(want), "%s:2:1: duplicate key 'a' (first at 1:1)", broken);
	assert_string_equal(err.text, want);
	assert_int_equal(err.status, EXIT_DATAERR);
	unlink(good);
	unlink(broken);
	free(good);
	free(broken);
}

static void test_file_size_limit(void **state)
{
	const size_t limit = 16u * 1024 * 1024;
	char *path = temp_file("a: 1\n#", 6);
	char want[256];
	json_t *doc = NULL;
	struct yaml_pos *pos = NULL;
	struct msg_err err;
	(void)state;

	/* Exactly at the limit is read (the rest is one long comment line). */
	assert_int_equal(truncate(path, (off_t)limit), 0);
	{
		FILE *f = fopen(path, "r+");
		char *pad = malloc(limit - 6);
		assert_non_null(f);
		assert_non_null(pad);
		memset(pad, 'x', limit - 6);
		fseek(f, 6, SEEK_SET);
		assert_int_equal(fwrite(pad, 1, limit - 6, f), limit - 6);
		fclose(f);
		free(pad);
	}
	memset(&err, 0, sizeof(err));
	if (yaml_load_file(path, &doc, &pos, &err) != 0)
		fail_msg("at the limit: %s", err.text);
	assert_int_equal(json_integer_value(json_object_get(doc, "a")), 1);
	json_decref(doc);
	yaml_pos_free(pos);
	doc = NULL;
	pos = NULL;
	assert_int_equal(truncate(path, (off_t)limit + 1), 0);
	assert_int_equal(yaml_load_file(path, &doc, &pos, &err), -1);
	assert_int_equal(err.status, EXIT_DATAERR);
	snprintf(want, sizeof(want), "%s: file too large (limit 16 MiB)", path);
	assert_string_equal(err.text, want);
	assert_null(doc);
	unlink(path);
	free(path);
}

static void test_stdin(void **state)
{
	static const char bad[] = "a: b: c\n";
	char *path = temp_file(bad, strlen(bad));
	json_t *doc = NULL;
	struct yaml_pos *pos = NULL;
	struct msg_err err;
	(void)state;

	assert_non_null(freopen(path, "r", stdin));
	memset(&err, 0, sizeof(err));
	assert_int_equal(yaml_load_file("-", &doc, &pos, &err), -1);
	assert_string_equal(err.text, "<stdin>:1:5: mapping values are not allowed in this context");
	unlink(path);
	free(path);
}

static void expect_lookup(const struct yaml_pos *pos, const char *path, int want_line, int want_col)
{
	int line = -1, col = -1;

	yaml_pos_lookup(pos, path, &line, &col);
	if (line != want_line || col != want_col)
		fail_msg("%s: got %d:%d, want %d:%d", path, line, col, want_line, want_col);
}

static void test_pos_lookup_fallback(void **state)
{
	struct loaded l;
	struct yaml_pos *empty = yaml_pos_new();
	(void)state;

	must_load("users:\n  list:\n    - name: a\n      email: x\n"
		  "odd:\n  \"x.y\": {k: 1}\n  'q\"]': [1]\n",
		  &l);
	expect_lookup(l.pos, "users.list[0].email", 4, 14);
	expect_lookup(l.pos, "users.list[0].phone", 3, 7);
	expect_lookup(l.pos, "users.list[7].email", 3, 5);
	expect_lookup(l.pos, "users.list[0][\"a b\"].c", 3, 7);
	expect_lookup(l.pos, "odd[\"x.y\"].missing", 6, 10);
	expect_lookup(l.pos, "odd[\"x.y\"].k", 6, 14);
	expect_lookup(l.pos, "odd[\"q\\\"]\"][3]", 7, 10);
	expect_lookup(l.pos, "nothing.here", 1, 1);
	expect_lookup(l.pos, "", 1, 1);
	expect_lookup(l.pos, "odd[\"unterminated", 6, 3);
	expect_lookup(empty, "users", 0, 0);
	expect_lookup(NULL, "users", 0, 0);
	yaml_pos_free(empty);
	unload(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nulls),
	    cmocka_unit_test(test_booleans_and_not_booleans),
	    cmocka_unit_test(test_integers),
	    cmocka_unit_test(test_reals),
	    cmocka_unit_test(test_strings_stay_strings),
	    cmocka_unit_test(test_nul_in_string_kept),
	    cmocka_unit_test(test_integer_overflow),
	    cmocka_unit_test(test_positions_block_and_flow),
	    cmocka_unit_test(test_positions_far_apart_stay_exact),
	    cmocka_unit_test(test_root_scalar),
	    cmocka_unit_test(test_keys_needing_quotes),
	    cmocka_unit_test(test_keys_are_strings),
	    cmocka_unit_test(test_duplicate_keys),
	    cmocka_unit_test(test_same_key_in_different_mappings),
	    cmocka_unit_test(test_alias_resolution),
	    cmocka_unit_test(test_alias_latest_anchor_and_key_anchor),
	    cmocka_unit_test(test_unknown_and_recursive_alias),
	    cmocka_unit_test(test_alias_bomb_refused_quickly),
	    cmocka_unit_test(test_alias_budget_boundary),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_depth_limit_through_alias),
	    cmocka_unit_test(test_merge_key_refused),
	    cmocka_unit_test(test_non_scalar_key),
	    cmocka_unit_test(test_tags),
	    cmocka_unit_test(test_documents),
	    cmocka_unit_test(test_empty_document),
	    cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_error_paths_do_not_leak),
	    cmocka_unit_test(test_file_missing_and_directory),
	    cmocka_unit_test(test_file_load_and_name_in_errors),
	    cmocka_unit_test(test_file_size_limit),
	    cmocka_unit_test(test_stdin),
	    cmocka_unit_test(test_pos_lookup_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
