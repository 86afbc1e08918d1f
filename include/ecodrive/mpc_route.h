/* The MPC and the DP on a route (issue 9): the road ahead by distance as the preview.
 * Method (docs/route.md, "The MPC and the DP on a route"):
 *  - a dynamic programme over distance stages (stage_m long, the stops on stage
 *    boundaries) with speed nodes on a grid inside a band: from a lower bound (the
 *    smaller of limit - lo_drop_kmh and lo_frac x limit, and 0 near stops and starts
 *    along a launch and a braking envelope) up to the limit (never above it);
 *  - stage costs from a table of fuel (and NOx) rate and battery power by speed and
 *    acceleration, built at create time by eco_model_step; the grade enters as a shift
 *    of the acceleration; hybrids by the ECMS equivalence factor over engine levels;
 *  - cost = fuel (+ s x battery energy, + NOx by weight) + time_price x time;
 *  - the MPC plans from the car's place up to the next stop or horizon_m ahead (the end
 *    anchored, moved on by up to block_m when it comes nearer than horizon_m, so most
 *    re-plans reuse the cost to go), re-plans when the car crosses a stage boundary,
 *    follows the plan between, and allocates the present step by eco_mpc_allocate; the DP
 *    plans the whole route once.
 * Allocation at create only; eco_mpc_route_step allocates nothing. */
#ifndef ECODRIVE_MPC_ROUTE_H
#define ECODRIVE_MPC_ROUTE_H

#include "ecodrive/mpc.h"
#include "ecodrive/route.h"

typedef struct {
    double stage_m;          /* distance stage (default 20 m) ... */
    double stage_s;          /* ... or this many seconds at the stretch's top limit (1.8) */
    double grid_kmh;         /* speed grid (default 1.8 km/h = 0.5 m/s) */
    double horizon_m;        /* MPC horizon beyond the car, unless a stop is nearer (2000 m) */
    double block_m;          /* its end moves on in blocks of up to this (500 m) */
    double lo_drop_kmh;      /* lower bound: limit - lo_drop_kmh ... (20) */
    double lo_frac;          /* ... or lo_frac x limit, the smaller (0.7) */
    double lo_launch_mps2;   /* the lower bound rises from 0 at a start along this (0.5) */
    double lo_brake_mps2;    /* and falls to 0 at a stop along this (0.5) */
    double accel_max_mps2;   /* transitions considered, up to (2.5) */
    double decel_max_mps2;   /* and down to (positive, 3.0) */
    double margin_kmh;       /* keep this far below the limit (0.2) */
    int n_engine_levels;     /* hybrids: engine power levels, off excluded (12) */
    double soc_gain;         /* hybrids: relative change of s per unit of SOC error (10) */
    double time_price_per_s; /* cost units (g of fuel) per second of trip time (0.3) */
    double lo_scale;         /* the lower bound times this (1); lowered for a slow trip time */
} eco_mpc_route_settings;

void eco_mpc_route_settings_default(eco_mpc_route_settings *s);

typedef struct eco_mpc_route_ws eco_mpc_route_ws;

/* Build the route MPC for a vehicle, a route and a control period (one allocation; veh and
 * route must outlive it). NULL with eco_last_error on bad settings or ENOMEM. */
eco_mpc_route_ws *eco_mpc_route_create(const eco_vehicle *veh, const eco_route *route, double dt_s,
                                       const eco_mpc_route_settings *s, const eco_mpc_weights *w);
void eco_mpc_route_free(eco_mpc_route_ws *ws);
/* A moving window (the electronic horizon on the bus, docs/daemon.md section 9): a
 * workspace for routes of up to max_pts grid points (eco_mpc_route_points) with limits up
 * to v_max_mps, given one after another by eco_mpc_route_window_set. Allocates once. */
eco_mpc_route_ws *eco_mpc_route_create_window(const eco_vehicle *veh, double v_max_mps, int max_pts,
                                              double dt_s, const eco_mpc_route_settings *s,
                                              const eco_mpc_weights *w);
