/* SIGHUP's weights reload with a road ahead (src/rt/swap.c): the route MPC the core plans on
 * the horizon with, and the route file's MPC, take the new weights too. The fact checked: a
 * core reloaded to weights W before its first frame sends, frame for frame, what a core made
 * with W from the start sends, and a core left at the old weights sends something else (so
 * W does change the plan, and a reload that missed the route MPC would show). */
#include "bus_horizon.h"
#include "ecodrive/config.h"
#include "ecodrive/mpc.h"
#include "ecodrive/mpc_route.h"
#include "ecodrive/rt.h"
#include "ecodrive/units.h"

#include <criterion/criterion.h>
#include <string.h>

#define MS    1000000LL
#define SPEED 12.0 /* m/s, the car's steady speed on the bus */
#define STEPS 400  /* 40 s at 10 Hz */
#define CORES 3    /* reloaded to W, made with W, left at the defaults */

static eco_can_db *db;
static eco_can_mapping map;
static eco_vehicle veh;
static eco_route road;
static eco_mpc_weights heavy_nox; /* W: NOx priced 100 times the default */
static eco_mpc_route_settings route_set;

/* 0-1500 m at 80 km/h, a 20 s stop, then 50 km/h on a 3 % climb to 3000 m. */
static void setup(void)
{
    cr_assert_eq(eco_can_db_load(ECO_SOURCE_DIR "/models/ecodrive.dbc", &db), ECO_OK);
    cr_assert_eq(eco_cfg_mapping_load(ECO_SOURCE_DIR "/models/mappings/ecodrive.json", db, &map),
                 ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_cfg_vehicle_load(ECO_SOURCE_DIR "/models/vehicles/toyota_corolla_1p8_cvt.json",
                                      ECO_SOURCE_DIR "/models/maps", &veh),
                 ECO_OK, "%s", eco_last_error());
    const eco_route_row rows[] = {{0.0, 80.0 / ECO_KMH_PER_MPS, 0.0, 0.0, 0},
                                  {1500.0, 50.0 / ECO_KMH_PER_MPS, 0.03, 20.0, 0},
                                  {3000.0, 50.0 / ECO_KMH_PER_MPS, 0.0, 0.0, 0}};
    cr_assert_eq(eco_route_init(&road, "reload", rows, 3), ECO_OK, "%s", eco_last_error());
    eco_mpc_weights_default(&heavy_nox);
    heavy_nox.nox_per_mg *= 100.0;
    eco_mpc_route_settings_default(&route_set);
}

static void teardown(void)
{
    eco_route_free(&road);
    eco_vehicle_free(&veh);
    eco_can_db_free(db);
}

TestSuite(rt_reload, .init = setup, .fini = teardown);

/* SIGHUP's work as ecodrived does it: the cycle MPC, or with a route the route MPC on it. */
static int reload_heavy_nox(void *route, eco_controller **out, char *err, size_t n)
{
    if (route) {
        eco_mpc_route_ws *ws = eco_mpc_route_create(&veh, route, 0.1, &route_set, &heavy_nox);
        *out = ws ? eco_mpc_route_controller(ws) : NULL;
    } else {
        *out = eco_mpc_create(&veh, 0.1, NULL, &heavy_nox);
    }
    snprintf(err, n, "%s", *out ? "" : eco_last_error());
    return *out ? ECO_OK : ECO_ENOMEM;
}

/* A core on the horizon (route NULL) or on the route file, its controllers made with w. */
static eco_rt *make_core(const eco_route *route, const eco_mpc_weights *w)
{
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, &map, &veh);
    cfg.solve_budget_ns = 0;
    cfg.route_settings = &route_set;
    cfg.weights = w;
    eco_controller *ctl = eco_mpc_create(&veh, 0.1, NULL, w);
    if (route) {
        ctl->destroy(ctl);
        eco_mpc_route_ws *ws = eco_mpc_route_create(&veh, route, 0.1, &route_set, w);
        cr_assert(ws, "%s", eco_last_error());
        cfg.route = route;
        cfg.route_mpc = ws;
        ctl = eco_mpc_route_controller(ws);
    }
    eco_rt *rt;
    cr_assert_eq(eco_rt_create(&cfg, ctl, &rt), ECO_OK, "%s", eco_last_error());
    return rt;
}

/* The car's inputs at SPEED (cruise engaged, set speed SPEED) for one period. */
static void inputs(eco_rt *rt, int64_t t_ns, uint8_t *ctr)
{
    int msgs[ECO_CAN_IN_COUNT];
    int n = eco_can_mapping_input_messages(&map, db, msgs, ECO_CAN_IN_COUNT);
    for (int i = 0; i < n; i++) {
        eco_can_frame f = eco_can_message_frame(&db->msgs[msgs[i]]);
        eco_can_mapping_encode_input(&map, db, ECO_CAN_IN_VEHICLE_SPEED_MPS, SPEED, &f);
        eco_can_mapping_encode_input(&map, db, ECO_CAN_IN_SET_SPEED_MPS, SPEED, &f);
        eco_can_mapping_encode_input(&map, db, ECO_CAN_IN_ENGINE_SPEED_RADPS, 180.0, &f);
        eco_can_mapping_encode_input(&map, db, ECO_CAN_IN_ENGINE_TORQUE_NM, 60.0, &f);
        eco_can_mapping_encode_input(&map, db, ECO_CAN_IN_GEAR, 1, &f);
        eco_can_mapping_encode_input(&map, db, ECO_CAN_IN_BATTERY_SOC, 0.6, &f);
        eco_can_mapping_encode_input(&map, db, ECO_CAN_IN_BATTERY_VOLTAGE_V, 12.6, &f);
        eco_can_mapping_encode_engaged(&map, db, 1, &f);
        if (db->msgs[msgs[i]].e2e_crc >= 0)
            eco_can_e2e_protect(db, msgs[i], f.data, &ctr[i]);
        eco_rt_frame(rt, &f, t_ns);
    }
}

