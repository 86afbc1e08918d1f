/* ecodrived --route: the car's place on a route file by odometry, re-anchored at the stops
 * where it stands still (src/rt/route_track.c), against hand-computed distances; and a bad
 * route file refused at start-up with its file and line (exit 2). */
#include "../src/rt/rt_internal.h" /* private: the tracker */
#include "ecodrive/config.h"
#include "ecodrive/rt.h"
#include "ecodrive/units.h"

#include <criterion/criterion.h>
#include <math.h>
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
    /* a driver who pulls away before the dwell is over has left the stop */
    eco_rt_route_track u;
    eco_rt_route_track_init(&u, &route);
    for (int k = 0; k < 101; k++)
        eco_rt_route_track_step(&u, k < 100 ? 10.0 : 0.0, 0.1);
    cr_expect(u.dwelling && u.x_m == 100.0);
    eco_rt_route_track_step(&u, 1.0, 0.1); /* 0.1 s into a 5 s dwell: off at 1 m/s */
    cr_expect(!u.dwelling && u.stop_at_m == 300.0, "left the stop before its dwell");
    eco_rt_route_track_step(&u, 1.0, 0.1);
    cr_expect_float_eq(u.x_m, 100.1, 1e-9, "and the odometry goes on from it");
    /* odometry short of a stop: standing 12 m before it is not arrived (a queue), 7 m
     * before it is (odometry that under-reads: within route_track.c's 10 m) */
    t.x_m = 288.0;
    eco_rt_route_track_step(&t, 0.0, 0.1);
    cr_expect(!t.dwelling && !t.done);
    t.x_m = 293.0;
    eco_rt_route_track_step(&t, 0.5, 0.1); /* rolling 7 m short: not yet */
    cr_expect(!t.dwelling && !t.done);
    eco_rt_route_track_step(&t, 0.0, 0.1);
    cr_expect(t.done && t.x_m == 300.0, "at rest at the end");
}

