/* A lint report (lint.h) as text, SARIF 2.1.0 (for code-scanning tools) and JUnit XML (for CI test
 * reports). JSON and YAML are the report itself, printed by cli_print. */
#include <stdlib.h>
#include <string.h>

#include "lint.h"

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int num(const json_t *obj, const char *key)
{
	return (int)json_integer_value(json_object_get(obj, key));
}

/* "file:L:C" or "file" when the place is unknown. */
static void put_place(FILE *out, const json_t *report, const json_t *item)
{
	if (num(item, "line") > 0)
		fprintf(out, "%s:%d:%d", str(report, "file"), num(item, "line"), num(item, "column"));
	else
		fputs(str(report, "file"), out);
}

/* text, indented and wrapped at about 96 columns */
static void put_wrapped(FILE *out, const char *indent, const char *text)
{
	const size_t width = 96;
	size_t col = 0;

	while (*text != '\0') {
		size_t word = strcspn(text, " ");

		if (col == 0)
			col = (size_t)fprintf(out, "%s", indent);
		else if (col + 1 + word > width) {
			fputc('\n', out);
			col = (size_t)fprintf(out, "%s", indent);
		} else {
			fputc(' ', out);
			col++;
		}
		col += fwrite(text, 1, word, out);
		text += word;
		text += strspn(text, " ");
	}
	if (col > 0)
		fputc('\n', out);
}

static const json_t *rule_of(const json_t *report, const char *id)
{
	const json_t *rule;
	size_t i;

	json_array_foreach(json_object_get(report, "rules"), i,
			   rule) if (strcmp(str(rule, "id"), id) == 0) return rule;
	return NULL;
}

void lint_print_text(FILE *out, const json_t *report, int explain)
{
	const json_t *summary = json_object_get(report, "summary");
	json_t *explained = json_object(), *f;
	size_t i;

	json_array_foreach(json_object_get(report, "findings"), i, f)
	{
		const char *rule = str(f, "rule"), *path = str(f, "path");
		const char *ignored = str(f, "ignored");

		put_place(out, report, f);
		fprintf(out, ": %s%s: %s%s%s [%s]\n", ignored ? "ignored " : "", str(f, "severity"), path,
			*path ? ": " : "", str(f, "message"), rule);
		if (ignored != NULL) {
			fprintf(out, "    ignored by lint.ignore: %s\n", ignored);
		} else if (explain && json_object_get(explained, rule) == NULL) {
			put_wrapped(out, "    ", str(rule_of(report, rule), "explanation"));
			json_object_set_new(explained, rule, json_true());
		}
	}
	json_decref(explained);
	json_array_foreach(json_object_get(report, "unused_ignores"), i, f)
	{
		put_place(out, report, f);
		fprintf(out, ": note: %s: rule '%s' is ignored but found nothing\n", str(f, "path"),
			str(f, "rule"));
	}
	fprintf(out, "%s: %d error%s, %d warning%s, %d note%s", str(report, "file"), num(summary, "error"),
		num(summary, "error") == 1 ? "" : "s", num(summary, "warning"),
		num(summary, "warning") == 1 ? "" : "s", num(summary, "note"),
		num(summary, "note") == 1 ? "" : "s");
	if (num(summary, "ignored") > 0)
		fprintf(out, "; %d ignored", num(summary, "ignored"));
	fprintf(out, " (fails at %s)\n", str(report, "fail_on"));
}

void lint_print_rules(FILE *out)
{
	for (const struct lint_rule *r = lint_rules; r->id != NULL; r++) {
		fprintf(out, "%-24s %-8s %s\n", r->id, lint_severity_name(r->severity), r->title);
		put_wrapped(out, "    ", r->explanation);
	}
}

/* ---- SARIF 2.1.0 ---- */

/* The file name as a URI reference: relative names stay relative (to the checkout, as code-scanning
 * tools expect), absolute ones become file:// URIs; everything outside RFC 3986's unreserved
 * characters and '/' is percent-encoded. A malloc'd string. */
