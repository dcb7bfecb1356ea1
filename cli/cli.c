/* Parsing one command line against the command table and running it. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "drivers/drivers.h"
#include "session.h"
#include "shell/complete_live.h"
#include "base/exitcode.h"
#include "io/yaml_emit.h"

int cli_fail(struct cli *cli, int status, const char *fmt, ...)
{
	va_list ap;

	cli->err.status = status;
	va_start(ap, fmt);
	vsnprintf(cli->err.text, sizeof(cli->err.text), fmt, ap);
	va_end(ap);
	return status;
}

int cli_failed(struct cli *cli)
{
	return cli->err.status ? cli->err.status : EXIT_FAILURE_;
}

void cli_info(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->quiet)
		return;
	progress_clear(&cli->progress);
	va_start(ap, fmt);
	vfprintf(cli->errout, fmt, ap);
	va_end(ap);
}

int cli_config(struct cli *cli, struct config **out)
{
	char *path;
	int rc;

	if (cli->config == NULL) {
		path = config_default_path();
		if (path == NULL)
			return err_set(&cli->err, EXIT_FAILURE_, "out of memory");
		rc = config_load(path, &cli->config, &cli->err);
		free(path);
		if (rc != 0)
			return -1;
	}
	*out = cli->config;
	return 0;
}

/* The drivers' long reads, on the meter: "Reading users  1200/5000 ...". */
static void read_progress(void *ctx, const char *what, long done, long total)
{
	struct cli *cli = ctx;
	char label[sizeof(cli->progress.label)];

	snprintf(label, sizeof(label), "Reading %s", what);
	progress_report(&cli->progress, label, done, 0, total);
}

int cli_session(struct cli *cli, struct session **out)
{
	const struct context *ctx;
	struct config *cfg;

	if (cli->session == NULL) {
		if (cli_config(cli, &cfg) != 0 || config_select(cfg, cli->context_name, &ctx, &cli->err) != 0)
			return -1;
		if (session_open(ctx, cli->verbose ? cli->errout : NULL, &cli->session, &cli->err) != 0)
			return -1;
		cli->session->progress = read_progress;
		cli->session->progress_ctx = cli;
		cli_directory_source(cli, cli->session);
	}
	*out = cli->session;
	return 0;
}

int cli_print(struct cli *cli, const json_t *value, void (*text)(FILE *out, const json_t *value))
{
	char *s;

	progress_clear(&cli->progress);
	if (cli->output == OUTPUT_JSON) {
		s = json_dumps(value, JSON_INDENT(2) | JSON_ENCODE_ANY);
		if (s == NULL)
			return err_set(&cli->err, EXIT_FAILURE_, "out of memory");
		fprintf(cli->out, "%s\n", s);
		free(s);
		return 0;
	}
	if (cli->output == OUTPUT_YAML || text == NULL)
		return yaml_emit(cli->out, value, &cli->err);
	text(cli->out, value);
	return 0;
}

void cli_free(struct cli *cli)
{
	session_close(cli->session);
	config_free(cli->config);
	cli->session = NULL;
	cli->config = NULL;
}

static int usage_error(struct cli *cli, const struct command *cmd, const char *fmt, const char *arg)
{
	cli_fail(cli, EXIT_USAGE, fmt, arg);
	if (cmd != NULL) {
		size_t n = strlen(cli->err.text);
		snprintf(cli->err.text + n, sizeof(cli->err.text) - n, "\nusage: msgadm %s %s", cmd->name,
			 cmd->synopsis ? cmd->synopsis : "");
	}
	return EXIT_USAGE;
}

/* Whether argv[0] names a command (CMD_RAW_ARGS) whose words, options among them, are all its own. */
static bool takes_raw_args(char *const argv[])
{
	int words;
	const struct command *cmd = command_find(1, argv, &words);

	return cmd != NULL && (cmd->flags & CMD_RAW_ARGS);
}

