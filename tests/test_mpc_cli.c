/* ecosim compare, dp and run --controller mpc|dp: the fixed contract of issue 3. */
#include "cli_fixture.h"
#include "ecodrive/config.h"
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(mpc_cli, .init = make_cycle, .fini = drop_cycle);

Test(mpc_cli, compare_json_has_the_contract_keys)
{
    char cmd[1024], out[65536];
    snprintf(cmd, sizeof cmd, ECOSIM " compare --cycle %s --band 2,1 --json --quiet 2>/dev/null",
             cycle_path);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    cJSON *o = cJSON_Parse(out);
    cr_assert_not_null(o, "one JSON object: %s", out);
    const char *names[] = {"baseline", "mpc", "dp"};
    double fuel[3];
    for (int i = 0; i < 3; i++) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, names[i]);
        cr_assert(cJSON_IsObject(s), "%s is a run summary", names[i]);
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(s, "controller");
        cr_assert(cJSON_IsString(c) && !strcmp(c->valuestring, names[i]));
        cr_assert(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(s, "mpc_solve_us")));
        fuel[i] = num(s, "fuel_soc_corrected_l_per_100km");
        cr_assert(num(s, "outside_tolerance_s") >= 0.0);
    }
    double pct = num(o, "mpc_vs_baseline_pct"), ratio = num(o, "mpc_over_dp");
    /* The keys are what they say, from the summaries beside them. */
    cr_assert_float_eq(pct, 100.0 * (1.0 - fuel[1] / fuel[0]), 1e-9);
    cr_assert_float_eq(ratio, fuel[1] / fuel[2], 1e-12);
    cJSON_Delete(o);
}

Test(mpc_cli, dp_reports_convergence_and_replay)
{
    char cmd[1024], out[65536];
    snprintf(cmd, sizeof cmd, ECOSIM " dp --cycle %s --json --quiet 2>/dev/null", cycle_path);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    cJSON *o = cJSON_Parse(out);
    cr_assert_not_null(o);
    const cJSON *dp = cJSON_GetObjectItemCaseSensitive(o, "dp");
    cr_assert(cJSON_IsObject(dp));
    cr_assert_float_eq(num(dp, "soc_end"), 0.6, 1e-3, "charge-sustaining");
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(o, "grid_halved");
    cr_assert(cJSON_IsObject(g));
    cr_assert_lt(fabs(num(g, "fuel_change_pct")), 2.0);
    cr_assert(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(o, "replay")));
    cJSON_Delete(o);
}

Test(mpc_cli, run_with_mpc_and_dp_and_presets)
{
    char cmd[1024], out[65536];
    const char *ctl[] = {"mpc --weights eco", "mpc --weights comfort", "dp"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, ECOSIM " run --cycle %s --controller %s --json 2>/dev/null",
                 cycle_path, ctl[i]);
        cr_assert_eq(run(cmd, out, sizeof out), 0, "%s: %s", ctl[i], out);
        cJSON *o = cJSON_Parse(out);
        cr_assert_not_null(o);
        cr_assert_eq(num(o, "invalid_setpoints"), 0.0);
        cJSON_Delete(o);
    }
}

Test(mpc_cli, bad_weights_and_controller_are_named)
{
    char cmd[1024], out[4096];
    snprintf(cmd, sizeof cmd,
             ECOSIM " run --cycle %s --controller mpc --weights nosuch 2>&1 >/dev/null",
             cycle_path);
    cr_assert_eq(run(cmd, out, sizeof out), 2);
    cr_assert(strstr(out, "'nosuch': no such preset") != NULL, "%s", out);
    snprintf(cmd, sizeof cmd, ECOSIM " run --cycle %s --controller mcp 2>&1 >/dev/null",
             cycle_path);
    cr_assert_eq(run(cmd, out, sizeof out), 2);
    cr_assert(strstr(out, "unknown controller 'mcp' (available: baseline, mpc, dp)") != NULL, "%s",
              out);
    const char *bad_band[] = {"2,x", " 2,1", "0x2", "-1", "2,-1", "2,1,3", "nan", "60"};
    for (size_t i = 0; i < sizeof bad_band / sizeof bad_band[0]; i++) {
        snprintf(cmd, sizeof cmd, ECOSIM " compare --cycle %s --band '%s' 2>&1 >/dev/null",
                 cycle_path, bad_band[i]);
        cr_assert_eq(run(cmd, out, sizeof out), 2, "--band '%s'", bad_band[i]);
        cr_assert(strstr(out, "--band takes KMH,S") != NULL, "%s", out);
    }
}

