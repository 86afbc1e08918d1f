/* Plausibility warnings on a cycle and on a run (issue 12): what is legal to load but
 * unlikely to be meant, said on stderr with the time where it occurs, never an error. */
#ifndef ECOSIM_PLAUSIBILITY_H
#define ECOSIM_PLAUSIBILITY_H

#include "cycle.h"
#include "summary.h"

#include <stdio.h>

/* The thresholds are issue 12's: above 250 km/h no test cycle or road drive goes (the
 * fastest shipped one, WLTC class 3b, tops at 131.3 km/h); beyond 10 m/s^2 of acceleration
 * or braking no road car's tyres hold (about 1 g); a distance more than 1 % off the trace's
 * voids a trace-following result. */
#define ECO_SIM_PLAUSIBLE_SPEED_KMH    250.0
#define ECO_SIM_PLAUSIBLE_ACCEL_MPS2   10.0
#define ECO_SIM_PLAUSIBLE_DISTANCE_PCT 1.0

/* Writes one line per kind of implausible row to `out` ("warning: CYCLE: ..."), with the
 * time of its first occurrence and how many rows show it. Returns the number of lines. */
int eco_sim_cycle_warn(const eco_sim_cycle *c, FILE *out);
/* The same for a run: its driven distance against the reference's, and a SOC correction
 * outside its procedure's rule (charge_balance.h). Returns the number of lines. */
int eco_sim_run_warn(const eco_sim_summary *sum, FILE *out);

#endif
