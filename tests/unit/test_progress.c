/* Tests of cli/progress.c: the line's format and how it fits the width, when it is drawn (a fake clock:
 * nothing here sleeps), how it is erased, and when a meter is wanted at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/http.h"
#include "progress.h"

static double fake_now;
static int fake_cols = 100;

static double fake_clock(void)
{
	return fake_now;
}

static int fake_columns(FILE *out)
{
	(void)out;
	return fake_cols;
}

/* A meter writing to a memory stream, on the fake clock and width. */
struct meter {
	struct progress p;
	FILE *out;
	char *buf;
	size_t len;
};

static void meter_open(struct meter *m)
{
	memset(m, 0, sizeof(*m));
	m->out = open_memstream(&m->buf, &m->len);
	assert_non_null(m->out);
	progress_init(&m->p, m->out);
	m->p.now = fake_clock;
	m->p.columns = fake_columns;
	fake_now = 0;
	fake_cols = 100;
}

/* What the meter has written so far (a memory stream shows it after each flush). */
static const char *written(struct meter *m)
{
	fflush(m->out);
	return m->buf ? m->buf : "";
}

/* A meter whose phase began at time 0. */
static void meter_begin(struct meter *m, const char *label, long total)
{
	meter_open(m);
	progress_begin(&m->p, label, total);
}

/* At time t, done units of the phase's total. */
static void at(struct meter *m, double t, long done)
{
	fake_now = t;
	progress_update(&m->p, done, 0, m->p.total);
}

/* Whether the last thing written erased the line. */
static bool ends_erased(struct meter *m)
{
	const char *w = written(m);
	size_t n = strlen(w);

	return n >= 4 && strcmp(w + n - 4, "\r\033[K") == 0;
}

static void meter_close(struct meter *m)
{
	progress_end(&m->p);
	fclose(m->out);
	free(m->buf);
}

