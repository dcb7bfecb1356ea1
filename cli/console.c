/* msgadm console: command lines at a prompt, each run by cli_run against the console's context.
 *
 * On a terminal (stdin and stdout both), lines come from readline's callback interface, so that the
 * console owns SIGINT: Ctrl-C at the prompt drops the line being typed, and during a command sets
 * the HTTP layer's interrupt flag (http_interrupt), which makes the HTTP layer abort the transfer (the
 * command then fails with 130 and the console goes on). Ctrl-D, exit and quit leave with status 0. Lines go
 * to the history file unless they look as if they carry a secret (console_line_secret) or start with a space.
 *
 * From a pipe or file, lines are read plainly, without prompt, readline or history, and the first
 * line that fails ends the console with its status, as a shell script with `set -e` would.
 *
 * Each line starts from the options the console was started with: -o, -q, -v and --context on a
 * line hold for that line only. `use CONTEXT` changes the console's context (not the contexts file)
 * by closing the session and contexts file, which the next command opens again. */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell/complete.h"
#include "shell/console_words.h"
#include "base/exitcode.h"
#include "io/http.h"
#include "progress.h"
#include "io/xdg.h"

#define HISTORY_MAX 1000

static volatile sig_atomic_t got_sigint, got_sigwinch;
static volatile sig_atomic_t command_on_terminal; /* a command runs, its output on the terminal */

struct console {
	struct cli *cli;
	char *context;		   /* the console's context (from --context or `use`), or NULL */
	const char *saved_context; /* cli->context_name before the console, put back after it */
	enum output_format output; /* the global options the console was started with */
	int verbose, quiet;
	enum color_mode color;
	bool interactive;
	bool done;		 /* exit or quit */
	char *history;		 /* the history file, or NULL when none is kept */
	struct stat config_seen; /* the contexts file before it was last loaded */
	char prompt[256];
};

static void on_sigint(int sig)
{
	ssize_t written;

	(void)sig;
	got_sigint = 1;
	http_interrupt();
	/* after the terminal's ^C, so that the command's "interrupted" starts a line of its own; erasing
	 * a progress line (with the ^C after it) leaves a clean line as well */
	if (!progress_erase_from_signal() && command_on_terminal) {
		written = write(STDERR_FILENO, "\n", 1);
		(void)written;
	}
}

static void on_sigwinch(int sig)
{
	(void)sig;
	got_sigwinch = 1;
}

