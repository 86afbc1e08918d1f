/* The loop's core without a bus: frames in, setpoints out, on a simulated clock. The
 * fail-safe (stale, out-of-range, garbage, solver failure and overrun -> EcoValid = 0 within
 * 3 periods, then back by itself), the status counters, the SIGHUP reload that keeps the old
 * weights on a bad file, replay determinism and no allocation in the step. */
#include "ecodrive/config.h"
#include "ecodrive/mpc.h"
#include "ecodrive/rt.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DBC     ECO_SOURCE_DIR "/models/ecodrive.dbc"
#define MAPPING ECO_SOURCE_DIR "/models/mappings/ecodrive.json"
#define VEHICLE ECO_SOURCE_DIR "/models/vehicles/toyota_prius_2022.json"
#define MAPS    ECO_SOURCE_DIR "/models/maps"
#define MS      1000000LL

typedef struct {
    eco_can_db *db;
    eco_can_mapping map;
    eco_vehicle veh;
    eco_rt *rt;
    uint8_t counter[3];
    /* physical values sent (DBC units) */
    double speed_mps, set_mps, grade_rad, eng_radps, eng_nm, pedal_pct, brake_pct, gear, soc_pct,
        volt, amp;
    int cruise_off; /* CruiseActive 0 (the default mapping's engaged input) */
} fixture;

static fixture fx;

static void load(void)
{
    memset(&fx, 0, sizeof fx);
    cr_assert_eq(eco_can_db_load(DBC, &fx.db), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_cfg_mapping_load(MAPPING, fx.db, &fx.map), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLE, MAPS, &fx.veh), ECO_OK, "%s", eco_last_error());
    fx.speed_mps = fx.set_mps = 10.0;
    fx.eng_radps = 150.0;
    fx.eng_nm = 60.0;
    fx.pedal_pct = 20.0;
    fx.gear = 1;
    fx.soc_pct = 60.0;
    fx.volt = 201.6;
    fx.amp = 5.0;
}

static void make_core(eco_controller *ctl, double speedup)
{
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, fx.db, &fx.map, &fx.veh);
    cfg.speedup = speedup;
    cfg.solve_budget_ns = 0;
    cr_assert_eq(eco_rt_create(&cfg, ctl, &fx.rt), ECO_OK, "%s", eco_last_error());
}

static void setup_baseline(void)
{
    load();
    make_core(eco_baseline_create(&fx.veh, 0.1), 1.0);
}

static void teardown(void)
{
    eco_rt_free(fx.rt);
    eco_vehicle_free(&fx.veh);
    eco_can_db_free(fx.db);
}

static void put(eco_can_frame *f, const char *sig, double v)
{
    int s;
    cr_assert_eq(eco_can_db_signal_find(fx.db, sig, &s), ECO_OK, "%s", sig);
    cr_assert_eq(eco_can_signal_encode(&fx.db->signals[s], v, f->data), ECO_OK, "%s = %g", sig, v);
}

/* The three input messages as the vehicle sends them, E2E protected where declared. */
static eco_can_frame input(int which)
{
    static const char *names[] = {"EcoVehicleMotion", "EcoEngine", "EcoBattery"};
    int msg;
    cr_assert_eq(eco_can_db_message_find(fx.db, names[which], &msg), ECO_OK);
    eco_can_frame f;
    memset(&f, 0, sizeof f);
    f.id = fx.db->msgs[msg].id;
    f.dlc = fx.db->msgs[msg].dlc;
    if (which == 0) {
        put(&f, "VehicleSpeed", fx.speed_mps);
        put(&f, "SetSpeed", fx.set_mps);
        put(&f, "RoadGrade", fx.grade_rad);
        put(&f, "CruiseActive", fx.cruise_off ? 0.0 : 1.0);
    } else if (which == 1) {
        put(&f, "EngineSpeed", fx.eng_radps);
        put(&f, "EngineTorque", fx.eng_nm);
        put(&f, "AccelPedal", fx.pedal_pct);
        put(&f, "BrakePedal", fx.brake_pct);
        put(&f, "Gear", fx.gear);
    } else {
        put(&f, "BattSOC", fx.soc_pct);
        put(&f, "BattVoltage", fx.volt);
        put(&f, "BattCurrent", fx.amp);
    }
    if (fx.db->msgs[msg].e2e_crc >= 0)
        eco_can_e2e_protect(fx.db, msg, f.data, &fx.counter[which]);
    return f;
}

