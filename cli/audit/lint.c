/* The risk rules and the report they make (see lint.h). Each rule reads the policy document and
 * names the place of what it found; positions come from the loader, so a finding reads like a
 * compiler diagnostic: policy.yaml:12:17: error: invites.registration: ... */
#include "lint.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/duration.h"
#include "base/exitcode.h"
#include "io/jpath.h"
#include "io/yaml_load.h"

const struct lint_rule lint_rules[] = {
    {"open-registration", LINT_ERROR, "registration is open to anyone",
     "With invites.registration: open, anyone who can reach the server can create an account. An "
     "agency server should admit only the accounts it issues (closed) or invites (token)."},
    {"open-federation", LINT_ERROR, "federation with any server",
     "With federation.mode: open, any server on the internet can exchange messages with this one and "
     "its users can be contacted by anyone. Federate with named partners (allowlist) or not at all "
     "(closed)."},
    {"partner-wildcard", LINT_WARNING, "a federation partner given as a wildcard",
     "A partner pattern such as *.example.org admits every server whose name matches, including "
     "servers set up later by someone else under that name. Name each partner server."},
    {"token-no-expiry", LINT_WARNING, "a registration token that never expires",
     "A token without an expiry date stays usable for as long as it exists: if it leaks, strangers "
     "can register long after the onboarding it was made for. Give every token an expires date."},
    {"token-unlimited-uses", LINT_WARNING, "a registration token without a use limit",
     "A token without a use limit admits any number of registrations: one leaked token can create "
     "any number of accounts. Give every token a number of uses."},
    {"guests-enabled", LINT_WARNING, "guest access is enabled",
     "Guest accounts can join and read rooms without an account the agency issued, and are not tied "
     "to a person."},
    {"foreign-allowed-domain", LINT_NOTE, "an allowed e-mail domain outside the server's own",
     "invites.allowed_domains lets owners of addresses in these domains register. A domain that is "
     "not the server's own (nor a parent or subdomain of it) admits people of another organisation; "
     "make sure that is intended."},
    {"no-retention", LINT_WARNING, "no retention rule",
     "Without a default max_lifetime, messages are kept forever, which conflicts with "
     "records-management and data-minimisation duties."},
    {"retention-too-long", LINT_WARNING, "messages kept longer than the set maximum",
     "A max_lifetime longer than the maximum (lint --max-retention, default " LINT_DEFAULT_MAX_RETENTION
     ") keeps messages longer than the agency's retention schedule allows."},
    {"too-many-admins", LINT_WARNING, "more server admins than the set maximum",
     "Every server admin can create, change and deactivate accounts and read server-wide data. Keep "
     "their number at or below the maximum (lint --max-admins, default 3)."},
    {"exclusive-without-limit", LINT_WARNING, "exclusive user management without max_deactivations",
     "With users.manage: exclusive every active account missing from the list is deactivated. Without "
     "users.max_deactivations, a truncated or wrong list can deactivate the whole organisation in one "
     "apply."},
    {NULL, LINT_NOTE, NULL, NULL},
};

struct lint_run {
	const struct policy *p;
	const struct lint_options *opt;
	uint64_t max_retention_ms;
	json_t *findings;
};

static const char *const severity_names[] = {"note", "warning", "error"};

const char *lint_severity_name(enum lint_severity s)
{
	return severity_names[s];
}

int lint_severity_parse(const char *name, enum lint_severity *out)
{
	for (int i = LINT_NOTE; i <= LINT_ERROR; i++) {
		if (strcmp(name, severity_names[i]) == 0) {
			*out = (enum lint_severity)i;
			return 0;
		}
	}
	return -1;
}

/* The policy's own duration syntax (engine/duration.h): a duration too long for some server is still
 * a duration to lint, and longer than any threshold (the parser saturates). */
int lint_duration_ms(const char *text, uint64_t *ms)
{
	const char *why = NULL;
	int64_t parsed;

	if (duration_parse_ms(text, &parsed, &why) != 0)
		return -1;
	*ms = (uint64_t)parsed;
	return 0;
}

static const struct lint_rule *rule_by_id(const char *id)
{
	for (const struct lint_rule *r = lint_rules; r->id != NULL; r++)
		if (strcmp(r->id, id) == 0)
			return r;
	return NULL;
}

