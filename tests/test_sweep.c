/* ecosim sweep and eco_cfg_weights_set: the trade-off view of one MPC weight. */
#include "cli_fixture.h"
#include "ecodrive/config.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const FIGURES[] = {"fuel_soc_corrected_l_per_100km",
                                      "nox_mg_per_km",
                                      "trace_rms_kmh",
                                      "jerk_rms_mps3",
                                      "accel_rms_mps2",
                                      "outside_tolerance_s",
                                      "distance_error_pct",
                                      "soc_end",
                                      "saving_vs_baseline_pct"};
#define N_FIGURES (sizeof FIGURES / sizeof FIGURES[0])

static void has_figures(const cJSON *o)
{
    cr_assert(cJSON_IsObject(o));
    for (size_t i = 0; i < N_FIGURES; i++)
        num(o, FIGURES[i]);
}

TestSuite(sweep, .init = make_cycle, .fini = drop_cycle);

/* 0.002 is the balanced value, so the middle point must be the balanced preset itself: the
 * swept weights reach the MPC as the presets do. More NOx weight, no more NOx. */
Test(sweep, nox_weight_trades_nox_for_fuel_and_json_has_the_keys)
{
    char cmd[4096], out[65536], csv[700], plot[700];
    snprintf(csv, sizeof csv, "%s/points.csv", cli_dir);
    snprintf(plot, sizeof plot, "%s/plot", cli_dir);
    snprintf(cmd, sizeof cmd,
             ECOSIM " sweep --cycle %s --vary nox_per_mg=0.0005,0.002,0.05 --json --quiet "
                    "--csv %s --plot %s 2>/dev/null",
             cycle_path, csv, plot);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    cJSON *o = cJSON_Parse(out);
    cr_assert_not_null(o, "one JSON object: %s", out);
    const char *strings[] = {"vehicle", "cycle", "key"};
    for (int i = 0; i < 3; i++)
        cr_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, strings[i])), "%s",
                  strings[i]);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "key")->valuestring, "nox_per_mg");
    cr_assert_float_eq(num(o, "band_kmh"), 2.0, 1e-12, "the WLTP tolerance by default");
    cr_assert_float_eq(num(o, "band_s"), 1.0, 1e-12);
    const cJSON *base = cJSON_GetObjectItemCaseSensitive(o, "baseline");
    has_figures(base);
    cr_assert_float_eq(num(base, "saving_vs_baseline_pct"), 0.0, 1e-12);
    const cJSON *presets = cJSON_GetObjectItemCaseSensitive(o, "presets");
    cr_assert(cJSON_IsArray(presets) && cJSON_GetArraySize(presets) == 3);
    const cJSON *balanced = cJSON_GetArrayItem(presets, 1);
    has_figures(balanced);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(balanced, "preset")->valuestring, "balanced");
    const cJSON *points = cJSON_GetObjectItemCaseSensitive(o, "points");
    cr_assert(cJSON_IsArray(points) && cJSON_GetArraySize(points) == 3);
    const double values[] = {0.0005, 0.002, 0.05};
    /* While NOx is ~1 % of the cost (0.0005..0.005) the MPC's choices are decided by the
     * other terms and NOx moves within +-4 % either way on this short cycle; the trade-off
     * shows where the weight counts. So: no point more than 5 % above the lightest weight's
     * NOx, and the heaviest weight at least 25 % below it. */
    double nox_first = num(cJSON_GetArrayItem(points, 0), "nox_mg_per_km");
    double fuel_base = num(base, FIGURES[0]);
    for (int i = 0; i < 3; i++) {
        const cJSON *p = cJSON_GetArrayItem(points, i);
        has_figures(p);
        cr_assert_float_eq(num(p, "value"), values[i], 1e-15, "points in sweep order");
        double nox = num(p, "nox_mg_per_km"), fuel = num(p, FIGURES[0]);
        cr_assert_leq(nox, nox_first * 1.05, "nox_per_mg=%g: NOx %g against %g mg/km", values[i],
                      nox, nox_first);
        cr_assert_float_eq(num(p, "saving_vs_baseline_pct"), 100.0 * (1.0 - fuel / fuel_base),
                           1e-9);
        cr_assert_gt(num(p, "jerk_rms_mps3"), 0.0, "jerk from the series");
        cr_assert_gt(num(p, "accel_rms_mps2"), 0.0);
    }
    const cJSON *mid = cJSON_GetArrayItem(points, 1);
    for (size_t i = 0; i < N_FIGURES; i++)
        cr_assert_eq(num(mid, FIGURES[i]), num(balanced, FIGURES[i]), "%s", FIGURES[i]);
    cr_assert_lt(num(cJSON_GetArrayItem(points, 2), "nox_mg_per_km"), 0.75 * nox_first,
                 "the weight does act");
    cr_assert_gt(num(cJSON_GetArrayItem(points, 2), FIGURES[0]),
                 num(cJSON_GetArrayItem(points, 0), FIGURES[0]), "and costs fuel");
    cJSON_Delete(o);

    FILE *fp = fopen(csv, "r");
    cr_assert_not_null(fp, "--csv writes %s", csv);
    int lines = 0;
    while (fgets(out, sizeof out, fp))
        lines++;
    fclose(fp);
    cr_assert_eq(lines, 4, "a header and one row per point");
    struct stat st;
    snprintf(cmd, sizeof cmd, "%s/sweep_tradeoff.png", plot);
    cr_assert(stat(cmd, &st) == 0 && st.st_size > 1000, "--plot makes %s", cmd);
}

