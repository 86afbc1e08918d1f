/* gnuplot scripts and PNGs of a run; the user can edit and re-run the scripts. */
#ifndef ECOSIM_PLOT_H
#define ECOSIM_PLOT_H

#include "summary.h"

/* Writes DIR/series.csv, DIR/bsfc_map.dat and DIR/{speed,soc,fuel,bsfc}.gp, then runs
 * gnuplot on each to make the PNGs. Prints a clear message and returns non-zero on error;
 * a missing gnuplot is reported, the scripts are still written. */
int eco_sim_plot(const char *dir, const eco_vehicle *veh, const eco_sim_cycle *cyc,
                 const eco_sim_result *res, const eco_sim_summary *sum);

/* DIR/NAME.gp: the header of ecosim's run plots (a comment naming MADE_BY, e.g. "ecosim
 * --plot", the PNG NAME.png, the title of the run) and BODY. 0, or non-zero on error. */
int eco_sim_plot_script(const char *dir, const char *name, const eco_sim_summary *sum,
                        const char *made_by, const char *body);

#endif