static void add_finding(struct lint_run *run, const char *rule, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_finding(struct lint_run *run, const char *rule, const char *path, const char *fmt, ...)
{
	const struct lint_rule *r = rule_by_id(rule);
	char message[512];
	int line, column;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	yaml_pos_lookup(run->p->pos, path, &line, &column);
	json_array_append_new(run->findings, json_pack("{s:s,s:s,s:s,s:i,s:i,s:s}", "rule", rule, "severity",
						       lint_severity_name(r->severity), "path", path, "line",
						       line, "column", column, "message", message));
}

static const json_t *get(const json_t *obj, const char *a, const char *b)
{
	const json_t *v = json_object_get(obj, a);

	return b ? json_object_get(v, b) : v;
}

static int str_is(const json_t *v, const char *s)
{
	return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

/* ---- the rules ---- */

static void check_registration(struct lint_run *run)
{
	if (str_is(get(run->p->doc, "invites", "registration"), "open"))
		add_finding(run, "open-registration", "invites.registration",
			    "registration is open: anyone can create an account");
}

static void check_federation(struct lint_run *run)
{
	const json_t *fed = get(run->p->doc, "federation", NULL);
	const json_t *partner;
	char path[64];
	size_t i;

	if (str_is(json_object_get(fed, "mode"), "open"))
		add_finding(run, "open-federation", "federation.mode",
			    "federation is open: any server can exchange messages with this one");
	json_array_foreach(json_object_get(fed, "partners"), i, partner)
	{
		const char *name = json_string_value(partner);

		if (name == NULL || strpbrk(name, "*?") == NULL)
			continue;
		jpath_index(path, sizeof(path), "federation.partners", i);
		add_finding(run, "partner-wildcard", path, "partner '%s' is a pattern, not a server", name);
	}
}

static void check_tokens(struct lint_run *run)
{
	const json_t *token;
	char path[64];
	size_t i;

	json_array_foreach(get(run->p->doc, "invites", "tokens"), i, token)
	{
		const char *name = json_string_value(json_object_get(token, "name"));

		jpath_index(path, sizeof(path), "invites.tokens", i);
		if (!json_is_string(json_object_get(token, "expires")))
			add_finding(run, "token-no-expiry", path, "token '%s' never expires", name);
		if (!json_is_integer(json_object_get(token, "uses")))
			add_finding(run, "token-unlimited-uses", path, "token '%s' has no use limit", name);
	}
}

static void check_guests(struct lint_run *run)
{
	if (json_is_true(get(run->p->doc, "invites", "guests")))
		add_finding(run, "guests-enabled", "invites.guests", "guest access is enabled");
}

/* The server's own domains: itself, its subdomains, and its parents of two labels or more
 * (example.gov for matrix.example.gov: the organisation's mail domain). */
static int own_domain(const char *server, const char *domain)
{
	size_t s = strlen(server), d = strlen(domain);

	if (strcasecmp(server, domain) == 0)
		return 1;
	if (d > s && domain[d - s - 1] == '.' && strcasecmp(domain + d - s, server) == 0)
		return 1;
	return s > d && server[s - d - 1] == '.' && strcasecmp(server + s - d, domain) == 0 &&
	       strchr(domain, '.') != NULL;
}

static void check_allowed_domains(struct lint_run *run)
{
	const char *server = json_string_value(json_object_get(run->p->doc, "server"));
	const json_t *domain;
	char path[64];
	size_t i;

	json_array_foreach(get(run->p->doc, "invites", "allowed_domains"), i, domain)
	{
		const char *name = json_string_value(domain);

		if (name == NULL || server == NULL || own_domain(server, name))
			continue;
		jpath_index(path, sizeof(path), "invites.allowed_domains", i);
		add_finding(run, "foreign-allowed-domain", path, "'%s' is not a domain of %s", name, server);
	}
}

static void check_lifetime(struct lint_run *run, const json_t *rule, const char *path)
{
	const char *max = json_string_value(json_object_get(rule, "max_lifetime"));
	char field[128];
	uint64_t ms;

	if (max == NULL || lint_duration_ms(max, &ms) != 0 || ms <= run->max_retention_ms)
		return;
	jpath_key(field, sizeof(field), path, "max_lifetime");
	add_finding(run, "retention-too-long", field, "messages are kept %s, longer than %s", max,
		    run->opt->max_retention);
}

static void check_retention(struct lint_run *run)
{
	const json_t *retention = get(run->p->doc, "retention", NULL);
	const json_t *room;
	char path[64];
	size_t i;

	if (retention == NULL)
		add_finding(run, "no-retention", "", "no retention section: messages are kept forever");
	else if (!json_is_string(get(retention, "default", "max_lifetime")))
		add_finding(run, "no-retention", "retention",
			    "no default max_lifetime: messages in rooms without a rule are kept forever");
	check_lifetime(run, json_object_get(retention, "default"), "retention.default");
	json_array_foreach(json_object_get(retention, "rooms"), i, room)
	{
		jpath_index(path, sizeof(path), "retention.rooms", i);
		check_lifetime(run, room, path);
	}
}

static void check_admins(struct lint_run *run)
{
	const json_t *user;
	char names[256] = "";
	long admins = 0;
	size_t i, used = 0;

	json_array_foreach(get(run->p->doc, "users", "list"), i, user)
	{
		if (!json_is_true(json_object_get(user, "admin")) ||
		    json_is_false(json_object_get(user, "active")))
			continue;
		admins++;
		if (used < sizeof(names))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "",
						 json_string_value(json_object_get(user, "id")));
	}
	if (used >= sizeof(names))
		strcpy(names + sizeof(names) - 5, "...");
	if (admins > run->opt->max_admins)
		add_finding(run, "too-many-admins", "users.list", "%ld active admins (%s), more than %ld",
			    admins, names, run->opt->max_admins);
}

static void check_exclusive(struct lint_run *run)
{
	const json_t *users = get(run->p->doc, "users", NULL);

	if (str_is(json_object_get(users, "manage"), "exclusive") &&
	    json_object_get(users, "max_deactivations") == NULL)
		add_finding(run, "exclusive-without-limit", "users.manage",
			    "exclusive management without users.max_deactivations");
}

static void (*const checks[])(struct lint_run *) = {
    check_registration,	   check_federation, check_tokens, check_guests,
    check_allowed_domains, check_retention,  check_admins, check_exclusive,
};

/* ---- ignores, order and summary ---- */

static int by_position(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t d =
	    json_integer_value(json_object_get(x, "line")) - json_integer_value(json_object_get(y, "line"));

	if (d == 0)
		d = json_integer_value(json_object_get(x, "column")) -
		    json_integer_value(json_object_get(y, "column"));
	if (d != 0)
		return d < 0 ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "rule")),
		      json_string_value(json_object_get(y, "rule")));
}

