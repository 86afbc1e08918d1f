/* The DP against brute force on problems small enough to enumerate, its determinism, its
 * grid convergence and its errors. Hand-made vehicles (vehicle_fixture.h) and a shipped
 * one. */
#include "../src/control/transition.h" /* private: the transition model */
#include "ecodrive/config.h"
#include "ecodrive/dp.h"
#include "ecodrive/units.h"
#include "vehicle_fixture.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- exact trace, hybrid: enumerate every engine choice sequence ------------------- */

#define BF_N      8
#define BF_LEVELS 3 /* besides off */

typedef struct {
    const eco_vehicle *v;
    const double *ref;
    double dt, soc0, best;
    double penalty; /* cost per unit of SOC ended below the start (dp.h) */
    double level_w[BF_LEVELS + 1];
} bf_exact;

static void bf_exact_rec(bf_exact *b, int k, double soc, int on, double cost)
{
    if (k == BF_N) {
        double j = cost + b->penalty * fmax(0.0, b->soc0 - soc);
        if (j < b->best)
            b->best = j;
        return;
    }
    eco_state x, next;
    memset(&x, 0, sizeof x);
    x.speed_mps = b->ref[k];
    x.soc = soc;
    x.engine_warm = 1.0;
    x.gear = 1;
    x.engine_on = on; /* the plant charges a start's fuel from here */
    double f = eco_control_force_for(b->v, b->ref[k], b->ref[k + 1], b->dt, 0.0);
    eco_command u;
    eco_control_force_to_command(b->v, &x, 0, f, &u);
    for (int l = 0; l <= BF_LEVELS; l++) {
        u.engine_on = l > 0;
        u.engine_power_w = fmax(b->level_w[l], 0.0);
        eco_step_out out;
        cr_assert_eq(eco_model_step(b->v, &x, &u, 0.0, b->dt, &next, &out), ECO_OK);
        if (fabs(next.speed_mps - b->ref[k + 1]) > 1e-4 || next.soc < b->v->battery.soc_min)
            continue;
        /* The DP's cost: balanced weights, fuel g and NOx mg. */
        double c = out.fuel_g + 0.002 * out.nox_g * 1e3;
        bf_exact_rec(b, k + 1, next.soc, l > 0, cost + c);
    }
}

/* start_g: the engine's start fuel; with it the DP's nodes carry the engine state. */
static void exact_hybrid_vs_brute_force(const double *ref, double start_g, int *starts)
{
    eco_vehicle v;
    fix_hybrid(&v);
    cr_assert_eq(eco_vehicle_init(&v), ECO_OK, "%s", eco_last_error());
    v.engine.start_fuel_g = start_g;
    double zero[BF_N + 1] = {0};
    eco_dp_trace tr = {BF_N, 1.0, 0.0, ref, ref, ref, zero, 0.0, v.battery.soc_init};
    eco_dp_settings s;
    eco_dp_settings_default(&s);
    s.n_engine_levels = BF_LEVELS;
    s.soc_step = 2e-6; /* fine enough that interpolation is below the tolerance */
    eco_dp_solution *sol;
    cr_assert_eq(eco_dp_solve(&v, &tr, &s, &sol), ECO_OK, "%s", eco_last_error());
    eco_dp_result r;
    eco_dp_result_get(sol, &r);
    /* The DP's end condition (dp.h): a deficit of SOC costs fuel at an equivalence factor
     * of 10, fuel_per_g * 10 * OCV(soc0) * Q / LHV per unit SOC. */
    double e_unit =
        eco_curve_eval(&v.battery.ocv_v, v.battery.soc_init) * v.battery.capacity_ah * ECO_S_PER_H;
    bf_exact b = {&v, ref, 1.0, v.battery.soc_init, INFINITY, 10.0 * e_unit / v.fuel.lhv_j_per_g,
                  {0}};
    for (int l = 0; l <= BF_LEVELS; l++)
        b.level_w[l] = eco_mpc_level_power_w(&v, l, BF_LEVELS);
    bf_exact_rec(&b, 0, v.battery.soc_init, 0, 0.0);
    cr_assert(isfinite(b.best));
    double dp_j = r.cost + b.penalty * fmax(0.0, v.battery.soc_init - r.soc_end);
    cr_assert_float_eq(dp_j, b.best, 1e-3 * b.best, "dp %.6f vs brute force %.6f", dp_j, b.best);
    cr_assert(r.soc_end >= v.battery.soc_init - 2e-4, "charge-sustaining: %g", r.soc_end);
    *starts = r.engine_starts;
    eco_dp_free(sol);
    eco_vehicle_free(&v);
}