static size_t count(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* The line for a phase at `now`, started at 0. */
static const char *line(const char *label, long done, long failed, long total, double now, int width)
{
	static char buf[256];
	struct progress p;
	size_t n;

	progress_init(&p, NULL);
	snprintf(p.label, sizeof(p.label), "%s", label);
	p.done = done;
	p.failed = failed;
	p.total = total;
	p.started = 0;
	n = progress_format(&p, now, width, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	return buf;
}

static void test_known_total_counts_bar_percent_rate_eta(void **state)
{
	(void)state;
	/* 120 in 4 s: 30.0/s; 880 left: 29.3 s, rounded up */
	assert_string_equal(
	    line("Applying changes", 120, 0, 1000, 4.0, 200),
	    "Applying changes  120/1000  [###...........................]  12%  30.0/s  ETA 30s");
	assert_string_equal(line("Applying changes", 120, 3, 1000, 4.0, 200),
			    "Applying changes  120/1000  [###...........................]  12%  3 failed  "
			    "30.0/s  ETA 30s");
	/* minutes and hours, and a rate of 100 or more without decimals */
	assert_string_equal(line("Reading users", 1000, 0, 100000, 4.0, 80),
			    "Reading users  1000/100000  [.........................]  1%  250/s  ETA 6m36s");
	assert_string_equal(line("Reading users", 1, 0, 1000000, 4.0, 60),
			    "Reading users  1/1000000  0%  0.2/s  ETA >99h");
	assert_string_equal(line("Reading users", 10, 0, 100000, 4.0, 80),
			    "Reading users  10/100000  [..........................]  0%  2.5/s  ETA 11h06m");
}

static void test_unknown_total_shows_count_and_rate_only(void **state)
{
	(void)state;
	assert_string_equal(line("Reading users", 12500, 0, -1, 1.25, 100), "Reading users  12500  10000/s");
	assert_string_equal(line("Reading users", 0, 0, -1, 1.25, 100), "Reading users  0");
}

static void test_nothing_done_yet_has_no_rate_or_eta(void **state)
{
	(void)state;
	assert_string_equal(line("Applying changes", 0, 0, 40, 3.0, 60),
			    "Applying changes  0/40  [...........................]  0%");
}

static void test_the_end_is_full(void **state)
{
	(void)state;
	assert_string_equal(line("Applying changes", 40, 0, 40, 2.0, 80),
			    "Applying changes  40/40  [##############################]  100%  20.0/s");
	/* a server's total that was too low never makes more than 100% */
	assert_string_equal(line("Reading users", 41, 0, 40, 2.0, 50), "Reading users  41/40  100%  20.5/s");
}

static void test_narrow_terminals_drop_the_bar_then_eta_rate_percent(void **state)
{
	const char *full = "Applying changes  120/1000  12%  3 failed  30.0/s  ETA 30s";
	int w = (int)strlen(full) + 3; /* the line leaves 3 columns free */

	(void)state;
	/* no room for a bar of BAR_MIN (10) inside its brackets: no bar; with room, the bar */
	assert_string_equal(line("Applying changes", 120, 3, 1000, 4.0, w + 13), full);
	assert_string_equal(line("Applying changes", 120, 3, 1000, 4.0, w + 14),
			    "Applying changes  120/1000  [#.........]  12%  3 failed  30.0/s  ETA 30s");
	assert_string_equal(line("Applying changes", 120, 3, 1000, 4.0, w), full);
	assert_string_equal(line("Applying changes", 120, 3, 1000, 4.0, w - 1),
			    "Applying changes  120/1000  12%  3 failed  30.0/s");
	assert_string_equal(line("Applying changes", 120, 3, 1000, 4.0, w - 9),
			    "Applying changes  120/1000  12%  3 failed  30.0/s");
	assert_string_equal(line("Applying changes", 120, 3, 1000, 4.0, w - 10),
			    "Applying changes  120/1000  12%  3 failed");
	assert_string_equal(line("Applying changes", 120, 3, 1000, 4.0, w - 17),
			    "Applying changes  120/1000  12%  3 failed");
	assert_string_equal(line("Applying changes", 120, 3, 1000, 4.0, w - 18),
			    "Applying changes  120/1000  3 failed");
	/* then it is cut: the label's start and the counts first */
	assert_string_equal(line("Applying changes", 120, 3, 1000, 4.0, 25), "Applying changes  120/");
	for (int width = 0; width <= 200; width++) {
		size_t n = strlen(line("Applying changes", 120, 3, 1000, 4.0, width));

		if (n > (size_t)(width > 3 ? width - 3 : 0))
			fail_msg("width %d: a line of %zu columns", width, n);
	}
}

static void test_quick_work_never_shows(void **state)
{
	struct meter m;

	(void)state;
	meter_begin(&m, "Reading users", -1);
	for (int i = 1; i < 49; i++) {
		fake_now = i / 100.0;
		progress_update(&m.p, i * 10, 0, -1);
	}
	progress_end(&m.p);
	assert_string_equal(written(&m), "");
	meter_close(&m);
}

static void test_first_draw_after_the_delay_then_at_most_ten_a_second(void **state)
{
	struct meter m;
	size_t draws;

	(void)state;
	meter_begin(&m, "Reading users", 100000);
	at(&m, 0.4, 10);
	assert_string_equal(written(&m), "");
	at(&m, 0.5, 20);
	assert_int_equal(count(written(&m), "Reading users"), 1);
	assert_true(strncmp(written(&m), "\rReading users  20/100000", 25) == 0);
	assert_non_null(strstr(written(&m), "\033[K"));
	at(&m, 0.55, 30);
	assert_int_equal(count(written(&m), "Reading users"), 1);
	/* an update every millisecond for a second: a draw every 0.1 s */
	for (int ms = 600; ms <= 1600; ms++) {
		fake_now = ms / 1000.0 + 1e-9;
		progress_update(&m.p, ms, 0, 100000);
	}
	draws = count(written(&m), "Reading users");
	if (draws < 10 || draws > 12)
		fail_msg("%zu draws in the 1.5 s after the delay", draws);
	meter_close(&m);
}

static void test_end_erases_the_line(void **state)
{
	struct meter m;

	(void)state;
	meter_begin(&m, "Applying changes", 10);
	at(&m, 1, 5);
	progress_end(&m.p);
	assert_true(ends_erased(&m));
	/* ended: later updates draw nothing */
	at(&m, 2, 6);
	assert_true(ends_erased(&m));
	assert_int_equal(count(written(&m), "Applying"), 1);
	meter_close(&m);
}

static void test_clear_takes_the_line_off_and_the_next_update_puts_it_back(void **state)
{
	struct meter m;

	(void)state;
	meter_begin(&m, "Applying changes", 10);
	at(&m, 0.6, 1);
	progress_clear(&m.p);
	assert_int_equal(count(written(&m), "\r\033[K"), 1);
	/* not throttled: other output came between, the line comes back at once */
	at(&m, 0.61, 2);
	assert_int_equal(count(written(&m), "Applying"), 2);
	assert_non_null(strstr(written(&m), "\rApplying changes  2/10"));
	/* and then throttled again */
	at(&m, 0.62, 3);
	assert_int_equal(count(written(&m), "Applying"), 2);
	meter_close(&m);
}

static void test_clear_before_the_line_showed_writes_nothing(void **state)
{
	struct meter m;

	(void)state;
	meter_begin(&m, "Applying changes", 10);
	at(&m, 0.1, 1);
	progress_clear(&m.p);
	at(&m, 0.2, 2);
	assert_string_equal(written(&m), "");
	meter_close(&m);
}

static void test_report_ends_at_the_total_and_begins_a_new_label(void **state)
{
	struct meter m;

	(void)state;
	meter_open(&m);
	progress_report(&m.p, "Reading users", 0, 0, -1);
	fake_now = 1;
	progress_report(&m.p, "Reading users", 500, 0, 1000);
	assert_int_equal(count(written(&m), "Reading users  500/1000"), 1);
	/* a new label: the old line goes, the new phase waits its own delay */
	progress_report(&m.p, "Reading e-mail addresses", 0, 0, 1000);
	assert_true(ends_erased(&m));
	fake_now = 1.6;
	progress_report(&m.p, "Reading e-mail addresses", 10, 0, 1000);
	assert_int_equal(count(written(&m), "Reading e-mail addresses  10/1000"), 1);
	/* done == total: erased, and the phase is over */
	progress_report(&m.p, "Reading e-mail addresses", 1000, 0, 1000);
	assert_true(ends_erased(&m));
	assert_false(m.p.active);
	meter_close(&m);
}

static void test_the_drawn_line_fits_the_terminal(void **state)
{
	struct meter m;
	const char *w, *end;

	(void)state;
	meter_open(&m);
	fake_cols = 30;
	progress_begin(&m.p, "Applying changes", 1000);
	at(&m, 4, 120);
	w = written(&m);
	end = strstr(w, "\033[K");
	assert_non_null(end);
	assert_true(w[0] == '\r');
	assert_true(end - w - 1 <= 27);
	assert_true(strncmp(w, "\rApplying changes  120/1000", 27) == 0);
	meter_close(&m);
}

static void test_nothing_is_drawn_after_ctrl_c(void **state)
{
	struct meter m;

	(void)state;
	meter_begin(&m, "Applying changes", 10);
	http_interrupt();
	at(&m, 1, 1);
	http_interrupt_clear();
	assert_string_equal(written(&m), "");
	meter_close(&m);
}

static void test_an_off_meter_does_nothing(void **state)
{
	struct progress p;

	(void)state;
	progress_init(&p, NULL);
	progress_begin(&p, "Applying changes", 10);
	progress_update(&p, 5, 0, 10);
	progress_clear(&p);
	progress_report(&p, "Reading users", 1, 0, 2);
	progress_end(&p);
	assert_false(p.active);
	assert_false(p.shown);
}

/* A signal handler erases what is on the screen, once, and SIGINT is handed back after the phase. */
static void test_signal_erase_and_sigint_handling(void **state)
{
	struct sigaction sa;
	struct progress p;
	int fds[2];
	char buf[512];
	ssize_t n;
	FILE *out;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	out = fdopen(fds[1], "w");
	assert_non_null(out);
	setvbuf(out, NULL, _IONBF, 0);
	signal(SIGINT, SIG_DFL);
	assert_false(progress_erase_from_signal());
	progress_init(&p, out);
	p.now = fake_clock;
	p.columns = fake_columns;
	fake_now = 0;
	progress_begin(&p, "Applying changes", 10);
	fake_now = 1;
	progress_update(&p, 5, 0, 10);
	sigaction(SIGINT, NULL, &sa);
	assert_true(sa.sa_handler != SIG_DFL); /* the line goes before Ctrl-C's default ends msgadm */
	assert_true(progress_erase_from_signal());
	n = read(fds[0], buf, sizeof(buf) - 1);
	assert_true(n > 4);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "Applying changes  5/10"));
	assert_string_equal(buf + n - 4, "\r\033[K");
	progress_end(&p);
	sigaction(SIGINT, NULL, &sa);
	assert_true(sa.sa_handler == SIG_DFL);
	assert_false(progress_erase_from_signal());

	/* an ignored SIGINT stays ignored */
	signal(SIGINT, SIG_IGN);
	progress_begin(&p, "Applying changes", 10);
	fake_now = 2;
	progress_update(&p, 5, 0, 10);
	sigaction(SIGINT, NULL, &sa);
	assert_true(sa.sa_handler == SIG_IGN);
	progress_end(&p);
	signal(SIGINT, SIG_DFL);
	fclose(out);
	close(fds[0]);
}

