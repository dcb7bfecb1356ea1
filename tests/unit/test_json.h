/* Helpers shared by the cmocka unit tests that build JSON values: every value a test makes is held
 * and released after the test (cmocka teardown), even when an assertion fails. Include after
 * <cmocka.h>. */
#ifndef MSGADM_TEST_JSON_H
#define MSGADM_TEST_JSON_H

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *held[64]; /* one copy per test program */
static size_t nheld;

static inline json_t *hold(json_t *v)
{
	assert_true(nheld < sizeof(held) / sizeof(held[0]));
	held[nheld++] = v;
	return v;
}

static inline int release_all(void **state)
{
	(void)state;
	while (nheld > 0)
		json_decref(held[--nheld]);
	return 0;
}

/* JSON from text with ' for " (none of the test data needs a real apostrophe). */
static inline json_t *J(const char *text)
{
	char *copy = strdup(text);
	json_error_t error;
	json_t *v;

	assert_non_null(copy);
	for (char *p = copy; *p; p++)
		if (*p == '\'')
			*p = '"';
	v = json_loads(copy, 0, &error);
	if (v == NULL)
		fail_msg("bad test JSON at %d: %s: %s", error.position, error.text, copy);
	free(copy);
	return hold(v);
}

/* Asserts that got prints as expected does (compact JSON, with flags: JSON_SORT_KEYS when key order
 * does not matter), showing both when they differ. */
static inline void assert_json_as(const json_t *got, const json_t *expected, size_t flags)
{
	char *g = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY | flags);
	char *e = json_dumps(expected, JSON_COMPACT | JSON_ENCODE_ANY | flags);
	int same = g != NULL && e != NULL && strcmp(g, e) == 0;

	if (!same)
		print_error("got      %s\nexpected %s\n", g ? g : "(null)", e ? e : "(null)");
	free(g);
	free(e);
	assert_true(same);
}

#endif
