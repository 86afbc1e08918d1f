/* DP: settings, dispatch, and the exact-trace hybrid recursion on a SOC grid. */
#include "control_internal.h"
#include "dp_internal.h"
#include "ecodrive/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void eco_dp_settings_default(eco_dp_settings *s)
{
    memset(s, 0, sizeof *s);
    eco_mpc_weights_default(&s->weights);
    s->soc_step = 0.001;
    s->n_engine_levels = 32;
    s->grid_kmh = 0.25;
    s->stage_s = 1.0;
    s->distance_tol = 2e-4;
    s->max_bisect = 40;
    s->band_margin_kmh = 0.1;
}

void eco_dp_progress(const eco_dp_settings *s, const char *what, long done, long total)
{
    if (!s->progress || total <= 0)
        return;
    long step = total / 20 > 0 ? total / 20 : 1;
    if (done % step == 0 || done == total)
        fprintf(stderr, "\r%s: %3ld %%%s", what, 100 * done / total, done == total ? "\n" : "");
}

static int is_hybrid(const eco_vehicle *v)
{
    return v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV;
}

static int check_trace(const eco_dp_trace *tr, const eco_dp_settings *s)
{
    if (tr->n < 1 || !(tr->dt_s > 0.0) || !tr->speed_ref_mps || !tr->speed_lo_mps ||
        !tr->speed_hi_mps || !tr->grade_rad) {
        eco_set_error("dp: the trace needs n >= 1 steps, dt > 0 and all four arrays");
        return ECO_EINVAL;
    }
    if (!(s->soc_step > 0.0 && s->soc_step < 0.1) || s->n_engine_levels < 1 ||
        s->n_engine_levels >= ECO_MPC_LEVELS_MAX || !(s->grid_kmh > 0.01) ||
        !(s->stage_s >= tr->dt_s) || s->max_bisect < 1 || !(s->distance_tol > 0.0)) {
        eco_set_error("dp: settings out of range (soc_step in (0, 0.1), 1 <= levels < %d, "
                      "grid_kmh > 0.01, stage_s >= dt, max_bisect >= 1, distance_tol > 0)",
                      ECO_MPC_LEVELS_MAX);
        return ECO_EINVAL;
    }
    for (int k = 0; k <= tr->n; k++)
        if (!isfinite(tr->speed_ref_mps[k]) || !isfinite(tr->grade_rad[k]) ||
            !(tr->speed_lo_mps[k] <= tr->speed_hi_mps[k])) {
            eco_set_error("dp: trace sample %d is not finite or its band is reversed", k);
            return ECO_EINVAL;
        }
    return ECO_OK;
}

static int has_band(const eco_dp_trace *tr)
{
    for (int k = 0; k <= tr->n; k++)
        if (tr->speed_hi_mps[k] - tr->speed_lo_mps[k] > 1e-6)
            return 1;
    return 0;
}

double eco_dp_ref_distance_m(const eco_dp_trace *tr, int n_steps)
{
    double d = 0.0;
    for (int k = 0; k < n_steps; k++)
        d += 0.5 * (tr->speed_ref_mps[k] + tr->speed_ref_mps[k + 1]) * tr->dt_s;
    return d;
}

/* Exact trace without a battery to manage: nothing couples the steps, so the controller's
 * per-step least-cost allocation is the optimum; the DP only reports the trace. */
static int solve_exact_plain(const eco_dp_trace *tr, eco_dp_solution *sol)
{
    sol->res.mode = ECO_DP_EXACT;
    sol->res.s_equiv = eco_mpc_equivalence_nominal(sol->veh);
    sol->res.distance_m = eco_dp_ref_distance_m(tr, tr->n);
    return ECO_OK;
}

