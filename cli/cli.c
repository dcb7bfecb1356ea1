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

/* Takes global options out of argv wherever they stand, up to a "--" or a command that takes its
 * words raw; the rest goes to rest[]. */
static int parse_globals(struct cli *cli, int argc, char **argv, char **rest, int *nrest, int *help)
{
	int i;

	*nrest = 0;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *value = NULL;

		if (strcmp(a, "--") == 0 || (*nrest == 0 && takes_raw_args(&argv[i]))) {
			while (i < argc)
				rest[(*nrest)++] = argv[i++];
			break;
		}
		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			cli->verbose++;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			cli->quiet = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			*help = 1;
		} else if (strcmp(a, "--color") == 0 || strncmp(a, "--color=", 8) == 0) {
			if (a[7] == '=')
				value = a + 8;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return usage_error(cli, NULL, "option %s needs a value", a);
			if (strcmp(value, "auto") == 0)
				cli->color = COLOR_AUTO;
			else if (strcmp(value, "always") == 0)
				cli->color = COLOR_ALWAYS;
			else if (strcmp(value, "never") == 0)
				cli->color = COLOR_NEVER;
			else
				return usage_error(
				    cli, NULL, "unknown --color value '%s' (auto, always or never)", value);
		} else if (strcmp(a, "--context") == 0 || strcmp(a, "-o") == 0 ||
			   strcmp(a, "--output") == 0 || strncmp(a, "--context=", 10) == 0 ||
			   strncmp(a, "--output=", 9) == 0 || (strncmp(a, "-o", 2) == 0 && a[2] != '\0')) {
			int is_context = strncmp(a, "--context", 9) == 0;
			if (strchr(a, '=') != NULL)
				value = strchr(a, '=') + 1;
			else if (a[1] == 'o' && a[2] != '\0')
				value = a + 2;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return usage_error(cli, NULL, "option %s needs a value", a);
			if (is_context) {
				cli->context_name = value;
			} else if (strcmp(value, "text") == 0) {
				cli->output = OUTPUT_TEXT;
			} else if (strcmp(value, "json") == 0) {
				cli->output = OUTPUT_JSON;
			} else if (strcmp(value, "yaml") == 0) {
				cli->output = OUTPUT_YAML;
			} else if (strcmp(value, "sarif") == 0) {
				cli->output = OUTPUT_SARIF;
			} else if (strcmp(value, "junit") == 0) {
				cli->output = OUTPUT_JUNIT;
			} else {
				return usage_error(
				    cli, NULL,
				    "unknown output format '%s' (text, json, yaml, sarif or junit)", value);
			}
		} else {
			rest[(*nrest)++] = argv[i];
		}
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
	const struct context *ctx = NULL;
	const struct driver *d;
	struct session *s;
	struct config *cfg;
	const char *what;

	if ((cli->output == OUTPUT_SARIF || cli->output == OUTPUT_JUNIT) &&
	    !(cmd->flags & CMD_REPORT_FORMATS))
		return cli_fail(cli, EXIT_USAGE, "-o %s: msgadm %s prints text, json or yaml",
				cli->output == OUTPUT_SARIF ? "sarif" : "junit", cmd->name);
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