Test(dp, exact_hybrid_matches_brute_force)
{
    /* A launch, a cruise and a stop in 1 s steps: 4^8 = 65536 sequences. */
    double ref[BF_N + 1] = {0.0, 1.5, 3.0, 4.5, 6.0, 6.0, 5.0, 3.0, 0.5};
    int starts;
    exact_hybrid_vs_brute_force(ref, 0.0, &starts);
}

/* Two launches with a stop between: with free starts the optimum stops the engine at the
 * stop and starts it again; a start dearer than idling through the stop (5 g on this
 * hand-made car) keeps it running, and the DP (engine state in its nodes) finds that. */
Test(dp, exact_hybrid_with_a_start_cost_matches_brute_force)
{
    double ref[BF_N + 1] = {0.0, 2.0, 4.0, 2.0, 0.0, 2.0, 4.0, 2.0, 0.0};
    int free_starts, priced_starts;
    exact_hybrid_vs_brute_force(ref, 0.0, &free_starts);
    exact_hybrid_vs_brute_force(ref, 5.0, &priced_starts);
    cr_assert(priced_starts < free_starts, "starts %d free, %d at 5 g", free_starts, priced_starts);
}

/* ---- band: enumerate every speed path, priced as the DP's Lagrangian --------------- */

#define BF_STAGES 4
#define BF_M      2 /* trace steps per stage */

typedef struct {
    const eco_vehicle *v;
    const double *lo, *hi;
    double dv, mu, best_lagr, best_cost, best_dist;
    int jlo[BF_STAGES + 1], jhi[BF_STAGES + 1];
    int path[BF_STAGES + 1];
} bf_band;

static int in_band_inside(const bf_band *b, int t, int j, int k)
{
    for (int tau = 1; tau < BF_M; tau++) {
        double v = (j + (k - j) * (double)tau / BF_M) * b->dv;
        int f = t * BF_M + tau;
        if ((b->lo[f] > 0.0 && v < b->lo[f] - 1e-9) || v > b->hi[f] + 1e-9)
            return 0;
    }
    return 1;
}

static void bf_band_rec(bf_band *b, int t, double lagr, double cost, double dist)
{
    if (t == BF_STAGES) {
        if (lagr < b->best_lagr) {
            b->best_lagr = lagr;
            b->best_cost = cost;
            b->best_dist = dist;
        }
        return;
    }
    int j = b->path[t];
    for (int k = b->jlo[t + 1]; k <= b->jhi[t + 1]; k++) {
        if (k - j > (int)ceil(3.0 / b->dv) || j - k > (int)ceil(4.0 / b->dv) ||
            !in_band_inside(b, t, j, k))
            continue;
        eco_mpc_eval_out o, best;
        double bc = INFINITY;
        for (int g = 1; g <= b->v->gearbox.n_gears; g++) {
            eco_mpc_eval(b->v, j * b->dv, k * b->dv, 1.0, 0.0, 0.0, g, 0.0, &o);
            double c = o.fuel_g + 0.002 * o.nox_g * 1e3;
            if (o.feasible && c < bc) {
                bc = c;
                best = o;
            }
        }
        (void)best;
        if (!isfinite(bc))
            continue;
        double d = 0.5 * (j + k) * b->dv;
        b->path[t + 1] = k;
        bf_band_rec(b, t + 1, lagr + bc - b->mu * d, cost + bc, dist + d);
    }
}

