/* The MPC and the DP on a route in ecosim: their planner (it tells the route MPC where the
 * car is) and the runs at a trip time (the time price matched by whole runs). */
#ifndef ECOSIM_ROUTE_MPC_H
#define ECOSIM_ROUTE_MPC_H

#include "ecodrive/mpc_route.h"
#include "route_runner.h"

/* The route MPC's planner: ctx is the workspace. */
void eco_sim_route_planner_mpc(eco_sim_route_planner *p, eco_mpc_route_ws *ws);

typedef struct {
    double trip_time_s;     /* target, dwell included */
    double min_time_s;      /* the shortest the route allows (the DP at its limits) */
    double time_price;      /* the price that met it, cost units per s */
    double s_equiv;         /* hybrids: the DP's charge-sustaining factor */
    double dp_model_fuel_g; /* the DP's own prediction */
    double wait_added_s;    /* standing added at the stops to meet the target (0: none) */
    int runs;               /* whole runs the match took */
    int met;                /* arrived within 1 % of the target */
} eco_sim_route_match;

/* The baseline (the IDM driver) along the route. */
int eco_sim_route_run_baseline(const eco_vehicle *veh, const eco_route *route,
                               const eco_sim_options *opt, eco_sim_route_result *res);
/* controller "mpc" or "dp" along the route at trip time target_s (dwell included).
 * Returns ECO_OK (m->met says whether within 1 %), ECO_ERANGE when target_s is below the
 * shortest feasible time (m->min_time_s; eco_last_error says it), or another error. */
int eco_sim_route_run_at_time(const eco_vehicle *veh, const eco_route *route,
                              const char *controller, const eco_mpc_route_settings *set,
                              const eco_mpc_weights *w, const eco_sim_options *opt, double target_s,
                              eco_sim_route_result *res, eco_sim_route_match *m);

#endif