/* Feed the inputs at their DBC rates (20, 10, 100 ms) over [t0, t1) ms, stepping every
 * 100 ms; send_mask bit i enables message i. Returns the fault mask of the last step;
 * first_invalid_ms gets the time of the first invalid step (or -1). */
static unsigned run_ms(int64_t t0, int64_t t1, unsigned send_mask, int64_t *first_invalid_ms)
{
    static const int period_ms[3] = {20, 10, 100};
    unsigned faults = 0;
    if (first_invalid_ms)
        *first_invalid_ms = -1;
    for (int64_t t = t0; t < t1; t++) {
        for (int i = 0; i < 3; i++)
            if ((send_mask >> i & 1) && t % period_ms[i] == 5) {
                eco_can_frame f = input(i);
                eco_rt_frame(fx.rt, &f, t * MS);
            }
        if (t % 100 == 0 && t > 0) {
            eco_can_frame sp;
            faults = eco_rt_step(fx.rt, t * MS, &sp);
            if (faults && first_invalid_ms && *first_invalid_ms < 0)
                *first_invalid_ms = t;
        }
    }
    return faults;
}

static double get(const eco_can_frame *f, const char *sig)
{
    int s;
    double v;
    cr_assert_eq(eco_can_db_signal_find(fx.db, sig, &s), ECO_OK);
    eco_can_signal_decode(&fx.db->signals[s], f->data, &v);
    return v;
}

TestSuite(rt, .init = setup_baseline, .fini = teardown);

Test(rt, fresh_inputs_give_a_valid_protected_setpoint)
{
    cr_assert_eq(run_ms(0, 1000, 7, NULL), 0u);
    const eco_observation *o = eco_rt_last_observation(fx.rt);
    cr_expect_float_eq(o->speed_mps, 10.0, 1e-9);
    cr_expect_float_eq(o->engine_speed_radps, 150.0, 1e-9);
    cr_expect_float_eq(o->engine_torque_nm, 60.0, 1e-9);
    cr_expect_float_eq(o->accel_pedal, 0.2, 1e-9);
    cr_expect_float_eq(o->soc, 0.6, 1e-9);
    cr_expect_float_eq(o->battery_voltage_v, 201.6, 1e-9);
    cr_expect_float_eq(o->battery_current_a, 5.0, 1e-9);
    cr_expect_eq(o->gear, 1);
    cr_expect_float_eq(eco_rt_last_preview(fx.rt)->speed_ref_mps[0], 10.0, 1e-9);
    eco_can_frame sp;
    cr_assert_eq(eco_rt_step(fx.rt, 1000 * MS, &sp), 0u);
    cr_expect_eq(sp.id, 0x200u);
    cr_expect_eq(get(&sp, "EcoValid"), 1.0);
    cr_expect(get(&sp, "EcoThrottle") > 0.0, "cruising at 10 m/s needs throttle");
    /* CRC by hand: CRC-8/SAE-J1850 over data id 0x0A10 (low byte first) and bytes 0..6. */
    uint8_t buf[9] = {0x10, 0x0A};
    memcpy(buf + 2, sp.data, 7);
    cr_expect_eq(eco_can_crc8_j1850(buf, 9), sp.data[7]);
}

Test(rt, stale_battery_soc_invalid_within_3_periods_then_recovers)
{
    cr_assert_eq(run_ms(0, 1000, 7, NULL), 0u);
    /* Battery stops at 1000 ms: last frame at 905 ms, stale after 905 + 300 ms. */
    int64_t first_invalid;
    unsigned f = run_ms(1000, 2000, 3, &first_invalid);
    cr_expect(f & ECO_RT_FAULT_STALE);
    cr_expect_eq(eco_rt_stats_get(fx.rt)->first_fault_field, ECO_CAN_IN_BATTERY_SOC);
    cr_expect_gt(first_invalid, 905 + 300, "stale only after 3 cycle times: %lld",
                 (long long)first_invalid);
    cr_expect_leq(first_invalid, 905 + 300 + 100, "invalid at the first step after staleness");
    cr_expect_leq(first_invalid - 1000, 3 * 100, "within 3 control periods of the loss");
    /* Resumes at 2005 ms: the step at 2000 is still invalid, the one at 2100 valid. */
    cr_expect_eq(run_ms(2000, 2101, 7, &first_invalid), 0u);
    cr_expect_eq(first_invalid, 2000);
    cr_expect_eq(eco_rt_stats_get(fx.rt)->recoveries, 1u);
}

