/* The route MPC and DP (issue 9): the limit, the stops, the trip time, the wait at the stops
 * when a car is early at a price of 0, the DP against brute force on a tiny route, no
 * allocation in the step, and ecosim's refusal of a trip time shorter than the route
 * allows. */
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

/* Drive rows with the MPC or the DP at trip time t_s on the default Prius: rests at the end,
 * makes every stop, the route's distance, never over the limit. */
static void drive_rows(const char *ctl, const eco_route_row *rows, int n, int stops, double t_s)
{
    eco_vehicle veh;
    eco_route r;
    load("toyota_prius_2022", &veh, &r);
    eco_route_free(&r);
    cr_assert_eq(eco_route_init(&r, "rows", rows, n), ECO_OK, "%s", eco_last_error());
    eco_sim_options opt;
    options(&opt);
    eco_sim_route_result res;
    eco_sim_route_match m;
    cr_assert_eq(eco_sim_route_run_at_time(&veh, &r, ctl, NULL, NULL, &opt, t_s, &res, &m), ECO_OK,
                 "%s: %s", ctl, eco_last_error());
    double len = rows[n - 1].distance_m;
    cr_expect_eq(res.stops, stops, "%s", ctl);
    cr_expect_lt(fabs(res.run.total.distance_m - len), 1.0, "%s: driven %.2f m of %.2f", ctl,
                 res.run.total.distance_m, len);
    cr_expect_eq(res.over_limit_s, 0.0, "%s", ctl);
    eco_sim_route_result_free(&res);
    eco_route_free(&r);
    eco_vehicle_free(&veh);
}

/* Two stops 1.005 m apart (a recorded driver who stood, rolled a metre and stood again, as
 * on cmap_4113492_1 at 18050 m). Leaving the first, the car is within the runner's arrival
 * radius (1 m) of the second at once and stands there short of its point; the MPC then must
 * not plan a rest at that point, now behind it in the route's terms, and hold the car for
 * good. */
Test(mpc_route, leaves_a_stop_made_short_of_its_point, .init = setup, .fini = drop_cycle)
{
    eco_route_row rows[4] = {{0, 30 / 3.6, 0, 0, 0},
                             {300, 30 / 3.6, 0, 10, 0},
                             {301.005, 40 / 3.6, 0, 10, 0},
                             {600, 40 / 3.6, 0, 5, 0}};
    drive_rows("mpc", rows, 4, 3, 110.0);
}

/* Stops 3.8 cm apart (cmap_4116361_1 at 10706.7 m): rest to rest over 3.8 cm needs more
 * than the acceleration limits allow on the speed grid, so the two share a grid point;
 * the MPC and the DP drive the route (the shortest trip was infinite before). */
Test(mpc_route, stops_centimetres_apart, .init = setup, .fini = drop_cycle)
{
    eco_route_row rows[5] = {{0, 30 / 3.6, 0, 0, 0},
                             {300, 30 / 3.6, 0, 10, 0},
                             {300.038, 30 / 3.6, 0, 10, 0},
                             {500, 40 / 3.6, 0, 0, 0},
                             {700, 40 / 3.6, 0, 5, 0}};
    drive_rows("mpc", rows, 5, 3, 130.0);
    drive_rows("dp", rows, 5, 3, 130.0);
}

/* The trip of the MPC (dp 0) or the DP's plan (1) at a time price of 0 and the lower bound
 * scaled to 0: the slowest the car's fuel-optimal driving goes. */
static double unwaited_trip_s(const eco_vehicle *veh, const eco_route *r, int dp)
{
    eco_sim_options opt;
    options(&opt);
    eco_mpc_route_ws *ws = eco_mpc_route_create(veh, r, opt.dt_s, NULL, NULL);
    cr_assert_not_null(ws, "%s", eco_last_error());
    eco_mpc_route_lo_scale_set(ws, 0.0);
    eco_mpc_route_time_price_set(ws, 0.0);
    eco_mpc_route_plan_info in;
    if (dp)
        cr_assert_eq(eco_mpc_route_dp(ws, 0.0, 1, &in), ECO_OK);
    eco_sim_route_planner planner;
    eco_sim_route_planner_mpc(&planner, ws);
    eco_sim_route_result res;
    cr_assert_eq(eco_sim_route_run(veh, r, eco_mpc_route_controller(ws), &planner, &opt, &res),
                 ECO_OK, "%s", eco_last_error());
    double t = res.trip_time_s;
    eco_sim_route_result_free(&res);
    eco_mpc_route_free(ws);
    return t;
}

/* A conventional car is early at a price of 0 on a trip 40 s longer than its slowest: it
 * waits the 40 s at the two stops along the way, 10 s at the one of 10 s and 30 s at the one
 * of 30 s (in proportion to their dwells), standing still throughout, and arrives on time. */
Test(mpc_route, waits_at_the_stops_when_early_at_price_0, .init = setup, .fini = drop_cycle)
{
    eco_vehicle veh;
    eco_route r;
    load("vw_golf_1p5tsi_2020", &veh, &r);
    eco_route_free(&r);
    eco_route_row rows[4] = {{0, 50 / 3.6, 0, 0, 0},
                             {500, 50 / 3.6, 0, 10, 0},
                             {1000, 50 / 3.6, 0, 30, 0},
                             {1500, 50 / 3.6, 0, 5, 0}};
    cr_assert_eq(eco_route_init(&r, "waits", rows, 4), ECO_OK, "%s", eco_last_error());
    const char *ctl[2] = {"mpc", "dp"};
    for (int c = 0; c < 2; c++) {
        double target = unwaited_trip_s(&veh, &r, c) + 40.0;
        eco_sim_options opt;
        options(&opt);
        eco_sim_route_result res;
        eco_sim_route_match m;
        cr_assert_eq(
            eco_sim_route_run_at_time(&veh, &r, ctl[c], NULL, NULL, &opt, target, &res, &m), ECO_OK,
            "%s: %s", ctl[c], eco_last_error());
        eco_sim_summary sum;
        eco_sim_route_summarize(&veh, &r, ctl[c], &res, &sum);
        cr_log_info("%s: trip %.1f s of %.1f, waited %.1f s", ctl[c], res.trip_time_s, target,
                    m.wait_added_s);
        cr_expect(m.met, "%s", ctl[c]);
        cr_expect_lt(fabs(res.trip_time_s - target), 0.01 * target, "%s: trip %.1f s of %.1f",
                     ctl[c], res.trip_time_s, target);
        cr_expect_lt(fabs(m.wait_added_s - 40.0), 0.5, "%s: waited %.1f s", ctl[c], m.wait_added_s);
        cr_expect_geq(still_at(&res, 500.0), 20.0 - 0.15, "%s: stood %.1f s", ctl[c],
                      still_at(&res, 500.0));
        cr_expect_geq(still_at(&res, 1000.0), 60.0 - 0.15, "%s: stood %.1f s", ctl[c],
                      still_at(&res, 1000.0));
        cr_expect_eq(sum.quality.creep_s, 0.0, "%s: creep %.1f s", ctl[c], sum.quality.creep_s);
        cr_expect_eq(res.over_limit_s, 0.0, "%s", ctl[c]);
        eco_sim_route_result_free(&res);
    }
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