int eco_dp_solve(const eco_vehicle *veh, const eco_dp_trace *tr, const eco_dp_settings *s,
                 eco_dp_solution **out)
{
    *out = NULL;
    int rc = check_trace(tr, s);
    if (rc || (rc = eco_control_plans_for(veh, "dp")))
        return rc;
    eco_dp_solution *sol = eco_calloc(1, sizeof *sol);
    if (!sol)
        return ECO_ENOMEM;
    sol->veh = veh;
    sol->set = *s;
    sol->n = tr->n;
    sol->dt_s = tr->dt_s;
    sol->t0_s = tr->t0_s;
    sol->speed_ref_mps = eco_malloc(sizeof(double) * (size_t)(tr->n + 1));
    sol->grade_rad = eco_malloc(sizeof(double) * (size_t)(tr->n + 1));
    if (!sol->speed_ref_mps || !sol->grade_rad) {
        eco_dp_free(sol);
        return ECO_ENOMEM;
    }
    memcpy(sol->speed_ref_mps, tr->speed_ref_mps, sizeof(double) * (size_t)(tr->n + 1));
    memcpy(sol->grade_rad, tr->grade_rad, sizeof(double) * (size_t)(tr->n + 1));
    sol->res.ref_distance_m = tr->ref_distance_m;
    sol->res.soc_end = tr->soc_init;
    int64_t t0_ns = eco_clock_ns(CLOCK_MONOTONIC);
    if (has_band(tr))
        rc = eco_dp_solve_band(veh, tr, s, sol);
    else if (is_hybrid(veh))
        rc = eco_dp_solve_exact_hybrid(veh, tr, s, sol);
    else
        rc = solve_exact_plain(tr, sol);
    sol->res.seconds = (double)(eco_clock_ns(CLOCK_MONOTONIC) - t0_ns) / (double)ECO_NS_PER_S;
    if (rc) {
        eco_dp_free(sol);
        return rc;
    }
    *out = sol;
    return ECO_OK;
}

void eco_dp_result_get(const eco_dp_solution *sol, eco_dp_result *r)
{
    *r = sol->res;
}

const double *eco_dp_speed_plan(const eco_dp_solution *sol, int *n_stages, double *stage_s)
{
    if (n_stages)
        *n_stages = sol->plan_mps ? sol->n_stages : 0;
    if (stage_s)
        *stage_s = sol->stage_steps * sol->dt_s;
    return sol->plan_mps;
}

void eco_dp_free(eco_dp_solution *sol)
{
    if (!sol)
        return;
    eco_free(sol->V);
    eco_free(sol->plan_mps);
    eco_free(sol->plan_engine);
    eco_free(sol->speed_ref_mps);
    eco_free(sol->grade_rad);
    eco_free(sol);
}

/* ---- exact trace, hybrid ------------------------------------------------------------ */

typedef struct {
    float cost; /* cost units; ECO_DP_BIG if infeasible */
    float p_batt_w;
    float fuel_g, nox_g;
} dp_choice;

/* Every step's choices, realised by the plant's own step at the reference SOC. Battery
 * terminal power does not depend on SOC inside the window (only the current does, through
 * OCV, which the recursion takes at each grid SOC). */
static int tabulate_choices(const eco_vehicle *veh, const eco_dp_trace *tr,
                            const eco_dp_settings *s, const eco_dp_solution *sol, dp_choice *ch)
{
    const eco_mpc_weights *w = &s->weights;
    for (int k = 0; k < tr->n; k++) {
        eco_state x, next;
        memset(&x, 0, sizeof x);
        x.speed_mps = tr->speed_ref_mps[k];
        x.soc = tr->soc_init;
        x.engine_warm = 1.0;
        x.gear = 1;
        x.engine_on = 1; /* a start's cost is the recursion's, from the engine state */
        double f = eco_control_force_for(veh, x.speed_mps, tr->speed_ref_mps[k + 1], tr->dt_s,
                                         tr->grade_rad[k]);
        eco_command u;
        eco_control_force_to_command(veh, &x, 0, f, &u);
        /* A step the powertrain cannot make (the trace asks for more than its limits):
         * the choices that come closest stand in, as the plant will fall short anyway. */
        double miss[ECO_MPC_LEVELS_MAX], best_miss = INFINITY;
        for (int l = 0; l < sol->n_levels; l++) {
            dp_choice *c = &ch[(size_t)k * (size_t)sol->n_levels + (size_t)l];
            u.engine_on = l > 0;
            u.engine_power_w = fmax(sol->level_power_w[l], 0.0);
            eco_step_out out;
            c->cost = ECO_DP_BIG;
            miss[l] = INFINITY;
            if (eco_model_step(veh, &x, &u, tr->grade_rad[k], tr->dt_s, &next, &out))
                continue;
            miss[l] = fabs(next.speed_mps - tr->speed_ref_mps[k + 1]);
            best_miss = fmin(best_miss, miss[l]);
            c->cost = (float)eco_mpc_fuel_nox_cost(w, out.fuel_g, out.nox_g);
            c->p_batt_w = (float)out.battery_power_w;
            c->fuel_g = (float)out.fuel_g;
            c->nox_g = (float)out.nox_g;
        }
        double tol = fmax(1e-4, best_miss + 1e-4);
        for (int l = 0; l < sol->n_levels; l++)
            if (miss[l] > tol)
                ch[(size_t)k * (size_t)sol->n_levels + (size_t)l].cost = ECO_DP_BIG;
        eco_dp_progress(s, "dp: tabulating", k + 1, tr->n);
    }
    return ECO_OK;
}