Test(rt, out_of_range_speed_is_invalid_never_clamped)
{
    cr_assert_eq(run_ms(0, 500, 7, NULL), 0u);
    int msg;
    eco_can_db_message_find(fx.db, "EcoVehicleMotion", &msg);
    eco_can_frame f = input(0);
    int s;
    eco_can_db_signal_find(fx.db, "VehicleSpeed", &s);
    eco_can_signal_set_raw(&fx.db->signals[s], 9500, f.data); /* 95 m/s > the DBC max 90 */
    uint8_t c = fx.counter[0] - 1;
    eco_can_e2e_protect(fx.db, msg, f.data, &c);
    cr_assert_eq(eco_rt_frame(fx.rt, &f, 550 * MS), ECO_OK);
    eco_can_frame sp;
    unsigned faults = eco_rt_step(fx.rt, 560 * MS, &sp);
    cr_expect(faults & ECO_RT_FAULT_RANGE);
    cr_expect_eq(get(&sp, "EcoValid"), 0.0);
    cr_expect_eq(get(&sp, "EcoThrottle"), 0.0);
    cr_expect_eq(run_ms(600, 900, 7, NULL), 0u, "valid again with good speed");
}

Test(rt, corrupted_crc_rejected_counted_and_invalid)
{
    cr_assert_eq(run_ms(0, 500, 7, NULL), 0u);
    eco_can_frame f = input(1);
    f.data[7] ^= 0x5A;
    cr_expect_eq(eco_rt_frame(fx.rt, &f, 505 * MS), ECO_ECRC);
    cr_expect_eq(eco_rt_rx_stats(fx.rt)->crc_errors, 1u);
    cr_expect_eq(eco_rt_rx_stats(fx.rt)->rejected, 1u);
    eco_can_frame sp;
    cr_expect(eco_rt_step(fx.rt, 510 * MS, &sp) & ECO_RT_FAULT_GARBAGE);
    cr_expect_eq(run_ms(511, 800, 7, NULL), 0u);
    eco_can_frame st;
    cr_assert_eq(eco_rt_status(fx.rt, &st), ECO_OK);
    cr_expect_eq(st.id, 0x201u);
    cr_expect_eq(eco_rt_rx_stats(fx.rt)->counter_errors, 0u, "one lost frame is tolerated");
    cr_expect_eq(get(&st, "EcoFramesRejected"), 1.0);
    cr_expect_eq(get(&st, "EcoFramesReceived"), (double)eco_rt_rx_stats(fx.rt)->frames);
}

Test(rt, each_field_carries_its_age_and_goes_stale_alone)
{
    eco_can_frame sp;
    const eco_observation *o = eco_rt_last_observation(fx.rt);
    /* nothing came: CruiseActive (the engaged input) and the set speed neither */
    cr_expect_eq(
        eco_rt_step(fx.rt, 100 * MS, &sp),
        (unsigned)(ECO_RT_FAULT_STALE | ECO_RT_FAULT_NOT_ENGAGED | ECO_RT_FAULT_NO_SET_SPEED));
    for (int f = 0; f < ECO_OBS_COUNT; f++)
        cr_expect(isinf(o->age_s[f]), "field %d never came: infinitely old", f);
    /* Only EcoVehicleMotion (every 20 ms at 5, 25, ...): at the step at 900 ms its fields
     * are 15 ms old, the engine's and battery's never came. */
    cr_expect_eq(run_ms(100, 1000, 1, NULL), (unsigned)ECO_RT_FAULT_STALE);
    cr_expect_float_eq(o->age_s[ECO_OBS_VEHICLE_SPEED_MPS], 0.015, 1e-12);
    cr_expect_float_eq(o->age_s[ECO_OBS_SET_SPEED_MPS], 0.015, 1e-12);
    cr_expect_float_eq(o->age_s[ECO_OBS_ROAD_GRADE_RAD], 0.015, 1e-12);
    cr_expect(isinf(o->age_s[ECO_OBS_ENGINE_SPEED_RADPS]));
    cr_expect_eq(eco_rt_stats_get(fx.rt)->first_fault_field, ECO_CAN_IN_ENGINE_SPEED_RADPS,
                 "the first stale field in the list's order");
    /* All three: the engine (10 ms) 5 ms old, the battery (100 ms) 95 ms old. */
    cr_expect_eq(run_ms(1000, 2000, 7, NULL), 0u);
    cr_expect_float_eq(o->age_s[ECO_OBS_ENGINE_TORQUE_NM], 0.005, 1e-12);
    cr_expect_float_eq(o->age_s[ECO_OBS_BATTERY_SOC], 0.095, 1e-12);
}