Test(sweep, unknown_key_exits_2_naming_the_valid_keys)
{
    char cmd[1024], out[4096];
    snprintf(cmd, sizeof cmd, ECOSIM " sweep --cycle %s --vary nox=0.1,0.2 2>&1 >/dev/null",
             cycle_path);
    cr_assert_eq(run(cmd, out, sizeof out), 2);
    cr_assert(strstr(out, "unknown weight 'nox'") != NULL, "%s", out);
    const char *keys[] = {
        "fuel_per_g",       "nox_per_mg",        "tracking_per_kmh2s", "terminal_soc_per_pct2",
        "jerk_per_mps3_2s", "accel_per_mps2_2s", "trip_time_per_s"};
    for (int i = 0; i < 7; i++)
        cr_assert(strstr(out, keys[i]) != NULL, "lists %s: %s", keys[i], out);
}

Test(sweep, negative_or_malformed_values_exit_2)
{
    const char *bad[] = {"nox_per_mg=0.1,-0.2", "nox_per_mg=abc",   "nox_per_mg=0.1,,0.2",
                         "nox_per_mg=",         "nox_per_mg=0:1:1", "nox_per_mg=1:0.1:3",
                         "nox_per_mg=0:1",      "nox_per_mg=nan"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char cmd[1024], out[4096];
        snprintf(cmd, sizeof cmd, ECOSIM " sweep --cycle %s --vary '%s' 2>&1 >/dev/null",
                 cycle_path, bad[i]);
        cr_assert_eq(run(cmd, out, sizeof out), 2, "--vary %s", bad[i]);
        cr_assert(strstr(out, "ecosim sweep: --vary") != NULL, "--vary %s: %s", bad[i], out);
    }
}

/* A P2 hybrid, which the MPC does not plan for yet, is refused before any point runs, and
 * no output file is left behind. */
Test(sweep, a_p2_hybrid_is_refused_at_start)
{
    char cmd[2048], out[4096], jsonl[640];
    snprintf(jsonl, sizeof jsonl, "%s.p2.jsonl", cycle_path);
    snprintf(cmd, sizeof cmd,
             ECOSIM " sweep --vehicle " ECO_SOURCE_DIR "/models/vehicles/hyundai_sonata_hybrid_2022"
                    ".json --cycle %s --vary nox_per_mg=0,0.01 --quiet --out %s 2>&1 >/dev/null",
             cycle_path, jsonl);
    cr_assert_eq(run(cmd, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "parallel P2 hybrid") != NULL, "%s", out);
    cr_assert(access(jsonl, F_OK) != 0, "no %s", jsonl);
}

