/* The eco MPC: tracking, the fuel trade-off, no allocation in the step, the fallback on a
 * forced timeout, and the GSL fit it predicts with. Shipped vehicles and cycles. */
#include "../src/control/transition.h" /* private: the transition model */
#include "cycle.h"
#include "ecodrive/config.h"
#include "ecodrive/mpc.h"
#include "ecodrive/units.h"
#include "runner.h"
#include "summary.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define VEH(name) ECO_SOURCE_DIR "/models/vehicles/" name ".json"
#define MAPS      ECO_SOURCE_DIR "/models/maps"

static void load(const char *path, eco_vehicle *v)
{
    cr_assert_eq(eco_cfg_vehicle_load(path, MAPS, v), ECO_OK, "%s", eco_last_error());
}

/* The first `seconds` of a shipped cycle, as a cycle of its own. */
static void short_cycle(const char *name, double seconds, eco_sim_cycle *c)
{
    char path[512];
    snprintf(path, sizeof path, ECO_SOURCE_DIR "/sim/cycles/%s.csv", name);
    cr_assert_eq(eco_sim_cycle_load(path, NULL, c), ECO_OK, "%s", eco_last_error());
    int n = 0;
    while (n < c->n && c->time_s[n] <= seconds + 1e-9)
        n++;
    c->n = n;
    c->n_phases = 1;
    c->phase[0].t0_s = c->time_s[0];
    c->phase[0].t1_s = c->time_s[n - 1];
    c->ftp_bags = 0;
}

static void run(const eco_vehicle *v, const eco_sim_cycle *c, const eco_mpc_weights *w,
                double band_kmh, double band_s, eco_sim_summary *sum)
{
    eco_mpc_settings s;
    eco_mpc_settings_default(&s);
    s.deadline_us = 1e6; /* the test checks results, not timing */
    eco_controller *ctl = eco_mpc_create(v, 0.1, &s, w);
    cr_assert_not_null(ctl, "%s", eco_last_error());
    eco_sim_options o;
    eco_sim_options_default(&o);
    o.band_kmh = band_kmh;
    o.band_s = band_s;
    o.quiet = 1;
    o.engine_hot = 1;
    eco_sim_result r;
    cr_assert_eq(eco_sim_run(v, c, ctl, &o, &r), ECO_OK);
    eco_sim_summarize(v, c, "mpc", &r, 0, sum);
    cr_assert_eq(r.invalid_setpoints, 0);
    eco_sim_result_free(&r);
    ctl->destroy(ctl);
}

Test(mpc, zero_band_follows_the_trace)
{
    eco_vehicle v;
    eco_sim_cycle c;
    load(VEH("toyota_prius_2022"), &v);
    short_cycle("wltc_class3b", 300.0, &c);
    eco_sim_summary s;
    run(&v, &c, NULL, 0.0, 0.0, &s);
    /* The plant realises the commanded force exactly (constant-acceleration step). */
    cr_assert_lt(s.total.trace_max_dev_kmh, 0.01);
    cr_assert_lt(fabs(s.total.distance_error_pct), 0.01);
    cr_assert_eq(s.total.outside_tolerance_s, 0.0);
    eco_sim_cycle_free(&c);
    eco_vehicle_free(&v);
}

Test(mpc, tracking_weight_alone_reproduces_the_trace)
{
    eco_vehicle v;
    eco_sim_cycle c;
    load(VEH("vw_golf_1p5tsi_2020"), &v);
    short_cycle("wltc_class3b", 400.0, &c);
    eco_mpc_weights w;
    memset(&w, 0, sizeof w);
    w.tracking_per_kmh2s = 1.0;
    eco_sim_summary s;
    run(&v, &c, &w, 2.0, 1.0, &s); /* free to leave the trace by the WLTP band */
    /* Half the 0.25 km/h grid of the horizon programme, plus the move to the next node. */
    cr_assert_lt(s.total.trace_rms_kmh, 0.25, "rms %g km/h", s.total.trace_rms_kmh);
    cr_assert_lt(s.total.trace_max_dev_kmh, 1.0, "max %g km/h", s.total.trace_max_dev_kmh);
    cr_assert_lt(fabs(s.total.distance_error_pct), 0.1);
    cr_assert_eq(s.total.outside_tolerance_s, 0.0);
    eco_sim_cycle_free(&c);
    eco_vehicle_free(&v);
}