typedef struct {
    double soc_lo, dsoc, dt, q_as, r_ohm, soc_min, soc_max;
    int ns;
    const double *ocv; /* per grid node */
} soc_grid;

/* SOC after a step at terminal power p from grid node j; NAN if the battery cannot. */
static double soc_next(const soc_grid *g, int j, double p)
{
    double ocv = g->ocv[j], soc = g->soc_lo + j * g->dsoc;
    double disc = ocv * ocv - 4.0 * g->r_ohm * p;
    if (disc < 0.0)
        return NAN;
    double i = 2.0 * p / (ocv + sqrt(disc));
    double sn = soc - i * g->dt / g->q_as;
    if (sn > g->soc_max)
        sn = g->soc_max; /* full: the BMS cuts charging, the brakes take the rest */
    return sn < g->soc_min - 1e-12 ? NAN : sn;
}

double eco_dp_value_at(const eco_dp_solution *sol, const float *V, double soc, int lenient)
{
    double xg = (soc - sol->soc_lo) / sol->soc_step;
    int i = (int)floor(xg);
    if (i < 0)
        return ECO_DP_BIG;
    if (i >= sol->n_soc - 1)
        return V[sol->n_soc - 1];
    double th = xg - i, a = V[i], b = V[i + 1];
    if ((a >= ECO_DP_BIG || b >= ECO_DP_BIG) && lenient)
        return a >= ECO_DP_BIG && b >= ECO_DP_BIG ? ECO_DP_BIG : (a < b ? a : b) + 1e6;
    if (a >= ECO_DP_BIG || b >= ECO_DP_BIG)
        return th < 1e-9 ? a : (th > 1.0 - 1e-9 ? b : ECO_DP_BIG);
    return a + th * (b - a);
}

/* One step of the recursion over nodes [j_lo, j_hi): V0 = min over choices of cost + V1
 * interpolated at the SOC reached. Branch-free in the inner loop: the SOC is in grid units,
 * the current from P = OCV I - R I^2 as (OCV - sqrt(OCV^2 - 4 R P)) / 2R (no division). */
static void backward_step(const soc_grid *g, const dp_choice *c, int L, const float *V1, float *V0,
                          int j_lo, int j_hi)
{
    double c2 = g->dt / (g->q_as * g->dsoc) / (2.0 * g->r_ohm);
    double x_max = (g->soc_max - g->soc_lo) / g->dsoc, x_top = g->ns - 1 - 1e-9;
    double x_min = (g->soc_min - g->soc_lo) / g->dsoc - 1e-9;
    for (int j = j_lo; j < j_hi; j++)
        V0[j] = ECO_DP_BIG;
    for (int l = 0; l < L; l++) {
        if (c[l].cost >= ECO_DP_BIG)
            continue;
        double p4r = 4.0 * g->r_ohm * c[l].p_batt_w, cost = c[l].cost;
        for (int j = j_lo; j < j_hi; j++) {
            double ocv = g->ocv[j];
            double x = j - (ocv - sqrt(fmax(ocv * ocv - p4r, 0.0))) * c2;
            x = fmin(fmin(x, x_max), x_top);
            double xc = fmax(x, 0.0);
            int i = (int)xc;
            double th = xc - i, a = V1[i], b = V1[i + 1];
            double v = x < x_min ? (double)ECO_DP_BIG : cost + a + th * (b - a);
            if (v < V0[j])
                V0[j] = (float)v;
        }
    }
}

