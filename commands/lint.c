/* msgadm lint -f FILE | --snapshot FILE: offline risk review of a policy or a snapshot's body. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "io/document.h"
#include "base/exitcode.h"
#include "audit/lint.h"
#include "io/schema.h"
#include "base/version.h"
#include "io/yaml_load.h"

/* Puts the places of the snapshot's body (pos) into out, as if the body were the document. */
static int body_positions(const struct yaml_pos *pos, struct yaml_pos *out)
{
	int line, column, key_line, key_column, rc = 0;
	const char *k, *rest;
	size_t i = 0;

	while (rc == 0 && yaml_pos_next(pos, &i, &k, &line, &column, &key_line, &key_column)) {
		if (strcmp(k, "body") == 0)
			rest = "";
		else if (strncmp(k, "body.", 5) == 0)
			rest = k + 5;
		else if (strncmp(k, "body[", 5) == 0)
			rest = k + 4;
		else
			continue;
		rc = yaml_pos_put(out, rest, line, column);
		if (key_line != 0)
			yaml_pos_put_key(out, rest, key_line, key_column);
	}
	return rc;
}

/* {"snapshot": {...}, "body": <policy>}, with the policy schema's definitions in reach of its $refs,
 * so that errors name the snapshot's own paths (body.users.list[2].id) and places. */
static json_t *snapshot_schema(void)
{
	const json_t *policy = schema_policy();
	json_t *defs = json_deep_copy(json_object_get(policy, "$defs"));
	json_t *inner = json_deep_copy(policy);

	json_object_del(inner, "$defs");
	json_object_del(inner, "$id");
	json_object_set_new(defs, "policy", inner);
	return json_pack("{s:s,s:[s,s],s:{s:{s:s},s:{s:s}},s:o}", "type", "object", "required", "snapshot",
			 "body", "properties", "snapshot", "type", "object", "body", "$ref", "#/$defs/policy",
			 "$defs", defs);
}

/* Reads a snapshot file and takes its body as the policy; positions point into the snapshot. */
static int load_snapshot(const char *file, struct policy **out, struct msg_err *err)
{
	json_t *doc = NULL, *schema = NULL;
	struct yaml_pos *pos = NULL;
	struct policy *p = NULL;
	int rc = -1;

	if (yaml_load_file(file, &doc, &pos, err) != 0)
		return -1;
	schema = snapshot_schema();
	if (!json_is_object(doc) || json_object_get(doc, "body") == NULL) {
		err_set(err, EXIT_DATAERR, "%s: not a snapshot (no \"snapshot\" and \"body\")", file);
		goto done;
	}
	if (document_check(file, schema, doc, pos, err) != 0 ||
	    policy_from_json(file, json_object_get(doc, "body"), &p, err) != 0)
		goto done;
	if (body_positions(pos, p->pos) != 0) {
		err_set(err, EXIT_FAILURE_, "out of memory");
		policy_free(p);
		goto done;
	}
	*out = p;
	rc = 0;
done:
	json_decref(schema);
	json_decref(doc);
	yaml_pos_free(pos);
	return rc;
}

static int parse_options(struct cli *cli, const struct cmd_args *args, struct lint_options *opt)
{
	const char *fail_on = args_value(args, "fail-on");
	const char *admins = args_value(args, "max-admins");
	char *end;

	opt->max_retention = args_value(args, "max-retention");
	if (opt->max_retention == NULL)
		opt->max_retention = LINT_DEFAULT_MAX_RETENTION;
	opt->max_admins = LINT_DEFAULT_MAX_ADMINS;
	if (admins != NULL) {
		errno = 0;
		opt->max_admins = strtol(admins, &end, 10);
		if (errno != 0 || end == admins || *end != '\0' || opt->max_admins < 0)
			return cli_fail(cli, EXIT_USAGE, "--max-admins: '%s' is not a number of 0 or more",
					admins);
	}
	opt->fail_on = LINT_ERROR;
	if (fail_on != NULL && lint_severity_parse(fail_on, &opt->fail_on) != 0)
		return cli_fail(cli, EXIT_USAGE, "--fail-on: '%s' is not note, warning or error", fail_on);
	opt->source = args_value(args, "snapshot") ? "snapshot" : "policy";
	return 0;
}

