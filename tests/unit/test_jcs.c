/* Tests of cli/io/jcs.c, the RFC 8785 canonicaliser: the RFC's own examples (section 3.2.2 and the
 * number table of appendix B, each checked against ECMAScript's Number#toString), the boundaries of
 * its number rules, member order by UTF-16 code units, string escaping, and the readable layout
 * that strips back to the canonical form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "io/jcs.h"
#include "test_json.h"

/* The canonical form of a value, expecting success. */
static void assert_canonical(const json_t *v, const char *expected)
{
	struct msg_err err = {0};
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(jcs_canonicalize(v, &out, &len, &err), 0);
	assert_string_equal(out, expected);
	assert_int_equal(len, strlen(expected));
	free(out);
}

static double from_bits(uint64_t bits)
{
	double d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

static void assert_number(double d, const char *expected)
{
	char buf[40];

	assert_int_equal(jcs_format_double(d, buf, sizeof(buf)), 0);
	assert_string_equal(buf, expected);
}

/* ---- numbers ---- */

/* RFC 8785 appendix B: IEEE 754 bit patterns and their serialisation. */
static void test_rfc8785_appendix_b_numbers(void **state)
{
	static const struct {
		uint64_t bits;
		const char *text;
	} table[] = {
	    {0x0000000000000000, "0"},
	    {0x8000000000000000, "0"}, /* minus zero */
	    {0x0000000000000001, "5e-324"},
	    {0x8000000000000001, "-5e-324"},
	    {0x7fefffffffffffff, "1.7976931348623157e+308"},
	    {0xffefffffffffffff, "-1.7976931348623157e+308"},
	    {0x4340000000000000, "9007199254740992"},
	    {0xc340000000000000, "-9007199254740992"},
	    {0x4430000000000000, "295147905179352830000"},
	    {0x44b52d02c7e14af5, "9.999999999999997e+22"},
	    {0x44b52d02c7e14af6, "1e+23"},
	    {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
	    {0x444b1ae4d6e2ef4e, "999999999999999700000"},
	    {0x444b1ae4d6e2ef4f, "999999999999999900000"},
	    {0x444b1ae4d6e2ef50, "1e+21"},
	    {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
	    {0x3eb0c6f7a0b5ed8d, "0.000001"},
	    {0x41b3de4355555553, "333333333.3333332"},
	    {0x41b3de4355555554, "333333333.33333325"},
	    {0x41b3de4355555555, "333333333.3333333"},
	    {0x41b3de4355555556, "333333333.3333334"},
	    {0x41b3de4355555557, "333333333.33333343"},
	    {0xbecbf647612f3696, "-0.0000033333333333333333"},
	    {0x43143ff3c1cb0959, "1424953923781206.2"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		assert_number(from_bits(table[i].bits), table[i].text);
}

/* Where the notation switches: integers print in full below 1e21, exponents from there on; plain
 * decimals down to 1e-6, exponents below; "e+" and "e-" always carry a sign. */
static void test_number_notation_boundaries(void **state)
{
	(void)state;
	assert_number(1e21, "1e+21");
	assert_number(1e20, "100000000000000000000");
	assert_number(123456789e13, "1.23456789e+21");
	assert_number(1e-6, "0.000001");
	assert_number(1e-7, "1e-7");
	assert_number(1.5e-7, "1.5e-7");
	assert_number(0.1, "0.1");
	assert_number(-0.0, "0");
	assert_number(100, "100");
	assert_number(4.50, "4.5");
	assert_number(1.5e300, "1.5e+300");
	assert_number(5e-324, "5e-324");
	assert_number(0.1 + 0.2, "0.30000000000000004"); /* shortest that reads back, not 17 digits */
}

static void test_nan_and_infinity_are_refused(void **state)
{
	char buf[40];

	(void)state;
	assert_int_equal(jcs_format_double(NAN, buf, sizeof(buf)), -1);
	assert_int_equal(jcs_format_double(INFINITY, buf, sizeof(buf)), -1);
	assert_int_equal(jcs_format_double(-INFINITY, buf, sizeof(buf)), -1);
}

/* jansson integers up to 2^53 are exact doubles and print as integers; beyond, they are numbers
 * like any other and take the nearest double's form. A real that holds an integer prints as one. */
static void test_integers_and_integral_reals(void **state)
{
	(void)state;
	assert_canonical(hold(json_integer(9007199254740992LL)), "9007199254740992");
	assert_canonical(hold(json_integer(-9007199254740992LL)), "-9007199254740992");
	assert_canonical(hold(json_integer(9007199254740993LL)), "9007199254740992");
	assert_canonical(hold(json_integer(INT64_MIN)), "-9223372036854776000");
	assert_canonical(hold(json_integer(0)), "0");
	assert_canonical(hold(json_real(25.0)), "25");
	assert_canonical(J("[1.0, 1e2, -0.0, 2e-3]"), "[1,100,0,0.002]");
}

/* ---- the RFC's example and strings ---- */

/* RFC 8785 section 3.2.2: the example input and its canonical form. */
static void test_rfc8785_section_3_2_2_example(void **state)
{
	const char *input =
	    "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
	    " \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
	    " \"literals\": [null, true, false]}";
	json_error_t error;
	json_t *v = json_loads(input, 0, &error);

	(void)state;
	assert_non_null(v);
	hold(v);
	assert_canonical(v, "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,"
			    "1e-27],\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

/* JSON.stringify's escapes: the two-character ones, \u00xx in lower case for other controls, and
 * everything else (DEL, U+2028, non-ASCII, '/') as it is. */
static void test_string_escaping(void **state)
{
	json_t *s = hold(json_stringn("\"\\\b\f\n\r\t\x01\x1f\x7f/\xe2\x80\xa8\xc3\xb6", 16));
	json_t *nul = hold(json_stringn("a\0b", 3));

	(void)state;
	assert_canonical(s, "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f/\xe2\x80\xa8\xc3\xb6\"");
	assert_canonical(nul, "\"a\\u0000b\"");
}

static void test_invalid_utf8_is_refused_naming_the_place(void **state)
{
	json_t *doc = J("{'users': {'list': [{'id': 'ok'}, {}]}}");
	struct msg_err err = {0};
	char *out = NULL;
	size_t len;

	(void)state;
	json_object_set_new(json_array_get(json_object_get(json_object_get(doc, "users"), "list"), 1), "id",
			    json_stringn_nocheck("\xc3\x28", 2));
	assert_int_equal(jcs_canonicalize(doc, &out, &len, &err), -1);
	assert_null(out);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_non_null(strstr(err.text, "users.list[1].id: a string that is not valid UTF-8"));
}

/* ---- member order ---- */

/* RFC 8785 section 3.2.3: the sorting example. By UTF-16 code units the emoji (a surrogate pair,
 * D83D DE00) sorts before U+FB33, although its code point is larger. */
static void test_rfc8785_section_3_2_3_sorting(void **state)
{
	json_t *v = J("{'\\u20ac': 'Euro Sign', '\\r': 'Carriage Return', "
		      "'\\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', "
		      "'\\ud83d\\ude00': 'Emoji: Grinning Face', '\\u0080': 'Control', "
		      "'\\u00f6': 'Latin Small Letter O With Diaeresis'}");

	(void)state;
	assert_canonical(
	    v, "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
	       "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
	       "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
	       "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

static void test_name_order_is_by_utf16_code_units(void **state)
{
	(void)state;
	/* U+10000 (D800 DC00) before U+E000 and U+FFFF; by code point it would come after */
	assert_true(jcs_compare_names("\xf0\x90\x80\x80", "\xee\x80\x80") < 0);
	assert_true(jcs_compare_names("\xef\xbf\xbf", "\xf4\x8f\xbf\xbf") > 0);
	/* but after everything below U+D800 */
	assert_true(jcs_compare_names("\xed\x9f\xbf", "\xf0\x90\x80\x80") < 0);
	/* a prefix first; equal names equal; ASCII by byte */
	assert_true(jcs_compare_names("a", "ab") < 0);
	assert_true(jcs_compare_names("ab", "a") > 0);
	assert_int_equal(jcs_compare_names("\xc3\xb6", "\xc3\xb6"), 0);
	assert_true(jcs_compare_names("Z", "a") < 0);
	assert_true(jcs_compare_names("", "\x01") < 0);
}

static void test_nested_members_sorted_arrays_kept(void **state)
{
	(void)state;
	assert_canonical(J("{'b': [3, 1, {'z': 1, 'a': {}}], 'a': [], 'aa': null}"),
			 "{\"a\":[],\"aa\":null,\"b\":[3,1,{\"a\":{},\"z\":1}]}");
}

/* ---- the readable layout ---- */

/* Removes the whitespace outside strings. */
static void strip_layout(const char *in, char *out)
{
	int in_string = 0, escaped = 0;

	for (; *in; in++) {
		if (in_string) {
			*out++ = *in;
			if (escaped)
				escaped = 0;
			else if (*in == '\\')
				escaped = 1;
			else if (*in == '"')
				in_string = 0;
		} else if (*in != ' ' && *in != '\n') {
			*out++ = *in;
			in_string = *in == '"';
		}
	}
	*out = '\0';
}

static void test_pretty_layout_strips_to_canonical(void **state)
{
	json_t *v = J("{'b': [1, {'y': ' a b ', 'x': 'q\\\\\\'}'}], 'a': {}, 'c': []}");
	struct msg_err err = {0};
	char *pretty = NULL, *canon = NULL, *stripped;
	size_t plen, clen;

	(void)state;
	assert_int_equal(jcs_pretty(v, 2, 0, &pretty, &plen, &err), 0);
	assert_string_equal(pretty, "{\n"
				    "  \"a\": {},\n"
				    "  \"b\": [\n"
				    "    1,\n"
				    "    {\n"
				    "      \"x\": \"q\\\\\\\"}\",\n"
				    "      \"y\": \" a b \"\n"
				    "    }\n"
				    "  ],\n"
				    "  \"c\": []\n"
				    "}");
	assert_int_equal(jcs_canonicalize(v, &canon, &clen, &err), 0);
	stripped = malloc(plen + 1);
	assert_non_null(stripped);
	strip_layout(pretty, stripped);
	assert_string_equal(stripped, canon);
	free(stripped);
	free(pretty);
	free(canon);
}

/* A value laid out to sit one level deep in a larger document. */
static void test_pretty_starting_level(void **state)
{
	struct msg_err err = {0};
	char *out = NULL;
	size_t len;

	(void)state;
	assert_int_equal(jcs_pretty(J("{'k': [true]}"), 2, 1, &out, &len, &err), 0);
	assert_string_equal(out, "{\n    \"k\": [\n      true\n    ]\n  }");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_rfc8785_appendix_b_numbers, release_all),
	    cmocka_unit_test_teardown(test_number_notation_boundaries, release_all),
	    cmocka_unit_test_teardown(test_nan_and_infinity_are_refused, release_all),
	    cmocka_unit_test_teardown(test_integers_and_integral_reals, release_all),
	    cmocka_unit_test_teardown(test_rfc8785_section_3_2_2_example, release_all),
	    cmocka_unit_test_teardown(test_string_escaping, release_all),
	    cmocka_unit_test_teardown(test_invalid_utf8_is_refused_naming_the_place, release_all),
	    cmocka_unit_test_teardown(test_rfc8785_section_3_2_3_sorting, release_all),
	    cmocka_unit_test_teardown(test_name_order_is_by_utf16_code_units, release_all),
	    cmocka_unit_test_teardown(test_nested_members_sorted_arrays_kept, release_all),
	    cmocka_unit_test_teardown(test_pretty_layout_strips_to_canonical, release_all),
	    cmocka_unit_test_teardown(test_pretty_starting_level, release_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