/* A step with the engine state: engine off (level 0) reads V1 off, on (the other levels)
 * reads V1 on; a start from off costs start_cost. */
static void backward_step_engine(const eco_dp_solution *sol, const soc_grid *g, const dp_choice *c,
                                 int L, int k)
{
    float *off = eco_dp_values(sol, k, 0), *on = eco_dp_values(sol, k, 1);
    backward_step(g, c, 1, eco_dp_values(sol, k + 1, 0), off, 0, g->ns);
    backward_step(g, c + 1, L - 1, eco_dp_values(sol, k + 1, 1), on, 0, g->ns);
    for (int j = 0; j < g->ns; j++) {
        float a = off[j], b = on[j], bs = (float)(b + sol->start_cost);
        off[j] = bs < a ? bs : a;
        on[j] = b < a ? b : a;
    }
}

static void backward(const eco_dp_trace *tr, const eco_dp_settings *s, eco_dp_solution *sol,
                     const dp_choice *ch, const soc_grid *g)
{
    int ns = g->ns, L = sol->n_levels;
    int j0 = (int)lround((tr->soc_init - g->soc_lo) / g->dsoc);
    float *Vn = eco_dp_values(sol, tr->n, 0);
    /* Charge-sustaining end: a deficit costs far more than any engine could charge it for
     * (an equivalence factor of 10), so the optimum ends at the start SOC. A penalty and
     * not a wall: with a wall, grid nodes below the start whose step is shorter than the
     * grid spacing would all read infeasible, and the optimum could never draw on the
     * battery. */
    double e_unit_j = g->ocv[j0] * g->q_as; /* J per unit SOC */
    double slope = 10.0 * s->weights.fuel_per_g * e_unit_j / sol->veh->fuel.lhv_j_per_g;
    if (!(slope > 0.0))
        slope = 10.0 * e_unit_j / ECO_MPC_LHV_REF_J_PER_G;
    for (int j = 0; j < ns; j++)
        Vn[j] = j >= j0 ? 0.0f : (float)(slope * (j0 - j) * g->dsoc);
    if (sol->n_eng == 2)
        memcpy(eco_dp_values(sol, tr->n, 1), Vn, (size_t)ns * sizeof(float));
    for (int k = tr->n - 1; k >= 0; k--) {
        if (sol->n_eng == 2)
            backward_step_engine(sol, g, ch + (size_t)k * (size_t)L, L, k);
        else
            backward_step(g, ch + (size_t)k * (size_t)L, L, eco_dp_values(sol, k + 1, 0),
                          eco_dp_values(sol, k, 0), 0, ns);
        eco_dp_progress(s, "dp: backward", tr->n - k, tr->n);
    }
}

/* Forward along the optimum from the initial SOC, for the predicted figures. */
static void forward(const eco_dp_trace *tr, eco_dp_solution *sol, const dp_choice *ch,
                    const soc_grid *g)
{
    double soc = tr->soc_init;
    eco_dp_result *r = &sol->res;
    int L = sol->n_levels, on = 0; /* the plant starts with the engine off */
    double start_g = sol->veh->engine.start_fuel_g;
    r->cost = r->fuel_g = r->nox_g = r->battery_j = 0.0;
    r->engine_starts = 0;
    for (int k = 0; k < tr->n; k++) {
        const dp_choice *c = ch + (size_t)k * (size_t)L;
        double xg = (soc - g->soc_lo) / g->dsoc;
        int j = (int)lround(xg);
        j = j < 0 ? 0 : (j >= g->ns ? g->ns - 1 : j);
        double best = ECO_DP_BIG, best_sn = soc;
        int bl = -1;
        for (int l = 0; l < L; l++) {
            if (c[l].cost >= ECO_DP_BIG)
                continue;
            /* From the true SOC: the node's OCV stands in (within half a grid step). */
            double sn = soc_next(g, j, c[l].p_batt_w) + (soc - (g->soc_lo + j * g->dsoc));
            if (isnan(sn))
                continue;
            int e = sol->n_eng == 2 && l > 0;
            double v = c[l].cost + (l > 0 && !on ? sol->start_cost : 0.0) +
                       eco_dp_value_at(sol, eco_dp_values(sol, k + 1, e), sn, 0);
            if (v < best) {
                best = v;
                bl = l;
                best_sn = sn;
            }
        }
        if (bl < 0)
            break;
        int start = bl > 0 && !on;
        r->engine_starts += start;
        r->cost += c[bl].cost + (start ? sol->start_cost : 0.0);
        r->fuel_g += c[bl].fuel_g + (start ? start_g : 0.0);
        on = bl > 0;
        r->nox_g += c[bl].nox_g;
        r->battery_j += g->ocv[j] * (soc - best_sn) * g->q_as;
        soc = best_sn;
    }
    r->soc_end = soc;
}