static char *file_uri(const char *file)
{
	const char *prefix = file[0] == '/' ? "file://" : "";
	char *uri = malloc(strlen(prefix) + 3 * strlen(file) + 1);
	size_t n;

	if (uri == NULL)
		return NULL;
	n = (size_t)sprintf(uri, "%s", prefix);
	for (const unsigned char *p = (const unsigned char *)file; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p) != NULL)
			uri[n++] = (char)*p;
		else
			n += (size_t)sprintf(uri + n, "%%%02X", *p);
	}
	uri[n] = '\0';
	return uri;
}

/* GitHub code scanning ranks security results by this property (0.1-10). */
static const char *security_severity(const char *level)
{
	if (strcmp(level, "error") == 0)
		return "8.0";
	return strcmp(level, "warning") == 0 ? "5.0" : "2.0";
}

static json_t *sarif_rules(const json_t *report, json_t *index)
{
	json_t *rules = json_array(), *r;
	size_t i;

	json_array_foreach(json_object_get(report, "rules"), i, r)
	{
		json_object_set_new(index, str(r, "id"), json_integer((json_int_t)i));
		json_array_append_new(rules,
				      json_pack("{s:s,s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:[s],s:s}}", "id",
						str(r, "id"), "shortDescription", "text", str(r, "title"),
						"fullDescription", "text", str(r, "explanation"), "help",
						"text", str(r, "explanation"), "defaultConfiguration",
						"level", str(r, "severity"), "properties", "tags", "security",
						"security-severity", security_severity(str(r, "severity"))));
	}
	return rules;
}

static json_t *sarif_result(const json_t *f, const char *uri, const json_t *index)
{
	json_t *location = json_pack("{s:{s:s}}", "artifactLocation", "uri", uri);
	json_t *result;

	if (num(f, "line") > 0)
		json_object_set_new(location, "region",
				    json_pack("{s:i,s:i}", "startLine", num(f, "line"), "startColumn",
					      num(f, "column") > 0 ? num(f, "column") : 1));
	result =
	    json_pack("{s:s,s:O,s:s,s:{s:s},s:[{s:o,s:[{s:s}]}]}", "ruleId", str(f, "rule"), "ruleIndex",
		      json_object_get(index, str(f, "rule")), "level", str(f, "severity"), "message", "text",
		      str(f, "message"), "locations", "physicalLocation", location, "logicalLocations",
		      "fullyQualifiedName", *str(f, "path") ? str(f, "path") : "(document)");
	if (str(f, "ignored") != NULL)
		json_object_set_new(
		    result, "suppressions",
		    json_pack("[{s:s,s:s}]", "kind", "inSource", "justification", str(f, "ignored")));
	return result;
}

json_t *lint_sarif(const json_t *report, const char *tool_version)
{
	json_t *index = json_object(), *results = json_array(), *sarif = NULL, *rules, *f;
	char *uri = file_uri(str(report, "file"));
	size_t i;

	if (uri == NULL)
		goto done;
	rules = sarif_rules(report, index);
	json_array_foreach(json_object_get(report, "findings"), i, f)
	    json_array_append_new(results, sarif_result(f, uri, index));
	sarif = json_pack(
	    "{s:s,s:s,s:[{s:{s:{s:s,s:s,s:s,s:o}},s:s,s:[{s:{s:s}}],s:[{s:b}],s:O}]}", "$schema",
	    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
	    "sarif-schema-2.1.0.json",
	    "version", "2.1.0", "runs", "tool", "driver", "name", "msgadm", "version", tool_version,
	    "semanticVersion", tool_version, "rules", rules, "columnKind", "unicodeCodePoints", "artifacts",
	    "location", "uri", uri, "invocations", "executionSuccessful", 1, "results", results);
done:
	free(uri);
	json_decref(results);
	json_decref(index);
	return sarif;
}

/* ---- JUnit XML: one test case per rule ---- */

/* Text as XML character data or attribute value; characters XML 1.0 cannot hold are dropped. */
static void put_xml(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		default:
			if (*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r')
				fputc(*p, out);
		}
	}
}

