/* Benchmark of the eco MPC and the DP (issue 3, "Speed"): one JSON line per figure.
 *  - mpc_step_us: MPC step time p50/p99/max over WLTC 3b in closed loop, default hybrid
 *    and default horizon, exact trace and WLTP band (targets 200 / 500 / 2000 us; anchor:
 *    openpilot's acados longitudinal MPC, mean 0.32 ms, p99.9 0.56 ms, max 3.4 ms);
 *  - mpc_allocs: allocations made inside the steps (target 0);
 *  - closed_loop: WLTC 3b at 10 Hz with the MPC, seconds and times real time (target
 *    2000x, under 0.9 s); the one-off create (table build) is reported apart;
 *  - dp_solve_s: the hybrid DP over WLTC 3b at the default grid (target 10 s).
 * Usage: bench_mpc [VEHICLE.json] (default: the shipped Prius). Never asserts: it reports. */
#include "controllers.h"
#include "ecodrive/dp.h"
#include "ecodrive/mpc.h"
#include "runner.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Closed loop: the runner times each controller step (CLOCK_MONOTONIC around step()). */
static int closed_loop(const eco_vehicle *veh, const eco_sim_cycle *cyc, double band_kmh,
                       double band_s, const char *label)
{
    eco_mpc_settings s;
    eco_mpc_settings_default(&s);
    s.deadline_us = 1e6; /* measure, never fall back */
    double t0 = now_s();
    eco_controller *ctl = eco_mpc_create(veh, 0.1, &s, NULL);
    double t_create = now_s() - t0;
    if (!ctl) {
        fprintf(stderr, "bench_mpc: %s\n", eco_last_error());
        return 1;
    }
    eco_sim_options o;
    eco_sim_options_default(&o);
    o.band_kmh = band_kmh;
    o.band_s = band_s;
    o.quiet = 1;
    o.engine_hot = 1;
    eco_sim_result r;
    unsigned long a0 = eco_alloc_count();
    t0 = now_s();
    int rc = eco_sim_run(veh, cyc, ctl, &o, &r);
    double t_run = now_s() - t0;
    /* The runner itself allocates its result arrays once (2 calls); the rest would be the
     * steps'. */
    long allocs = (long)(eco_alloc_count() - a0) - 2;
    ctl->destroy(ctl);
    if (rc)
        return 1;
    qsort(r.solve_us, (size_t)r.n_solve, sizeof(double), cmp);
    double p50 = r.solve_us[r.n_solve / 2], p99 = r.solve_us[(int)(0.99 * (r.n_solve - 1))];
    double mx = r.solve_us[r.n_solve - 1];
    double cycle_s = eco_sim_cycle_duration_s(cyc);
    printf("{\"figure\":\"mpc_step_us\",\"case\":\"%s\",\"vehicle\":\"%s\",\"steps\":%d,"
           "\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f,\"target_p50\":200,\"target_p99\":500,"
           "\"target_max\":2000}\n",
           label, veh->name, r.n_solve, p50, p99, mx);
    printf("{\"figure\":\"mpc_allocs\",\"case\":\"%s\",\"allocs_in_steps\":%ld,\"target\":0}\n",
           label, allocs < 0 ? 0 : allocs);
    printf("{\"figure\":\"closed_loop\",\"case\":\"%s\",\"cycle_s\":%.1f,\"run_s\":%.4f,"
           "\"x_real_time\":%.0f,\"create_s\":%.4f,\"target_x_real_time\":2000}\n",
           label, cycle_s, t_run, cycle_s / t_run, t_create);
    eco_sim_result_free(&r);
    return 0;
}

static int dp_time(const eco_vehicle *veh, const eco_sim_cycle *cyc)
{
    eco_sim_options o;
    eco_sim_options_default(&o);
    o.engine_hot = 1;
    eco_dp_settings ds;
    eco_dp_settings_default(&ds);
    eco_dp_solution *sol;
    double t0 = now_s();
    if (eco_sim_dp_solve(veh, cyc, &o, &ds, &sol))
        return 1;
    double t = now_s() - t0;
    eco_dp_result r;
    eco_dp_result_get(sol, &r);
    printf("{\"figure\":\"dp_solve_s\",\"case\":\"wltc_class3b_exact\",\"vehicle\":\"%s\","
           "\"seconds\":%.3f,\"n_soc\":%d,\"n_levels\":%d,\"steps\":%d,\"target_s\":10}\n",
           veh->name, t, r.n_soc, r.n_levels, (int)(eco_sim_cycle_duration_s(cyc) / 0.1 + 0.5));
    eco_dp_free(sol);
    return 0;
}

int main(int argc, char **argv)
{
    eco_vehicle veh;
    eco_sim_cycle cyc;
    if (eco_sim_load_vehicle(argc > 1 ? argv[1] : NULL, &veh))
        return 2;
    if (eco_sim_load_cycle("wltc_class3b", &cyc))
        return 2;
    int rc = closed_loop(&veh, &cyc, 0.0, 0.0, "wltc_class3b_exact") ||
             closed_loop(&veh, &cyc, 2.0, 1.0, "wltc_class3b_band_2kmh_1s") || dp_time(&veh, &cyc);
    eco_sim_cycle_free(&cyc);
    eco_vehicle_free(&veh);
    return rc;
}