Test(mpc, raising_the_fuel_weight_never_raises_fuel)
{
    eco_vehicle v;
    eco_sim_cycle c;
    load(VEH("vw_golf_1p5tsi_2020"), &v);
    short_cycle("wltc_class3b", 300.0, &c);
    const double fuel_w[] = {0.0, 0.3, 1.0, 3.0};
    double prev = INFINITY;
    for (int i = 0; i < 4; i++) {
        eco_mpc_weights w;
        memset(&w, 0, sizeof w);
        w.tracking_per_kmh2s = 0.01;
        w.fuel_per_g = fuel_w[i];
        eco_sim_summary s;
        run(&v, &c, &w, 2.0, 1.0, &s);
        double f = s.total.fuel_l_per_100km;
        cr_assert_leq(f, prev, "fuel weight %g: %g L/100km after %g", fuel_w[i], f, prev);
        prev = f;
    }
    eco_sim_cycle_free(&c);
    eco_vehicle_free(&v);
}

/* Drive the plant by hand so that only the controller's step sits between the counts. */
static unsigned long allocs_over_steps(const char *vehicle, double band_kmh, int steps)
{
    eco_vehicle v;
    eco_sim_cycle c;
    load(vehicle, &v);
    short_cycle("wltc_class3b", 200.0, &c);
    eco_controller *ctl = eco_mpc_create(&v, 0.1, NULL, NULL);
    cr_assert_not_null(ctl);
    eco_state x, next;
    eco_model_state_init(&v, 1, &x);
    eco_step_out out;
    eco_observation obs;
    eco_preview pv;
    memset(&pv, 0, sizeof pv);
    unsigned long allocs = 0;
    for (int k = 0; k < steps; k++) {
        eco_observation_from_plant(&v, &x, k ? &out : NULL, 0.0, &obs);
        pv.n = ctl->preview_n;
        pv.dt_s = 0.1;
        pv.soc_target = v.battery.soc_init;
        for (int i = 0; i < pv.n; i++) {
            double t = x.time_s + (i + 1) * 0.1;
            eco_sim_cycle_sample(&c, t, &pv.speed_ref_mps[i], &pv.grade_rad[i], NULL);
            pv.speed_lo_mps[i] = pv.speed_hi_mps[i] = pv.speed_ref_mps[i];
            if (band_kmh > 0.0)
                eco_sim_cycle_band(&c, t, band_kmh / ECO_KMH_PER_MPS, 1.0, &pv.speed_lo_mps[i],
                                   &pv.speed_hi_mps[i]);
        }
        double d_ref;
        eco_sim_cycle_sample(&c, x.time_s, NULL, NULL, &d_ref);
        pv.distance_gap_m = d_ref - x.distance_m;
        eco_setpoint sp;
        unsigned long a0 = eco_alloc_count();
        ctl->step(ctl, &obs, &pv, &sp);
        allocs += eco_alloc_count() - a0;
        cr_assert_eq(eco_model_step(&v, &x, &sp.cmd, 0.0, 0.1, &next, &out), ECO_OK);
        x = next;
    }
    ctl->destroy(ctl);
    eco_sim_cycle_free(&c);
    eco_vehicle_free(&v);
    return allocs;
}

Test(mpc, the_step_allocates_nothing)
{
    cr_assert_eq(allocs_over_steps(VEH("toyota_prius_2022"), 0.0, 1500), 0);
    cr_assert_eq(allocs_over_steps(VEH("toyota_prius_2022"), 2.0, 1500), 0);
    cr_assert_eq(allocs_over_steps(VEH("vw_golf_1p5tsi_2020"), 2.0, 1500), 0);
    cr_assert_eq(allocs_over_steps(VEH("tesla_model3_rwd_2022"), 2.0, 1500), 0);
}

/* The workspace pattern: a hybrid's table holds the engine off and every engine level per
 * transition, a conventional car's one entry (its best gear), so their dims differ; create
 * refuses dims made for another vehicle instead of carving past the block it was given. */