/* The setter and the loader share one key table: the same key sets the same field. */
Test(sweep, weights_set_matches_the_json_loader)
{
    const char *keys[] = {
        "fuel_per_g",       "nox_per_mg",        "tracking_per_kmh2s", "terminal_soc_per_pct2",
        "jerk_per_mps3_2s", "accel_per_mps2_2s", "trip_time_per_s"};
    for (int i = 0; i < 7; i++) {
        char text[128];
        snprintf(text, sizeof text, "{\"%s\": 0.375}", keys[i]);
        cJSON *root = cJSON_Parse(text);
        cr_assert_not_null(root);
        eco_mpc_weights from_json, set;
        cr_assert_eq(eco_cfg_weights_from_json(root, "t.json", &from_json), ECO_OK, "%s",
                     eco_last_error());
        cJSON_Delete(root);
        eco_mpc_weights_default(&set);
        cr_assert_eq(eco_cfg_weights_set(&set, keys[i], 0.375), ECO_OK);
        cr_assert_eq(memcmp(&set, &from_json, sizeof set), 0, "%s sets another field", keys[i]);
    }
    eco_mpc_weights w, before;
    eco_mpc_weights_default(&w);
    before = w;
    cr_assert_eq(eco_cfg_weights_set(&w, "fule_per_g", 1.0), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "fuel_per_g, nox_per_mg") != NULL, "%s", eco_last_error());
    cr_assert_eq(eco_cfg_weights_set(&w, "nox_per_mg", -1.0), ECO_EINVAL);
    cr_assert_eq(eco_cfg_weights_set(&w, "nox_per_mg", NAN), ECO_EINVAL);
    cr_assert_eq(memcmp(&w, &before, sizeof w), 0, "refused values leave the weights as they were");
}

/* A two-value sweep (`extra` adds options) on the short cycle: the parsed output, and its
 * two points in *a and *b. */
static cJSON *sweep_two(const char *extra, const cJSON **a, const cJSON **b)
{
    char cmd[2048], out[65536];
    snprintf(cmd, sizeof cmd, ECOSIM " sweep --cycle %s %s --json --quiet", cycle_path, extra);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    cJSON *o = cJSON_Parse(out);
    cr_assert_not_null(o);
    const cJSON *points = cJSON_GetObjectItemCaseSensitive(o, "points");
    cr_assert(cJSON_IsArray(points) && cJSON_GetArraySize(points) == 2);
    *a = cJSON_GetArrayItem(points, 0);
    *b = cJSON_GetArrayItem(points, 1);
    return o;
}

/* The model charges nothing for an engine start, so without a price on switching the MPC's
 * on/off choice flips at near-ties (19 starts in these 120 s of exact trace); the default
 * 0.002 breaks the ties for next to no fuel. */
Test(sweep, engine_switch_weight_damps_engine_starts)
{
    const cJSON *free_sw, *priced;
    cJSON *o = sweep_two("--band 0 --vary engine_switch=0,0.002", &free_sw, &priced);
    double n0 = num(free_sw, "engine_starts"), n1 = num(priced, "engine_starts");
    cr_assert(n0 >= 6 && n1 <= n0 / 3, "starts %g without the price, %g with it", n0, n1);
    cr_assert_float_eq(num(priced, FIGURES[0]), num(free_sw, FIGURES[0]),
                       0.01 * num(free_sw, FIGURES[0]), "for next to no fuel");
    cJSON_Delete(o);
}

/* Inside the band, free starts reward pulse and glide (24 starts in these 120 s); a start
 * priced in the horizon programme, with the engine state in its nodes, keeps the engine's
 * runs long (2 starts at 0.1 g) for a few per cent of fuel at most. */
Test(sweep, engine_start_price_in_the_horizon_ends_pulse_and_glide)
{
    const cJSON *free_st, *priced;
    cJSON *o = sweep_two("--vary engine_start_g=0,0.1", &free_st, &priced);
    double n0 = num(free_st, "engine_starts"), n1 = num(priced, "engine_starts");
    cr_assert(n0 >= 10 && n1 <= n0 / 5, "starts %g without the price, %g with it", n0, n1);
    cr_assert(num(priced, FIGURES[0]) < 1.03 * num(free_st, FIGURES[0]), "fuel %g vs %g",
              num(priced, FIGURES[0]), num(free_st, FIGURES[0]));
    cr_assert_eq(num(priced, "outside_tolerance_s"), 0.0);
    cJSON_Delete(o);
}

/* The runs go to worker processes; what comes back is what one process computes alone. */
Test(sweep, workers_give_the_single_process_result)
{
    char cmd[2048], one[65536], two[65536];
    const char *fmt = ECOSIM " sweep --cycle %s --vary nox_per_mg=0.001,0.01 --json --quiet "
                             "--jobs %d 2>/dev/null";
    snprintf(cmd, sizeof cmd, fmt, cycle_path, 1);
    cr_assert_eq(run(cmd, one, sizeof one), 0, "%s", one);
    snprintf(cmd, sizeof cmd, fmt, cycle_path, 2);
    cr_assert_eq(run(cmd, two, sizeof two), 0, "%s", two);
    cr_assert_str_eq(one, two);
}
