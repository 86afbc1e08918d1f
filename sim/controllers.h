/* Controllers by name, and a run with its summary. */
#ifndef ECOSIM_CONTROLLERS_H
#define ECOSIM_CONTROLLERS_H

#include "ecodrive/dp.h"
#include "ecodrive/mpc.h"
#include "summary.h"

/* MPC solver deadline in simulation, us (see eco_sim_run_named). */
#define ECO_SIM_MPC_DEADLINE_US 100000.0

/* Weights from a preset name (eco, balanced, comfort: models/weights/NAME.json) or a file
 * path; NULL gives the default (balanced). Prints a clear message and returns 2 on error. */
int eco_sim_weights_resolve(const char *arg, eco_mpc_weights *w);

/* The DP problem of a cycle as the runner would drive it (dt, band), solved. Prints a clear
 * message and returns non-zero on error (2 for a car the DP cannot plan for). */
int eco_sim_dp_solve(const eco_vehicle *veh, const eco_sim_cycle *cyc, const eco_sim_options *opt,
                     const eco_dp_settings *ds, eco_dp_solution **out);

/* The MPC as the simulator runs it (settings by default, the simulation deadline); NULL
 * with eco_last_error on failure. */
eco_controller *eco_sim_mpc_create(const eco_vehicle *veh, double dt_s, const eco_mpc_weights *w);

/* Run controller `name` (baseline, mpc, dp) with weights (preset or file; NULL: default)
 * and summarise. Prints a clear message and returns 2 for an unknown name, bad weights or a
 * planner for a car it cannot plan for (a P2 hybrid), 1 for a failed run. */
int eco_sim_run_named(const char *name, const char *weights, const eco_vehicle *veh,
                      const eco_sim_cycle *cyc, const eco_sim_options *opt, eco_sim_result *res,
                      eco_sim_summary *sum, int ftp_weighting);

#endif