Test(rt_route, a_bad_route_file_is_refused_with_its_line)
{
    char dir[200], csv[256], cmd[1024], out[512] = "";
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/ecort_XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
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
    eco_can_frame f = eco_can_message_frame(&db->msgs[m]);
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

/* ---- the daemon's core in the closed loop, in process ----------------------------------
 * The route runner's plant with the core as its controller, as `ecosim bus --route` and
 * `ecodrived` drive it over vcan (sim/cmd_bus.c): each step the plant's signals go in as the
 * DBC's input frames (the pedals the baseline driver's, the set speed the IDM driver's), the
 * map ECU's horizon frames beside them, the core steps, and its setpoint's throttle and regen
 * are applied, with the friction brake of its EcoBrake frame (the gear stays the driver's). */
#include "bus_route.h"
#include "ecodrive/control.h"
#include "route_mpc.h"

typedef struct {
    eco_controller base;
    eco_controller *driver;
    const eco_can_db *db;
    const eco_can_mapping *map;
    eco_rt *rt;
    int msgs[16], n_msgs;
    uint8_t ctr[16];
    int64_t t_ns;
    long valid, over_1ms, over_300us;
    double solve_max_us;
    double set_speed_mps; /* the cruise's: the last positive reference, held at a stop when
                             the core plans the stops (route file, horizon); with the set
                             speed alone the driver cancels it at a stop and brakes */
    int hold_set_speed;
    int cruise_sig; /* CruiseActive, sent 1: the cruise is engaged all along */
    eco_rt_brake_layout brake;
    long brake_steps;   /* steps on a friction brake from EcoBrake */
    double speed_scale; /* VehicleSpeed as sent over the true speed (a speedometer's error) */
} core_loop;

static void core_send(void *ctx, const eco_can_frame *f)
{
    core_loop *c = ctx;
    eco_rt_frame(c->rt, f, c->t_ns);
}

static int core_step(eco_controller *ctl, const eco_observation *obs, const eco_preview *pv,
                     eco_setpoint *sp)
{
    core_loop *c = (core_loop *)ctl;
    c->driver->step(c->driver, obs, pv, sp);
    eco_observation o = *obs;
    o.accel_pedal = sp->cmd.throttle;
    o.brake_pedal = sp->cmd.brake;
    /* an ACC holds its set speed (and stays engaged) while it stops the car */
    if (pv->speed_ref_mps[0] > 0.0 || !c->hold_set_speed)
        c->set_speed_mps = pv->speed_ref_mps[0];
    o.set_speed_mps = c->set_speed_mps;
    o.grade_rad = pv->grade_rad[0];
    o.speed_mps *= c->speed_scale;
    for (int i = 0; i < c->n_msgs; i++) {
        eco_can_frame f = eco_can_message_frame(&c->db->msgs[c->msgs[i]]);
#define ECO_OBS_BUS(member, NAME, key, unit, type, need)                                           \
    eco_can_mapping_encode_input(c->map, c->db, ECO_CAN_IN_##NAME, o.member, &f);
#include "ecodrive/observation.def"
        if (c->db->signals[c->cruise_sig].msg == c->msgs[i])
            eco_can_signal_encode(&c->db->signals[c->cruise_sig], 1.0, f.data);
        if (c->db->msgs[c->msgs[i]].e2e_crc >= 0)
            eco_can_e2e_protect(c->db, c->msgs[i], f.data, &c->ctr[i]);
        eco_rt_frame(c->rt, &f, c->t_ns);
    }
    eco_can_frame out, brake_frame;
    eco_can_setpoint rx;
    unsigned fl = eco_rt_step(c->rt, c->t_ns + 1, &out);
    double brake = 0.0;
    int brake_valid = 0;
    cr_assert_eq(eco_rt_brake_frame(c->rt, &brake_frame), ECO_OK);
    cr_assert_eq(eco_rt_brake_decode(&c->brake, c->db, &brake_frame, &brake, &brake_valid), ECO_OK);
    cr_assert_eq(brake_valid, fl == 0, "EcoBrakeValid with the setpoint's validity");
    double us = eco_rt_stats_get(c->rt)->last_solve_us;
    c->solve_max_us = us > c->solve_max_us ? us : c->solve_max_us;
    c->over_1ms += us > 1000.0;
    c->over_300us += us > 300.0;
    if (fl == 0 && eco_can_mapping_decode_setpoint(c->map, c->db, &out, &rx) == ECO_OK &&
        rx.valid) {
        c->valid++;
        sp->cmd.throttle = rx.throttle;
        sp->cmd.regen = rx.regen;
        sp->cmd.brake = brake;
        c->brake_steps += brake > 0.0;
    }
    c->t_ns += 100 * MS;
    return ECO_OK;
}

static void core_reset(eco_controller *ctl)
{
    core_loop *c = (core_loop *)ctl;
    c->driver->reset(c->driver);
}

typedef enum { LOOP_SET_SPEED, LOOP_HORIZON, LOOP_ROUTE_FILE } loop_mode;

typedef struct {
    double fuel_g, trip_s, distance_m;
    long steps, valid;
    int hz_state;
    int stops, stops_short;
    double stops_short_max_m;
} loop_result;

/* Drive r in the loop with the core in mode at time price p (the route MPC's), the car's
 * VehicleSpeed speed_scale times its true speed. */
static void core_loop_run_scaled(const eco_can_db *db, const eco_can_mapping *map,
                                 const eco_vehicle *veh, const eco_route *r, loop_mode mode,
                                 double p, double speed_scale, loop_result *out)
{
    static core_loop c;
    memset(&c, 0, sizeof c);
    c.speed_scale = speed_scale;
    c.db = db;
    c.map = map;
    c.base = (eco_controller){.name = "core",
                              .step = core_step,
                              .reset = core_reset,
                              .destroy = core_reset,
                              .veh = veh,
                              .dt_s = 0.1,
                              .preview_n = 1};
    c.driver = eco_baseline_create(veh, 0.1);
    c.n_msgs = eco_can_mapping_input_messages(map, db, c.msgs, 16);
    cr_assert_eq(eco_can_db_signal_find(db, "CruiseActive", &c.cruise_sig), ECO_OK);
    cr_assert_eq(eco_rt_brake_layout_find(db, &c.brake), ECO_OK);
    c.hold_set_speed = mode != LOOP_SET_SPEED;
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, map, veh);
    cfg.solve_budget_ns = 0;
    eco_mpc_route_settings set;
    eco_mpc_route_settings_default(&set);
    set.time_price_per_s = p;
    cfg.route_settings = &set;
    eco_controller *ctl;
    if (mode == LOOP_ROUTE_FILE) {
        eco_mpc_route_ws *ws = eco_mpc_route_create(veh, r, 0.1, &set, NULL);
        cr_assert(ws, "%s", eco_last_error());
        cfg.route = r;
        cfg.route_mpc = ws;
        ctl = eco_mpc_route_controller(ws);
    } else {
        eco_mpc_settings ms;
        eco_mpc_settings_default(&ms);
        ctl = eco_mpc_create(veh, 0.1, &ms, NULL);
    }
    cr_assert_eq(eco_rt_create(&cfg, ctl, &c.rt), ECO_OK, "%s", eco_last_error());
    static eco_sim_bus_route road;
    eco_sim_route_planner planner;
    cr_assert_eq(eco_sim_bus_route_planner(&planner, &road, db, r, core_send, &c), ECO_OK);
    if (mode != LOOP_HORIZON) { /* no map ECU: the IDM driver alone */
        static eco_sim_idm_driver idm;
        eco_sim_route_planner_idm(&planner, &idm);
    }
    eco_sim_options opt;
    eco_sim_options_default(&opt);
    opt.engine_hot = 1;
    opt.quiet = 1;
    eco_sim_route_result res;
    cr_assert_eq(eco_sim_route_run(veh, r, &c.base, &planner, &opt, &res), ECO_OK, "%s",
                 eco_last_error());
    out->fuel_g = res.run.total.fuel_g;
    out->trip_s = res.trip_time_s;
    out->distance_m = res.run.total.distance_m;
    out->steps = res.run.n_series;
    out->stops = res.stops;
    out->stops_short = res.stops_short;
    out->stops_short_max_m = res.stops_short_max_m;
    out->valid = c.valid;
    out->hz_state = eco_rt_horizon_state(c.rt);
    cr_log_info("mode %d: solve max %.0f us, %ld steps over 1 ms, %ld over 300 us, %ld steps "
                "on EcoBrake's brake",
                (int)mode, c.solve_max_us, c.over_1ms, c.over_300us, c.brake_steps);
    eco_sim_route_result_free(&res);
    eco_rt_free(c.rt);
    c.driver->destroy(c.driver);
}

static void core_loop_run(const eco_can_db *db, const eco_can_mapping *map, const eco_vehicle *veh,
                          const eco_route *r, loop_mode mode, double p, loop_result *out)
{
    core_loop_run_scaled(db, map, veh, r, mode, p, 1.0, out);
}

/* The routes `ecosim route --from-drive` makes from the first 300 s (tests/vm/
 * case_horizon_route.sh) and 600 s of sim/drives/cmap_4116880_1_2007-04-23.csv. */
static const eco_route_row R300[] = {{0.0, 80.0 / ECO_KMH_PER_MPS, 0.0, 0.0, 0},
                                     {4017.634, 80.0 / ECO_KMH_PER_MPS, 0.0, 0.0, 0}};
static const eco_route_row R600[] = {{0.0, 80.0 / ECO_KMH_PER_MPS, 0.0, 0.0, 0},
                                     {4154.114, 80.0 / ECO_KMH_PER_MPS, 0.0, 54.0, 0},
                                     {5374.080, 70.0 / ECO_KMH_PER_MPS, 0.0, 60.0, 0},
                                     {6101.889, 70.0 / ECO_KMH_PER_MPS, 0.0, 0.0, 0}};

static void loop_fixture(eco_can_db **db, eco_can_mapping *map, eco_vehicle *veh, eco_route *r,
                         const eco_route_row *rows, int n)
{
    cr_assert_eq(eco_can_db_load(ECO_SOURCE_DIR "/models/ecodrive.dbc", db), ECO_OK);
    cr_assert_eq(eco_cfg_mapping_load(ECO_SOURCE_DIR "/models/mappings/ecodrive.json", *db, map),
                 ECO_OK);
    cr_assert_eq(eco_cfg_vehicle_load(ECO_SOURCE_DIR "/models/vehicles/toyota_corolla_1p8_cvt.json",
                                      ECO_SOURCE_DIR "/models/maps", veh),
                 ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_route_init(r, "drive", rows, n), ECO_OK, "%s", eco_last_error());
}

/* The in-process route MPC at the baseline's trip time: the yardstick. */
static void in_process(const eco_vehicle *veh, const eco_route *r, loop_result *out, double *price)
{
    eco_sim_options opt;
    eco_sim_options_default(&opt);
    opt.engine_hot = 1;
    opt.quiet = 1;
    eco_sim_route_result res;
    cr_assert_eq(eco_sim_route_run_baseline(veh, r, &opt, &res), ECO_OK);
    double target = res.trip_time_s;
    eco_sim_route_result_free(&res);
    eco_sim_route_match m;
    cr_assert_eq(eco_sim_route_run_at_time(veh, r, "mpc", NULL, NULL, &opt, target, &res, &m),
                 ECO_OK, "%s", eco_last_error());
    out->fuel_g = res.run.total.fuel_g;
    out->trip_s = res.trip_time_s;
    out->distance_m = res.run.total.distance_m;
    *price = m.time_price;
    eco_sim_route_result_free(&res);
}

/* The route file and the horizon on the bus within 2 % of the in-process fuel and trip time
 * (issue 10), every setpoint valid, the horizon in use at the end. Fuel is held to 1 %: with
 * the controller's brake from EcoBrake the loop is within a few tenths of a percent, and with
 * the driver's brake it was 1.3 to 1.6 % over. */
static void expect_as_in_process(const loop_result *ip, const loop_result *rf,
                                 const loop_result *hz)
{
    const loop_result *bus[2] = {rf, hz};
    for (int i = 0; i < 2; i++) {
        cr_expect_eq(bus[i]->valid, bus[i]->steps, "every setpoint valid");
        cr_expect_leq(fabs(bus[i]->fuel_g / ip->fuel_g - 1.0), 0.01,
                      "%s: fuel %.1f g, in process %.1f g", i ? "horizon" : "route file",
                      bus[i]->fuel_g, ip->fuel_g);
        cr_expect_leq(fabs(bus[i]->trip_s / ip->trip_s - 1.0), 0.02,
                      "%s: trip %.1f s, in process %.1f s", i ? "horizon" : "route file",
                      bus[i]->trip_s, ip->trip_s);
    }
    cr_expect_eq(hz->hz_state, ECO_HZ_STATE_VALID);
}

/* The route file and the horizon on the bus within 2 % of the in-process fuel and trip time
 * (issue 10), the set speed measurably worse. */
Test(rt_route, the_core_in_the_loop_burns_as_in_process)
{
    eco_can_db *db;
    eco_can_mapping map;
    eco_vehicle veh;
    eco_route r;
    loop_fixture(&db, &map, &veh, &r, R300, 2);
    loop_result ip, rf, ss;
    double price;
    in_process(&veh, &r, &ip, &price);
    core_loop_run(db, &map, &veh, &r, LOOP_ROUTE_FILE, price, &rf);
    core_loop_run(db, &map, &veh, &r, LOOP_SET_SPEED, price, &ss);
    loop_result hz;
    core_loop_run(db, &map, &veh, &r, LOOP_HORIZON, price, &hz);
    cr_log_info("in-process %.1f g %.1f s; route file %.1f g %.1f s (%ld/%ld valid); set speed "
                "%.1f g %.1f s; horizon %.1f g %.1f s (%ld/%ld valid) state %d",
                ip.fuel_g, ip.trip_s, rf.fuel_g, rf.trip_s, rf.valid, rf.steps, ss.fuel_g,
                ss.trip_s, hz.fuel_g, hz.trip_s, hz.valid, hz.steps, hz.hz_state);
    expect_as_in_process(&ip, &rf, &hz);
    cr_expect_gt(ss.fuel_g, 1.02 * hz.fuel_g, "the set speed burns measurably more: %.1f g",
                 ss.fuel_g);
    eco_route_free(&r);
    eco_vehicle_free(&veh);
    eco_can_db_free(db);
}

/* The 600 s route's two stops with their dwells (54 and 60 s), on the horizon and the file:
 * issue 10's 600 s of driving, held as the 300 s route is. */
Test(rt_route, the_core_in_the_loop_stands_at_the_stops)
{
    eco_can_db *db;
    eco_can_mapping map;
    eco_vehicle veh;
    eco_route r;
    loop_fixture(&db, &map, &veh, &r, R600, 4);
    loop_result ip, rf, ss, hz;
    double price;
    in_process(&veh, &r, &ip, &price);
    core_loop_run(db, &map, &veh, &r, LOOP_ROUTE_FILE, price, &rf);
    core_loop_run(db, &map, &veh, &r, LOOP_SET_SPEED, price, &ss);
    core_loop_run(db, &map, &veh, &r, LOOP_HORIZON, price, &hz);
    cr_log_info(
        "600: in-process %.1f g %.1f s; route file %.1f g %.1f s (%ld/%ld valid); set speed "
        "%.1f g %.1f s; horizon %.1f g %.1f s (%ld/%ld valid) state %d",
        ip.fuel_g, ip.trip_s, rf.fuel_g, rf.trip_s, rf.valid, rf.steps, ss.fuel_g, ss.trip_s,
        hz.fuel_g, hz.trip_s, hz.valid, hz.steps, hz.hz_state);
    expect_as_in_process(&ip, &rf, &hz);
    cr_expect_gt(ss.fuel_g, 1.02 * hz.fuel_g, "the set speed burns measurably more: %.1f g",
                 ss.fuel_g);
    eco_route_free(&r);
    eco_vehicle_free(&veh);
    eco_can_db_free(db);
}

/* A speedometer that reads 0.1 % fast: the route file's odometry runs ahead, and the daemon
 * stands the car short of each stop (4.2 m short at the first, 4154 m out) and takes that
 * for the stop; the shortfall adds up over the stops (5.4 m at the second, 6.1 m at the
 * end), where it holds the car. The runner takes a car standing so near for arrived (before
 * it, this trip never ended); the route is driven within issue 10's 2 % all the same. */
Test(rt_route, a_fast_speedometer_stands_short_and_still_ends_the_route)
{
    eco_can_db *db;
    eco_can_mapping map;
    eco_vehicle veh;
    eco_route r;
    loop_fixture(&db, &map, &veh, &r, R600, 4);
    loop_result ip, rf;
    double price;
    in_process(&veh, &r, &ip, &price);
    core_loop_run_scaled(db, &map, &veh, &r, LOOP_ROUTE_FILE, price, 1.001, &rf);
    cr_log_info("fast speedometer: in-process %.1f g %.1f s %.1f m; route file %.1f g %.1f s "
                "%.1f m, %d stops, %d short by up to %.2f m",
                ip.fuel_g, ip.trip_s, ip.distance_m, rf.fuel_g, rf.trip_s, rf.distance_m, rf.stops,
                rf.stops_short, rf.stops_short_max_m);
    double ahead_m = 0.001 * R600[3].distance_m; /* the odometry's lead at the end */
    cr_expect_eq(rf.stops, 3);
    cr_expect_eq(rf.stops_short, 3, "every stop made standing short");
    cr_expect_leq(fabs(rf.stops_short_max_m - ahead_m), 1.0, "short by %.2f m, the lead %.2f m",
                  rf.stops_short_max_m, ahead_m);
    cr_expect_leq(fabs(R600[3].distance_m - rf.distance_m - ahead_m), 1.0, "at %.1f m",
                  rf.distance_m);
    cr_expect_leq(fabs(rf.fuel_g / ip.fuel_g - 1.0), 0.02);
    cr_expect_leq(fabs(rf.trip_s / ip.trip_s - 1.0), 0.02);
    eco_route_free(&r);
    eco_vehicle_free(&veh);
    eco_can_db_free(db);
}

/* The horizon stops (the map ECU falls silent at 5 s): the core previews the set speed again
 * within 3 periods of the staleness timeout (3 POSITION cycles), with valid setpoints, and
 * says so (EcoHorizonState 2); it comes back at 8 s: the route MPC plans on it again. */
Test(rt_route, the_horizon_stops_and_comes_back)
{
    eco_can_db *db;
    eco_can_mapping map;
    eco_vehicle veh;
    eco_route r;
    loop_fixture(&db, &map, &veh, &r, R300, 2);
    eco_mpc_settings ms;
    eco_mpc_settings_default(&ms);
    eco_controller *base = eco_mpc_create(&veh, 0.1, &ms, NULL);
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, &map, &veh);
    cfg.solve_budget_ns = 0;
    eco_rt *rt;
    cr_assert_eq(eco_rt_create(&cfg, base, &rt), ECO_OK, "%s", eco_last_error());
    static eco_sim_hz_ecu ecu;
    cr_assert_eq(eco_sim_hz_ecu_init(&ecu, db, &r, ECO_SIM_HZ_LOOKAHEAD_M), ECO_OK);
    static const char *const msgs[] = {"EcoVehicleMotion", "EcoEngine", "EcoBattery"};
    uint8_t ctr[3] = {0, 0, 0};
    int64_t silent_at = -1, back_at = -1;
    for (int64_t t = 100; t <= 12000; t += 100) {
        for (int i = 0; i < 3; i++) {
            eco_can_frame f = frame(db, msgs[i], &ctr[i]);
            eco_rt_frame(rt, &f, t * MS);
        }
        int quiet = t > 5000 && t <= 8000;
        eco_can_frame hf[ECO_SIM_HZ_FRAMES_MAX];
        int n = eco_sim_hz_ecu_frames(&ecu, 10.0 * t * 1e-3, t * MS, hf);
        for (int i = 0; !quiet && i < n; i++)
            eco_rt_frame(rt, &hf[i], t * MS);
        eco_can_frame sp;
        cr_expect_eq(eco_rt_step(rt, t * MS + 1, &sp), 0, "valid at %lld ms", (long long)t);
        int on_hz = eco_rt_controller(rt) != base;
        if (t == 4000)
            cr_expect(on_hz && eco_rt_horizon_state(rt) == ECO_HZ_STATE_VALID);
        if (t > 5000 && !on_hz && silent_at < 0) {
            silent_at = t;
            cr_expect_eq(eco_rt_horizon_state(rt), ECO_HZ_STATE_STALE);
        }
        if (t > 8000 && on_hz && back_at < 0)
            back_at = t;
    }
    cr_expect(silent_at > 0 && silent_at - 5000 <= 300 + 3 * 100,
              "the set speed again %lld ms after the last POSITION", (long long)(silent_at - 5000));
    cr_expect(back_at > 0 && back_at - 8000 <= 200, "the horizon again at %lld ms",
              (long long)back_at);
    eco_rt_free(rt);
    eco_route_free(&r);
    eco_vehicle_free(&veh);
    eco_can_db_free(db);
}
