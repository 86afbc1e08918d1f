/* ecodrived --route: the car's place on a route file by odometry, re-anchored at the stops
 * where it stands still (src/rt/route_track.c), against hand-computed distances; and a bad
 * route file refused at start-up with its file and line (exit 2). */
#include "../src/rt/rt_internal.h" /* private: the tracker */
#include "ecodrive/config.h"
#include "ecodrive/rt.h"
#include "ecodrive/units.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static eco_route route;

/* 0-100 m at 50 km/h, a 5 s stop at 100 m, the end at 300 m. */
static void setup(void)
{
    const eco_route_row rows[] = {{0.0, 50.0 / ECO_KMH_PER_MPS, 0.0, 0.0, 0},
                                  {100.0, 50.0 / ECO_KMH_PER_MPS, 0.0, 5.0, 0},
                                  {300.0, 50.0 / ECO_KMH_PER_MPS, 0.0, 0.0, 0}};
    cr_assert_eq(eco_route_init(&route, "test", rows, 3), ECO_OK);
}

static void teardown(void)
{
    eco_route_free(&route);
}

TestSuite(rt_route, .init = setup, .fini = teardown);

Test(rt_route, odometry_integrates_the_speed_by_trapezoids)
{
    eco_rt_route_track t;
    eco_rt_route_track_init(&t, &route);
    cr_expect(t.stop_at_m == 100.0 && !t.dwelling);
    eco_rt_route_track_step(&t, 10.0, 0.1); /* from rest: (0 + 10) / 2 x 0.1 */
    cr_expect_float_eq(t.x_m, 0.5, 1e-12);
    for (int k = 0; k < 9; k++)
        eco_rt_route_track_step(&t, 10.0, 0.1);
    cr_expect_float_eq(t.x_m, 9.5, 1e-12);
    eco_rt_route_track_step(&t, -1.0, 0.1); /* a negative reading counts as 0 */
    cr_expect_float_eq(t.x_m, 10.0, 1e-12);
}

Test(rt_route, a_stop_reanchors_the_distance_and_is_left_after_its_dwell)
{
    eco_rt_route_track t;
    eco_rt_route_track_init(&t, &route);
    for (int k = 0; k < 100; k++) /* 99.5 m at 10 m/s */
        eco_rt_route_track_step(&t, 10.0, 0.1);
    cr_expect_float_eq(t.x_m, 99.5, 1e-9);
    eco_rt_route_track_step(&t, 0.0, 0.1); /* +0.5 m, still: arrived, anchored at 100 */
    cr_expect(t.dwelling && t.x_m == 100.0);
    eco_rt_route_track_step(&t, 0.05, 0.1); /* creeping while standing does not count */
    cr_expect(t.x_m == 100.0);
    for (int k = 0; k < 48; k++)
        eco_rt_route_track_step(&t, 0.0, 0.1);
    cr_expect(t.dwelling, "5 s = 50 periods");
    eco_rt_route_track_step(&t, 0.0, 0.1);
    cr_expect(!t.dwelling && t.stop_at_m == 300.0, "off to the end");
    /* odometry short of a stop: 3 m before it and still is not arrived */
    t.x_m = 297.0;
    eco_rt_route_track_step(&t, 0.0, 0.1);
    cr_expect(!t.dwelling && !t.done);
    t.x_m = 299.5;
    eco_rt_route_track_step(&t, 0.0, 0.1);
    cr_expect(t.done && t.x_m == 300.0, "at rest at the end");
}

Test(rt_route, a_bad_route_file_is_refused_with_its_line)
{
    char dir[] = "/tmp/ecort_XXXXXX", csv[256], cmd[1024], out[512] = "";
    cr_assert(mkdtemp(dir));
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    FILE *fp = fopen(csv, "w");
    cr_assert(fp);
    fputs("distance_m,speed_limit_kmh,grade,stop_s\n0,50,0,0\n100,0,0,5\n500,50,0,0\n", fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "%s/ecodrived --replay %s/none.log --route %s 2>&1", ECO_BIN_DIR, dir,
             csv);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = 0;
    int st = pclose(p);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "%s", out);
    cr_expect(strstr(out, "r.csv:3:") && strstr(out, "speed_limit_kmh"), "%s", out);
    remove(csv);
    rmdir(dir);
}