int eco_dp_solve_exact_hybrid(const eco_vehicle *veh, const eco_dp_trace *tr,
                              const eco_dp_settings *s, eco_dp_solution *sol)
{
    const eco_battery *b = &veh->battery;
    sol->exact_hybrid = 1;
    sol->res.mode = ECO_DP_EXACT;
    sol->n_levels = 1 + s->n_engine_levels;
    for (int l = 0; l < sol->n_levels; l++)
        sol->level_power_w[l] = eco_mpc_level_power_w(veh, l, s->n_engine_levels);
    /* The grid holds the initial SOC as a node, so that the end condition is exact. */
    int below = (int)floor((tr->soc_init - b->soc_min) / s->soc_step + 1e-9);
    int above = (int)floor((b->soc_max - tr->soc_init) / s->soc_step + 1e-9);
    sol->n_soc = below + above + 1;
    sol->soc_step = s->soc_step;
    sol->soc_lo = tr->soc_init - below * s->soc_step;
    sol->soc_init = tr->soc_init;
    sol->res.n_soc = sol->n_soc;
    sol->res.n_levels = sol->n_levels;
    sol->veh = veh;
    sol->start_cost = s->weights.fuel_per_g * veh->engine.start_fuel_g;
    sol->n_eng = sol->start_cost > 0.0 ? 2 : 1; /* free starts: one state suffices */
    size_t nv = (size_t)(tr->n + 1) * (size_t)sol->n_eng * (size_t)sol->n_soc;
    sol->V = eco_malloc(nv * sizeof(float));
    dp_choice *ch = eco_malloc(sizeof(dp_choice) * (size_t)tr->n * (size_t)sol->n_levels);
    double *ocv = eco_malloc(sizeof(double) * (size_t)sol->n_soc);
    if (!sol->V || !ch || !ocv) {
        eco_free(ch);
        eco_free(ocv);
        return ECO_ENOMEM;
    }
    for (int j = 0; j < sol->n_soc; j++)
        ocv[j] = eco_curve_eval(&b->ocv_v, sol->soc_lo + j * s->soc_step);
    soc_grid g = {sol->soc_lo,
                  s->soc_step,
                  tr->dt_s,
                  b->capacity_ah * ECO_S_PER_H,
                  b->r_internal_ohm,
                  b->soc_min,
                  b->soc_max,
                  sol->n_soc,
                  ocv};
    tabulate_choices(veh, tr, s, sol, ch);
    backward(tr, s, sol, ch, &g);
    int rc = ECO_OK;
    sol->veh = veh;
    if (eco_dp_values(sol, 0, 0)[lround((tr->soc_init - g.soc_lo) / g.dsoc)] >= ECO_DP_BIG) {
        eco_set_error("dp: no charge-sustaining trajectory on this grid");
        rc = ECO_ESOLVER;
    } else {
        forward(tr, sol, ch, &g);
        sol->res.passes = 1;
    }
    sol->res.distance_m = eco_dp_ref_distance_m(tr, tr->n);
    eco_free(ch);
    eco_free(ocv);
    return rc;
}