/* Puts back the options the console started with; cli->context_name may point into the last line. */
static void restore_options(struct console *con)
{
	con->cli->output = con->output;
	con->cli->verbose = con->verbose;
	con->cli->quiet = con->quiet;
	con->cli->color = con->color;
	con->cli->context_name = con->context;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Closes the contexts file and session when the file changed since it was loaded (`context use`
 * rewrites it), so that the next command and the prompt see it as it is now. */
static void refresh_config(struct console *con)
{
	struct stat now = {0};
	char *path;

	if (con->cli->config != NULL) {
		if (stat(con->cli->config->path, &now) != 0)
			memset(&now, 0, sizeof(now));
		if (same_file(&now, &con->config_seen))
			return;
		cli_free(con->cli);
	}
	/* Not loaded: note the file as it is before the next load. */
	memset(&con->config_seen, 0, sizeof(con->config_seen));
	if ((path = config_default_path()) != NULL && stat(path, &con->config_seen) != 0)
		memset(&con->config_seen, 0, sizeof(con->config_seen));
	free(path);
}

/* "msgadm prod@example.gov> ", or "msgadm> " when no context can be chosen. */
static void make_prompt(struct console *con)
{
	struct cli *cli = con->cli;
	const struct context *ctx;
	struct config *cfg;

	refresh_config(con);
	if (cli_config(cli, &cfg) == 0 && config_select(cfg, cli->context_name, &ctx, &cli->err) == 0)
		snprintf(con->prompt, sizeof(con->prompt), "msgadm %s@%s> ", ctx->name, ctx->server);
	else
		snprintf(con->prompt, sizeof(con->prompt), "msgadm> ");
	err_clear(&cli->err);
}

/* ---- history ---- */

static void history_open(struct console *con)
{
	char *path = xdg_file("XDG_STATE_HOME", ".local/state", "history");
	int fd = -1;

	using_history();
	stifle_history(HISTORY_MAX);
	if (path == NULL)
		return;
	if (xdg_private_dirs(path) != 0 ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 ||
	    fchmod(fd, 0600) != 0) {
		fprintf(con->cli->errout, "msgadm: history not kept: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return;
	}
	close(fd);
	read_history(path);
	con->history = path;
}

static void history_add(struct console *con, const char *line)
{
	HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;

	if (line[0] == ' ' || line[strspn(line, " \t")] == '\0' || console_line_secret(line))
		return;
	if (last != NULL && strcmp(last->line, line) == 0)
		return;
	add_history(line);
	if (con->history != NULL && append_history(1, con->history) != 0) {
		fprintf(con->cli->errout, "msgadm: history not kept: %s: %s\n", con->history,
			strerror(errno));
		free(con->history);
		con->history = NULL;
	}
}

static void history_close(struct console *con)
{
	if (con->history != NULL)
		history_truncate_file(con->history, HISTORY_MAX);
	clear_history();
	free(con->history);
	con->history = NULL;
}

/* ---- reading lines ---- */

static char *line_read;
static bool line_done;

static void on_line(char *line)
{
	line_read = line;
	line_done = true;
	rl_callback_handler_remove(); /* the terminal is as before while the command runs */
}

/* Ctrl-C at the prompt: drop what was typed and start again on a new line, as a shell does. */
static void cancel_input(void)
{
	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_point = rl_end;
	rl_redisplay();
	fputs("^C", rl_outstream);
	rl_crlf();
	rl_replace_line("", 0);
	rl_on_new_line();
	rl_redisplay();
}

/* One line from the terminal, malloc'd; NULL at end of input (Ctrl-D). Signals are blocked but
 * while waiting for a key (ppoll) and while readline handles one, so none goes unnoticed. */
static char *read_interactive(struct console *con)
{
	struct pollfd pfd = {.fd = fileno(rl_instream != NULL ? rl_instream : stdin), .events = POLLIN};
	sigset_t block, orig;

	make_prompt(con);
	line_read = NULL;
	line_done = false;
	got_sigint = 0;
	http_interrupt_clear();
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, &orig);
	rl_callback_handler_install(con->prompt, on_line);
	while (!line_done) {
		if (got_sigwinch) {
			got_sigwinch = 0;
			rl_resize_terminal();
		}
		if (got_sigint) {
			got_sigint = 0;
			http_interrupt_clear(); /* it may have cancelled a completion's request */
			cancel_input();
			continue;
		}
		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			rl_callback_handler_remove();
			break;
		}
		sigprocmask(SIG_SETMASK, &orig, NULL);
		rl_callback_read_char();
		sigprocmask(SIG_BLOCK, &block, NULL);
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return line_read;
}

/* One line from a pipe, in *buf without its newline; false at the end (or on a read error). */
static bool read_plain(char **buf, size_t *cap)
{
	ssize_t n = getline(buf, cap, stdin);

	if (n < 0)
		return false;
	while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
		(*buf)[--n] = '\0';
	return true;
}

/* ---- running lines ---- */

static int use_context(struct console *con, int argc, char **argv)
{
	struct cli *cli = con->cli;
	const struct context *ctx;
	struct config *cfg;
	char *name;

	if (argc != 2) {
		fprintf(cli->errout, "msgadm: usage: use CONTEXT\n");
		return EXIT_USAGE;
	}
	err_clear(&cli->err);
	if (cli_config(cli, &cfg) != 0 || config_select(cfg, argv[1], &ctx, &cli->err) != 0) {
		fprintf(cli->errout, "msgadm: %s\n", cli->err.text);
		return cli_failed(cli);
	}
	if ((name = strdup(argv[1])) == NULL) {
		fprintf(cli->errout, "msgadm: out of memory\n");
		return EXIT_FAILURE_;
	}
	cli_free(cli); /* the next command opens the new context's session */
	free(con->context);
	con->context = name;
	cli->context_name = name;
	cli_info(cli, "Using context '%s' in this console.\n", name);
	return 0;
}

/* Whether the words carry an option that changes how the session is opened (-v, --context), so
 * that the line needs a session of its own. */
static bool own_session(int argc, char **argv)
{
	for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0 ||
		    strcmp(argv[i], "--context") == 0 || strncmp(argv[i], "--context=", 10) == 0)
			return true;
	return false;
}