static int print_rules(struct cli *cli)
{
	json_t *rules = json_array();
	int rc = 0;

	if (cli->output == OUTPUT_SARIF || cli->output == OUTPUT_JUNIT)
		rc = cli_fail(cli, EXIT_USAGE, "lint --rules prints text, json or yaml");
	else if (cli->output == OUTPUT_TEXT) {
		lint_print_rules(cli->out);
	} else {
		for (const struct lint_rule *r = lint_rules; r->id != NULL; r++)
			json_array_append_new(rules, json_pack("{s:s,s:s,s:s,s:s}", "id", r->id, "severity",
							       lint_severity_name(r->severity), "title",
							       r->title, "explanation", r->explanation));
		rc = cli_print(cli, rules, NULL);
	}
	json_decref(rules);
	return rc;
}

static int print_report(struct cli *cli, const json_t *report)
{
	json_t *sarif;
	char *text;

	switch (cli->output) {
	case OUTPUT_TEXT:
		lint_print_text(cli->out, report, !cli->quiet);
		return 0;
	case OUTPUT_SARIF:
		sarif = lint_sarif(report, MSGADM_VERSION);
		text = sarif ? json_dumps(sarif, JSON_INDENT(2)) : NULL;
		json_decref(sarif);
		if (text == NULL)
			return err_set(&cli->err, EXIT_FAILURE_, "out of memory");
		fprintf(cli->out, "%s\n", text);
		free(text);
		return 0;
	case OUTPUT_JUNIT:
		return lint_print_junit(cli->out, report);
	default:
		return cli_print(cli, report, NULL);
	}
}

static int exec_lint(struct cli *cli, const struct cmd_args *args)
{
	const char *file = args_value(args, "file"), *snapshot = args_value(args, "snapshot");
	struct lint_options opt;
	struct policy *p = NULL;
	json_t *report = NULL;
	int status;

	if (args_flag(args, "rules"))
		return print_rules(cli) == 0 ? EXIT_OK : cli_failed(cli);
	if ((file == NULL) == (snapshot == NULL))
		return cli_fail(cli, EXIT_USAGE,
				"give either -f FILE or --snapshot FILE\nusage: msgadm lint %s",
				args->cmd->synopsis);
	if (parse_options(cli, args, &opt) != 0)
		return cli_failed(cli);
	if ((file ? policy_load(file, &p, &cli->err) : load_snapshot(snapshot, &p, &cli->err)) != 0 ||
	    lint_run(p, &opt, &report, &cli->err) != 0 || print_report(cli, report) != 0) {
		status = cli_failed(cli);
		goto done;
	}
	status = json_is_true(json_object_get(report, "failed")) ? EXIT_FINDINGS : EXIT_OK;
done:
	json_decref(report);
	policy_free(p);
	return status;
}

const struct command cmd_lint = {
    .name = "lint",
    .synopsis =
	"-f FILE | --snapshot FILE [--fail-on LEVEL] [--max-retention DURATION] [--max-admins N] [--rules]",
    .summary = "review a policy or snapshot for risky settings (offline)",
    .description = "Runs the risk rules (see --rules) over a policy, or over the body of a snapshot file,\n"
		   "without contacting a server. Each finding names the file, line and column, the rule\n"
		   "and its severity; rules a policy switches off in lint.ignore are reported with their\n"
		   "reason. -o takes text, json, yaml, sarif (SARIF 2.1.0) or junit (JUnit XML).\n"
		   "Exits 2 when a finding that is not ignored reaches --fail-on (default error).",
    .options =
	{
	    {"file", 'f', "FILE", "the policy to review", "file"},
	    {"snapshot", 0, "FILE", "review the body of this snapshot file instead", "file"},
	    {"fail-on", 0, "LEVEL", "exit 2 on a finding of this severity or worse: note, warning, error",
	     NULL},
	    {"max-retention", 0, "DURATION", "longest allowed max_lifetime (default 365d)", NULL},
	    {"max-admins", 0, "N", "most active admins allowed (default 3)", NULL},
	    {"rules", 0, NULL, "list the rules, their severities and explanations", NULL},
	},
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_REPORT_FORMATS,
    .exec = exec_lint,
};