/* The entry of global_options[] called name, or NULL. */
static const struct cmd_option *global_option_named(const char *name)
{
	for (const struct cmd_option *o = global_options; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* A value not in the option's list: "unknown output format 'xml' (text, json, yaml, sarif or junit)". */
static int unknown_value(struct cli *cli, const struct cmd_option *o, const char *value)
{
	char list[128], text[sizeof(cli->err.text)];

	command_values_join(o->values, ~0u, list, sizeof(list));
	/* -o's values are formats; another option's are named by the option */
	if (o->short_name == 'o')
		snprintf(text, sizeof(text), "unknown output format '%s' (%s)", value, list);
	else
		snprintf(text, sizeof(text), "unknown --%s value '%s' (%s)", o->name, value, list);
	return usage_error(cli, NULL, "%s", text);
}

/* What a global option does; v is its value's entry when it has a list of values. */
static void set_global(struct cli *cli, const struct cmd_option *o, const struct cmd_value *v,
		       const char *value, int *help)
{
	if (strcmp(o->name, "context") == 0)
		cli->context_name = value;
	else if (strcmp(o->name, "output") == 0)
		cli->output = (enum output_format)v->value;
	else if (strcmp(o->name, "color") == 0)
		cli->color = (enum color_mode)v->value;
	else if (strcmp(o->name, "verbose") == 0)
		cli->verbose++;
	else if (strcmp(o->name, "quiet") == 0)
		cli->quiet = 1;
	else if (strcmp(o->name, "help") == 0)
		*help = 1;
}

/* Takes global options out of argv wherever they stand, up to a "--" or a command that takes its
 * words raw; the rest goes to rest[]. They are global_options[] (command_table.c), spelt as any
 * command's are (command_option_match): --name VALUE, --name=VALUE, -n VALUE, -nVALUE. */
static int parse_globals(struct cli *cli, int argc, char **argv, char **rest, int *nrest, int *help)
{
	int i;

	*nrest = 0;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *value, *eq;
		const struct cmd_value *v = NULL;
		const struct cmd_option *o;
		int idx;

		if (strcmp(a, "--") == 0 || (*nrest == 0 && takes_raw_args(&argv[i]))) {
			while (i < argc)
				rest[(*nrest)++] = argv[i++];
			break;
		}
		idx = command_option_match(global_options, CMD_ALL_OPTIONS, a, &value);
		/* a flag with something glued on ("-vv", "--quiet=1") is none of them: the command's
		 * parser names it */
		if (idx < 0 || (global_options[idx].arg == NULL && value != NULL)) {
			rest[(*nrest)++] = argv[i];
			continue;
		}
		o = &global_options[idx];
		if (o->arg != NULL && value == NULL) {
			if (i + 1 >= argc)
				return usage_error(cli, NULL, "option %s needs a value", a);
			value = argv[++i];
		}
		/* -o=json is -o json: after the letter, the value is what follows an '=', as it always was */
		if (a[1] != '-' && (eq = strchr(a, '=')) != NULL)
			value = eq + 1;
		if (o->values != NULL && (v = command_value_find(o->values, value)) == NULL)
			return unknown_value(cli, o, value);
		set_global(cli, o, v, value, help);
	}
	return 0;
}

static int parse_command_args(struct cli *cli, const struct command *cmd, int argc, char **argv,
			      struct cmd_args *args)
{
	int only_positional = (cmd->flags & CMD_RAW_ARGS) != 0;

	if (only_positional && argc > 0 && strcmp(argv[0], "--") == 0)
		argc--, argv++;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *value;
		int idx;

		if (!only_positional && strcmp(a, "--") == 0) {
			only_positional = 1;
			continue;
		}
		if (only_positional || a[0] != '-' || a[1] == '\0') {
			args->argv[args->argc++] = argv[i];
			continue;
		}
		if ((idx = command_option_match(cmd->options, CMD_MAX_OPTIONS, a, &value)) < 0)
			return usage_error(cli, cmd, "unknown option '%s'", a);
		if (cmd->options[idx].arg == NULL && value != NULL)
			return usage_error(cli, cmd, "option '%s' takes no value", a);
		if (cmd->options[idx].arg != NULL && value == NULL) {
			if (i + 1 >= argc)
				return usage_error(cli, cmd, "option '%s' needs a value", a);
			value = argv[++i];
		}
		args->values[idx] = value;
		args->given[idx]++;
	}
	if (cmd->required != NULL && !args_flag(args, cmd->required))
		return usage_error(cli, cmd, "option --%s is required", cmd->required);
	if (args->argc < cmd->min_args)
		return usage_error(cli, cmd, "%s: missing arguments", cmd->name);
	if (cmd->max_args >= 0 && args->argc > cmd->max_args)
		return usage_error(cli, cmd, "unexpected argument '%s'", args->argv[cmd->max_args]);
	return 0;
}

/* What must hold before a command runs: -o sarif and junit only where the command prints them; for
 * a command that needs a server, a driver that offers what it needs (decided from the context,
 * without connecting) and, for one that changes the server, an audit log that can take its lines
 * (audit.h); then its session is opened, so that exec finds it (cli_session). */
