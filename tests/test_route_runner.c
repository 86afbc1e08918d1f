/* The route runner with the IDM baseline on the default Prius: distance, stops, the limit,
 * no creep; and ecosim run --route as a user runs it. */
#include "cli_fixture.h"
#include "ecodrive/config.h"
#include "route_runner.h"

#include <math.h>
#include <string.h>

#define KMH (1.0 / 3.6)

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

/* The IDM driver aiming short_m short of every stop, as a daemon whose odometry runs ahead. */
typedef struct {
    eco_sim_route_planner idm;
    double short_m;
} short_planner;

static void short_fill(eco_sim_route_planner *p, const eco_sim_route_status *st,
                       const eco_observation *obs, double dt, int n, eco_preview *pv)
{
    short_planner *s = p->ctx;
    eco_sim_route_status aimed = *st;
    aimed.stop_at_m -= s->short_m;
    s->idm.fill(&s->idm, &aimed, obs, dt, n, pv);
}

static void short_reset(eco_sim_route_planner *p)
{
    short_planner *s = p->ctx;
    s->idm.reset(&s->idm);
}

/* The baseline on the route, its IDM driver stopping short_m short of each stop. */
static int drive_short(eco_vehicle *veh, eco_route *r, double short_m, eco_sim_route_result *res)
{
    cr_assert_eq(eco_cfg_vehicle_load(ECO_SOURCE_DIR "/models/vehicles/toyota_prius_2022.json",
                                      ECO_SOURCE_DIR "/models/maps", veh),
                 ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_cfg_route_load(route_path, r), ECO_OK, "%s", eco_last_error());
    eco_controller *ctl = eco_baseline_create(veh, 0.1);
    eco_sim_idm_driver idm;
    short_planner sp = {.short_m = short_m};
    eco_sim_route_planner_idm(&sp.idm, &idm);
    eco_sim_route_planner planner = {.name = "short", .fill = short_fill, .reset = short_reset,
                                     .ctx = &sp};
    eco_sim_options opt;
    eco_sim_options_default(&opt);
    opt.engine_hot = 1;
    opt.quiet = 1;
    int rc = eco_sim_route_run(veh, r, ctl, &planner, &opt, res);
    ctl->destroy(ctl);
    return rc;
}

static void drive(eco_vehicle *veh, eco_route *r, eco_sim_route_result *res, eco_sim_summary *sum)
{
    cr_assert_eq(drive_short(veh, r, 0.0, res), ECO_OK, "%s", eco_last_error());
    eco_sim_route_summarize(veh, r, "baseline", res, sum);
}

static void done(eco_vehicle *veh, eco_route *r, eco_sim_route_result *res)
{
    eco_sim_route_result_free(res);
    eco_route_free(r);
    eco_vehicle_free(veh);
}

Test(route_runner, drives_the_route_from_rest_to_rest, .init = setup, .fini = drop_cycle)
{
    eco_vehicle veh;
    eco_route r;
    eco_sim_route_result res;
    eco_sim_summary sum;
    drive(&veh, &r, &res, &sum);
    double driven = res.run.total.distance_m;
    cr_assert(fabs(driven / 1600.0 - 1.0) < 0.002, "driven %.2f m of 1600", driven);
    cr_assert_eq(res.stops, 3);
    cr_assert_float_eq(res.run.series[res.run.n_series - 1].speed_kmh, 0.0, 0.36);
    /* No faster than the limits allow, with the dwell on top. */
    cr_assert_gt(res.trip_time_s, 23.0 + 1600.0 / (70 * KMH));
    cr_log_info("hand route: trip %.1f s, over the limit %.2f s, creep %.2f s", res.trip_time_s,
                res.over_limit_s, sum.quality.creep_s);
    cr_assert_lt(res.over_limit_s, 1.0, "over the limit %.2f s", res.over_limit_s);
    done(&veh, &r, &res);
}

/* The longest time the car is still (below 0.01 km/h) within a metre of point d. */
static double still_at(const eco_sim_route_result *res, double d)
{
    double best = 0.0, run = 0.0;
    for (int i = 0; i < res->run.n_series; i++) {
        int still = fabs(res->distance_m[i] - d) <= 1.0 && res->run.series[i].speed_kmh < 0.01;
        run = still ? run + 0.1 : 0.0;
        best = fmax(best, run);
    }
    return best;
}