Test(mpc, workspace_refuses_dims_made_for_another_vehicle)
{
    eco_vehicle prius, golf;
    load(VEH("toyota_prius_2022"), &prius);
    load(VEH("vw_golf_1p5tsi_2020"), &golf);
    eco_mpc_settings s;
    eco_mpc_settings_default(&s);
    s.grid_kmh = 2.0; /* a coarse table: quick to build */
    eco_mpc_weights w;
    eco_mpc_weights_default(&w);
    eco_mpc_dims dp, dg;
    cr_assert_eq(eco_mpc_dims_make(&prius, 0.1, &s, &dp), ECO_OK);
    cr_assert_eq(eco_mpc_dims_make(&golf, 0.1, &s, &dg), ECO_OK);
    cr_assert_eq(dp.n_levels, 1 + s.n_engine_levels);
    cr_assert_eq(dg.n_levels, 1);
    cr_assert_gt(eco_mpc_ws_memsize(&dp), eco_mpc_ws_memsize(&dg));
    void *mem = eco_malloc(eco_mpc_ws_memsize(&dg));
    eco_mpc_ws *ws = NULL;
    cr_assert_eq(eco_mpc_ws_create(&prius, 0.1, &s, &w, &dg, &ws, mem), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "dims were made for another vehicle") != NULL, "%s",
              eco_last_error());
    cr_assert_eq(eco_mpc_ws_create(&golf, 0.1, &s, &w, &dg, &ws, mem), ECO_OK, "%s",
                 eco_last_error());
    cr_assert_eq((void *)ws, mem, "the workspace starts the block");
    eco_free(mem);
    eco_vehicle_free(&golf);
    eco_vehicle_free(&prius);
}

static void forced_timeout(int wall_clock)
{
    eco_vehicle v;
    load(VEH("toyota_prius_2022"), &v);
    eco_mpc_settings set;
    eco_mpc_settings_default(&set);
    set.deadline_wall_clock = wall_clock;
    eco_controller *ctl = eco_mpc_create(&v, 0.1, &set, NULL);
    eco_mpc_ws *ws = eco_mpc_controller_ws(ctl);
    cr_assert_not_null(ws);
    eco_state x;
    eco_model_state_init(&v, 1, &x);
    x.speed_mps = 50.0 / ECO_KMH_PER_MPS;
    x.soc = 0.5; /* below target: the co-state moves off its nominal value */
    eco_observation obs;
    eco_observation_from_plant(&v, &x, NULL, 0.0, &obs);
    eco_preview pv;
    memset(&pv, 0, sizeof pv);
    pv.n = ctl->preview_n;
    pv.dt_s = 0.1;
    pv.soc_target = 0.6;
    for (int i = 0; i < pv.n; i++)
        pv.speed_ref_mps[i] = pv.speed_lo_mps[i] = pv.speed_hi_mps[i] = x.speed_mps + 0.01 * i;
    eco_setpoint good, bad;
    cr_assert_eq(ctl->step(ctl, &obs, &pv, &good), ECO_OK);
    cr_assert_eq(good.valid, 1);
    eco_mpc_stats st;
    eco_mpc_stats_get(ws, &st);
    eco_mpc_weights w;
    eco_mpc_weights_default(&w);
    double s_nominal = eco_mpc_equivalence_cost(&v, &w);
    cr_assert(fabs(st.last_s_equiv - s_nominal) > 1e-3, "warm start differs from nominal");
    cr_assert_eq(eco_mpc_deadline_set(ws, 1e-6), ECO_OK);
    cr_assert_eq(ctl->step(ctl, &obs, &pv, &bad), ECO_ESOLVER);
    cr_assert_eq(bad.valid, 0);
    cr_assert_eq(memcmp(&bad.cmd, &good.cmd, sizeof bad.cmd), 0, "the last safe setpoint");
    eco_mpc_stats_get(ws, &st);
    cr_assert_eq(st.fallbacks, 1);
    cr_assert_float_eq(st.last_s_equiv, s_nominal, 1e-12, "warm start reset");
    cr_assert_eq(eco_mpc_deadline_set(ws, 0.0), ECO_EINVAL);
    cr_assert_eq(eco_mpc_deadline_set(ws, 1e6), ECO_OK);
    cr_assert_eq(ctl->step(ctl, &obs, &pv, &good), ECO_OK);
    cr_assert_eq(good.valid, 1);
    ctl->destroy(ctl);
    eco_vehicle_free(&v);
}

Test(mpc, forced_timeout_returns_the_last_safe_setpoint_invalid_and_resets)
{
    forced_timeout(0);
}

