/* Scenario tests: every shipped vehicle on shipped cycles with the baseline, each with named
 * checks (after openpilot's maneuver table): distance, trace tolerance, energy balance. */
#include "controllers.h"
#include "ecodrive/config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    char vehicle[48];
    char cycle[24];
} scenario;

static scenario SCENARIOS[] = {
    {"toyota_prius_2022", "wltc_class3b"},
    {"toyota_prius_2022", "ftp75"},
    {"toyota_prius_2022", "us06"},
    {"toyota_corolla_1p8_cvt", "wltc_class3b"},
    {"toyota_corolla_1p8_cvt", "hwfet"},
    {"vw_golf_1p5tsi_2020", "wltc_class3b"},
    {"vw_golf_1p5tsi_2020", "nedc"},
    {"vw_golf_1p5tsi_2020", "us06"},
    {"tesla_model3_rwd_2022", "wltc_class3b"},
    {"tesla_model3_rwd_2022", "udds"},
    {"renault_zoe_ze50", "wltc_class3b"},
    {"renault_zoe_ze50", "us06"},
    {"hyundai_sonata_hybrid_2022", "wltc_class3b"},
    {"hyundai_sonata_hybrid_2022", "ftp75"},
    {"hyundai_sonata_hybrid_2022", "us06"},
};

static void load(const scenario *s, eco_vehicle *v, eco_sim_cycle *c)
{
    char path[512], maps[512];
    gsl_set_error_handler_off();
    snprintf(path, sizeof path, "%s/models/vehicles/%s.json", ECO_SOURCE_DIR, s->vehicle);
    snprintf(maps, sizeof maps, "%s/models/maps", ECO_SOURCE_DIR);
    cr_assert_eq(eco_cfg_vehicle_load(path, maps, v), ECO_OK, "%s", eco_last_error());
    snprintf(path, sizeof path, "%s/sim/cycles/%s.csv", ECO_SOURCE_DIR, s->cycle);
    cr_assert_eq(eco_sim_cycle_load(path, s->cycle, c), ECO_OK, "%s", eco_last_error());
}

/* The engine's best efficiency, brake work over fuel energy, under its full-load curve: a
 * scan at 1 rad/s and 0.5 Nm (the maps' grids are ~10x coarser). */
static double engine_peak_efficiency(const eco_vehicle *v)
{
    const eco_engine *e = &v->engine;
    double best = 0.0;
    for (double w = e->idle_speed_radps; w <= e->max_speed_radps; w += 1.0)
        for (double t = 0.5; t <= eco_engine_max_torque_nm(e, w); t += 0.5) {
            double fuel = eco_engine_fuel_gps(e, w, t);
            if (fuel > 0.0)
                best = fmax(best, w * t / (fuel * v->fuel.lhv_j_per_g));
        }
    return best;
}

/* The baseline over a scenario, hot; the result kept (series too if asked) for the caller
 * to free. */
static void run_kept(const scenario *s, int keep_series, eco_vehicle *v, eco_sim_cycle *c,
                     eco_sim_result *r, eco_sim_summary *sum)
{
    load(s, v, c);
    eco_sim_options o;
    eco_sim_options_default(&o);
    o.quiet = 1;
    o.engine_hot = 1;
    o.keep_series = keep_series;
    cr_assert_eq(eco_sim_run_named("baseline", NULL, v, c, &o, r, sum, 0), 0);
}

static void run(const scenario *s, eco_sim_summary *sum, eco_vehicle *v, eco_sim_cycle *c)
{
    eco_sim_result r;
    run_kept(s, 0, v, c, &r, sum);
    eco_sim_result_free(&r);
}

ParameterizedTestParameters(sim, baseline_scenarios)
{
    return cr_make_param_array(scenario, SCENARIOS, sizeof SCENARIOS / sizeof SCENARIOS[0]);
}