/* A planner asked for a car it cannot plan for yet (a P2 hybrid) is refused at start, exit 2,
 * by every command that would run one; the baseline drives it. */
Test(mpc_cli, planners_refuse_a_p2_with_exit_2)
{
    char cmd[1024], out[4096];
    const char *asks[] = {"run --controller mpc", "run --controller dp", "compare", "dp"};
    for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++) {
        snprintf(cmd, sizeof cmd,
                 ECOSIM " %s --vehicle " ECO_SOURCE_DIR
                        "/models/vehicles/hyundai_sonata_hybrid_2022.json --cycle %s --quiet "
                        "2>&1 >/dev/null",
                 asks[i], cycle_path);
        cr_assert_eq(run(cmd, out, sizeof out), 2, "%s: %s", asks[i], out);
        cr_assert(strstr(out, "is a parallel P2 hybrid, which only the baseline drives") != NULL,
                  "%s: %s", asks[i], out);
    }
    snprintf(cmd, sizeof cmd,
             ECOSIM " run --vehicle " ECO_SOURCE_DIR
                    "/models/vehicles/hyundai_sonata_hybrid_2022.json --cycle %s --quiet "
                    ">/dev/null 2>&1",
             cycle_path);
    cr_assert_eq(run(cmd, out, sizeof out), 0);
}

/* The band defaults to the WLTP tolerance (issue 3); --band 0 is the exact trace, where the
 * MPC follows the reference as closely as the baseline (UN GTR 15: +-2 km/h, +-1 s). */
Test(mpc_cli, band_defaults_to_the_wltp_tolerance)
{
    char cmd[1024], out[65536];
    const char *band[] = {"", "--band 0", "--band 3"};
    const double kmh[] = {2.0, 0.0, 3.0}, sec[] = {1.0, 0.0, 1.0};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd,
                 ECOSIM " run --cycle %s --controller mpc %s --json --quiet 2>/dev/null",
                 cycle_path, band[i]);
        cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
        cJSON *o = cJSON_Parse(out);
        cr_assert_not_null(o);
        cr_assert_float_eq(num(o, "band_kmh"), kmh[i], 1e-12, "%s", band[i]);
        cr_assert_float_eq(num(o, "band_s"), sec[i], 1e-12, "%s", band[i]);
        if (kmh[i] == 0.0)
            cr_assert_lt(num(o, "trace_rms_kmh"), 0.1, "the exact trace is followed");
        else
            cr_assert_gt(num(o, "trace_rms_kmh"), 0.2, "the band is used for shaping");
        cJSON_Delete(o);
    }
}

/* --start-fuel-g: the baseline's decisions do not depend on it, so its fuel rises by exactly
 * starts x start fuel (in litres: over the fuel's density). */
static cJSON *baseline_run(const char *extra)
{
    char cmd[2048], out[65536];
    snprintf(cmd, sizeof cmd, ECOSIM " run --cycle %s --json --quiet %s", cycle_path, extra);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    cJSON *o = cJSON_Parse(out);
    cr_assert_not_null(o, "%s", out);
    return o;
}

Test(mpc_cli, start_fuel_is_charged_once_per_start)
{
    eco_vehicle v;
    cr_assert_eq(eco_cfg_vehicle_load(ECO_SOURCE_DIR "/models/vehicles/toyota_prius_2022.json",
                                      ECO_SOURCE_DIR "/models/maps", &v),
                 ECO_OK, "%s", eco_last_error());
    double g_per_l = v.fuel.density_g_per_l;
    eco_vehicle_free(&v);
    cJSON *free_st = baseline_run(""), *priced = baseline_run("--start-fuel-g 0.25");
    double starts = num(free_st, "engine_starts"), km = num(free_st, "distance_km");
    cr_assert(starts >= 2);
    cr_assert_eq(num(priced, "engine_starts"), starts);
    double d_g =
        (num(priced, "fuel_l_per_100km") - num(free_st, "fuel_l_per_100km")) * km / 100 * g_per_l;
    cr_assert_float_eq(d_g, starts * 0.25, 1e-9, "+%g g of fuel for %g starts", d_g, starts);
    cJSON_Delete(free_st);
    cJSON_Delete(priced);
}
