/* msgadm __complete: the completion engine (complete.h) for the shells' scripts (completion_*.c).
 * A shell waits for this with the user's Tab in mid-air, so values from the server are asked with a
 * deadline (COMPLETE_DEADLINE_MS for everything, no retry), and whatever fails, nothing is printed:
 * no candidate, and never a line on stderr. */
#include "cli.h"
#include "config_directory.h"
#include "shell/complete.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "session.h"
#include "shell/complete_live.h"
#include "io/http.h"

/* A session of its own for completion: the context with the deadline's timeouts and no retry. */
struct quick_session {
	struct context ctx;
	struct session *session;
};

static int open_quick(void *data, const struct context *ctx, struct session **s)
{
	struct quick_session *q = data;
	struct msg_err err = {0};

	q->ctx = *ctx;
	if (q->ctx.timeout_ms <= 0 || q->ctx.timeout_ms > COMPLETE_DEADLINE_MS)
		q->ctx.timeout_ms = COMPLETE_DEADLINE_MS;
	if (q->ctx.connect_timeout_ms <= 0 || q->ctx.connect_timeout_ms > COMPLETE_DEADLINE_MS)
		q->ctx.connect_timeout_ms = COMPLETE_DEADLINE_MS;
	q->ctx.retries = 0;
	if (session_open(&q->ctx, NULL, &q->session, &err) != 0)
		return -1;
	*s = q->session;
	return 0;
}

/* The deadline cancels the request in flight as Ctrl-C does in the console (http.h). */
static void on_deadline(int sig)
{
	(void)sig;
	http_interrupt();
}

static bool remote_allowed(void)
{
	const char *remote = getenv("MSGADM_COMPLETE_REMOTE");

	return remote == NULL || strcmp(remote, "0") != 0;
}

static json_t *shell_live(const struct complete_source *src, const char *hint, const char *context)
{
	struct itimerval deadline = {{0, 0},
				     {COMPLETE_DEADLINE_MS / 1000, COMPLETE_DEADLINE_MS % 1000 * 1000}};
	struct itimerval off = {{0, 0}, {0, 0}};
	struct sigaction on = {0}, old;
	struct quick_session q = {0};
	const struct context *ctx;
	struct config *cfg;
	json_t *names = NULL;

	if (!remote_allowed())
		return NULL;
	struct cli *cli = src->data;

	if (cli_config(cli, &cfg) != 0 || config_select(cfg, context, &ctx, &cli->err) != 0) {
		err_clear(&cli->err);
		return NULL;
	}
	on.sa_handler = on_deadline;
	sigemptyset(&on.sa_mask);
	sigaction(SIGALRM, &on, &old);
	setitimer(ITIMER_REAL, &deadline, NULL);
	names = complete_live(ctx, hint, open_quick, &q);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	http_interrupt_clear();
	session_close(q.session);
	return names;
}

json_t *cli_complete_contexts(const struct complete_source *src)
{
	struct cli *cli = src->data;
	struct config *cfg;
	json_t *list;

	if (cli == NULL || cli_config(cli, &cfg) != 0) {
		if (cli != NULL)
			err_clear(&cli->err);
		return NULL;
	}
	list = json_array();
	for (size_t i = 0; i < cfg->ncontexts; i++)
		json_array_append_new(list,
				      json_pack("{s:s,s:s,s:s}", "name", cfg->contexts[i].name, "driver",
						cfg->contexts[i].driver, "server", cfg->contexts[i].server));
	return list;
}

json_t *cli_complete_directories(const struct complete_source *src)
{
	struct cli *cli = src->data;
	struct config *cfg;

	if (cli == NULL || cli_config(cli, &cfg) != 0) {
		if (cli != NULL)
			err_clear(&cli->err);
		return NULL;
	}
	return config_directory_names(cfg);
}

/* A candidate fits on its line, and cannot pass for the directive. */
static bool printable(const char *value)
{
	return value[0] != ':' && strpbrk(value, "\t\n\r") == NULL;
}

void complete_shell(struct cli *cli, int argc, char *const argv[])
{
	struct complete_source src = {.data = cli,
				      .console = false,
				      .contexts = cli_complete_contexts,
				      .directories = cli_complete_directories,
				      .live = shell_live};
	const char *word = argc > 0 ? argv[argc - 1] : "";
	struct completion c;
	json_t *v;
	size_t i;

	if (complete_word(&src, argc > 0 ? argc - 1 : 0, argv, word, &c) == 0) {
		json_array_foreach(c.values, i, v)
		{
			const char *value = json_string_value(v);
			const char *note = json_string_value(json_array_get(c.notes, i));

			if (!printable(value))
				continue;
			if (note == NULL || note[0] == '\0' || strpbrk(note, "\t\n\r") != NULL)
				fprintf(cli->out, "%s\n", value);
			else
				fprintf(cli->out, "%s\t%s\n", value, note);
		}
		if (c.files && c.value_at > 0)
			fprintf(cli->out, ":files\t%.*s\n", (int)c.value_at, word);
		else if (c.files)
			fputs(":files\n", cli->out);
	}
	completion_free(&c);
	err_clear(&cli->err);
}