Test(dp, band_matches_brute_force_of_its_lagrangian)
{
    eco_vehicle v;
    fix_conventional(&v);
    cr_assert_eq(eco_vehicle_init(&v), ECO_OK, "%s", eco_last_error());
    const int n = BF_STAGES * BF_M;
    double ref[] = {0.0, 1.0, 2.0, 3.5, 5.0, 6.0, 7.0, 7.0, 7.0};
    double lo[9], hi[9], zero[9] = {0};
    for (int k = 0; k <= n; k++) {
        lo[k] = fmax(0.0, ref[k] - 1.0);
        hi[k] = ref[k] + 1.0;
    }
    eco_dp_trace tr = {n, 0.5, 0.0, ref, lo, hi, zero, 0.0, 0.0};
    double d_ref = 0.0;
    for (int k = 0; k < n; k++)
        d_ref += 0.5 * (ref[k] + ref[k + 1]) * 0.5;
    tr.ref_distance_m = d_ref;
    eco_dp_settings s;
    eco_dp_settings_default(&s);
    s.grid_kmh = 0.5 * ECO_KMH_PER_MPS; /* 0.5 m/s: 4 or 5 nodes a stage */
    s.band_margin_kmh = 0.0;
    eco_dp_solution *sol;
    cr_assert_eq(eco_dp_solve(&v, &tr, &s, &sol), ECO_OK, "%s", eco_last_error());
    eco_dp_result r;
    eco_dp_result_get(sol, &r);
    cr_assert_eq(r.mode, ECO_DP_BAND);
    bf_band b;
    memset(&b, 0, sizeof b);
    b.v = &v;
    b.lo = lo;
    b.hi = hi;
    b.dv = 0.5;
    b.mu = r.price_per_m;
    b.best_lagr = INFINITY;
    for (int t = 0; t <= BF_STAGES; t++) {
        int f = t * BF_M;
        b.jlo[t] = (int)ceil(lo[f] / b.dv - 1e-9);
        b.jhi[t] = (int)floor(hi[f] / b.dv + 1e-9);
    }
    b.jlo[0] = b.jhi[0] = 0;
    b.path[0] = 0;
    bf_band_rec(&b, 0, 0.0, 0.0, 0.0);
    cr_assert(isfinite(b.best_lagr));
    double dp_lagr = r.cost - r.price_per_m * r.distance_m;
    /* The table holds floats: agreement to 1e-5 of the cost. */
    cr_assert_float_eq(dp_lagr, b.best_lagr, 1e-5 * (1.0 + fabs(b.best_cost)),
                       "dp %.7f vs brute force %.7f", dp_lagr, b.best_lagr);
    cr_assert_float_eq(r.distance_m, b.best_dist, 1e-9);
    cr_assert_float_eq(r.cost, b.best_cost, 1e-5 * (1.0 + b.best_cost));
    eco_dp_free(sol);
    eco_vehicle_free(&v);
}

/* ---- a shipped car on the first 300 s of WLTC 3b ---------------------------------- */

static void wltc_head(double *ref, int n, double dt)
{
    FILE *fp = fopen(ECO_SOURCE_DIR "/sim/cycles/wltc_class3b.csv", "r");
    cr_assert_not_null(fp);
    char line[128];
    double kmh[400];
    int m = 0;
    while (m < 400 && fgets(line, sizeof line, fp)) {
        double t, s;
        if (sscanf(line, "%lf,%lf", &t, &s) == 2)
            kmh[m++] = s;
    }
    fclose(fp);
    for (int k = 0; k <= n; k++) {
        double t = k * dt;
        int i = (int)floor(t);
        double th = t - i;
        ref[k] = (kmh[i] + th * (kmh[i + 1] - kmh[i])) / ECO_KMH_PER_MPS;
    }
}

static void prius(eco_vehicle *v)
{
    cr_assert_eq(eco_cfg_vehicle_load(ECO_SOURCE_DIR "/models/vehicles/toyota_prius_2022.json",
                                      ECO_SOURCE_DIR "/models/maps", v),
                 ECO_OK, "%s", eco_last_error());
}