static json_t *sorted(json_t *findings)
{
	size_t n = json_array_size(findings), i;
	json_t **items = calloc(n + 1, sizeof(*items));
	json_t *out = json_array();

	for (i = 0; items != NULL && i < n; i++)
		items[i] = json_array_get(findings, i);
	if (items != NULL)
		qsort(items, n, sizeof(*items), by_position);
	for (i = 0; items != NULL && i < n; i++)
		json_array_append(out, items[i]);
	free(items);
	return out;
}

/* Marks the findings and rules that lint.ignore switches off; reports ignores that matched nothing. */
static void apply_ignores(const struct policy *p, json_t *report)
{
	const json_t *entry;
	json_t *finding, *rule, *unused = json_array();
	char path[64];
	size_t i, j;

	json_array_foreach(get(p->doc, "lint", "ignore"), i, entry)
	{
		const char *id = json_string_value(json_object_get(entry, "rule"));
		json_t *reason = json_object_get(entry, "reason");
		int matched = 0, line, column;

		json_array_foreach(json_object_get(report, "rules"), j,
				   rule) if (str_is(json_object_get(rule, "id"), id))
		    json_object_set(rule, "ignored", reason);
		json_array_foreach(json_object_get(report, "findings"), j, finding)
		{
			if (str_is(json_object_get(finding, "rule"), id)) {
				json_object_set(finding, "ignored", reason);
				matched = 1;
			}
		}
		if (matched)
			continue;
		jpath_index(path, sizeof(path), "lint.ignore", i);
		yaml_pos_lookup(p->pos, path, &line, &column);
		json_array_append_new(unused, json_pack("{s:s,s:s,s:i,s:i}", "rule", id, "path", path, "line",
							line, "column", column));
	}
	json_object_set_new(report, "unused_ignores", unused);
}

static void summarise(json_t *report, enum lint_severity fail_on)
{
	json_int_t count[3] = {0, 0, 0}, ignored = 0;
	enum lint_severity s;
	json_t *finding;
	int failed = 0;
	size_t i;

	json_array_foreach(json_object_get(report, "findings"), i, finding)
	{
		if (json_object_get(finding, "ignored") != NULL) {
			ignored++;
			continue;
		}
		if (lint_severity_parse(json_string_value(json_object_get(finding, "severity")), &s) != 0)
			continue;
		count[s]++;
		failed |= s >= fail_on;
	}
	json_object_set_new(report, "summary",
			    json_pack("{s:I,s:I,s:I,s:I}", "error", count[LINT_ERROR], "warning",
				      count[LINT_WARNING], "note", count[LINT_NOTE], "ignored", ignored));
	json_object_set_new(report, "failed", json_boolean(failed));
}

int lint_run(const struct policy *p, const struct lint_options *opt, json_t **report, struct msg_err *err)
{
	struct lint_run run = {.p = p, .opt = opt};
	json_t *rules, *out;

	if (opt->max_retention == NULL || lint_duration_ms(opt->max_retention, &run.max_retention_ms) != 0)
		return err_set(err, EXIT_USAGE,
			       "--max-retention: '%s' is not a duration (such as 365d or 1y)",
			       opt->max_retention ? opt->max_retention : "");
	if (opt->max_admins < 0)
		return err_set(err, EXIT_USAGE, "--max-admins: must be 0 or more");
	run.findings = json_array();
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		checks[i](&run);
	rules = json_array();
	for (const struct lint_rule *r = lint_rules; r->id != NULL; r++)
		json_array_append_new(rules, json_pack("{s:s,s:s,s:s,s:s}", "id", r->id, "severity",
						       lint_severity_name(r->severity), "title", r->title,
						       "explanation", r->explanation));
	out = json_pack("{s:s,s:s,s:s,s:s,s:I,s:o,s:o}", "file", p->file, "source",
			opt->source ? opt->source : "policy", "fail_on", lint_severity_name(opt->fail_on),
			"max_retention", opt->max_retention, "max_admins", (json_int_t)opt->max_admins,
			"rules", rules, "findings", sorted(run.findings));
	json_decref(run.findings);
	if (out == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	apply_ignores(p, out);
	summarise(out, opt->fail_on);
	*report = out;
	return 0;
}
