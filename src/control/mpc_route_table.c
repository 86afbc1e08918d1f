/* The route MPC's rate table: fuel (and NOx) cost per second and battery power by speed and
 * acceleration, per engine level, realised by eco_model_step (through eco_mpc_eval) at
 * create time. A stage of any length and grade is priced from it: its mean speed, its
 * acceleration plus the grade's, times its duration. */
#include "ecodrive/units.h"
#include "mpc_route_internal.h"

#include <math.h>
#include <string.h>

/* The short step each rate is measured over: long enough for the model's start-up terms to
 * vanish beside the stage, short enough for the speed to stay where it is tabulated. */
#define RATE_STEP_S 0.2
/* Accelerations the table spans beyond the transition limits: the grade shifts them by up
 * to g x 0.3 (ECO_ROUTE_GRADE_MAX); past the top is infeasible, past the bottom brakes. */
#define A_LO_MPS2 (-6.5)
#define A_HI_MPS2 6.0
#define DA_MPS2   0.1

static int is_hybrid(const eco_vehicle *v)
{
    return v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV;
}

size_t eco_route_rates_count(const eco_vehicle *veh, const eco_mpc_route_settings *s,
                             double v_max_mps, eco_route_rates *rt)
{
    memset(rt, 0, sizeof *rt);
    rt->dv_mps = 0.5 * s->grid_kmh / ECO_KMH_PER_MPS;
    rt->n_v = (int)ceil(v_max_mps / rt->dv_mps) + 2;
    rt->a_min_mps2 = A_LO_MPS2;
    rt->da_mps2 = DA_MPS2;
    rt->n_a = (int)lround((A_HI_MPS2 - A_LO_MPS2) / DA_MPS2) + 1;
    int n =
        s->n_engine_levels > ECO_MPC_LEVELS_MAX - 1 ? ECO_MPC_LEVELS_MAX - 1 : s->n_engine_levels;
    rt->n_lev = is_hybrid(veh) ? 1 + n : 1;
    for (int l = 0; l < rt->n_lev; l++)
        rt->level_power_w[l] = is_hybrid(veh) ? eco_mpc_level_power_w(veh, l, n) : 0.0;
    size_t cells = (size_t)rt->n_v * (size_t)rt->n_a;
    return 2 * cells * (size_t)rt->n_lev + 4 * cells;
}

/* One rate: the transition v -/+ a tau/2 over tau (clipped at rest). */
static void rate_at(const eco_vehicle *veh, const eco_mpc_weights *w, double soc, double v,
                    double a, int gear, double pe, float *cost, float *batt)
{
    double v0 = v - 0.5 * a * RATE_STEP_S, v1 = v + 0.5 * a * RATE_STEP_S;
    if (v0 < 0.0 || v1 < 0.0) {
        v0 = a > 0.0 ? 0.0 : -a * RATE_STEP_S;
        v1 = a > 0.0 ? a * RATE_STEP_S : 0.0;
    }
    eco_mpc_eval_out o;
    eco_mpc_eval(veh, v0, v1, RATE_STEP_S, 0.0, soc, gear, pe, &o);
    *cost =
        o.feasible ? (float)(eco_mpc_fuel_nox_cost(w, o.fuel_g, o.nox_g) / RATE_STEP_S) : INFINITY;
    *batt = o.feasible ? (float)(o.battery_j / RATE_STEP_S) : INFINITY;
}

void eco_route_rates_build(const eco_vehicle *veh, const eco_mpc_weights *w, double soc_ref,
                           eco_route_rates *rt)
{
    int stepped = veh->powertrain == ECO_PT_CONV && veh->gearbox.type == ECO_TX_STEPPED;
    for (int i = 0; i < rt->n_v; i++)
        for (int k = 0; k < rt->n_a; k++) {
            double v = i * rt->dv_mps, a = rt->a_min_mps2 + k * rt->da_mps2;
            size_t e = ((size_t)i * (size_t)rt->n_a + (size_t)k) * (size_t)rt->n_lev;
            if (!stepped) {
                for (int l = 0; l < rt->n_lev; l++)
                    rate_at(veh, w, soc_ref, v, a, 0, rt->level_power_w[l], &rt->cost_gps[e + l],
                            &rt->batt_w[e + l]);
                continue;
            }
            rt->cost_gps[e] = rt->batt_w[e] = INFINITY;
            for (int g = 1; g <= veh->gearbox.n_gears; g++) { /* the cheapest gear */
                float c, b;
                rate_at(veh, w, soc_ref, v, a, g, 0.0, &c, &b);
                if (c < rt->cost_gps[e]) {
                    rt->cost_gps[e] = c;
                    rt->batt_w[e] = b;
                }
            }
        }
    rt->s_coll = rt->s_coll_b = NAN;
    rt->cell_b = 0;
}