static void put_finding_line(FILE *out, const json_t *report, const json_t *f)
{
	const char *path = str(f, "path");
	char place[1024];

	if (num(f, "line") > 0)
		snprintf(place, sizeof(place), "%s:%d:%d: %s: %s%s", str(report, "file"), num(f, "line"),
			 num(f, "column"), str(f, "severity"), path, *path ? ": " : "");
	else
		snprintf(place, sizeof(place), "%s: %s: %s%s", str(report, "file"), str(f, "severity"), path,
			 *path ? ": " : "");
	put_xml(out, place);
	put_xml(out, str(f, "message"));
	fputc('\n', out);
}

/* The rule's findings: how many reach fail_on, and the first of those. */
static int rule_failures(const json_t *report, const char *id, enum lint_severity fail_on,
			 const json_t **first)
{
	enum lint_severity s;
	const json_t *f;
	int n = 0;
	size_t i;

	*first = NULL;
	json_array_foreach(json_object_get(report, "findings"), i, f)
	{
		if (strcmp(str(f, "rule"), id) != 0 || str(f, "ignored") != NULL ||
		    lint_severity_parse(str(f, "severity"), &s) != 0 || s < fail_on)
			continue;
		if (n++ == 0)
			*first = f;
	}
	return n;
}

/* Writes the rule's findings: at or above fail_on (failing), or below it (reported only). */
static void put_rule_findings(FILE *out, const json_t *report, const char *id, enum lint_severity fail_on,
			      int failing)
{
	enum lint_severity s;
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(report, "findings"), i, f)
	{
		if (strcmp(str(f, "rule"), id) != 0 || lint_severity_parse(str(f, "severity"), &s) != 0)
			continue;
		if (failing == (str(f, "ignored") == NULL && s >= fail_on))
			put_finding_line(out, report, f);
	}
}

int lint_print_junit(FILE *out, const json_t *report)
{
	const char *file = str(report, "file");
	enum lint_severity fail_on = LINT_ERROR;
	int tests = 0, failures = 0, skipped = 0;
	const json_t *rule, *first;
	size_t i;

	lint_severity_parse(str(report, "fail_on"), &fail_on);
	json_array_foreach(json_object_get(report, "rules"), i, rule)
	{
		tests++;
		if (str(rule, "ignored") != NULL)
			skipped++;
		else if (rule_failures(report, str(rule, "id"), fail_on, &first) > 0)
			failures++;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"msgadm lint\"", out);
	fprintf(out, " tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\">\n", tests, failures,
		skipped);
	fputs("  <testsuite name=\"msgadm lint ", out);
	put_xml(out, file);
	fprintf(out, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\">\n", tests, failures,
		skipped);
	json_array_foreach(json_object_get(report, "rules"), i, rule)
	{
		const char *id = str(rule, "id");
		int n = rule_failures(report, id, fail_on, &first);

		fprintf(out, "    <testcase classname=\"msgadm.lint\" name=\"%s\" file=\"", id);
		put_xml(out, file);
		fputs("\">\n", out);
		if (str(rule, "ignored") != NULL) {
			fputs("      <skipped message=\"ignored by lint.ignore: ", out);
			put_xml(out, str(rule, "ignored"));
			fputs("\"/>\n", out);
		} else if (n > 0) {
			fprintf(out, "      <failure type=\"%s\" message=\"", str(first, "severity"));
			put_xml(out, str(first, "message"));
			if (n > 1)
				fprintf(out, " (and %d more)", n - 1);
			fputs("\">", out);
			put_rule_findings(out, report, id, fail_on, 1);
			fputs("</failure>\n", out);
		}
		fputs("      <system-out>", out);
		put_xml(out, str(rule, "title"));
		fputs(": ", out);
		put_xml(out, str(rule, "explanation"));
		fputc('\n', out);
		put_rule_findings(out, report, id, fail_on, 0);
		fputs("</system-out>\n    </testcase>\n", out);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	return ferror(out) ? -1 : 0;
}
