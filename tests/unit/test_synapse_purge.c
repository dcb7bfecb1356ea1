/* Tests of the pure parts of retention enforcement and findings: the pause between purge status
 * requests, cutoffs written as UTC, and how many notes of a plan are findings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/plan.h"
#include "drivers/synapse.h"
#include "test_json.h"

static void poll_delay_doubles_up_to_five_seconds(void **state)
{
	(void)state;
	assert_int_equal(syn_purge_poll_delay_ms(0), 100);
	assert_int_equal(syn_purge_poll_delay_ms(1), 200);
	assert_int_equal(syn_purge_poll_delay_ms(5), 3200);
	assert_int_equal(syn_purge_poll_delay_ms(6), 5000);
	assert_int_equal(syn_purge_poll_delay_ms(1000), 5000);
}

static void cutoff_is_utc_to_the_second(void **state)
{
	char out[40];

	(void)state;
	syn_format_utc_ms(0, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	syn_format_utc_ms(INT64_C(1795690000999), out, sizeof(out));
	assert_string_equal(out, "2026-11-26T10:46:40Z");
}

static void findings_are_notes_of_level_finding(void **state)
{
	json_t *plan =
	    J("{'notes': [{'path': 'federation', 'level': 'finding', 'message': 'a'},"
	      " {'path': 'federation', 'level': 'config-managed'}, {'path': 'federation', 'level': 'apply'},"
	      " {'path': 'federation', 'level': 'finding', 'message': 'b'}, {'path': 'x'}]}");

	(void)state;
	assert_int_equal(plan_findings(plan), 2);
	json_decref(plan);
	plan = J("{'changes': []}");
	assert_int_equal(plan_findings(plan), 0);
	json_decref(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(poll_delay_doubles_up_to_five_seconds),
	    cmocka_unit_test(cutoff_is_utc_to_the_second),
	    cmocka_unit_test(findings_are_notes_of_level_finding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