static void collapse_cells(const eco_route_rates *rt, double s, float *eq_gps, float *eq_batt_w,
                           size_t c0, size_t c1)
{
    for (size_t c = c0; c < c1; c++) {
        const float *cost = rt->cost_gps + c * (size_t)rt->n_lev;
        const float *batt = rt->batt_w + c * (size_t)rt->n_lev;
        double best = INFINITY, bb = 0.0;
        for (int l = 0; l < rt->n_lev; l++) {
            double q = cost[l] + s * batt[l];
            if (q < best) {
                best = q;
                bb = batt[l];
            }
        }
        eq_gps[c] = (float)best;
        eq_batt_w[c] = (float)bb;
    }
}

void eco_route_rates_collapse(eco_route_rates *rt, double s)
{
    collapse_cells(rt, s, rt->eq_gps, rt->eq_batt_w, 0, (size_t)rt->n_v * (size_t)rt->n_a);
    rt->s_coll = s;
}

int eco_route_rates_collapse_some(eco_route_rates *rt, double s, size_t n)
{
    size_t cells = (size_t)rt->n_v * (size_t)rt->n_a;
    if (rt->cell_b == cells && !(rt->s_coll_b == s)) { /* one under way is finished first */
        rt->s_coll_b = s;
        rt->cell_b = 0;
    }
    size_t c1 = rt->cell_b + n < cells ? rt->cell_b + n : cells;
    collapse_cells(rt, s, rt->eq_gps_b, rt->eq_batt_w_b, rt->cell_b, c1);
    rt->cell_b = c1;
    return c1 == cells;
}

int eco_route_rates_nearer(const eco_route_rates *rt, double s)
{
    return rt->cell_b == (size_t)rt->n_v * (size_t)rt->n_a &&
           (fabs(rt->s_coll_b - s) < fabs(rt->s_coll - s) || isnan(rt->s_coll));
}

int eco_route_rates_take(eco_route_rates *rt, double s)
{
    if (!eco_route_rates_nearer(rt, s))
        return 0;
    float *g = rt->eq_gps, *b = rt->eq_batt_w;
    rt->eq_gps = rt->eq_gps_b;
    rt->eq_batt_w = rt->eq_batt_w_b;
    rt->eq_gps_b = g;
    rt->eq_batt_w_b = b;
    double s_front = rt->s_coll;
    rt->s_coll = rt->s_coll_b;
    rt->s_coll_b = s_front;
    return 1;
}

double eco_route_rate(const eco_route_rates *rt, double v, double a, double *batt_w)
{
    double fv = v / rt->dv_mps, fa = (a - rt->a_min_mps2) / rt->da_mps2;
    if (fa < 0.0)
        fa = 0.0; /* harder braking than the table: the friction brakes, at the same rate */
    int i = (int)fv, k = (int)fa;
    if (i >= rt->n_v - 1 || k >= rt->n_a - 1)
        return INFINITY;
    double u = fv - i, z = fa - k;
    size_t e = (size_t)i * (size_t)rt->n_a + (size_t)k, n_a = (size_t)rt->n_a;
    double c00 = rt->eq_gps[e], c01 = rt->eq_gps[e + 1], c10 = rt->eq_gps[e + n_a],
           c11 = rt->eq_gps[e + n_a + 1];
    double c = (1 - u) * ((1 - z) * c00 + z * c01) + u * ((1 - z) * c10 + z * c11);
    if (!isfinite(c))
        return INFINITY;
    *batt_w = (1 - u) * ((1 - z) * rt->eq_batt_w[e] + z * rt->eq_batt_w[e + 1]) +
              u * ((1 - z) * rt->eq_batt_w[e + n_a] + z * rt->eq_batt_w[e + n_a + 1]);
    return c;
}
