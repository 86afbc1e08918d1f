/* The route MPC and DP (issue 9): the limit, the stops, the trip time, the DP against brute
 * force on a tiny route, no allocation in the step, and ecosim's refusal of a trip time
 * shorter than the route allows. */
#include "../src/control/mpc_route_internal.h"
#include "cli_fixture.h"
#include "ecodrive/config.h"
#include "route_mpc.h"

#include <math.h>
#include <string.h>

/* 5 s at the start, 50 km/h, then 70 km/h up 3 % from 400 m and down 3 % from 900 m where
 * the car stands 15 s; 50 km/h from 1400 m to the end at 1600 m, 3 s there. */
static const char *ROUTE = "distance_m,speed_limit_kmh,grade,stop_s\n"
                           "0,50,0,5\n400,70,0.03,0\n900,70,-0.03,15\n1400,50,0,0\n1600,50,0,3\n";
static char route_path[600];

static void setup(void)
{
    make_cycle();
    snprintf(route_path, sizeof route_path, "%s/hand.csv", cli_dir);
    FILE *fp = fopen(route_path, "w");
    cr_assert_not_null(fp);
    fputs(ROUTE, fp);
    fclose(fp);
}

static void load(const char *vehicle, eco_vehicle *veh, eco_route *r)
{
    char path[512];
    snprintf(path, sizeof path, ECO_SOURCE_DIR "/models/vehicles/%s.json", vehicle);
    cr_assert_eq(eco_cfg_vehicle_load(path, ECO_SOURCE_DIR "/models/maps", veh), ECO_OK, "%s",
                 eco_last_error());
    cr_assert_eq(eco_cfg_route_load(route_path, r), ECO_OK, "%s", eco_last_error());
}

static void options(eco_sim_options *o)
{
    eco_sim_options_default(o);
    o->engine_hot = 1;
    o->quiet = 1;
}

/* Seconds the car stands (slower than 0.1 m/s) within 1 m of distance d. */
static double still_at(const eco_sim_route_result *res, double d)
{
    double t = 0.0;
    for (int i = 0; i < res->run.n_series; i++)
        if (fabs(res->distance_m[i] - d) <= 1.0 && res->run.series[i].speed_kmh < 0.36)
            t += 0.1;
    return t;
}

Test(mpc_route, below_the_limit_and_stands_at_each_stop, .init = setup, .fini = drop_cycle)
{
    eco_vehicle veh;
    eco_route r;
    load("toyota_prius_2022", &veh, &r);
    eco_sim_options opt;
    options(&opt);
    eco_sim_route_result res;
    eco_sim_route_match m;
    cr_assert_eq(eco_sim_route_run_at_time(&veh, &r, "mpc", NULL, NULL, &opt, 160.0, &res, &m),
                 ECO_OK, "%s", eco_last_error());
    cr_expect_eq(res.over_limit_s, 0.0, "over the limit %.1f s", res.over_limit_s);
    for (int i = 0; i < res.run.n_series; i++)
        cr_assert_leq(res.run.series[i].speed_kmh, res.limit_kmh[i] + 1e-9, "sample %d", i);
    cr_expect_eq(res.stops, 3);
    cr_expect_geq(still_at(&res, 0.0), 5.0 - 1e-6);
    cr_expect_geq(still_at(&res, 900.0), 15.0 - 1e-6, "stood %.1f s", still_at(&res, 900.0));
    cr_expect_geq(still_at(&res, 1600.0), 3.0 - 1e-6);
    cr_expect_lt(fabs(res.run.total.distance_m - 1600.0), 1.0);
    eco_sim_route_result_free(&res);
    eco_route_free(&r);
    eco_vehicle_free(&veh);
}