ParameterizedTest(scenario *s, sim, baseline_scenarios)
{
    eco_vehicle v;
    eco_sim_cycle c;
    eco_sim_summary sum;
    run(s, &sum, &v, &c);
    const eco_sim_figures *t = &sum.total;
    /* check: drives the cycle's distance (the trace's own integral) */
    cr_assert_float_eq(t->distance_km, c.distance_m[c.n - 1] / 1000.0, 0.01, "%s/%s distance",
                       s->vehicle, s->cycle);
    /* check: stays inside the WLTP trace tolerance (+-2 km/h, +-1 s) */
    cr_assert_leq(t->outside_tolerance_s, 0.0, "%s/%s outside %.1f s", s->vehicle, s->cycle,
                  t->outside_tolerance_s);
    cr_assert_lt(t->trace_rms_kmh, 0.2, "%s/%s rms %.3f", s->vehicle, s->cycle, t->trace_rms_kmh);
    /* check: tractive energy + losses = fuel + battery energy within 1 % */
    cr_assert_lt(fabs(sum.energy_balance_residual_pct), 1.0, "%s/%s balance %.4f %%", s->vehicle,
                 s->cycle, sum.energy_balance_residual_pct);
    /* check: hybrids stay charge-sustaining: within 10 % SOC of a 70 % window, the rest is
     * taken up by the SOC correction */
    /* check: engine work over the fuel behind it stays under the engine's best point (0.1 %
     * for the scan's resolution) */
    if (v.powertrain != ECO_PT_BEV) {
        double peak = engine_peak_efficiency(&v);
        cr_assert(t->engine_efficiency > 0.2 && t->engine_efficiency <= 1.001 * peak,
                  "%s/%s engine efficiency %.4f, map peak %.4f", s->vehicle, s->cycle,
                  t->engine_efficiency, peak);
    }
    if (v.powertrain == ECO_PT_HEV)
        cr_assert_lt(fabs(t->soc_end - t->soc_start), 0.10, "%s/%s soc %.3f -> %.3f", s->vehicle,
                     s->cycle, t->soc_start, t->soc_end);
    eco_sim_cycle_free(&c);
    eco_vehicle_free(&v);
}

/* The energy a car needs at the wheels over WLTC 3b, integrated here independently of the
 * model's book from the trace itself: road load and kinetic energy on the reference. */
Test(sim, wheel_energy_matches_trace_integral)
{
    scenario s = {"vw_golf_1p5tsi_2020", "wltc_class3b"};
    eco_vehicle v;
    eco_sim_cycle c;
    eco_sim_result r;
    eco_sim_summary sum;
    run_kept(&s, 0, &v, &c, &r, &sum);
    double road_j = 0.0;
    for (int i = 1; i < c.n; i++) {
        double va = 0.5 * (c.speed_mps[i] + c.speed_mps[i - 1]);
        road_j += (v.f0_n * (va > 0) + v.f1_n_per_mps * va + v.f2_n_per_mps2 * va * va) * va;
    }
    const eco_energy *e = &r.total.energy;
    double model_road = e->aero_j + e->rolling_j;
    cr_assert_float_eq(model_road / road_j, 1.0, 0.01, "road energy %g J vs trace %g J", model_road,
                       road_j);
    cr_assert_float_eq(e->kinetic_j, 0.0, 1.0); /* starts and ends at rest */
    eco_sim_result_free(&r);
    eco_sim_cycle_free(&c);
    eco_vehicle_free(&v);
}

/* Engine starts in the totals are the off -> on edges of the engine state, counted here
 * again from the recorded series (Prius, WLTC 3b, baseline: a start-stop hybrid). */
Test(sim, engine_starts_are_the_series_on_edges)
{
    scenario s = {"toyota_prius_2022", "wltc_class3b"};
    eco_vehicle v;
    eco_sim_cycle c;
    eco_sim_result r;
    eco_sim_summary sum;
    run_kept(&s, 1, &v, &c, &r, &sum);
    int edges = r.series[0].engine_on; /* on in the first sample: started in the first step */
    for (int k = 1; k < r.n_series; k++)
        edges += r.series[k].engine_on && !r.series[k - 1].engine_on;
    cr_assert_eq(sum.total.engine_starts, edges);
    cr_assert(edges >= 10 && edges <= 200, "a hybrid stops and starts its engine: %d", edges);
    eco_sim_result_free(&r);
    eco_sim_cycle_free(&c);
    eco_vehicle_free(&v);
}

/* EPA composite by hand: 0.43 (Y1+Y2)/(D1+D2) + 0.57 (Y3+Y2)/(D3+D2). */
Test(sim, ftp_composite_weighting_by_hand)
{
    scenario s = {"toyota_corolla_1p8_cvt", "ftp75"};
    eco_vehicle v;
    eco_sim_cycle c;
    load(&s, &v, &c);
    eco_sim_result r;
    memset(&r, 0, sizeof r);
    r.n_phases = 3;
    memcpy(r.phase_def, c.phase, sizeof c.phase);
    double fuel[] = {300.0, 400.0, 200.0}, km[] = {5.8, 6.2, 5.8};
    for (int i = 0; i < 3; i++) {
        r.phase[i].fuel_g = fuel[i];
        r.phase[i].distance_m = km[i] * 1000.0;
        r.total.fuel_g += fuel[i];
        r.total.distance_m += km[i] * 1000.0;
    }
    eco_sim_summary sum;
    eco_sim_summarize(&v, &c, "test", &r, 1, &sum);
    double g_per_km = 0.43 * 700.0 / 12.0 + 0.57 * 600.0 / 12.0;
    cr_assert(sum.ftp_weighted);
    cr_assert_float_eq(sum.total.fuel_l_per_100km, g_per_km / v.fuel.density_g_per_l * 100.0, 1e-9);
    eco_sim_cycle_free(&c);
    eco_vehicle_free(&v);
}
