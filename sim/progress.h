/* Progress of a long job on stderr that fits where it goes: on a terminal one line that
 * updates in place; in a pipe or a log file a plain line at most every few seconds, with
 * done and total, the rate and the time left. */
#ifndef ECOSIM_PROGRESS_H
#define ECOSIM_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

/* Seconds between plain lines in a log, and between redraws on a terminal. */
#define ECO_PROGRESS_LOG_EVERY_S 5.0
#define ECO_PROGRESS_TTY_EVERY_S 0.1

typedef struct {
    FILE *fp; /* NULL: silent (--quiet) */
    int tty;  /* redraw one line with \r */
    char what[48];
    long total, done;
    int64_t t0_ns, last_ns; /* start, last line drawn */
    int drawn;              /* a line has been drawn (the end then closes it) */
} eco_sim_progress;

/* Progress of `what` (e.g. "campaign") over total items, on stderr unless quiet; a terminal
 * if isatty(stderr). */
void eco_sim_progress_begin(eco_sim_progress *p, const char *what, long total, int quiet);
/* The same on fp, told whether it is a terminal (tests; fp NULL: silent). */
void eco_sim_progress_begin_on(eco_sim_progress *p, FILE *fp, int tty, const char *what,
                               long total);
/* done items so far; draws if the interval for this kind of stream has passed. */
void eco_sim_progress_update(eco_sim_progress *p, long done);
/* The same at a given CLOCK_MONOTONIC time (tests). */
void eco_sim_progress_update_at(eco_sim_progress *p, long done, int64_t now_ns);
/* The last line (done/total and the time taken), ended with a newline, if any was drawn or
 * the job took longer than one log interval. */
void eco_sim_progress_end(eco_sim_progress *p);
void eco_sim_progress_end_at(eco_sim_progress *p, int64_t now_ns);

/* "1h02m", "3m05s" or "12s": a duration for a person. */
void eco_sim_progress_duration(double s, char *out, size_t n);

#endif
