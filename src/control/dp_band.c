/* DP eco-driving inside the speed band: state speed on a grid at stages of stage_s, equal
 * distance by a Lagrange multiplier on distance, and for hybrids a multiplier on battery
 * energy for a charge-sustaining end; both found by bisection. */
#include "dp_internal.h"
#include "ecodrive/units.h"

#include <math.h>
#include <string.h>

#define ACCEL_MAX_MPS2 3.0
#define DECEL_MAX_MPS2 4.0
#define BAND_LEVELS    16 /* hybrid engine levels in the band programme's table */

typedef struct {
    const eco_vehicle *veh;
    const eco_dp_settings *set;
    eco_mpc_table tab;
    void *tab_mem;
    int S, m, n_off, hybrid;
    double dv, stage_s, lhv;
    int *jlo, *jhi; /* per stage */
    long *base;     /* per stage: offset of its nodes in V / arg */
    int *kmin, *kmax;
    int *arg; /* per node and engine state before it: next node * n_eng + engine state */
    float *V; /* per node and engine state before it (n_eng values a node) */
    float *pc[2], *pb[2]; /* pair cost and battery energy at the present s, per engine state */
    int n_eng;            /* 2: a start has a cost, the nodes carry the engine state */
    double start_cost;
    double s_cur;
} band_dp;

/* Cost of every pair at equivalence factor s: the least over the engine levels; with the
 * engine state, over engine off (level 0) and over the on-levels apart. */