/* Only a terminal with a TERM that is not dumb, and not with MSGADM_NO_PROGRESS. */
static void test_wanted_only_on_a_capable_terminal(void **state)
{
	int master, tty;
	FILE *f = tmpfile();

	(void)state;
	master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	tty = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(tty >= 0);
	assert_non_null(f);

	unsetenv("MSGADM_NO_PROGRESS");
	setenv("TERM", "xterm", 1);
	assert_true(progress_wanted(tty));
	assert_false(progress_wanted(fileno(f)));
	setenv("TERM", "dumb", 1);
	assert_false(progress_wanted(tty));
	setenv("TERM", "", 1);
	assert_false(progress_wanted(tty));
	unsetenv("TERM");
	assert_false(progress_wanted(tty));
	setenv("TERM", "xterm", 1);
	setenv("MSGADM_NO_PROGRESS", "1", 1);
	assert_false(progress_wanted(tty));
	setenv("MSGADM_NO_PROGRESS", "0", 1);
	assert_true(progress_wanted(tty));
	setenv("MSGADM_NO_PROGRESS", "", 1);
	assert_true(progress_wanted(tty));
	unsetenv("MSGADM_NO_PROGRESS");
	fclose(f);
	close(tty);
	close(master);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_total_counts_bar_percent_rate_eta),
	    cmocka_unit_test(test_unknown_total_shows_count_and_rate_only),
	    cmocka_unit_test(test_nothing_done_yet_has_no_rate_or_eta),
	    cmocka_unit_test(test_the_end_is_full),
	    cmocka_unit_test(test_narrow_terminals_drop_the_bar_then_eta_rate_percent),
	    cmocka_unit_test(test_quick_work_never_shows),
	    cmocka_unit_test(test_first_draw_after_the_delay_then_at_most_ten_a_second),
	    cmocka_unit_test(test_end_erases_the_line),
	    cmocka_unit_test(test_clear_takes_the_line_off_and_the_next_update_puts_it_back),
	    cmocka_unit_test(test_clear_before_the_line_showed_writes_nothing),
	    cmocka_unit_test(test_report_ends_at_the_total_and_begins_a_new_label),
	    cmocka_unit_test(test_the_drawn_line_fits_the_terminal),
	    cmocka_unit_test(test_nothing_is_drawn_after_ctrl_c),
	    cmocka_unit_test(test_an_off_meter_does_nothing),
	    cmocka_unit_test(test_signal_erase_and_sigint_handling),
	    cmocka_unit_test(test_wanted_only_on_a_capable_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