/* Drive the cores side by side on the same frames (the map ECU's too when hz) over periods
 * k0..k1 (k0 = 1: from the start); count the periods whose setpoint frame differs between
 * core 0 and core k, and the invalid ones. */
static void drive(eco_rt *rt[CORES], int hz, long k0, long k1, long differ[CORES], long *invalid)
{
    static eco_sim_hz_ecu ecu;
    static uint8_t ctr[CORES][ECO_CAN_IN_COUNT];
    if (k0 == 1) {
        cr_assert_eq(eco_sim_hz_ecu_init(&ecu, db, &road, ECO_SIM_HZ_LOOKAHEAD_M), ECO_OK);
        memset(ctr, 0, sizeof ctr);
    }
    memset(differ, 0, CORES * sizeof *differ);
    *invalid = 0;
    for (long k = k0; k <= k1; k++) {
        int64_t t = k * 100 * MS;
        eco_can_frame hf[ECO_SIM_HZ_FRAMES_MAX], sp[CORES];
        int n = hz ? eco_sim_hz_ecu_frames(&ecu, SPEED * (double)k * 0.1, t, hf) : 0;
        for (int c = 0; c < CORES; c++) {
            inputs(rt[c], t, ctr[c]);
            for (int i = 0; i < n; i++)
                eco_rt_frame(rt[c], &hf[i], t);
            *invalid += eco_rt_step(rt[c], t + 1, &sp[c]) != 0;
        }
        for (int c = 1; c < CORES; c++)
            differ[c] += memcmp(sp[0].data, sp[c].data, sizeof sp[0].data) != 0;
    }
}

static void check(eco_rt *rt[CORES], int hz)
{
    long differ[CORES], invalid;
    drive(rt, hz, 1, STEPS, differ, &invalid);
    if (hz)
        cr_expect_eq(eco_rt_horizon_state(rt[0]), ECO_HZ_STATE_VALID, "planned on the horizon");
    cr_expect_eq(invalid, 0, "every period valid");
    cr_expect_eq(differ[1], 0, "reloaded: as made with the new weights (%ld of %d differ)",
                 differ[1], STEPS);
    cr_expect_gt(differ[2], STEPS / 10, "the new weights change the plan (%ld of %d differ)",
                 differ[2], STEPS);
    for (int c = 0; c < CORES; c++)
        eco_rt_free(rt[c]);
}

Test(rt_reload, the_horizons_route_mpc_takes_the_new_weights)
{
    eco_rt *rt[CORES] = {make_core(NULL, NULL), make_core(NULL, &heavy_nox), make_core(NULL, NULL)};
    char err[256];
    cr_assert_eq(eco_rt_reload(rt[0], reload_heavy_nox, NULL, err, sizeof err), ECO_OK, "%s", err);
    check(rt, 1);
}

Test(rt_reload, the_route_files_mpc_takes_the_new_weights)
{
    eco_rt *rt[CORES] = {make_core(&road, NULL), make_core(&road, &heavy_nox),
                         make_core(&road, NULL)};
    char err[256];
    cr_assert_eq(eco_rt_reload(rt[0], reload_heavy_nox, &road, err, sizeof err), ECO_OK, "%s", err);
    check(rt, 0);
}

/* Mid-drive, as the live loop does it: made off the step, installed between two steps with
 * no allocation, and the car drives on on the horizon with every setpoint valid. */
Test(rt_reload, a_reload_mid_drive_installs_without_allocating)
{
    eco_rt *rt[CORES] = {make_core(NULL, NULL), make_core(NULL, NULL), make_core(NULL, NULL)};
    long differ[CORES], invalid;
    drive(rt, 1, 1, STEPS, differ, &invalid);
    cr_assert_eq(eco_rt_horizon_state(rt[0]), ECO_HZ_STATE_VALID);
    eco_rt_swap s = {NULL, NULL};
    char err[256];
    cr_assert_eq(reload_heavy_nox(NULL, &s.ctl, err, sizeof err), ECO_OK, "%s", err);
    cr_assert_eq(eco_rt_swap_prepare(rt[0], &s), ECO_OK, "%s", eco_last_error());
    cr_assert_not_null(s.hz_ws, "a route MPC for the horizon, with the new weights");
    eco_mpc_route_ws *fresh = s.hz_ws;
    unsigned long before = eco_alloc_count();
    eco_rt_swap_install(rt[0], &s);
    cr_expect_eq(eco_alloc_count(), before, "installing allocates nothing");
    cr_expect_neq(s.hz_ws, fresh, "the replaced one handed back to free");
    eco_rt_swap_free(&s);
    drive(rt, 1, STEPS + 1, STEPS + 100, differ, &invalid);
    cr_expect_eq(invalid, 0, "every period valid after the reload");
    cr_expect_gt(differ[1], 0, "the reloaded core plans otherwise from then on");
    cr_expect_eq(eco_rt_horizon_state(rt[0]), ECO_HZ_STATE_VALID);
    cr_expect_eq(eco_rt_controller(rt[0]), eco_mpc_route_controller(fresh),
                 "the horizon is planned on with the new route MPC");
    cr_expect_eq(eco_mpc_route_weights(fresh)->nox_per_mg, heavy_nox.nox_per_mg);
    for (int c = 0; c < CORES; c++)
        eco_rt_free(rt[c]);
}