static void pair_costs(band_dp *b, double s)
{
    const eco_mpc_table *t = &b->tab;
    double sc = s * b->set->weights.fuel_per_g / b->lhv;
    size_t pairs = (size_t)t->n_nodes * (size_t)b->n_off;
    for (size_t p = 0; p < pairs; p++)
        for (int g = 0; g < b->n_eng; g++) {
            int l0 = b->n_eng == 2 && g == 1 ? 1 : 0;
            int l1 = b->n_eng == 2 && g == 0 ? 1 : t->n_levels;
            double best = INFINITY, bb = 0.0;
            for (int l = l0; l < l1; l++) {
                size_t e = p * (size_t)t->n_levels + (size_t)l;
                double c = t->cost[e] + sc * t->battery_j[e];
                if (c < best) {
                    best = c;
                    bb = t->battery_j[e];
                }
            }
            b->pc[g][p] = isfinite(best) ? (float)best : ECO_DP_BIG;
            b->pb[g][p] = (float)bb;
        }
    b->s_cur = s;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* Nodes of each stage, and for each node the next stage's reachable range, with the band
 * checked at every trace step inside the stage (a linear speed inside a stage). */
static void stage_nodes(band_dp *b, const eco_dp_trace *tr)
{
    double mg = b->set->band_margin_kmh / ECO_KMH_PER_MPS;
    int top = b->tab.n_nodes - 1;
    long tot = 0;
    for (int t = 0; t <= b->S; t++) {
        int f = t * b->m;
        double lo = tr->speed_lo_mps[f], hi = tr->speed_hi_mps[f];
        if (hi - lo > 2.0 * mg) {
            lo += lo > 0.0 ? mg : 0.0;
            hi -= mg;
        }
        int jl = (int)ceil(lo / b->dv - 1e-9), jh = (int)floor(hi / b->dv + 1e-9);
        if (t == 0 || jl > jh)
            jl = jh = (int)lround(tr->speed_ref_mps[f] / b->dv);
        b->jlo[t] = clampi(jl, 0, top);
        b->jhi[t] = clampi(jh, 0, top);
        b->base[t] = tot;
        tot += b->jhi[t] - b->jlo[t] + 1;
    }
    for (int t = 0; t < b->S; t++)
        for (int j = b->jlo[t]; j <= b->jhi[t]; j++) {
            long n = b->base[t] + (j - b->jlo[t]);
            int klo = j + b->tab.off_min > b->jlo[t + 1] ? j + b->tab.off_min : b->jlo[t + 1];
            int khi = j + b->tab.off_max < b->jhi[t + 1] ? j + b->tab.off_max : b->jhi[t + 1];
            double vj = j * b->dv;
            for (int tau = 1; tau < b->m; tau++) {
                int f = t * b->m + tau;
                double lo = tr->speed_lo_mps[f], hi = tr->speed_hi_mps[f], r = (double)b->m / tau;
                double kl = (vj + (lo - vj) * r) / b->dv, kh = (vj + (hi - vj) * r) / b->dv;
                if (lo > 0.0 && (int)ceil(kl - 1e-9) > klo)
                    klo = (int)ceil(kl - 1e-9);
                if ((int)floor(kh + 1e-9) < khi)
                    khi = (int)floor(kh + 1e-9);
            }
            b->kmin[n] = klo;
            b->kmax[n] = khi;
        }
}

typedef struct {
    double cost, distance_m, battery_j;
    int ok, fail_stage; /* fail_stage: where the forward path found no way on */
    int starts;
} band_path;

/* The pair (j -> k) in the pair arrays. */
static size_t pair_at(const band_dp *b, int j, int k)
{
    return (size_t)j * (size_t)b->n_off + (size_t)(k - j - b->tab.off_min);
}

/* Node j of stage t with engine state e before it: its index in V and arg. */
static long node_at(const band_dp *b, int t, int j, int e)
{
    return (b->base[t] + (j - b->jlo[t])) * b->n_eng + e;
}

/* One backward pass at distance price mu, then forward from the start for the path. */
static band_path pass(band_dp *b, double mu)
{
    const int S = b->S, ne = b->n_eng;
    double ts = b->stage_s;
    for (int j = b->jlo[S]; j <= b->jhi[S]; j++)
        for (int e = 0; e < ne; e++)
            b->V[node_at(b, S, j, e)] = 0.0f;
    for (int t = S - 1; t >= 0; t--)
        for (int j = b->jlo[t]; j <= b->jhi[t]; j++) {
            long n = b->base[t] + (j - b->jlo[t]);
            double best[2] = {ECO_DP_BIG, ECO_DP_BIG}, vj = j * b->dv;
            int arg[2] = {-1, -1};
            for (int k = b->kmin[n]; k <= b->kmax[n]; k++) {
                size_t pr = pair_at(b, j, k);
                double dist = mu * 0.5 * (vj + k * b->dv) * ts;
                for (int g = 0; g < ne; g++) {
                    float c0 = b->pc[g][pr], v1 = b->V[node_at(b, t + 1, k, g)];
                    if (c0 >= ECO_DP_BIG || v1 >= ECO_DP_BIG)
                        continue;
                    double c = c0 - dist + v1;
                    for (int e = 0; e < ne; e++) { /* e: the state before; a start costs */
                        double ce = e == 0 && g == 1 ? c + b->start_cost : c;
                        if (ce < best[e]) {
                            best[e] = ce;
                            arg[e] = k * ne + g;
                        }
                    }
                }
            }
            for (int e = 0; e < ne; e++) {
                b->V[node_at(b, t, j, e)] = (float)best[e];
                b->arg[node_at(b, t, j, e)] = arg[e];
            }
        }
    band_path p = {0.0, 0.0, 0.0, 0, -1, 0};
    int j = b->jlo[0], e = 0; /* the plant starts with the engine off */
    for (int t = 0; t < S; t++) {
        int a = b->arg[node_at(b, t, j, e)];
        if (a < 0) {
            p.fail_stage = t;
            return p;
        }
        int k = a / ne, g = a % ne;
        size_t pr = pair_at(b, j, k);
        int start = ne == 2 && e == 0 && g == 1;
        p.starts += start;
        p.cost += b->pc[g][pr] + (start ? b->start_cost : 0.0);
        p.battery_j += b->pb[g][pr];
        p.distance_m += 0.5 * (j + k) * b->dv * ts;
        j = k;
        e = g;
    }
    p.ok = 1;
    return p;
}

/* Bisection on the distance price for equal distance. */
static band_path solve_distance(band_dp *b, double d_ref, double *mu_out, long *passes)
{
    double lo = -0.2, hi = 0.5;
    band_path plo = pass(b, lo), phi = pass(b, hi), best = phi;
    double mu_best = hi;
    *passes += 2;
    for (int e = 0; e < 6 && phi.ok && phi.distance_m < d_ref; e++) {
        lo = hi;
        plo = phi;
        hi *= 2.0;
        phi = pass(b, hi);
        (*passes)++;
    }
    (void)plo;
    for (int it = 0; it < b->set->max_bisect; it++) {
        double mid = 0.5 * (lo + hi);
        band_path p = pass(b, mid);
        (*passes)++;
        if (!p.ok) {
            lo = mid;
            continue;
        }
        if (fabs(p.distance_m - d_ref) < fabs(best.distance_m - d_ref) || !best.ok) {
            best = p;
            mu_best = mid;
        }
        if (fabs(p.distance_m / d_ref - 1.0) <= b->set->distance_tol)
            break;
        if (p.distance_m < d_ref)
            lo = mid;
        else
            hi = mid;
    }
    *mu_out = mu_best;
    return best;
}

/* Forward reachability from the start node: the first stage none of whose nodes can be
 * reached (for the error message). Uses V as scratch (engine state 0 of each node). */
static int first_unreachable(band_dp *b)
{
    for (int t = 0; t <= b->S; t++)
        for (int j = b->jlo[t]; j <= b->jhi[t]; j++)
            b->V[node_at(b, t, j, 0)] = t == 0 ? 1.0f : 0.0f;
    for (int t = 0; t < b->S; t++) {
        int any = 0;
        for (int j = b->jlo[t]; j <= b->jhi[t]; j++) {
            long n = b->base[t] + (j - b->jlo[t]);
            if (b->V[node_at(b, t, j, 0)] == 0.0f)
                continue;
            for (int k = b->kmin[n]; k <= b->kmax[n]; k++)
                for (int g = 0; g < b->n_eng; g++)
                    if (b->pc[g][pair_at(b, j, k)] < ECO_DP_BIG) {
                        b->V[node_at(b, t + 1, k, 0)] = 1.0f;
                        any = 1;
                    }
        }
        if (!any)
            return t + 1;
    }
    return b->S;
}

static int alloc_band(band_dp *b, const eco_dp_trace *tr)
{
    double vmax = 0.0;
    for (int k = 0; k <= tr->n; k++)
        vmax = fmax(vmax, tr->speed_hi_mps[k]);
    int levels = b->set->n_engine_levels < BAND_LEVELS ? b->set->n_engine_levels : BAND_LEVELS;
    eco_mpc_table_dims(b->veh, vmax + b->dv, b->dv, b->stage_s, ACCEL_MAX_MPS2, DECEL_MAX_MPS2,
                       levels, &b->tab);
    b->n_off = b->tab.off_max - b->tab.off_min + 1;
    size_t pairs = (size_t)b->tab.n_nodes * (size_t)b->n_off;
    size_t nst = (size_t)b->S + 1, all = nst * (size_t)b->tab.n_nodes;
    b->tab_mem = eco_malloc(eco_mpc_table_memsize(&b->tab));
    b->jlo = eco_malloc(nst * sizeof(int));
    b->jhi = eco_malloc(nst * sizeof(int));
    b->base = eco_malloc(nst * sizeof(long));
    b->kmin = eco_malloc(all * sizeof(int));
    b->kmax = eco_malloc(all * sizeof(int));
    b->arg = eco_malloc(all * (size_t)b->n_eng * sizeof(int));
    b->V = eco_malloc(all * (size_t)b->n_eng * sizeof(float));
    int ok = b->tab_mem && b->jlo && b->jhi && b->base && b->kmin && b->kmax && b->arg && b->V;
    for (int g = 0; g < b->n_eng; g++) {
        b->pc[g] = eco_malloc(pairs * sizeof(float));
        b->pb[g] = eco_malloc(pairs * sizeof(float));
        ok = ok && b->pc[g] && b->pb[g];
    }
    return ok ? ECO_OK : ECO_ENOMEM;
}

static void free_band(band_dp *b)
{
    eco_free(b->tab_mem);
    eco_free(b->jlo);
    eco_free(b->jhi);
    eco_free(b->base);
    eco_free(b->kmin);
    eco_free(b->kmax);
    eco_free(b->arg);
    eco_free(b->V);
    for (int g = 0; g < 2; g++) {
        eco_free(b->pc[g]);
        eco_free(b->pb[g]);
    }
}

static int store_plan(band_dp *b, eco_dp_solution *sol, double mu)
{
    pass(b, mu);
    sol->plan_mps = eco_malloc(sizeof(double) * (size_t)(b->S + 1));
    if (b->n_eng == 2)
        sol->plan_engine = eco_malloc((size_t)b->S);
    if (!sol->plan_mps || (b->n_eng == 2 && !sol->plan_engine))
        return ECO_ENOMEM;
    int j = b->jlo[0], e = 0;
    sol->plan_mps[0] = j * b->dv;
    for (int t = 0; t < b->S; t++) {
        int a = b->arg[node_at(b, t, j, e)];
        if (a < 0)
            return ECO_ESOLVER; /* cannot happen after a pass that found the path */
        j = a / b->n_eng;
        e = a % b->n_eng;
        sol->plan_mps[t + 1] = j * b->dv;
        if (sol->plan_engine)
            sol->plan_engine[t] = (unsigned char)e;
    }
    sol->n_stages = b->S;
    sol->stage_steps = b->m;
    return ECO_OK;
}

/* Sizes, arrays, the transition table and the stage nodes of the band programme. On error
 * the caller frees what was allocated (free_band). */
static int band_setup(band_dp *b, const eco_vehicle *veh, const eco_dp_trace *tr,
                      const eco_dp_settings *s)
{
    memset(b, 0, sizeof *b);
    b->veh = veh;
    b->set = s;
    b->m = (int)lround(s->stage_s / tr->dt_s);
    if (b->m < 1 || fabs(b->m * tr->dt_s - s->stage_s) > 1e-9) {
        eco_set_error("dp: stage_s %g s is not a multiple of the step %g s", s->stage_s, tr->dt_s);
        return ECO_EINVAL;
    }
    b->S = tr->n / b->m;
    b->stage_s = s->stage_s;
    b->dv = s->grid_kmh / ECO_KMH_PER_MPS;
    b->hybrid = veh->powertrain == ECO_PT_HEV || veh->powertrain == ECO_PT_PHEV;
    b->lhv = b->hybrid ? veh->fuel.lhv_j_per_g : ECO_MPC_LHV_REF_J_PER_G;
    b->start_cost = b->hybrid ? s->weights.fuel_per_g * veh->engine.start_fuel_g : 0.0;
    b->n_eng = b->start_cost > 0.0 ? 2 : 1; /* free starts: one state suffices */
    int rc = alloc_band(b, tr);
    if (rc)
        return rc;
    if (s->progress)
        eco_dp_progress(s, "dp: tabulating", 0, 1);
    rc = eco_mpc_table_build(veh, &s->weights, tr->soc_init, &b->tab, b->tab_mem);
    if (rc)
        return rc;
    if (s->progress)
        eco_dp_progress(s, "dp: tabulating", 1, 1);
    stage_nodes(b, tr);
    return ECO_OK;
}

/* The optimum at equal distance; for hybrids with the battery-energy multiplier *s_eq found
 * by bisection so that the battery's net energy over the trace is zero (charge-sustaining). */
static band_path solve_multipliers(band_dp *b, double d_ref, double *s_eq, double *mu, long *passes)
{
    pair_costs(b, *s_eq);
    band_path p = solve_distance(b, d_ref, mu, passes);
    if (!b->hybrid)
        return p;
    double lo = 0.2 * *s_eq, hi = 4.0 * *s_eq;
    int n_outer = b->set->max_bisect < 24 ? b->set->max_bisect : 24;
    for (int it = 0; it < n_outer; it++) {
        double mid = 0.5 * (lo + hi);
        pair_costs(b, mid);
        p = solve_distance(b, d_ref, mu, passes);
        if (p.ok && p.battery_j > 0.0)
            lo = mid;
        else
            hi = mid;
        eco_dp_progress(b->set, "dp: co-state", it + 1, n_outer);
    }
    *s_eq = hi; /* the side that ends at or above the starting SOC */
    pair_costs(b, *s_eq);
    return solve_distance(b, d_ref, mu, passes);
}

int eco_dp_solve_band(const eco_vehicle *veh, const eco_dp_trace *tr, const eco_dp_settings *s,
                      eco_dp_solution *sol)
{
    band_dp b;
    int rc = band_setup(&b, veh, tr, s);
    if (rc) {
        free_band(&b);
        return rc;
    }
    double d_ref = eco_dp_ref_distance_m(tr, b.S * b.m);
    double s_eq = eco_mpc_equivalence_nominal(veh), mu = 0.0;
    long passes = 0;
    band_path p = solve_multipliers(&b, d_ref, &s_eq, &mu, &passes);
    if (!p.ok) {
        int t_fail = first_unreachable(&b);
        eco_set_error("dp: no trajectory stays inside the band: no speed at %.1f s can be "
                      "reached from the start inside the band (the powertrain's limits, or a "
                      "band narrower than the %.2f km/h grid)",
                      tr->t0_s + t_fail * s->stage_s, s->grid_kmh);
        free_band(&b);
        return ECO_ESOLVER;
    }
    rc = store_plan(&b, sol, mu);
    sol->res.mode = ECO_DP_BAND;
    sol->res.cost = p.cost;
    sol->res.battery_j = p.battery_j;
    sol->res.distance_m = p.distance_m;
    sol->res.engine_starts = p.starts;
    sol->res.ref_distance_m = d_ref;
    sol->res.s_equiv = s_eq;
    sol->res.price_per_m = mu;
    sol->res.n_speed_nodes = b.tab.n_nodes;
    sol->res.n_levels = b.tab.n_levels;
    sol->res.passes = passes;
    free_band(&b);
    return rc;
}
