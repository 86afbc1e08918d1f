/* Benchmark: wall time of one WLTC class 3b run with the baseline controller, per vehicle.
 * Prints one JSON line per vehicle: median and percentiles over repeated runs, and the
 * multiple of real time. Usage: bench_sim [RUNS [VEHICLE]] (default 50 runs; VEHICLE: one
 * shipped file name, such as vw_golf_1p5tsi_2020.json, for one car alone). */
#include "controllers.h"
#include "ecodrive/datadir.h"
#include "session.h"

#include <gsl/gsl_errno.h>
#include "ecodrive/common.h"
#include "ecodrive/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double now_s(void)
{
    return (double)eco_clock_ns(CLOCK_MONOTONIC) / ECO_NS_PER_S;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int bench_one(const char *vehicle_rel, const eco_sim_cycle *cyc, double dt, int runs)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", vehicle_rel);
    eco_vehicle veh;
    if (eco_sim_load_vehicle(path, &veh))
        return 1;
    eco_sim_options opt;
    eco_sim_options_default(&opt);
    opt.dt_s = dt;
    opt.quiet = 1;
    opt.engine_hot = 1;
    /* As campaigns and the EPA fidelity run it: the controller's solve times (two clock reads
     * a step) are what `ecosim run` reports of a controller, not part of a simulation. */
    opt.untimed = 1;
    double *t = calloc((size_t)runs, sizeof *t);
    double fuel = 0.0;
    for (int i = 0; i < runs; i++) {
        eco_sim_result res;
        eco_sim_summary sum;
        double t0 = now_s();
        if (eco_sim_run_named("baseline", NULL, &veh, cyc, &opt, &res, &sum, 0))
            return 1;
        t[i] = now_s() - t0;
        fuel = sum.total.fuel_soc_corrected_l_per_100km;
        eco_sim_result_free(&res);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp);
    double p50 = t[runs / 2], p90 = t[(int)(0.9 * (runs - 1))], mx = t[runs - 1];
    double span = eco_sim_cycle_duration_s(cyc);
    printf("{\"bench\":\"sim_wltc3b_baseline\",\"vehicle\":\"%s\",\"dt_s\":%g,\"runs\":%d,"
           "\"solve_timed\":false,"
           "\"ms_per_cycle_p50\":%.3f,\"ms_p90\":%.3f,\"ms_max\":%.3f,\"x_real_time_p50\":%.0f,"
           "\"fuel_l_per_100km\":%.3f}\n",
           veh.name, dt, runs, p50 * 1e3, p90 * 1e3, mx * 1e3, span / p50, fuel);
    free(t);
    eco_vehicle_free(&veh);
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    int runs = argc > 1 ? atoi(argv[1]) : 50;
    if (runs < 1)
        runs = 1;
    eco_sim_cycle cyc;
    if (eco_sim_load_cycle("wltc_class3b", &cyc))
        return 1;
    const char *vehicles[] = {"vw_golf_1p5tsi_2020.json", "toyota_corolla_1p8_cvt.json",
                              "toyota_prius_2022.json", "tesla_model3_rwd_2022.json"};
    char dir[4096];
    int rc = 0;
    for (size_t i = 0; i < sizeof vehicles / sizeof *vehicles; i++) {
        if (argc > 2 && strcmp(argv[2], vehicles[i]) != 0)
            continue;
        char rel[256];
        snprintf(rel, sizeof rel, "models/vehicles/%s", vehicles[i]);
        if (eco_data_path(rel, dir, sizeof dir))
            return 1;
        /* the 10 Hz step that the controllers use, and the cycles' own 1 Hz */
        rc |= bench_one(dir, &cyc, 0.1, runs);
        rc |= bench_one(dir, &cyc, 1.0, runs);
    }
    eco_sim_cycle_free(&cyc);
    return rc;
}
