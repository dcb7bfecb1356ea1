/* Risk lint: rules for the settings agencies are audited on (open registration, open federation,
 * tokens that never run out, retention, admins, ...), run offline over a policy document or the body
 * of a snapshot. Each rule has an id, a default severity and an explanation; a policy may switch a
 * rule off with a reason (lint.ignore), and the report keeps what was ignored and why.
 *
 * The report is a JSON value (what `lint -o json` prints), from which lint_output.c renders text,
 * SARIF 2.1.0 and JUnit XML:
 *   {"file": "policy.yaml", "source": "policy" | "snapshot", "fail_on": "error",
 *    "max_retention": "365d", "max_admins": 3,
 *    "rules": [{"id", "severity", "title", "explanation", "ignored": "reason" (when ignored)}],
 *    "findings": [{"rule", "severity", "path", "line", "column", "message",
 *                  "ignored": "reason" (when its rule is ignored)}],   sorted by position
 *    "unused_ignores": [{"rule", "path", "line", "column"}],
 *    "summary": {"error": n, "warning": n, "note": n, "ignored": n}, "failed": true | false}
 * "failed" is true when a finding that is not ignored reaches fail_on.
 *
 * Ownership: arguments are borrowed; *report is a new reference. */
#ifndef MSGADM_LINT_H
#define MSGADM_LINT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "base/msg_err.h"
#include "engine/policy.h"

enum lint_severity { LINT_NOTE, LINT_WARNING, LINT_ERROR };

struct lint_rule {
	const char *id; /* "open-registration" */
	enum lint_severity severity;
	const char *title;	 /* one line */
	const char *explanation; /* why it matters, a few sentences */
};

/* The rules, in the order they are checked and listed; ends with id NULL. */
extern const struct lint_rule lint_rules[];

#define LINT_DEFAULT_MAX_RETENTION "365d"
#define LINT_DEFAULT_MAX_ADMINS	   3

struct lint_options {
	const char *max_retention; /* a duration such as 365d (see lint_duration_ms) */
	long max_admins;
	enum lint_severity fail_on;
	const char *source; /* "policy" or "snapshot", for the report */
};

/* "error" / "warning" / "note". */
const char *lint_severity_name(enum lint_severity s);
/* Parses a severity name; -1 when unknown. */
int lint_severity_parse(const char *name, enum lint_severity *out);
/* A policy duration (30d, 12h, 1y = 365d, 2w, 90m, 10s, 500ms) in milliseconds; UINT64_MAX when it
 * does not fit. Returns -1 when text is not a duration. */
int lint_duration_ms(const char *text, uint64_t *ms);

/* Runs every rule over the policy. Fails only on a bad option (EXIT_USAGE) or out of memory. */
int lint_run(const struct policy *p, const struct lint_options *opt, json_t **report, struct msg_err *err);

/* Renderings of a report (lint_output.c). verbose text adds each rule's explanation. */
void lint_print_text(FILE *out, const json_t *report, int explain);
json_t *lint_sarif(const json_t *report, const char *tool_version);
int lint_print_junit(FILE *out, const json_t *report);
/* The rule table as text (lint --rules). */
void lint_print_rules(FILE *out);

#endif
