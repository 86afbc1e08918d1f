/* Progress lines: in place on a terminal, rate-limited plain lines elsewhere (a log file
 * must not fill with carriage returns, nor with a line per run of a thousand-run job). */
#include "progress.h"

#include "ecodrive/common.h"

#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1e9

void eco_sim_progress_begin_on(eco_sim_progress *p, FILE *fp, int tty, const char *what, long total)
{
    memset(p, 0, sizeof *p);
    p->fp = fp;
    p->tty = tty;
    snprintf(p->what, sizeof p->what, "%s", what);
    p->total = total;
    p->t0_ns = p->last_ns = eco_clock_ns(CLOCK_MONOTONIC);
}

void eco_sim_progress_begin(eco_sim_progress *p, const char *what, long total, int quiet)
{
    eco_sim_progress_begin_on(p, quiet ? NULL : stderr, !quiet && isatty(STDERR_FILENO), what,
                              total);
}

void eco_sim_progress_duration(double s, char *out, size_t n)
{
    long t = (long)llround(s > 0.0 ? s : 0.0);
    if (t >= 3600)
        snprintf(out, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else if (t >= 60)
        snprintf(out, n, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(out, n, "%lds", t);
}

/* "what: done/total (pct %), rate /s, ETA t" or, at the end, "..., in t". */
static void draw(eco_sim_progress *p, int64_t now_ns, int final)
{
    double elapsed_s = (double)(now_ns - p->t0_ns) / NS_PER_S;
    double rate = elapsed_s > 0.0 ? (double)p->done / elapsed_s : 0.0;
    double pct = p->total > 0 ? 100.0 * (double)p->done / (double)p->total : 100.0;
    char when[32] = "?";
    if (final)
        eco_sim_progress_duration(elapsed_s, when, sizeof when);
    else if (rate > 0.0)
        eco_sim_progress_duration((double)(p->total - p->done) / rate, when, sizeof when);
    /* \033[K clears what a longer previous line left on the terminal */
    fprintf(p->fp, "%s%s: %ld/%ld (%.1f %%), %.3g /s, %s %s%s", p->tty ? "\r" : "", p->what,
            p->done, p->total, pct, rate, final ? "in" : "ETA", when, p->tty ? "\033[K" : "");
    if (!p->tty || final)
        fputc('\n', p->fp);
    fflush(p->fp);
    p->last_ns = now_ns;
    p->drawn = 1;
}

void eco_sim_progress_update_at(eco_sim_progress *p, long done, int64_t now_ns)
{
    p->done = done;
    if (!p->fp)
        return;
    double every_s = p->tty ? ECO_PROGRESS_TTY_EVERY_S : ECO_PROGRESS_LOG_EVERY_S;
    if ((double)(now_ns - p->last_ns) >= every_s * NS_PER_S)
        draw(p, now_ns, 0);
}

void eco_sim_progress_update(eco_sim_progress *p, long done)
{
    eco_sim_progress_update_at(p, done, eco_clock_ns(CLOCK_MONOTONIC));
}

void eco_sim_progress_end_at(eco_sim_progress *p, int64_t now_ns)
{
    if (!p->fp)
        return;
    if (p->drawn || (double)(now_ns - p->t0_ns) >= ECO_PROGRESS_LOG_EVERY_S * NS_PER_S)
        draw(p, now_ns, 1);
}

void eco_sim_progress_end(eco_sim_progress *p)
{
    eco_sim_progress_end_at(p, eco_clock_ns(CLOCK_MONOTONIC));
}
