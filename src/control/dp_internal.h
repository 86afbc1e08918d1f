/* The DP solution, shared by the DP's own files; not part of the public API. */
#ifndef ECODRIVE_DP_INTERNAL_H
#define ECODRIVE_DP_INTERNAL_H

#include "ecodrive/dp.h"
#include "transition.h"

#define ECO_DP_BIG 1e30f

struct eco_dp_solution {
    const eco_vehicle *veh;
    eco_dp_settings set;
    eco_dp_result res;
    int n;
    double dt_s, t0_s;
    double *speed_ref_mps, *grade_rad; /* n + 1 */
    int exact_hybrid;
    /* exact hybrid: cost-to-go on the SOC grid */
    int n_soc, n_levels;
    double soc_lo, soc_step, soc_init;
    double level_power_w[ECO_MPC_LEVELS_MAX];
    float *V; /* (n + 1) * n_eng * n_soc: step k, engine state e at V + (k n_eng + e) n_soc */
    /* Engine starts: with a start cost the nodes carry the engine state (off, on) */
    int n_eng;
    double start_cost; /* cost units per start: fuel_per_g * the engine's start_fuel_g */
    /* band: the speed plan, and the engine's state per stage (NULL unless n_eng is 2) */
    int n_stages, stage_steps;
    double *plan_mps;           /* n_stages + 1 */
    unsigned char *plan_engine; /* n_stages */
};

/* The exact-trace hybrid recursion on the SOC grid (dp.c) and the band programme
 * (dp_band.c): they fill sol; ECO_OK, ECO_EINVAL, ECO_ENOMEM or ECO_ESOLVER (eco_last_error
 * says why). */
int eco_dp_solve_exact_hybrid(const eco_vehicle *veh, const eco_dp_trace *tr,
                              const eco_dp_settings *s, eco_dp_solution *sol);
int eco_dp_solve_band(const eco_vehicle *veh, const eco_dp_trace *tr, const eco_dp_settings *s,
                      eco_dp_solution *sol);

/* The cost-to-go of step k with the engine state e (0 off, 1 on) before it: n_soc values on
 * the SOC grid. */
static inline float *eco_dp_values(const eco_dp_solution *sol, int k, int e)
{
    return sol->V + ((size_t)k * (size_t)sol->n_eng + (size_t)e) * (size_t)sol->n_soc;
}

/* A cost-to-go V on the SOC grid at soc, interpolated linearly: ECO_DP_BIG below the grid,
 * the top node's value above it. Where a cell has an infeasible end: strict (lenient 0),
 * the feasible end only within 1e-9 of it (the recursion's own forward pass); lenient, the
 * lesser end plus 1e6 (the controller, whose plant may land beside an infeasible node). */
double eco_dp_value_at(const eco_dp_solution *sol, const float *V, double soc, int lenient);

/* Distance of the reference over the first n_steps steps of the trace (trapezoids), m. */
double eco_dp_ref_distance_m(const eco_dp_trace *tr, int n_steps);

/* Progress on stderr, at most every 5 %: "\r<what>: NN %". */
void eco_dp_progress(const eco_dp_settings *s, const char *what, long done, long total);

#endif
