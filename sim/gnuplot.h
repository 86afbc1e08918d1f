/* What the gnuplot figures of ecosim share: the files they write, the quoting of names in
 * their scripts, and gnuplot run on a script. */
#ifndef ECOSIM_GNUPLOT_H
#define ECOSIM_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

/* DIR/NAME opened for writing, or NULL after printing `WHO: cannot write PATH: reason`
 * (WHO: "ecosim", "ecosim pareto", ...). */
FILE *eco_sim_gnuplot_open(const char *dir, const char *name, const char *who);

/* Folder DIR made if it is not there: 0, or -1 after printing `WHO: cannot create DIR:
 * reason`. */
int eco_sim_gnuplot_mkdir(const char *dir, const char *who);

/* IN copied to OUT (N bytes, cut to fit) with each single quote made a double quote, so that
 * it can stand in a single-quoted gnuplot string. */
void eco_sim_gnuplot_unquote(char *out, size_t n, const char *in);

/* gnuplot run on SCRIPT in DIR, without a shell so that no directory name needs quoting.
 * Returns 0 when gnuplot exits with 0, else -1 (not started, killed or failed). */
int eco_sim_gnuplot_run(const char *dir, const char *script);

#endif