Test(mpc, forced_timeout_on_the_wall_clock_as_the_daemon_runs_it)
{
    forced_timeout(1);
}

Test(mpc, fuel_fit_error_within_stated_bound)
{
    eco_vehicle v;
    load(VEH("toyota_prius_2022"), &v);
    eco_mpc_fuel_fit f;
    cr_assert_eq(eco_mpc_fuel_fit_make(&v, &f), ECO_OK);
    /* Bound: 8 % of the map's fuel rate between 10 % and 90 % of rated power, checked at
     * points between the fitted ones, against the model's own map on its best line. */
    double worst = 0.0;
    for (int k = 0; k < 57; k++) {
        double p = f.p_lo_w + (f.p_hi_w - f.p_lo_w) * (k + 0.37) / 57.0;
        double w = eco_curve_eval(&v.engine.best_speed, p);
        double m = eco_engine_fuel_gps(&v.engine, w, p / w);
        worst = fmax(worst, fabs(eco_mpc_fuel_fit_eval(&f, p) - m) / m);
    }
    cr_assert_lt(worst, 0.08, "fit error %g", worst);
    cr_assert_gt(f.a2, 0.0, "convex");
    /* The nominal equivalence factor is 1 / marginal efficiency: a Prius engine's best
     * brake efficiency is about 40 % (Toyota quotes 41 % for the 2ZR-FXE's successor; the
     * map's best is 0.40 here), the margin a little below: s in (2, 3.5). */
    double s = eco_mpc_equivalence_nominal(&v);
    cr_assert(s > 2.0 && s < 3.5, "s0 = %g", s);
    eco_vehicle_free(&v);
}

/* With a NOx weight a joule from the battery saves NOx as well as fuel: the equivalence
 * factor is the nominal one without the weight, rises with it, and at the default weight
 * (NOx about 2 % of the cost, models/weights/balanced.json) moves by a few per cent only. */
Test(mpc, nox_weight_raises_the_equivalence_factor)
{
    eco_vehicle v;
    load(VEH("toyota_prius_2022"), &v);
    eco_mpc_weights w;
    eco_mpc_weights_default(&w);
    double s0 = eco_mpc_equivalence_nominal(&v);
    w.nox_per_mg = 0.0;
    cr_assert_eq(eco_mpc_equivalence_cost(&v, &w), s0);
    double prev = s0;
    const double nox[] = {0.001, 0.002, 0.005, 0.02, 0.1};
    for (int i = 0; i < 5; i++) {
        w.nox_per_mg = nox[i];
        double s = eco_mpc_equivalence_cost(&v, &w);
        cr_assert_gt(s, prev, "nox_per_mg %g: s %g after %g", nox[i], s, prev);
        if (nox[i] == 0.002)
            cr_assert(s / s0 > 1.005 && s / s0 < 1.10, "default weights: s/s0 = %g", s / s0);
        prev = s;
    }
    eco_vehicle_free(&v);
}

Test(mpc, table_entries_are_the_model_step)
{
    eco_vehicle v;
    load(VEH("toyota_prius_2022"), &v);
    eco_mpc_weights w;
    eco_mpc_weights_default(&w);
    w.nox_per_mg = 0.0;
    eco_mpc_table t;
    eco_mpc_table_dims(&v, 30.0, 0.5, 1.0, 2.0, 3.0, 4, &t);
    void *mem = eco_malloc(eco_mpc_table_memsize(&t));
    cr_assert_eq(eco_mpc_table_build(&v, &w, 0.6, &t, mem), ECO_OK);
    /* A 1 s cruise at 20 m/s with the engine off: no fuel, and the battery delivers the
     * road load's work plus losses: more than F v dt, less than 1.5 times it. */
    int i = 40;
    size_t e = eco_mpc_table_at(&t, i, 0, 0);
    double work = eco_model_road_load_n(&v, 20.0) * 20.0 * 1.0;
    cr_assert_float_eq(t.cost[e], 0.0, 1e-9);
    cr_assert(t.battery_j[e] > work && t.battery_j[e] < 1.5 * work, "%g vs %g", t.battery_j[e],
              work);
    /* Beyond the grid: infeasible. */
    cr_assert(isinf(t.cost[eco_mpc_table_at(&t, 0, t.off_min, 0)]));
    eco_free(mem);
    eco_vehicle_free(&v);
}