Test(rt, unknown_and_own_frames_are_ignored)
{
    eco_can_frame f = {0x7FF, 8, {1, 2, 3, 4, 5, 6, 7, 8}, 0};
    cr_expect_eq(eco_rt_frame(fx.rt, &f, 0), ECO_ENOENT);
    f.id = 0x200; /* EcoSetpoint from ourselves, e.g. in a recorded log */
    cr_expect_eq(eco_rt_frame(fx.rt, &f, 0), ECO_ENOENT);
    cr_expect_eq(eco_rt_rx_stats(fx.rt)->unknown, 1u);
}

Test(rt, shutdown_frame_is_invalid_with_good_e2e)
{
    cr_assert_eq(run_ms(0, 500, 7, NULL), 0u);
    eco_can_frame sp;
    eco_rt_shutdown_frame(fx.rt, &sp);
    cr_expect_eq(get(&sp, "EcoValid"), 0.0);
    eco_can_e2e_state st = {(uint8_t)(get(&sp, "EcoCounter") - 1) & 15, 1};
    eco_can_e2e_result res;
    cr_expect_eq(eco_can_e2e_check(fx.db, fx.map.setpoint_msg, sp.data, 1, &st, &res), ECO_OK);
}

/* A controller that fails on demand, or takes too long. */
typedef struct {
    eco_controller base;
    int fail;
    long busy_us;
    int engine_on; /* copied into the command */
    double engine_power_w;
} fake_ctl;

static int fake_step(eco_controller *c, const eco_observation *o, const eco_preview *p,
                     eco_setpoint *sp)
{
    (void)o;
    (void)p;
    fake_ctl *f = (fake_ctl *)c;
    memset(sp, 0, sizeof *sp);
    int64_t t0 = eco_clock_ns(CLOCK_MONOTONIC);
    while ((eco_clock_ns(CLOCK_MONOTONIC) - t0) / 1000 < f->busy_us)
        ;
    sp->cmd.throttle = 0.3;
    sp->cmd.engine_on = f->engine_on;
    sp->cmd.engine_power_w = f->engine_power_w;
    sp->valid = !f->fail;
    return f->fail ? ECO_ESOLVER : ECO_OK;
}

static void fake_reset(eco_controller *c)
{
    (void)c;
}

static void fake_destroy(eco_controller *c)
{
    free(c);
}

static fake_ctl *fake_new(void)
{
    fake_ctl *f = calloc(1, sizeof *f);
    f->base.name = "fake";
    f->base.step = fake_step;
    f->base.reset = fake_reset;
    f->base.destroy = fake_destroy;
    f->base.preview_n = 1;
    return f;
}

Test(rt_fake, solver_failure_and_overrun_are_invalid_then_recover)
{
    load();
    fake_ctl *f = fake_new();
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, fx.db, &fx.map, &fx.veh);
    cfg.solve_budget_ns = 2 * MS;
    cr_assert_eq(eco_rt_create(&cfg, &f->base, &fx.rt), ECO_OK);
    cr_expect_eq(run_ms(0, 500, 7, NULL), 0u);
    f->fail = 1;
    cr_expect_eq(run_ms(500, 600, 7, NULL), (unsigned)ECO_RT_FAULT_SOLVER);
    f->fail = 0;
    f->busy_us = 5000; /* 5 ms > the 2 ms budget */
    cr_expect_eq(run_ms(600, 700, 7, NULL), (unsigned)ECO_RT_FAULT_OVERRUN);
    f->busy_us = 0;
    cr_expect_eq(run_ms(700, 800, 7, NULL), 0u);
    cr_expect_eq(eco_rt_stats_get(fx.rt)->solver_failures, 2u);
    teardown();
}

