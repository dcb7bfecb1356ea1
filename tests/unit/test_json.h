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

#endif