Test(route_runner, stands_at_each_stop_and_never_creeps, .init = setup, .fini = drop_cycle)
{
    eco_vehicle veh;
    eco_route r;
    eco_sim_route_result res;
    eco_sim_summary sum;
    drive(&veh, &r, &res, &sum);
    const double at[] = {0.0, 900.0, 1600.0}, dwell[] = {5.0, 15.0, 3.0};
    for (int k = 0; k < 3; k++)
        cr_assert_geq(still_at(&res, at[k]), dwell[k] - 0.1 - 1e-9, "stop at %g m: %g s", at[k],
                      still_at(&res, at[k]));
    /* While the reference stands (the dwell), the car is still. */
    for (int i = 0; i < res.run.n_series; i++)
        if (res.run.series[i].speed_ref_kmh == 0.0)
            cr_assert_lt(res.run.series[i].speed_kmh, 0.5, "creeps at %.1f s",
                         res.run.series[i].time_s);
    cr_assert_float_eq(sum.quality.creep_s, 0.0, 1e-12);
    done(&veh, &r, &res);
}

/* A car standing 6 m short of the stops has made them (after 2 s: ECO_ROUTE_STAND_SHORT_M),
 * the dwell stood there; one standing 11 m short has not, and the trip never ends. */
Test(route_runner, a_car_standing_short_has_arrived_within_reach, .init = setup,
     .fini = drop_cycle)
{
    eco_vehicle veh;
    eco_route r;
    eco_sim_route_result res;
    cr_assert_eq(drive_short(&veh, &r, 6.0, &res), ECO_OK, "%s", eco_last_error());
    cr_expect_eq(res.stops, 3);
    cr_expect_eq(res.stops_short, 2, "900 m and the end, the start stood as it is");
    cr_expect_float_eq(res.stops_short_max_m, 6.0, 0.6, "%.2f m", res.stops_short_max_m);
    cr_expect_float_eq(res.run.total.distance_m, 1594.0, 0.6);
    const double at[] = {894.0, 1594.0}, dwell[] = {15.0, 3.0};
    for (int k = 0; k < 2; k++)
        cr_expect_geq(still_at(&res, at[k]), dwell[k] + 2.0 - 0.1 - 1e-9, "stood %g s at %g m",
                      still_at(&res, at[k]), at[k]);
    done(&veh, &r, &res);
    memset(&res, 0, sizeof res);
    cr_expect_eq(drive_short(&veh, &r, 11.0, &res), ECO_ESOLVER);
    cr_expect(strstr(eco_last_error(), "did not rest at the end"), "%s", eco_last_error());
    done(&veh, &r, &res);
}

Test(route_runner, run_route_command, .init = setup, .fini = drop_cycle)
{
    char cmd[2048], out[65536];
    snprintf(cmd, sizeof cmd, "%s run --route %s --json", ECOSIM, route_path);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    cJSON *o = cJSON_Parse(out);
    cr_assert_not_null(o, "%s", out);
    cr_assert_float_eq(num(o, "route_km"), 1.6, 1e-9);
    cr_assert_eq((int)num(o, "stops"), 3);
    cr_assert_gt(num(o, "trip_time_s"), 23.0);
    cr_assert_geq(num(o, "over_limit_s"), 0.0);
    cr_assert_float_eq(num(o, "creep_s"), 0.0, 1e-12);
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(o, "drive_quality");
    cr_assert(cJSON_IsObject(q));
    const char *keys[] = {"er_pct", "dr_pct", "eer_pct", "ascr_pct", "iwr_pct", "rmsse_kmh"};
    for (int i = 0; i < 6; i++)
        cr_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(q, keys[i])), "%s", keys[i]);
    cr_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "route")));
    cJSON_Delete(o);
    snprintf(cmd, sizeof cmd, "%s run --route %s --controller nonsense 2>&1", ECOSIM, route_path);
    cr_assert_eq(run(cmd, out, sizeof out), 2, "%s", out);
    cr_assert_eq(run(ECOSIM " run --route /nonexistent.csv 2>&1", out, sizeof out), 2);
    cr_assert(strstr(out, "/nonexistent.csv: cannot open"), "%s", out);
}

/* 130 km/h from 100 m and a stop 30 m on: no brakes stop that; named at load. */
Test(route_runner, unreachable_stop_refused, .init = setup, .fini = drop_cycle)
{
    char path[700], cmd[2048], out[4096];
    snprintf(path, sizeof path, "%s/short.csv", cli_dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("distance_m,speed_limit_kmh,grade,stop_s\n0,50,0,0\n100,130,0,0\n130,50,0,10\n"
          "300,50,0,0\n",
          fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "%s run --route %s 2>&1", ECOSIM, path);
    cr_assert_eq(run(cmd, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "short.csv: stop 1 at 130.0 m (line 4) cannot be reached"), "%s", out);
}