Test(rt_fake, hybrid_engine_decision_goes_on_the_bus)
{
    static const struct {
        eco_powertrain pt;
        int engine_on;
        double power_w, request, power_kw;
    } cases[] = {
        {ECO_PT_HEV, 1, 23456.0, 2, 23.5}, /* 0.1 kW steps */
        {ECO_PT_HEV, 0, 5000.0, 1, 0.0},   /* engine off: no power sent */
        {ECO_PT_HEV, -1, 5000.0, 0, 0.0},  /* left to the car */
        {ECO_PT_PHEV, 1, 1000.0, 2, 1.0},
        {ECO_PT_CONV, 1, 30000.0, 0, 0.0}, /* not a hybrid: never a request */
    };
    load();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fake_ctl *f = fake_new();
        fx.veh.powertrain = cases[i].pt;
        f->engine_on = cases[i].engine_on;
        f->engine_power_w = cases[i].power_w;
        make_core(&f->base, 1.0);
        cr_assert_eq(run_ms(0, 500, 7, NULL), 0u);
        eco_can_frame sp;
        cr_assert_eq(eco_rt_step(fx.rt, 500 * MS, &sp), 0u);
        cr_expect_eq(get(&sp, "EcoValid"), 1.0, "case %zu", i);
        cr_expect_eq(get(&sp, "EcoEngineRequest"), cases[i].request, "case %zu", i);
        cr_expect_float_eq(get(&sp, "EcoEnginePower"), cases[i].power_kw, 1e-9, "case %zu", i);
        eco_rt_free(fx.rt);
        fx.rt = NULL;
        memset(fx.counter, 0, sizeof fx.counter);
    }
    teardown();
}

Test(rt_fake, speedup_divides_the_staleness_timeouts)
{
    load();
    make_core(&fake_new()->base, 5.0);
    cr_expect_eq(eco_rt_period_ns(eco_rt_config_get(fx.rt)), 20 * MS);
    /* Battery every 20 ms (100 / 5), last at 5 ms: stale after 5 + 60 ms at speedup 5. */
    eco_can_frame b = input(2), m = input(0), e = input(1), sp;
    eco_rt_frame(fx.rt, &b, 5 * MS);
    for (int t = 0; t <= 80; t += 2) {
        m = input(0);
        e = input(1);
        eco_rt_frame(fx.rt, &m, t * MS);
        eco_rt_frame(fx.rt, &e, t * MS);
    }
    cr_expect_eq(eco_rt_step(fx.rt, 60 * MS, &sp), 0u);
    /* ages in vehicle time: 55 ms of the sped-up clock are 275 ms of the car's */
    cr_expect_float_eq(eco_rt_last_observation(fx.rt)->age_s[ECO_OBS_BATTERY_SOC], 0.275, 1e-12);
    cr_expect_eq(eco_rt_step(fx.rt, 80 * MS, &sp), (unsigned)ECO_RT_FAULT_STALE);
    teardown();
}

/* Reload as SIGHUP does it: weights from a file, a new MPC. */
static int reload_from(void *ctx, eco_controller **out, char *err, size_t n)
{
    eco_mpc_weights w;
    if (eco_cfg_weights_load(ctx, &w) != ECO_OK) {
        snprintf(err, n, "%s", eco_last_error());
        return ECO_EINVAL;
    }
    *out = eco_mpc_create(&fx.veh, 0.1, NULL, &w);
    return *out ? ECO_OK : ECO_EINVAL;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs(text, fp);
    fclose(fp);
}

