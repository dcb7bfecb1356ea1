/* The progress meter (see progress.h). */
#include "progress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "io/http.h"

#define BAR_MAX 30 /* columns inside the brackets, at most */
#define BAR_MIN 10 /* narrower than this, the bar says nothing the percentage does not */

/* The descriptor the line is on while it is on the screen, else -1: for signal handlers. */
static volatile sig_atomic_t screen_fd = -1;

static double monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int terminal_columns(FILE *out)
{
	struct winsize ws;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

bool progress_wanted(int fd)
{
	const char *term = getenv("TERM"), *off = getenv("MSGADM_NO_PROGRESS");

	if (off != NULL && off[0] != '\0' && strcmp(off, "0") != 0)
		return false;
	/* without TERM, or with a dumb one, "\r" and erase-to-end-of-line may not work */
	return isatty(fd) == 1 && term != NULL && term[0] != '\0' && strcmp(term, "dumb") != 0;
}

void progress_init(struct progress *p, FILE *out)
{
	*p = (struct progress){.out = out, .now = monotonic_now, .columns = terminal_columns};
}

bool progress_erase_from_signal(void)
{
	int fd = __atomic_load_n(&screen_fd, __ATOMIC_RELAXED);
	ssize_t written;

	if (fd < 0)
		return false;
	written = write(fd, "\r\033[K", 4);
	(void)written;
	return true;
}

/* Outside the console, Ctrl-C ends msgadm at once (SIGINT's default): first the line goes. */
static void on_sigint(int sig)
{
	progress_erase_from_signal();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Only where SIGINT would kill: the console handles it itself (and calls progress_erase_from_signal),
 * and an ignored SIGINT stays ignored. */
static void take_sigint(struct progress *p)
{
	struct sigaction sa = {0};

	if (p->sigint_taken || sigaction(SIGINT, NULL, &p->old_sigint) != 0 ||
	    (p->old_sigint.sa_flags & SA_SIGINFO) || p->old_sigint.sa_handler != SIG_DFL)
		return;
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	p->sigint_taken = sigaction(SIGINT, &sa, NULL) == 0;
}

static void give_back_sigint(struct progress *p)
{
	if (p->sigint_taken)
		sigaction(SIGINT, &p->old_sigint, NULL);
	p->sigint_taken = false;
}

/* "ETA 25s", "ETA 4m05s", "ETA 1h02m"; rounded up, so that work left never reads as 0s. */
static void format_eta(char *buf, size_t size, double seconds)
{
	long s;

	if (seconds > 99 * 3600) { /* a guess that far out says only "long" */
		snprintf(buf, size, "ETA >99h");
		return;
	}
	s = (long)ceil(seconds);
	if (s < 60)
		snprintf(buf, size, "ETA %lds", s);
	else if (s < 3600)
		snprintf(buf, size, "ETA %ldm%02lds", s / 60, s % 60);
	else
		snprintf(buf, size, "ETA %ldh%02ldm", s / 3600, s / 60 % 60);
}

enum part { LABEL, COUNTS, BAR, PERCENT, FAILED, RATE, ETA, NPARTS };

size_t progress_format(const struct progress *p, double now, int width, char *buf, size_t size)
{
	/* what goes first when the line is too long; the label, counts and failures stay */
	static const enum part droppable[] = {ETA, RATE, PERCENT};
	char parts[NPARTS][64] = {{0}};
	double elapsed = now - p->started, rate = 0;
	long total = p->total, done = p->done;
	int max = width - 3, len = 0, room;
	size_t n = 0;

	if (max <= 0 || size == 0) {
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
	snprintf(parts[LABEL], sizeof(parts[LABEL]), "%s", p->label);
	if (total >= 0)
		snprintf(parts[COUNTS], sizeof(parts[COUNTS]), "%ld/%ld", done, total);
	else
		snprintf(parts[COUNTS], sizeof(parts[COUNTS]), "%ld", done);
	if (total > 0)
		snprintf(parts[PERCENT], sizeof(parts[PERCENT]), "%ld%%",
			 done >= total ? 100 : done * 100 / total);
	if (p->failed > 0)
		snprintf(parts[FAILED], sizeof(parts[FAILED]), "%ld failed", p->failed);
	if (done > 0 && elapsed > 0) {
		rate = (double)done / elapsed;
		snprintf(parts[RATE], sizeof(parts[RATE]), rate < 100 ? "%.1f/s" : "%.0f/s", rate);
	}
	if (rate > 0 && total > done)
		format_eta(parts[ETA], sizeof(parts[ETA]), (double)(total - done) / rate);

	for (int i = 0; i < NPARTS; i++)
		len += parts[i][0] ? (len ? 2 : 0) + (int)strlen(parts[i]) : 0;
	for (size_t d = 0; len > max && d < sizeof(droppable) / sizeof(droppable[0]); d++) {
		len -= parts[droppable[d]][0] ? 2 + (int)strlen(parts[droppable[d]]) : 0;
		parts[droppable[d]][0] = '\0';
	}
	/* the bar takes what room is left, up to BAR_MAX */
	room = max - len - 2 - 2;
	if (total > 0 && room >= BAR_MIN) {
		int inner = room < BAR_MAX ? room : BAR_MAX;
		int filled = done >= total ? inner : (int)((double)inner * (double)done / (double)total);

		parts[BAR][0] = '[';
		memset(parts[BAR] + 1, '#', (size_t)filled);
		memset(parts[BAR] + 1 + filled, '.', (size_t)(inner - filled));
		parts[BAR][inner + 1] = ']';
		parts[BAR][inner + 2] = '\0';
	}

	buf[0] = '\0';
	for (int i = 0; i < NPARTS; i++) {
		if (parts[i][0] == '\0')
			continue;
		snprintf(buf + n, size - n, "%s%s", n ? "  " : "", parts[i]);
		n += strlen(buf + n);
	}
	if (n > (size_t)max) /* still too wide: cut at the width */
		n = (size_t)max;
	buf[n] = '\0';
	return n;
}

static void erase(struct progress *p)
{
	if (!p->shown)
		return;
	__atomic_store_n(&screen_fd, -1, __ATOMIC_RELAXED);
	fputs("\r\033[K", p->out);
	fflush(p->out);
	p->shown = false;
}

static void draw(struct progress *p, double now)
{
	char line[256], buf[sizeof(line) + 8];
	int n;

	progress_format(p, now, p->columns(p->out), line, sizeof(line));
	/* one write: the terminal never shows half a line */
	n = snprintf(buf, sizeof(buf), "\r%s\033[K", line);
	take_sigint(p);
	/* first: a Ctrl-C during the write still erases; atomic, since the meter may be drawn on a
	 * worker's thread (apply --parallel) while the handler runs on another */
	__atomic_store_n(&screen_fd, fileno(p->out), __ATOMIC_RELAXED);
	fwrite(buf, 1, (size_t)n, p->out);
	fflush(p->out);
	p->shown = true;
	p->cleared = false;
	p->drawn_at = now;
}

void progress_begin(struct progress *p, const char *label, long total)
{
	if (p->out == NULL)
		return;
	progress_end(p);
	snprintf(p->label, sizeof(p->label), "%s", label);
	p->done = p->failed = 0;
	p->total = total;
	p->started = p->drawn_at = p->now();
	p->active = true;
}

void progress_update(struct progress *p, long done, long failed, long total)
{
	double now;

	if (p->out == NULL || !p->active)
		return;
	p->done = done;
	p->failed = failed;
	p->total = total;
	if (http_is_interrupted()) /* Ctrl-C in the console: the command is ending, the line stays off */
		return;
	now = p->now();
	if (p->cleared || (now - p->started >= PROGRESS_DELAY && now - p->drawn_at >= PROGRESS_INTERVAL))
		draw(p, now);
}

void progress_clear(struct progress *p)
{
	if (p->out == NULL || !p->shown)
		return;
	erase(p);
	p->cleared = p->active;
}

void progress_end(struct progress *p)
{
	if (p->out == NULL)
		return;
	erase(p);
	give_back_sigint(p);
	p->active = false;
	p->cleared = false;
}

void progress_report(struct progress *p, const char *label, long done, long failed, long total)
{
	if (p->out == NULL)
		return;
	if (!p->active || strncmp(p->label, label, sizeof(p->label) - 1) != 0)
		progress_begin(p, label, total);
	if (total >= 0 && done >= total) {
		progress_end(p);
		return;
	}
	progress_update(p, done, failed, total);
}
