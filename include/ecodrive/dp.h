/* Dynamic programming: the global optimum over a whole known trace, the yardstick of the
 * MPC (after Sundström & Guzzella's DPM). Offline: it allocates, it may take seconds.
 *  - exact trace, hybrid: state SOC on a grid, controls engine off or on at a power level
 *    (the split follows); backward recursion with linear interpolation of the cost-to-go;
 *    charge-sustaining: SOC must end at or above where it started (a soft end: each unit
 *    of SOC short costs fuel_per_g * 10 * OCV(soc_init) * Q / LHV, an equivalence factor
 *    of 10, far above any engine's; a hard wall would make every grid node below the start
 *    infeasible whose step is shorter than the grid spacing);
 *  - exact trace, conventional or BEV: no state couples the steps (gear is free each step),
 *    so the optimum is the least-cost gear per step;
 *  - speed band, any powertrain: state speed on a grid at stages of stage_s inside the band
 *    (checked at every trace step inside a stage), equal distance by a Lagrange multiplier
 *    on distance found by bisection; for hybrids a second multiplier on battery energy (the
 *    SOC co-state, constant along the optimum when SOC limits do not bind) found by
 *    bisection so that SOC ends where it started.
 * Deterministic: no threads, no clocks in the results (the solve time is reported apart). */
#ifndef ECODRIVE_DP_H
#define ECODRIVE_DP_H

#include "ecodrive/mpc.h"

/* The trace: n steps of dt_s, samples k = 0..n (n + 1 each). */
typedef struct {
    int n;
    double dt_s, t0_s;
    const double *speed_ref_mps, *speed_lo_mps, *speed_hi_mps, *grade_rad;
    double ref_distance_m;
    double soc_init;
} eco_dp_trace;

typedef struct {
    eco_mpc_weights weights; /* fuel_per_g and nox_per_mg are the DP's cost */
    double soc_step;         /* exact hybrid: SOC grid step (default 0.001) */
    int n_engine_levels;     /* engine power levels, off excluded (default 32) */
    double grid_kmh;         /* band: speed grid step (default 0.25 km/h) */
    double stage_s;          /* band: stage length, a multiple of dt (default 1 s) */
    double distance_tol;     /* band: relative distance error accepted (default 2e-4) */
    int max_bisect;          /* band: bisection steps per multiplier (default 40) */
    double band_margin_kmh;  /* band: keep this far inside the band (default 0.1) */
    int progress;            /* progress on stderr */
} eco_dp_settings;

void eco_dp_settings_default(eco_dp_settings *s);

typedef enum {
    ECO_DP_EXACT = 0, /* exact trace */
    ECO_DP_BAND = 1,  /* speed shaping inside the band */
} eco_dp_mode;

/* Figures of a solution, as the DP itself predicts them on its grids. */
typedef struct {
    eco_dp_mode mode;
    double cost; /* weighted fuel + NOx, cost units */
    double fuel_g, nox_g;
    int engine_starts; /* starts along the optimum (the plant starts it off): exact hybrid,
                          and band only where starts cost fuel (else 0: not tracked) */
    double battery_j;  /* net chemical energy out of the battery */
    double soc_end;
    double distance_m, ref_distance_m;
    double s_equiv;     /* band, hybrid: the battery-energy multiplier (J fuel / J battery) */
    double price_per_m; /* band: the distance multiplier, cost units per m */
    int n_soc, n_speed_nodes, n_levels;
    long passes;    /* backward passes (band: bisection steps) */
    double seconds; /* wall time of the solve (not part of the optimum) */
} eco_dp_result;

typedef struct eco_dp_solution eco_dp_solution;

/* Solve. veh must outlive the solution; the trace's arrays are copied. Returns ECO_OK,
 * ECO_EINVAL (bad trace or settings; eco_last_error says which), ECO_ENOMEM, or
 * ECO_ESOLVER (no feasible trajectory: e.g. the band or distance cannot be met). */
int eco_dp_solve(const eco_vehicle *veh, const eco_dp_trace *tr, const eco_dp_settings *s,
                 eco_dp_solution **out);
void eco_dp_result_get(const eco_dp_solution *sol, eco_dp_result *r);
/* Band: the optimal speed at stage boundaries (n_stages + 1 values, NULL otherwise). */
const double *eco_dp_speed_plan(const eco_dp_solution *sol, int *n_stages, double *stage_s);
void eco_dp_free(eco_dp_solution *sol);

/* The DP as a controller: it replays the optimum through the plant. Exact hybrid: at each
 * step, the engine choice that minimises cost plus the DP's cost-to-go at the SOC the
 * plant reaches (closed loop on SOC); band: it tracks the optimal speed plan and allocates
 * with the DP's multipliers. The solution must outlive the controller. NULL on ENOMEM. */
eco_controller *eco_dp_controller_create(const eco_vehicle *veh, const eco_dp_solution *sol,
                                         double dt_s);

#endif