/* The grid points the MPC makes for a route with settings s. */
int eco_mpc_route_points(const eco_route *route, const eco_mpc_route_settings *s);
/* Plan on route from now on (it must outlive its use; real time: no allocation): its grid
 * made, the plan and the stop left behind dropped (as a reset). open_end: the last row is
 * where the known road ends (the horizon's look-ahead), not a stop: the plan arrives there
 * at any speed in the band, its kinetic energy valued. ECO_OK, or ECO_ERANGE (nothing
 * changed) when the route needs more points than the workspace holds or a limit above
 * its v_max_mps. */
int eco_mpc_route_window_set(eco_mpc_route_ws *ws, const eco_route *route, int open_end);
/* The workspace as an eco_controller (its destroy frees the workspace). The preview it is
 * handed is not read: call eco_mpc_route_locate before each step. */
eco_controller *eco_mpc_route_controller(eco_mpc_route_ws *ws);
/* The workspace of a controller eco_mpc_route_controller handed out (NULL for another). */
eco_mpc_route_ws *eco_mpc_route_controller_ws(eco_controller *c);
/* The weights the workspace was made with. */
const eco_mpc_weights *eco_mpc_route_weights(const eco_mpc_route_ws *ws);
/* Where the car is: its distance on the route, the stop it drives to (distance, m) and
 * whether it stands there for its dwell. Call before each step. */
void eco_mpc_route_locate(eco_mpc_route_ws *ws, double distance_m, double stop_at_m, int dwelling);
/* Change the time price (cost units per s, >= 0) and the charge-sustaining SOC target. */
void eco_mpc_route_time_price_set(eco_mpc_route_ws *ws, double price_per_s);
void eco_mpc_route_soc_target_set(eco_mpc_route_ws *ws, double soc);
/* Nominal equivalence factor of the next run (hybrids; the DP's multiplier); <= 0: keep. */
void eco_mpc_route_equivalence_set(eco_mpc_route_ws *ws, double s_equiv);
/* The lower bound's scale (lo_scale, clamped to [0, 1]; the band is made again: not for the
 * real-time step) and its present value. */
void eco_mpc_route_lo_scale_set(eco_mpc_route_ws *ws, double lo_scale);
double eco_mpc_route_lo_scale(const eco_mpc_route_ws *ws);
/* One control step (real time: no allocation): the plan (re-planned at a stage boundary)
 * and the present step's command. ECO_OK, or ECO_ESOLVER with sp->valid = 0. */
int eco_mpc_route_step(eco_mpc_route_ws *ws, const eco_observation *obs, eco_setpoint *sp);
void eco_mpc_route_reset(eco_mpc_route_ws *ws);
/* Plan-time figures: re-plans since the reset, and the equivalence factor in use. */
void eco_mpc_route_stats(const eco_mpc_route_ws *ws, long *replans, double *s_equiv);

/* ---- the DP over the whole route --------------------------------------------------- */

/* The whole route planned at once: with follow set the workspace drives this plan instead
 * of re-planning. time_price_per_s as in the settings; for hybrids the equivalence factor
 * is found by bisection so that the predicted SOC at the end equals the start's.
 * Returns ECO_OK, ECO_ERANGE (no feasible plan). Out: predicted trip time (dwell included),
 * cost, fuel and battery energy. Allocates nothing after create. */
typedef struct {
    double trip_time_s, fuel_g, battery_j, s_equiv;
    double time_price_per_s; /* the price planned at */
} eco_mpc_route_plan_info;

int eco_mpc_route_dp(eco_mpc_route_ws *ws, double time_price_per_s, int follow,
                     eco_mpc_route_plan_info *info);
/* The DP at the trip time target_s (dwell included): the time price by bisection; when even
 * a price of 0 arrives sooner (the lower bound sets the pace), the lower bound is scaled down
 * (lo_scale, by bisection) until the trip can take target_s. ECO_OK,
 * ECO_ERANGE when target_s is below the shortest feasible time (*min_time_s says it). */
int eco_mpc_route_dp_at_time(eco_mpc_route_ws *ws, double target_s, int follow,
                             eco_mpc_route_plan_info *info, double *min_time_s);
/* Shortest trip the route allows at its limits with this car (the grid's), s, dwell included. */
double eco_mpc_route_min_time_s(eco_mpc_route_ws *ws);

#endif