/* The core in route mode on the shipped DBC, mapping and Prius: the car rolls at 10 m/s; the
 * route MPC is located by the odometry and gives valid setpoints, the same twice over. */
#define MS 1000000LL

static void put(const eco_can_db *db, eco_can_frame *f, const char *sig, double v)
{
    int s;
    cr_assert_eq(eco_can_db_signal_find(db, sig, &s), ECO_OK, "%s", sig);
    cr_assert_eq(eco_can_signal_encode(&db->signals[s], v, f->data), ECO_OK, "%s", sig);
}

static eco_can_frame frame(const eco_can_db *db, const char *msg_name, uint8_t *counter)
{
    static const char *const sig[] = {"VehicleSpeed", "SetSpeed",    "EngineSpeed",
                                      "EngineTorque", "Gear",        "BattSOC",
                                      "BattVoltage",  "BattCurrent", "CruiseActive"};
    static const double val[] = {10.0, 10.0, 150.0, 60.0, 1.0, 60.0, 201.6, 5.0, 1.0};
    int m;
    cr_assert_eq(eco_can_db_message_find(db, msg_name, &m), ECO_OK);
    eco_can_frame f = {db->msgs[m].id, db->msgs[m].dlc, {0}};
    for (int i = 0; i < 9; i++) {
        int s;
        if (eco_can_db_signal_find(db, sig[i], &s) == ECO_OK && db->signals[s].msg == m)
            put(db, &f, sig[i], val[i]);
    }
    if (db->msgs[m].e2e_crc >= 0)
        eco_can_e2e_protect(db, m, f.data, counter);
    return f;
}

static double drive(const eco_can_db *db, const eco_can_mapping *map, const eco_vehicle *veh,
                    uint8_t *last_frame)
{
    eco_mpc_route_ws *ws = eco_mpc_route_create(veh, &route, 0.1, NULL, NULL);
    cr_assert(ws, "%s", eco_last_error());
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, map, veh);
    cfg.solve_budget_ns = 0;
    cfg.route = &route;
    cfg.route_mpc = ws;
    eco_rt *rt;
    cr_assert_eq(eco_rt_create(&cfg, eco_mpc_route_controller(ws), &rt), ECO_OK, "%s",
                 eco_last_error());
    static const char *const msgs[] = {"EcoVehicleMotion", "EcoEngine", "EcoBattery"};
    uint8_t ctr[3] = {0, 0, 0};
    eco_can_frame sp;
    for (int64_t t = 1; t <= 2000; t++) {
        for (int i = 0; i < 3; i++)
            if (t % 10 == 5) {
                eco_can_frame f = frame(db, msgs[i], &ctr[i]);
                eco_rt_frame(rt, &f, t * MS);
            }
        if (t % 100 == 0)
            cr_expect_eq(eco_rt_step(rt, t * MS, &sp), 0, "valid at %lld ms", (long long)t);
    }
    cr_expect_eq(eco_rt_horizon_state(rt), ECO_HZ_STATE_ROUTE);
    memcpy(last_frame, sp.data, 8);
    double x = eco_rt_route_distance_m(rt, NULL);
    eco_rt_free(rt);
    return x;
}

Test(rt_route, the_core_plans_on_the_route_file)
{
    eco_can_db *db;
    eco_can_mapping map;
    eco_vehicle veh;
    cr_assert_eq(eco_can_db_load(ECO_SOURCE_DIR "/models/ecodrive.dbc", &db), ECO_OK);
    cr_assert_eq(eco_cfg_mapping_load(ECO_SOURCE_DIR "/models/mappings/ecodrive.json", db, &map),
                 ECO_OK);
    cr_assert_eq(eco_cfg_vehicle_load(ECO_SOURCE_DIR "/models/vehicles/toyota_prius_2022.json",
                                      ECO_SOURCE_DIR "/models/maps", &veh),
                 ECO_OK, "%s", eco_last_error());
    uint8_t a[8], b[8];
    double xa = drive(db, &map, &veh, a), xb = drive(db, &map, &veh, b);
    /* 20 steps at 10 m/s, the first from rest by the trapezoid: 0.5 + 19 x 1 m */
    cr_expect_float_eq(xa, 19.5, 1e-9);
    cr_expect(xa == xb && !memcmp(a, b, 8), "deterministic");
    eco_vehicle_free(&veh);
    eco_can_db_free(db);
}
