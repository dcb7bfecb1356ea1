/* A progress meter for long work: one line on a terminal, redrawn in place, as apt, rsync and curl
 * show theirs:
 *   Applying changes  120/1000  [###.........................]  12%  3 failed  35.2/s  ETA 25s
 *   Reading users  12500  8100/s                                       (the total not known yet)
 *
 * It goes to stderr only when that is a terminal (progress_wanted), so pipes, files and logs never
 * see it. Work that ends within PROGRESS_DELAY seconds never shows it; after that the line is
 * redrawn at most every PROGRESS_INTERVAL seconds (a monotonic clock), with "\r", the line and
 * erase-to-end-of-line, written at once. It fits the terminal's width (the bar only where there is
 * room; then the ETA, the rate and the percentage go, in that order), and is erased ("\r\033[K")
 * when a phase ends or before anything else is written to the terminal (progress_clear).
 *
 * Every function does nothing when the meter is off (out NULL). The clock and the width are
 * function pointers that tests replace, with a memory stream for out. */
#ifndef MSGADM_PROGRESS_H
#define MSGADM_PROGRESS_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#define PROGRESS_DELAY	  0.5 /* seconds of work before the line first shows */
#define PROGRESS_INTERVAL 0.1 /* seconds between redraws: at most 10 a second */

struct progress {
	FILE *out;		   /* the terminal (stderr), or NULL: off */
	double (*now)(void);	   /* seconds on a monotonic clock */
	int (*columns)(FILE *out); /* the terminal's width */
	char label[48];		   /* "Applying changes", "Reading users" */
	long done, failed, total;  /* total < 0: not known */
	double started, drawn_at;
	bool active;	   /* a phase runs (progress_begin .. progress_end) */
	bool shown;	   /* the line is on the screen */
	bool cleared;	   /* taken off for other output: back at the next update */
	bool sigint_taken; /* our SIGINT handler is in place (see progress.c) */
	struct sigaction old_sigint;
};

/* Whether a meter belongs on fd: a terminal, TERM set and not "dumb", and MSGADM_NO_PROGRESS unset,
 * empty or "0". */
bool progress_wanted(int fd);

/* An idle meter writing to out (NULL: off), with the real clock and width. */
void progress_init(struct progress *p, FILE *out);

/* Starts a phase (ending the one before): label, and total units (< 0: not known). Draws nothing. */
void progress_begin(struct progress *p, const char *label, long total);
/* New counts for the phase (total < 0: not known); draws when due (see above), or at once when
 * progress_clear took the line off. Draws nothing once http_interrupt was called (Ctrl-C). */
void progress_update(struct progress *p, long done, long failed, long total);
/* Takes the line off the screen so that other output starts on a clean line; the phase goes on. */
void progress_clear(struct progress *p);
/* Ends the phase: the line is erased, and SIGINT handled as before. */
void progress_end(struct progress *p);
/* For one call site that reports as it goes: begins the phase when label is not the running one,
 * updates it, and ends it when done reaches a known total. */
void progress_report(struct progress *p, const char *label, long done, long failed, long total);

/* The line for the phase's state at time now, at most width - 3 columns (room for the terminal's
 * "^C" echo), without "\r" or escapes, into buf; returns its length. */
size_t progress_format(const struct progress *p, double now, int width, char *buf, size_t size);

/* From a signal handler (async-signal-safe): erases the line if one is on the screen, and says
 * whether it did. The console's SIGINT handler calls it; outside the console the meter has its own. */
bool progress_erase_from_signal(void);

#endif