/* Runs one line; returns its exit status (0 for a blank line or a comment). */
static int run_line(struct console *con, const char *line)
{
	struct cli *cli = con->cli;
	struct console_words w;
	enum console_split split = console_words_split(line, &w);
	const struct command *cmd;
	bool own;
	int status = 0;

	if (split != SPLIT_OK) {
		fprintf(cli->errout, "msgadm: %s\n", console_split_error(split));
		status = split == SPLIT_NO_MEMORY ? EXIT_FAILURE_ : EXIT_USAGE;
		goto done;
	}
	if (w.argc == 0)
		goto done;
	if (strcmp(w.argv[0], "exit") == 0 || strcmp(w.argv[0], "quit") == 0) {
		if (w.argc > 1) {
			fprintf(cli->errout, "msgadm: usage: %s\n", w.argv[0]);
			status = EXIT_USAGE;
		}
		con->done = status == 0;
		goto done;
	}
	if (strcmp(w.argv[0], "use") == 0) {
		status = use_context(con, w.argc, w.argv);
		goto done;
	}
	cmd = complete_command(w.argc, w.argv, true);
	if (cmd != NULL && (cmd->flags & CMD_NOT_IN_CONSOLE)) {
		fprintf(cli->errout, "msgadm: '%s' is not available in the console\n", cmd->name);
		status = EXIT_USAGE;
		goto done;
	}
	restore_options(con);
	own = own_session(w.argc, w.argv);
	if (own)
		cli_free(cli);
	status = cli_run(cli, w.argc, w.argv);
	if (own)
		cli_free(cli);
	restore_options(con);
	err_clear(&cli->err);
done:
	console_words_free(&w);
	return status;
}

int console_run(struct cli *cli)
{
	struct console con = {.cli = cli,
			      .output = cli->output,
			      .verbose = cli->verbose,
			      .quiet = cli->quiet,
			      .color = cli->color};
	struct sigaction sa = {0}, old_int, old_winch;
	char *buf = NULL, *line;
	size_t cap = 0;
	int status = 0;

	con.saved_context = cli->context_name;
	if (cli->context_name != NULL && (con.context = strdup(cli->context_name)) == NULL)
		return cli_fail(cli, EXIT_FAILURE_, "out of memory");
	con.interactive = cli->tty;
	restore_options(&con);
	/* each line's cli_run turns the meter on for its command; completion reads stay silent */
	progress_init(&cli->progress, NULL);
	/* SA_RESTART keeps stdio going; ppoll and curl's waits return early all the same. */
	sa.sa_handler = on_sigint;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sa.sa_handler = on_sigwinch;
	sigaction(SIGWINCH, &sa, &old_winch);
	got_sigint = 0;
	if (con.interactive) {
		rl_readline_name = "msgadm";
		rl_catch_signals = 0; /* SIGINT is ours: it cancels a request, not the console */
		rl_catch_sigwinch = 0;
		rl_change_environment = 0;
		console_complete_init(cli);
		history_open(&con);
	}
	while (!con.done) {
		if (con.interactive) {
			if ((line = read_interactive(&con)) == NULL)
				break;
			history_add(&con, line);
		} else {
			if (got_sigint || !read_plain(&buf, &cap)) {
				status = got_sigint ? EXIT_INTERRUPTED : 0;
				break;
			}
			line = buf;
		}
		refresh_config(&con);
		http_interrupt_clear();
		command_on_terminal = con.interactive;
		status = run_line(&con, line);
		command_on_terminal = 0;
		if (con.interactive) {
			free(line);
			clearerr(stdin); /* a command's prompt read may have seen Ctrl-D */
			status = 0;
		} else if (status != 0) {
			break;
		}
	}
	if (con.interactive)
		history_close(&con);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGWINCH, &old_winch, NULL);
	http_interrupt_clear();
	free(buf);
	cli->context_name = con.saved_context;
	free(con.context);
	err_clear(&cli->err); /* the failing line has printed its error already */
	return status;
}