Test(rt_mpc, sighup_reload_keeps_old_weights_on_a_bad_file)
{
    load();
    make_core(eco_mpc_create(&fx.veh, 0.1, NULL, NULL), 1.0);
    char bad[64], good[64];
    snprintf(bad, sizeof bad, "%s/eco_rt_bad_XXXXXX", P_tmpdir);
    snprintf(good, sizeof good, "%s/eco_rt_good_XXXXXX", P_tmpdir);
    close(mkstemp(bad));
    close(mkstemp(good));
    write_file(bad, "{\"fuel_per_g\": -1}");
    write_file(good, "{\"fuel_per_g\": 1, \"nox_per_mg\": 0.01}");
    const eco_controller *before = eco_rt_controller(fx.rt);
    char err[512] = "";
    cr_expect_neq(eco_rt_reload(fx.rt, reload_from, bad, err, sizeof err), ECO_OK);
    cr_expect(strstr(err, "fuel_per_g") != NULL, "the error names the field: %s", err);
    cr_expect_eq(eco_rt_controller(fx.rt), before, "old controller kept");
    cr_expect_eq(run_ms(0, 500, 7, NULL), 0u, "and still works");
    cr_expect_eq(eco_rt_reload(fx.rt, reload_from, good, err, sizeof err), ECO_OK, "%s", err);
    cr_expect_neq(eco_rt_controller(fx.rt), before);
    cr_expect_eq(run_ms(500, 1000, 7, NULL), 0u);
    unlink(bad);
    unlink(good);
    teardown();
}

Test(rt_mpc, step_allocates_nothing)
{
    load();
    make_core(eco_mpc_create(&fx.veh, 0.1, NULL, NULL), 1.0);
    run_ms(0, 300, 7, NULL);
    unsigned long n0 = eco_alloc_count();
    for (int k = 0; k < 50; k++) {
        fx.speed_mps = 8.0 + 0.1 * k;
        run_ms(300 + 100 * k, 400 + 100 * k, 7, NULL);
    }
    cr_expect_eq(eco_alloc_count(), n0);
    teardown();
}

/* A 60 s log: speed ramps and steps, a battery dropout, a corrupted frame. */
static void write_log(const char *path)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    for (int64_t t = 0; t < 60000; t++) {
        fx.speed_mps = 12.0 + 6.0 * sin(t * 1e-3 * 0.3);
        fx.set_mps = 14.0 + 4.0 * (t / 10000 % 2);
        fx.soc_pct = 58.0 + t * 1e-4;
        static const int period_ms[3] = {20, 10, 100};
        for (int i = 0; i < 3; i++) {
            if (t % period_ms[i] != 3 || (i == 2 && t > 30000 && t < 31000))
                continue;
            eco_can_log_entry e;
            memset(&e, 0, sizeof e);
            e.t_us = 1700000000000000LL + t * 1000;
            strcpy(e.iface, "vcan0");
            e.frame = input(i);
            if (t == 45003 && i == 1)
                e.frame.data[7] ^= 1;
            eco_can_log_write(fp, &e);
        }
    }
    fclose(fp);
}

static char *replay_to_text(const char *log, size_t *len)
{
    eco_rt_free(fx.rt);
    fx.rt = NULL;
    make_core(eco_mpc_create(&fx.veh, 0.1, NULL, NULL), 1.0);
    char *buf = NULL;
    FILE *out = open_memstream(&buf, len);
    cr_assert_eq(eco_rt_replay(fx.rt, log, out, NULL), ECO_OK, "%s", eco_last_error());
    fclose(out);
    return buf;
}

Test(rt_mpc, replay_is_bit_identical_and_sees_the_faults)
{
    load();
    char log[64];
    snprintf(log, sizeof log, "%s/eco_rt_log_XXXXXX", P_tmpdir);
    close(mkstemp(log));
    write_log(log);
    size_t n1, n2;
    char *a = replay_to_text(log, &n1);
    char *b = replay_to_text(log, &n2);
    cr_expect_eq(n1, n2);
    cr_expect(n1 == n2 && memcmp(a, b, n1) == 0, "replay output differs between runs");
    const eco_rt_stats *s = eco_rt_stats_get(fx.rt);
    cr_expect_eq(s->steps, 599u, "one step per 100 ms of log after the first frame");
    cr_expect_geq(s->stale_steps, 7u, "the 1 s battery dropout: %llu",
                  (unsigned long long)s->stale_steps);
    cr_expect_leq(s->stale_steps, 9u);
    cr_expect_eq(eco_rt_rx_stats(fx.rt)->crc_errors, 1u);
    cr_expect_eq(s->recoveries, 2u, "after the dropout and the bad frame");
    /* each period EcoBrake, then EcoSetpoint, at the same time */
    cr_expect(strncmp(a, "(1700000000.103000) vcan0 203#", 30) == 0, "first line: %.47s", a);
    const char *second = strchr(a, '\n');
    cr_expect(second && strncmp(second + 1, "(1700000000.103000) vcan0 200#", 30) == 0,
              "second line: %.47s", second ? second + 1 : "");
    free(a);
    free(b);
    unlink(log);
    teardown();
}