static int command_ready(struct cli *cli, const struct command *cmd)
{
	const struct cmd_value *formats = global_option_named("output")->values, *out = formats;
	const struct context *ctx = NULL;
	const struct driver *d;
	struct session *s;
	struct config *cfg;
	const char *what;
	char list[128];

	while (out->word != NULL && out->value != (int)cli->output)
		out++;
	if (out->word != NULL && !command_value_allowed(out, cmd->flags)) {
		command_values_join(formats, cmd->flags, list, sizeof(list));
		return cli_fail(cli, EXIT_USAGE, "-o %s: msgadm %s prints %s", out->word, cmd->name, list);
	}
	if (!(cmd->flags & (CMD_NEEDS_SERVER | CMD_CHANGES_STATE)))
		return 0;
	if (cli_config(cli, &cfg) != 0 || config_select(cfg, cli->context_name, &ctx, &cli->err) != 0)
		return cli_failed(cli);
	d = driver_find(ctx->driver); /* an unknown one: session_open says so */
	if (d != NULL && cmd->needs != NULL && !driver_offers(d, cmd->needs, &what))
		return cli_fail(cli, EXIT_FAILURE_, "%s: %s are not available on %s", cmd->name, what,
				d->name);
	if ((cmd->flags & CMD_CHANGES_STATE) && audit_check(ctx, &cli->err) != 0)
		return cli_failed(cli);
	if ((cmd->flags & CMD_NEEDS_SERVER) && cli_session(cli, &s) != 0)
		return cli_failed(cli);
	return 0;
}

/* With -o json a failure is one JSON object on stderr, {"error": {"status": N, "message": "..."}},
 * for scripts that parse what they run; else one "msgadm: ..." line. */
static void print_error(struct cli *cli, int status)
{
	json_t *e;
	char *s;

	if (cli->err.text[0] == '\0')
		return;
	if (cli->output != OUTPUT_JSON) {
		fprintf(cli->errout, "msgadm: %s\n", cli->err.text);
		return;
	}
	e = json_pack("{s:{s:i,s:s}}", "error", "status", status, "message", cli->err.text);
	s = e ? json_dumps(e, JSON_COMPACT) : NULL;
	if (s != NULL)
		fprintf(cli->errout, "%s\n", s);
	else
		fprintf(cli->errout, "msgadm: %s\n", cli->err.text);
	free(s);
	json_decref(e);
}

int cli_run(struct cli *cli, int argc, char **argv)
{
	char **rest = calloc((size_t)argc + 1, sizeof(char *));
	struct cmd_args args = {0};
	const struct command *cmd = NULL;
	int nrest = 0, words = 0, help = 0, status;

	err_clear(&cli->err);
	if (rest == NULL)
		return EXIT_FAILURE_;
	status = parse_globals(cli, argc, argv, rest, &nrest, &help);
	color_set(color_decide(cli->color, isatty(fileno(cli->out)) == 1));
	progress_init(&cli->progress, !cli->quiet && !cli->verbose && progress_wanted(fileno(cli->errout))
					  ? cli->errout
					  : NULL);
	if (status != 0)
		goto done;
	if (nrest == 0) {
		if (help) {
			help_overview(cli->out);
			goto done;
		}
		help_overview(cli->errout);
		status = EXIT_USAGE;
		goto done;
	}
	cmd = command_find(nrest, rest, &words);
	if (cmd == NULL) {
		status = usage_error(cli, NULL, "unknown command '%s'; see 'msgadm help'", rest[0]);
		goto done;
	}
	if (help) {
		help_command(cli->out, cmd);
		goto done;
	}
	args.cmd = cmd;
	args.argv = calloc((size_t)nrest + 1, sizeof(char *));
	if (args.argv == NULL) {
		status = EXIT_FAILURE_;
		goto done;
	}
	status = parse_command_args(cli, cmd, nrest - words, rest + words, &args);
	if (status == 0)
		status = command_ready(cli, cmd);
	if (status != 0)
		goto done;
	status = cmd->exec(cli, &args);
	/* what completion remembers of this server may no longer be so, whether or not all went well */
	if ((cmd->flags & CMD_CHANGES_STATE) && cli->session != NULL)
		complete_cache_forget(cli->session->context);
	if (status != 0 && cli->err.text[0] == '\0' && cli->err.status != 0)
		status = cli->err.status;
done:
	/* the line goes before the error, the prompt or the shell's; none outside a command (completion) */
	progress_end(&cli->progress);
	progress_init(&cli->progress, NULL);
	if (fflush(cli->out) != 0 || ferror(cli->out)) {
		cli_fail(cli, EXIT_FAILURE_, "error writing output: %s", strerror(errno));
		status = status ? status : EXIT_FAILURE_;
	}
	if (status != 0)
		print_error(cli, status);
	free(args.argv);
	free(rest);
	return status;
}