Test(dp, deterministic_and_converges_when_the_grid_is_halved)
{
    eco_vehicle v;
    prius(&v);
    enum { N = 3000 };
    static double ref[N + 1], zero[N + 1];
    wltc_head(ref, N, 0.1);
    eco_dp_trace tr = {N, 0.1, 0.0, ref, ref, ref, zero, 0.0, v.battery.soc_init};
    eco_dp_settings s;
    eco_dp_settings_default(&s);
    eco_dp_solution *a, *b, *c;
    cr_assert_eq(eco_dp_solve(&v, &tr, &s, &a), ECO_OK);
    cr_assert_eq(eco_dp_solve(&v, &tr, &s, &b), ECO_OK);
    eco_dp_result ra, rb, rc;
    eco_dp_result_get(a, &ra);
    eco_dp_result_get(b, &rb);
    cr_assert_eq(memcmp(&ra.cost, &rb.cost, sizeof ra.cost), 0, "bit-identical");
    cr_assert_eq(memcmp(&ra.soc_end, &rb.soc_end, sizeof ra.soc_end), 0);
    s.soc_step *= 0.5;
    s.n_engine_levels = 63;
    cr_assert_eq(eco_dp_solve(&v, &tr, &s, &c), ECO_OK);
    eco_dp_result_get(c, &rc);
    /* A finer grid can only find as good or better, up to interpolation: within 1 %. */
    cr_assert_lt(fabs(rc.cost / ra.cost - 1.0), 0.01, "%g vs %g", rc.cost, ra.cost);
    eco_dp_free(a);
    eco_dp_free(b);
    eco_dp_free(c);
    eco_vehicle_free(&v);
}

Test(dp, band_keeps_distance_and_band)
{
    eco_vehicle v;
    fix_bev(&v);
    cr_assert_eq(eco_vehicle_init(&v), ECO_OK);
    enum { N = 2000 };
    static double ref[N + 1], lo[N + 1], hi[N + 1], zero[N + 1];
    wltc_head(ref, N, 0.1);
    for (int k = 0; k <= N; k++) {
        /* A +-2 km/h band with no time shift. */
        lo[k] = fmax(0.0, ref[k] - 2.0 / ECO_KMH_PER_MPS);
        hi[k] = ref[k] + 2.0 / ECO_KMH_PER_MPS;
    }
    eco_dp_trace tr = {N, 0.1, 0.0, ref, lo, hi, zero, 0.0, v.battery.soc_init};
    for (int k = 0; k < N; k++)
        tr.ref_distance_m += 0.5 * (ref[k] + ref[k + 1]) * 0.1;
    eco_dp_settings s;
    eco_dp_settings_default(&s);
    eco_dp_solution *sol;
    cr_assert_eq(eco_dp_solve(&v, &tr, &s, &sol), ECO_OK, "%s", eco_last_error());
    eco_dp_result r;
    eco_dp_result_get(sol, &r);
    cr_assert_lt(fabs(r.distance_m / tr.ref_distance_m - 1.0), 5e-3);
    int ns;
    double st;
    const double *plan = eco_dp_speed_plan(sol, &ns, &st);
    cr_assert_not_null(plan);
    cr_assert_float_eq(st, 1.0, 1e-12);
    for (int t = 0; t <= ns; t++) {
        int k = (int)lround(t * st / 0.1);
        cr_assert(plan[t] >= lo[k] - 1e-9 && plan[t] <= hi[k] + 1e-9, "stage %d: %g outside", t,
                  plan[t]);
    }
    eco_dp_free(sol);
    eco_vehicle_free(&v);
}

Test(dp, bad_settings_and_traces_are_named)
{
    eco_vehicle v;
    fix_hybrid(&v);
    cr_assert_eq(eco_vehicle_init(&v), ECO_OK);
    double ref[3] = {0.0, 1.0, 2.0}, zero[3] = {0};
    eco_dp_trace tr = {2, 0.1, 0.0, ref, ref, ref, zero, 0.0, 0.6};
    eco_dp_settings s;
    eco_dp_settings_default(&s);
    eco_dp_solution *sol;
    s.soc_step = 0.0;
    cr_assert_eq(eco_dp_solve(&v, &tr, &s, &sol), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "soc_step") != NULL, "%s", eco_last_error());
    eco_dp_settings_default(&s);
    tr.n = 0;
    cr_assert_eq(eco_dp_solve(&v, &tr, &s, &sol), ECO_EINVAL);
    tr.n = 2;
    double lo[3] = {0.0, 2.0, 2.0};
    tr.speed_lo_mps = lo; /* lo above hi at sample 1 */
    cr_assert_eq(eco_dp_solve(&v, &tr, &s, &sol), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "sample 1") != NULL, "%s", eco_last_error());
    double hi[3] = {1.0, 3.0, 3.0};
    tr.speed_hi_mps = hi;
    s.stage_s = 0.25; /* not a multiple of 0.1 */
    cr_assert_eq(eco_dp_solve(&v, &tr, &s, &sol), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "multiple") != NULL, "%s", eco_last_error());
    eco_vehicle_free(&v);
}
