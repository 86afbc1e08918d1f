/* Controllers by name, and a run with its summary. */
#ifndef ECOSIM_CONTROLLERS_H
#define ECOSIM_CONTROLLERS_H

#include "summary.h"

/* Run controller `name` ("baseline") with weights (NULL: default) and summarise. Prints a
 * clear message and returns 2 for an unknown name or bad weights, 1 for a failed run. */
int eco_sim_run_named(const char *name, const char *weights, const eco_vehicle *veh,
                      const eco_sim_cycle *cyc, const eco_sim_options *opt, eco_sim_result *res,
                      eco_sim_summary *sum, int ftp_weighting);

#endif
