/* A route from a recorded drive: "what would ecodrive have saved on my drive?" */
#ifndef ECOSIM_ROUTE_BUILD_H
#define ECOSIM_ROUTE_BUILD_H

#include "cycle.h"
#include "ecodrive/route.h"

/* How limits are inferred and stops found (docs/route.md gives the reasoning). */
typedef struct {
    double min_stop_s;     /* a stand-still this long or longer is a stop (2 s) */
    double limit_quantile; /* of the moving speeds of a stretch between stops (0.95) */
    double limit_step_kmh; /* rounded up to a multiple of this (10 km/h) */
    double limit_min_kmh;  /* and no lower than this (30 km/h) */
} eco_sim_route_rule;

void eco_sim_route_rule_default(eco_sim_route_rule *rule);

/* The limit a stretch of moving speeds gets by the rule: the quantile (nearest rank) of
 * speeds_mps[0..n), rounded up to the step, at least the minimum; in m/s. n >= 1; the array
 * is reordered. */
double eco_sim_route_rule_limit_mps(const eco_sim_route_rule *rule, double *speeds_mps, int n);

/* Make a route of a drive (a cycle as eco_sim_cycle_load reads it): distance by the
 * trapezoidal integral of the speed (the cycle's own distance_m), grade kept by distance, a
 * stop wherever the speed is 0 for >= min_stop_s (its stand-still time from the first to
 * the last zero sample; at the start a stop at 0 m, at the end the end's dwell), and the
 * limits of the limits rows if given (n_limits > 0, each from its distance onward), else
 * inferred per stretch between stops by the rule. Returns ECO_OK; ECO_EINVAL with
 * eco_last_error for a drive without motion; ECO_ENOMEM. */
int eco_sim_route_from_drive(const eco_sim_cycle *drive, const eco_sim_route_rule *rule,
                             const eco_route_row *limits, int n_limits, eco_route *out);

#endif