/* ---- the electronic horizon (docs/daemon.md section 9) -------------------------------- */

static eco_can_frame hz_frame(int type, int offset, const char *sig, double v)
{
    eco_can_frame f = {0x180, 8, {0}, 0};
    put(&f, "HzMsgType", type);
    put(&f, "HzPathIndex", 1);
    put(&f, "HzOffset", offset);
    if (sig)
        put(&f, sig, v);
    return f;
}

/* 100 ms blocks from t0: a POSITION (offset = metres driven at 10 m/s) and a limit at 50 ms
 * of each block when pos is set, then the inputs and the step. Returns the faults. */
static unsigned hz_run(int64_t t0, int64_t t1, int pos)
{
    unsigned faults = 0;
    for (int64_t t = t0; t < t1; t += 100) {
        if (pos) {
            eco_can_frame p = hz_frame(1, (int)(t / 100), "HzHorizonLength", 2000);
            eco_can_frame l = hz_frame(2, (int)(t / 100), "HzSpeedLimit", 50);
            eco_rt_frame(fx.rt, &p, (t + 50) * MS);
            eco_rt_frame(fx.rt, &l, (t + 50) * MS);
        }
        faults |= run_ms(t + 1, t + 101, 7, NULL);
    }
    return faults;
}

Test(rt, horizon_state_follows_the_bus_and_setpoints_stay_valid)
{
    cr_expect_eq(eco_rt_horizon_state(fx.rt), ECO_HZ_STATE_NONE);
    cr_expect_eq(hz_run(0, 1000, 1), 0);
    cr_expect_eq(eco_rt_horizon_state(fx.rt), ECO_HZ_STATE_VALID);
    /* the horizon stops after the POSITION at 950 ms: stale at the third step after it */
    cr_expect_eq(hz_run(1000, 1200, 0), 0, "setpoints stay valid without a horizon");
    cr_expect_eq(eco_rt_horizon_state(fx.rt), ECO_HZ_STATE_VALID, "at 1200 ms: 250 ms old");
    cr_expect_eq(hz_run(1200, 1400, 0), 0);
    cr_expect_eq(eco_rt_horizon_state(fx.rt), ECO_HZ_STATE_STALE, "at 1300 ms: 350 ms old");
    cr_expect_eq(hz_run(1400, 1500, 1), 0);
    cr_expect_eq(eco_rt_horizon_state(fx.rt), ECO_HZ_STATE_VALID, "back");
    /* garbage: a limit of 0, then random bytes on the horizon id */
    eco_can_frame z = hz_frame(2, 20, "HzSpeedLimit", 0);
    eco_can_frame junk = {0x180, 8, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0};
    eco_rt_frame(fx.rt, &z, 1510 * MS);
    eco_rt_frame(fx.rt, &junk, 1520 * MS);
    cr_expect_eq(hz_run(1500, 1600, 1), 0, "garbage on the horizon is not an input fault");
    cr_expect_eq(eco_rt_horizon_state(fx.rt), ECO_HZ_STATE_REJECTED);
    const eco_hz *h = eco_rt_horizon(fx.rt);
    cr_expect(h->st.rej_limit == 1 && h->st.rej_type == 1 && h->st.rejected == 2);
    cr_expect_eq(h->st.received, 2u * 12 + 2, "10 + 1 + 1 blocks of 2, and the garbage");
    eco_can_frame st;
    cr_assert_eq(eco_rt_horizon_status(fx.rt, &st), ECO_OK);
    /* state 3 in bits 0-2, received 26 in bits 8-23, rejected 2 in bits 24-39 */
    cr_expect(st.id == 0x202 && st.data[0] == 3 && st.data[1] == 26 && st.data[2] == 0 &&
              st.data[3] == 2 && st.data[4] == 0);
    cr_expect_eq(hz_run(1600, 2000, 1), 0);
    cr_expect_eq(eco_rt_horizon_state(fx.rt), ECO_HZ_STATE_VALID, "300 ms after the garbage");
}
