/* ecosim compare --plot DIR: baseline, MPC and DP overlaid (issue 13). */
#ifndef ECOSIM_COMPARE_PLOT_H
#define ECOSIM_COMPARE_PLOT_H

#include "summary.h"

/* DIR/{baseline,mpc,dp}.csv (each run's series) and DIR/compare.gp, then gnuplot on it:
 * speed against time with the reference, SOC (when the car has a traction battery) and the
 * cumulative fuel (when it has an engine), the three controllers overlaid. 0, 2 for a
 * folder that cannot be made, 1 on another error (each said on stderr). */
int eco_sim_compare_plot(const char *dir, const eco_vehicle *veh, const eco_sim_result res[3],
                         const eco_sim_summary sum[3]);

#endif