Test(mpc_route, the_step_allocates_nothing, .init = setup, .fini = drop_cycle)
{
    eco_vehicle veh;
    eco_route r;
    load("toyota_prius_2022", &veh, &r);
    eco_mpc_route_ws *ws = eco_mpc_route_create(&veh, &r, 0.1, NULL, NULL);
    cr_assert_not_null(ws, "%s", eco_last_error());
    eco_state x;
    eco_model_state_init(&veh, 1, &x);
    unsigned long a0 = eco_alloc_count();
    for (int k = 0; k < 600; k++) { /* a minute from rest: re-plans at each stage */
        eco_observation obs;
        eco_observation_from_plant(&veh, &x, NULL, 0.0, &obs);
        eco_mpc_route_locate(ws, x.distance_m, 900.0, 0);
        eco_setpoint sp;
        cr_assert_eq(eco_mpc_route_step(ws, &obs, &sp), ECO_OK);
        eco_state next;
        eco_step_out out;
        cr_assert_eq(eco_model_step(&veh, &x, &sp.cmd, 0.0, 0.1, &next, &out), ECO_OK);
        x = next;
    }
    cr_expect_eq(eco_alloc_count(), a0, "the step allocated");
    long replans;
    double s;
    eco_mpc_route_stats(ws, &replans, &s);
    cr_expect_gt(replans, 10);
    eco_mpc_route_free(ws);
    eco_route_free(&r);
    eco_vehicle_free(&veh);
}

/* Cost of the speeds v1, v2 at the two inner points of a 3-stage stretch from rest to rest. */
static double path_cost(const eco_mpc_route_ws *ws, const double *v)
{
    double c = 0.0, dt, bj;
    for (int k = 0; k < 3; k++)
        c += eco_route_stage_cost(ws, v[k], v[k + 1], ws->pos_m[k + 1] - ws->pos_m[k],
                                  ws->shift_mps2[k], &dt, &bj);
    return c;
}

Test(mpc_route, dp_equals_brute_force_on_a_tiny_route)
{
    eco_vehicle veh;
    cr_assert_eq(eco_cfg_vehicle_load(ECO_SOURCE_DIR "/models/vehicles/vw_golf_1p5tsi_2020.json",
                                      ECO_SOURCE_DIR "/models/maps", &veh),
                 ECO_OK, "%s", eco_last_error());
    eco_route_row rows[3] = {
        {0, 36 / 3.6, 0, 0, 0}, {30, 36 / 3.6, 0.02, 0, 0}, {60, 36 / 3.6, 0, 0, 0}};
    eco_route r;
    cr_assert_eq(eco_route_init(&r, "tiny", rows, 3), ECO_OK);
    eco_mpc_route_settings s;
    eco_mpc_route_settings_default(&s);
    s.lo_frac = 0.0; /* the whole band: every node a candidate */
    eco_mpc_route_ws *ws = eco_mpc_route_create(&veh, &r, 0.1, &s, NULL);
    cr_assert_not_null(ws);
    cr_assert_eq(ws->n_pts, 4, "three 20 m stages");
    eco_mpc_route_plan_info in;
    cr_assert_eq(eco_mpc_route_dp(ws, 0.5, 1, &in), ECO_OK);
    double dp_v[4] = {0, ws->plan_v[1], ws->plan_v[2], 0};
    double best = INFINITY;
    for (int i = 0; i <= ws->jhi[1]; i++)
        for (int j = 0; j <= ws->jhi[2]; j++) {
            double v[4] = {0, i * ws->dv_mps, j * ws->dv_mps, 0};
            best = fmin(best, path_cost(ws, v));
        }
    cr_assert(isfinite(best));
    cr_expect_float_eq(path_cost(ws, dp_v), best, 1e-9 * fabs(best) + 1e-12);
    eco_mpc_route_free(ws);
    eco_route_free(&r);
    eco_vehicle_free(&veh);
}

Test(mpc_route, cli_trip_time_within_1pct_and_too_short_refused, .init = setup, .fini = drop_cycle)
{
    char cmd[1400], out[1 << 16];
    snprintf(cmd, sizeof cmd, ECOSIM " run --route %s --controller mpc --trip-time 170 --json",
             route_path);
    cr_assert_eq(run(cmd, out, sizeof out), 0);
    cJSON *o = cJSON_Parse(out);
    cr_assert_not_null(o);
    double t = num(o, "trip_time_s");
    cr_expect_lt(fabs(t - 170.0), 1.7, "trip %.1f s", t);
    cr_expect_eq(num(o, "over_limit_s"), 0.0);
    double t_min = num(o, "trip_time_min_s");
    cJSON_Delete(o);
    snprintf(cmd, sizeof cmd, ECOSIM " run --route %s --controller mpc --trip-time %.0f 2>&1",
             route_path, floor(t_min) - 5.0);
    cr_assert_eq(run(cmd, out, sizeof out), 2, "%s", out);
    char want[64];
    snprintf(want, sizeof want, "shortest feasible is %.1f s", t_min);
    cr_expect_not_null(strstr(out, want), "%s (wanted '%s')", out, want);
}
