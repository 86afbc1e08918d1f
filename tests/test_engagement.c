/* Issue 11, engagement: the mapping's "engaged" object and the set-speed rule. The case the
 * issue found: a car at 45 km/h with the cruise off (SetSpeed 0) got valid setpoints, most of
 * them 100 % regen; now every period is EcoValid = 0 with its reason. Frames are written out
 * byte by byte from models/ecodrive.dbc's definitions (Intel), their CRC computed here by a
 * CRC-8 of our own (SAE J1850: poly 0x1D, init and xorout 0xFF; checked against the
 * catalogue's check value 0x4B over "123456789", reveng CRC-8/SAE-J1850). */
#include "cli_fixture.h"
#include "ecodrive/config.h"
#include "ecodrive/mpc.h"
#include "ecodrive/rt.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DBC     ECO_SOURCE_DIR "/models/ecodrive.dbc"
#define MAPPING ECO_SOURCE_DIR "/models/mappings/ecodrive.json"
#define VEHICLE ECO_SOURCE_DIR "/models/vehicles/toyota_prius_2022.json"
#define MAPS    ECO_SOURCE_DIR "/models/maps"
#define DAEMON  ECO_BIN_DIR "/ecodrived"
#define MS      1000000LL
#define OUTPUTS                                                                                    \
    "\"outputs\": {\"throttle\": \"EcoThrottle\", \"regen\": \"EcoRegen\", \"valid\": "            \
    "\"EcoValid\", \"counter\": \"EcoCounter\", \"crc\": \"EcoCRC\"}"
#define INPUTS                                                                                     \
    "\"inputs\": {\"vehicle_speed_mps\": \"VehicleSpeed\", \"engine_speed_radps\": "               \
    "\"EngineSpeed\", \"engine_torque_nm\": \"EngineTorque\", \"accel_pedal\": \"AccelPedal\", "   \
    "\"brake_pedal\": \"BrakePedal\", \"gear\": \"Gear\", \"battery_soc\": \"BattSOC\", "          \
    "\"battery_voltage_v\": \"BattVoltage\", \"battery_current_a\": \"BattCurrent\", "             \
    "\"set_speed_mps\": \"SetSpeed\"}"

static uint8_t crc8(uint16_t data_id, const uint8_t *b)
{
    uint8_t in[9] = {(uint8_t)(data_id & 0xFF), (uint8_t)(data_id >> 8)}, c = 0xFF;
    memcpy(in + 2, b, 7);
    for (int i = 0; i < 9; i++) {
        c ^= in[i];
        for (int k = 0; k < 8; k++)
            c = (uint8_t)(c & 0x80 ? (c << 1) ^ 0x1D : c << 1);
    }
    return c ^ 0xFF;
}

Test(engagement, own_crc_matches_the_catalogue)
{
    /* the check value is over 9 bytes; our crc8 takes a 2-byte id and 7 bytes */
    const uint8_t rest[7] = {'3', '4', '5', '6', '7', '8', '9'};
    cr_assert_eq(crc8('1' | '2' << 8, rest), 0x4B);
}

/* EcoVehicleMotion (0x100): VehicleSpeed 0.01 m/s bits 0-15, SetSpeed 0.01 m/s 16-31,
 * RoadGrade 0 (32-47), counter 48-51, CruiseActive bit 52, CRC byte 7 over id 0x0A01. */
static eco_can_frame motion(double speed_mps, double set_mps, int cruise, unsigned ctr)
{
    unsigned v = (unsigned)(speed_mps * 100 + 0.5), s = (unsigned)(set_mps * 100 + 0.5);
    eco_can_frame f = {0x100, 8, {v & 0xFF, v >> 8, s & 0xFF, s >> 8, 0, 0, 0, 0}, 0};
    f.data[6] = (uint8_t)((ctr & 15) | (cruise ? 0x10 : 0));
    f.data[7] = crc8(0x0A01, f.data);
    return f;
}

/* EcoEngine (0x101): 150 rad/s = 7500 = 0x1D4C; -20 Nm (motoring) = -200 = 0xFF38; pedals
 * 0; Gear 4 = raw 5 (offset -1) in 48-51, counter 52-55; CRC over id 0x0A02. */
static eco_can_frame engine(unsigned ctr)
{
    eco_can_frame f = {0x101, 8, {0x4C, 0x1D, 0x38, 0xFF, 0, 0, 0, 0}, 0};
    f.data[6] = (uint8_t)(5 | (ctr & 15) << 4);
    f.data[7] = crc8(0x0A02, f.data);
    return f;
}

/* EcoBattery (0x102): SOC 60 % = 6000 = 0x1770, 201.6 V = 20160 = 0x4EC0, 0 A; no E2E. */
static const eco_can_frame battery = {0x102, 8, {0x70, 0x17, 0xC0, 0x4E, 0, 0, 0, 0}, 0};

/* 3 s at the DBC's rates (20, 10, 100 ms), the car at 12.5 m/s (45 km/h), into a log. */
static void write_log(const char *path, double set_mps, int cruise)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    unsigned cm = 0, ce = 0;
    for (int64_t t = 0; t < 3000; t++) {
        eco_can_log_entry e = {.t_us = 1700000000000000LL + t * 1000};
        strcpy(e.iface, "vcan0");
        if (t % 20 == 0) {
            e.frame = motion(12.5, set_mps, cruise, cm++);
            cr_assert_eq(eco_can_log_write(fp, &e), ECO_OK);
        }
        if (t % 10 == 0) {
            e.frame = engine(ce++);
            cr_assert_eq(eco_can_log_write(fp, &e), ECO_OK);
        }
        if (t % 100 == 0) {
            e.frame = battery;
            cr_assert_eq(eco_can_log_write(fp, &e), ECO_OK);
        }
    }
    fclose(fp);
}

typedef struct {
    int steps, valid, max_regen_pct;
    eco_rt_replay_summary sum;
} replay_result;

/* Replay the log through the MPC (mpc 1, as in the issue's case) or the baseline on the
 * Prius with mapping json (NULL: the default), and read the setpoints back by hand:
 * EcoValid byte 4 bit 0, EcoRegen bytes 2-3 (0.01 %). */
static replay_result replay(const char *log, const char *json, int mpc)
{
    eco_can_db *db;
    eco_can_mapping map;
    eco_vehicle veh;
    cr_assert_eq(eco_can_db_load(DBC, &db), ECO_OK, "%s", eco_last_error());
    int rc = json ? eco_cfg_mapping_parse(json, "t.json", db, &map)
                  : eco_cfg_mapping_load(MAPPING, db, &map);
    cr_assert_eq(rc, ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLE, MAPS, &veh), ECO_OK, "%s", eco_last_error());
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, &map, &veh);
    cfg.solve_budget_ns = 0;
    eco_rt *rt;
    eco_controller *ctl =
        mpc ? eco_mpc_create(&veh, 0.1, NULL, NULL) : eco_baseline_create(&veh, 0.1);
    cr_assert_eq(eco_rt_create(&cfg, ctl, &rt), ECO_OK);
    char *text = NULL;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    replay_result r;
    memset(&r, 0, sizeof r);
    eco_rt_replay_opts ro = {.summary = &r.sum};
    cr_assert_eq(eco_rt_replay(rt, log, out, &ro), ECO_OK, "%s", eco_last_error());
    fclose(out);
    int brake_valid = -1; /* EcoBrake (0x203) comes just before its setpoint, valid with it */
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
        unsigned b[8];
        cr_assert_eq(sscanf(strchr(l, '#') + 1, "%2x%2x%2x%2x%2x%2x%2x%2x", &b[0], &b[1], &b[2],
                            &b[3], &b[4], &b[5], &b[6], &b[7]),
                     8, "%s", l);
        if (strstr(l, " 203#")) { /* EcoBrakeValid: byte 2 bit 0 */
            cr_assert_eq(brake_valid, -1, "two EcoBrake frames without a setpoint: %s", l);
            brake_valid = (int)(b[2] & 1);
            continue;
        }
        cr_assert(strstr(l, " 200#"), "%s", l);
        cr_assert_eq(brake_valid, (int)(b[4] & 1), "EcoBrakeValid as EcoValid: %s", l);
        brake_valid = -1;
        r.steps++;
        r.valid += b[4] & 1;
        int regen = (int)(b[2] | b[3] << 8) / 100;
        if ((b[4] & 1) && regen > r.max_regen_pct)
            r.max_regen_pct = regen;
    }
    free(text);
    eco_rt_free(rt);
    eco_vehicle_free(&veh);
    eco_can_db_free(db);
    return r;
}

static char log_path[64];

static void make_log_path(void)
{
    snprintf(log_path, sizeof log_path, "%s/eco_engage_XXXXXX", P_tmpdir);
    close(mkstemp(log_path));
}

static void drop_log(void)
{
    unlink(log_path);
}

TestSuite(engagement_replay, .init = make_log_path, .fini = drop_log);

Test(engagement_replay, cruise_off_at_45_kmh_gives_no_recommendation)
{
    write_log(log_path, 0.0, 0); /* the issue's case: cruise off, SetSpeed 0 */
    replay_result r = replay(log_path, NULL, 1);
    cr_assert_eq(r.steps, 29, "a step every 100 ms from 0 to 2990 ms");
    cr_expect_eq(r.valid, 0, "no valid setpoint with the cruise off");
    cr_expect_eq(r.sum.by_reason[ECO_RT_REASON_NOT_ENGAGED], 29u, "every period: not engaged");
    cr_expect_eq(r.sum.invalid_by_fault[6], 29u, "ECO_RT_FAULT_NOT_ENGAGED is bit 6");
    cr_expect_eq(ECO_RT_FAULT_NOT_ENGAGED, 1u << 6);

    write_log(log_path, 12.5, 0); /* a set speed, but the cruise off: still nothing */
    r = replay(log_path, NULL, 0);
    cr_expect_eq(r.valid, 0);
    cr_expect_eq(r.sum.by_reason[ECO_RT_REASON_NOT_ENGAGED], 29u);
}

Test(engagement_replay, cruise_on_same_inputs_give_valid_setpoints)
{
    write_log(log_path, 12.5, 1);
    replay_result r = replay(log_path, NULL, 1);
    cr_assert_eq(r.steps, 29);
    cr_expect_eq(r.valid, 29, "engaged, set speed 45 km/h: every period valid");
    cr_expect_eq(r.sum.by_reason[ECO_RT_REASON_OK], 29u);
    cr_expect_lt(r.max_regen_pct, 100, "holding the set speed is no full regen");

    write_log(log_path, 0.0, 1); /* engaged, but no set speed */
    r = replay(log_path, NULL, 0);
    cr_expect_eq(r.valid, 0);
    cr_expect_eq(r.sum.by_reason[ECO_RT_REASON_NO_SET_SPEED], 29u);
}

Test(engagement_replay, without_engaged_the_set_speed_decides)
{
    static const char json[] = "{" INPUTS ", " OUTPUTS "}";
    write_log(log_path, 0.0, 0);
    replay_result r = replay(log_path, json, 0);
    cr_expect_eq(r.valid, 0, "set speed 0: no recommendation");
    cr_expect_eq(r.sum.by_reason[ECO_RT_REASON_NO_SET_SPEED], 29u);
    write_log(log_path, 12.5, 0);
    r = replay(log_path, json, 0);
    cr_expect_eq(r.valid, 29, "no engaged input: the cruise bit means nothing");
}

Test(engagement_replay, summary_names_not_engaged)
{
    write_log(log_path, 0.0, 0);
    eco_can_db *db;
    eco_can_mapping map;
    eco_vehicle veh;
    cr_assert_eq(eco_can_db_load(DBC, &db), ECO_OK);
    cr_assert_eq(eco_cfg_mapping_load(MAPPING, db, &map), ECO_OK);
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLE, MAPS, &veh), ECO_OK);
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, &map, &veh);
    eco_rt *rt;
    cr_assert_eq(eco_rt_create(&cfg, eco_baseline_create(&veh, 0.1), &rt), ECO_OK);
    FILE *out = fopen("/dev/null", "w");
    eco_rt_replay_summary s = {0};
    eco_rt_replay_opts ro = {.summary = &s};
    cr_assert_eq(eco_rt_replay(rt, log_path, out, &ro), ECO_OK);
    fclose(out);
    char *text = NULL;
    size_t len;
    FILE *mem = open_memstream(&text, &len);
    eco_rt_replay_summary_print(rt, &s, "x.log", mem);
    fclose(mem);
    cr_expect(strstr(text, "    29 periods: not engaged\n"), "%s", text);
    cr_expect(strstr(text, "reasons (EcoReason, one per period): not engaged 29, valid 0\n"), "%s",
              text);
    free(text);
    eco_rt_free(rt);
    eco_vehicle_free(&veh);
    eco_can_db_free(db);
}

/* ---- the condition, at run time through the receive state ---------------------------- */

static eco_can_db *db;

static void load_db(void)
{
    cr_assert_eq(eco_can_db_load(DBC, &db), ECO_OK, "%s", eco_last_error());
}

static void free_db(void)
{
    eco_can_db_free(db);
}

TestSuite(engaged, .init = load_db, .fini = free_db);

static int parse(const char *engaged, eco_can_mapping *m)
{
    char json[2048];
    snprintf(json, sizeof json, "{%s, %s, \"engaged\": %s}", INPUTS, OUTPUTS, engaged);
    return eco_cfg_mapping_parse(json, "car.json", db, m);
}

/* Whether the mapping reads as engaged after frame f at 0 ms, at 5 ms. */
static int engaged_after(const eco_can_mapping *m, eco_can_frame f, int *rc)
{
    eco_can_rx *rx;
    cr_assert_eq(eco_can_rx_create(db, &rx), ECO_OK);
    cr_assert_eq(eco_can_mapping_apply(m, rx), ECO_OK);
    eco_can_rx_frame(rx, &f, 0);
    int on = -1;
    *rc = eco_can_mapping_engaged(m, rx, 5 * MS, &on);
    eco_can_rx_free(rx);
    return on;
}

Test(engaged, equals_by_val_name_and_number)
{
    eco_can_mapping m;
    int rc;
    cr_assert_eq(parse("{\"signal\": \"CruiseActive\", \"equals\": \"Engaged\"}", &m), ECO_OK, "%s",
                 eco_last_error());
    cr_expect_eq(m.engaged.rule, ECO_CAN_ENGAGED_EQUALS);
    cr_expect_eq(m.engaged.raw[0], 1, "VAL_ 256 CruiseActive 1 \"Engaged\"");
    cr_expect_eq(engaged_after(&m, motion(12.5, 12.5, 1, 0), &rc), 1);
    cr_expect_eq(rc, ECO_OK);
    cr_expect_eq(engaged_after(&m, motion(12.5, 12.5, 0, 0), &rc), 0);
    cr_expect_eq(rc, ECO_OK);
    cr_assert_eq(parse("{\"signal\": \"EcoVehicleMotion.CruiseActive\", \"equals\": 0}", &m),
                 ECO_OK, "%s", eco_last_error());
    cr_expect_eq(engaged_after(&m, motion(12.5, 12.5, 0, 0), &rc), 1, "equals 0: engaged at 0");
}

/* EcoEngine's Gear: raw 0 "Reverse", 1 "Neutral", physical = raw - 1. */
static eco_can_frame engine_gear(unsigned raw)
{
    eco_can_frame f = engine(0);
    f.data[6] = (uint8_t)raw;
    f.data[7] = crc8(0x0A02, f.data);
    return f;
}

Test(engaged, in_a_list_of_names_and_values)
{
    eco_can_mapping m;
    int rc;
    cr_assert_eq(parse("{\"signal\": \"Gear\", \"in\": [\"Neutral\", 3]}", &m), ECO_OK, "%s",
                 eco_last_error());
    cr_expect_eq(m.engaged.rule, ECO_CAN_ENGAGED_IN);
    cr_expect_eq(m.engaged.n_values, 2);
    cr_expect_eq(engaged_after(&m, engine_gear(1), &rc), 1, "raw 1 is Neutral");
    cr_expect_eq(engaged_after(&m, engine_gear(4), &rc), 1, "raw 4 is gear 3");
    cr_expect_eq(engaged_after(&m, engine_gear(0), &rc), 0, "Reverse");
    cr_expect_eq(engaged_after(&m, engine_gear(5), &rc), 0, "gear 4");
    cr_expect_eq(rc, ECO_OK);
}

Test(engaged, above_a_number)
{
    eco_can_mapping m;
    int rc;
    cr_assert_eq(parse("{\"signal\": \"SetSpeed\", \"above\": 5}", &m), ECO_OK, "%s",
                 eco_last_error());
    cr_expect_eq(m.engaged.rule, ECO_CAN_ENGAGED_ABOVE);
    cr_expect_eq(engaged_after(&m, motion(0, 5.01, 0, 0), &rc), 1);
    cr_expect_eq(engaged_after(&m, motion(0, 5.0, 0, 0), &rc), 0, "not above");
    cr_expect_eq(engaged_after(&m, motion(0, 0, 1, 0), &rc), 0);
}

Test(engaged, stale_or_never_received_is_not_engaged)
{
    eco_can_mapping m;
    cr_assert_eq(parse("{\"signal\": \"CruiseActive\", \"equals\": 1, \"timeout_ms\": 10}", &m),
                 ECO_OK, "%s", eco_last_error());
    eco_can_rx *rx;
    cr_assert_eq(eco_can_rx_create(db, &rx), ECO_OK);
    cr_assert_eq(eco_can_mapping_apply(&m, rx), ECO_OK);
    int on = -1;
    cr_expect_eq(eco_can_mapping_engaged(&m, rx, 0, &on), ECO_ESTALE, "never came");
    cr_expect_eq(on, 0);
    eco_can_frame f = motion(12.5, 12.5, 1, 0);
    eco_can_rx_frame(rx, &f, 100 * MS);
    cr_expect_eq(eco_can_mapping_engaged(&m, rx, 105 * MS, &on), ECO_OK);
    cr_expect_eq(on, 1);
    cr_expect_eq(eco_can_mapping_engaged(&m, rx, 111 * MS, &on), ECO_ESTALE, "11 ms > 10 ms");
    cr_expect_eq(on, 0);
    eco_can_rx_free(rx);
}

/* The core with a 10 ms timeout on CruiseActive alone: motion frames every 20 ms keep the
 * speed fresh (60 ms) while the engagement goes stale between them. */
Test(engaged, stale_engaged_in_the_core_is_not_engaged_and_stale)
{
    eco_can_mapping m;
    eco_vehicle veh;
    cr_assert_eq(parse("{\"signal\": \"CruiseActive\", \"equals\": 1, \"timeout_ms\": 10}", &m),
                 ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLE, MAPS, &veh), ECO_OK, "%s", eco_last_error());
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, &m, &veh);
    cfg.solve_budget_ns = 0;
    eco_rt *rt;
    cr_assert_eq(eco_rt_create(&cfg, eco_baseline_create(&veh, 0.1), &rt), ECO_OK);
    unsigned cm = 0, ce = 0, faults_fresh = 1, faults_stale = 0;
    for (int64_t t = 0; t <= 1000; t++) {
        eco_can_frame f;
        if (t % 20 == 0 && (f = motion(12.5, 12.5, 1, cm++), 1))
            eco_rt_frame(rt, &f, t * MS);
        if (t % 10 == 0 && (f = engine(ce++), 1))
            eco_rt_frame(rt, &f, t * MS);
        if (t % 100 == 0)
            eco_rt_frame(rt, &battery, t * MS);
        eco_can_frame sp;
        if (t == 900) /* 0 ms after a motion frame: fresh */
            faults_fresh = eco_rt_step(rt, t * MS, &sp);
        if (t == 1000 - 5) /* 15 ms after the one at 980 ms */
            faults_stale = eco_rt_step(rt, t * MS, &sp);
    }
    cr_expect_eq(faults_fresh, 0u);
    cr_expect_eq(faults_stale, (unsigned)(ECO_RT_FAULT_STALE | ECO_RT_FAULT_NOT_ENGAGED));
    cr_expect_eq(eco_rt_reason_of(faults_stale), ECO_RT_REASON_INPUT_STALE,
                 "a stale input is the more serious reason");
    cr_expect_eq(eco_rt_stats_get(rt)->first_fault_field, -1, "no observation field is stale");
    /* EcoStatus2 carries it: EcoReason, bits 40-43 (byte 5, low nibble) */
    eco_can_frame st;
    cr_assert_eq(eco_rt_horizon_status(rt, &st), ECO_OK);
    cr_expect_eq(st.id, 0x202u);
    cr_expect_eq(st.data[5] & 15, ECO_RT_REASON_INPUT_STALE);
    eco_rt_free(rt);
    eco_vehicle_free(&veh);
}

Test(engaged, reasons_by_seriousness)
{
    cr_expect_eq(eco_rt_reason_of(0), ECO_RT_REASON_OK);
    cr_expect_eq(eco_rt_reason_of(ECO_RT_FAULT_NOT_ENGAGED | ECO_RT_FAULT_NO_SET_SPEED),
                 ECO_RT_REASON_NOT_ENGAGED);
    cr_expect_eq(eco_rt_reason_of(ECO_RT_FAULT_RANGE | ECO_RT_FAULT_STALE),
                 ECO_RT_REASON_INPUT_RANGE);
    cr_expect_eq(eco_rt_reason_of(ECO_RT_FAULT_SHUTDOWN | ECO_RT_FAULT_GARBAGE),
                 ECO_RT_REASON_SHUTDOWN);
    cr_expect_eq(eco_rt_reason_of(ECO_RT_FAULT_OVERRUN), ECO_RT_REASON_OVERRUN);
    cr_expect_str_eq(eco_rt_reason_name(ECO_RT_REASON_NOT_ENGAGED), "not engaged");
    /* the DBC's VAL_ table says the same numbers */
    int s;
    cr_assert_eq(eco_can_db_signal_find(db, "EcoReason", &s), ECO_OK);
    const eco_can_signal *sig = &db->signals[s];
    cr_assert_eq(sig->n_values, ECO_RT_REASON_COUNT);
    static const char *const names[] = {
        "Ok",           "NotEngaged",  "NoSetSpeed",   "InputStale",    "InputRange",
        "InputGarbage", "SolverFault", "SolveOverrun", "SetpointRange", "Shutdown"};
    for (int i = 0; i < sig->n_values; i++) {
        const eco_can_value_desc *v = &db->values[sig->first_value + i];
        cr_expect_str_eq(v->text, names[v->raw], "VAL_ %lld", (long long)v->raw);
    }
}

/* The plant's side: the frame reads as what it was written as. */
Test(engaged, encode_for_the_plant)
{
    eco_can_mapping m;
    int rc;
    static const char *const conds[] = {"{\"signal\": \"CruiseActive\", \"equals\": \"Engaged\"}",
                                        "{\"signal\": \"Gear\", \"in\": [\"Neutral\", 3]}",
                                        "{\"signal\": \"SetSpeed\", \"above\": 5}"};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(parse(conds[i], &m), ECO_OK, "%s", eco_last_error());
        for (int on = 0; on <= 1; on++) {
            eco_can_frame f = i == 1 ? engine(0) : motion(0, 0, 0, 0);
            cr_assert_eq(eco_can_mapping_encode_engaged(&m, db, on, &f), ECO_OK);
            if (f.id == 0x101)
                f.data[7] = crc8(0x0A02, f.data);
            else
                f.data[7] = crc8(0x0A01, f.data);
            cr_expect_eq(engaged_after(&m, f, &rc), on, "%s written as %d", conds[i], on);
        }
        eco_can_frame other = battery;
        cr_expect_eq(eco_can_mapping_encode_engaged(&m, db, 1, &other), ECO_ENOENT);
    }
}

/* ---- bad JSON: the path and the problem; ecodrived exits 2 ------------------------------ */

Test(engaged, bad_json_names_the_path)
{
    static const struct {
        const char *engaged, *want;
    } bad[] = {
        {"{\"signal\": \"CruiseActive\", \"equals\": 1, \"when\": 2}",
         "$.engaged.when: unknown key"},
        {"{\"signal\": \"CruiseActive\", \"equals\": 1, \"above\": 0}",
         "$.engaged: give exactly one of \"equals\", \"in\" or \"above\", not several"},
        {"{\"signal\": \"CruiseActive\"}", "$.engaged: give exactly one of"},
        {"{\"signal\": \"CruiseActive\", \"equals\": \"On\"}",
         "$.engaged.equals: \"On\" is not a VAL_ name of signal CruiseActive"},
        {"{\"signal\": \"CruiseOn\", \"equals\": 1}",
         "$.engaged.signal: signal CruiseOn is not in the DBC"},
        {"{\"equals\": 1}", "$.engaged.signal: missing"},
        {"{\"signal\": \"Gear\", \"in\": [\"Neutral\", \"Sport\"]}",
         "$.engaged.in[1]: \"Sport\" is not a VAL_ name of signal Gear"},
        {"{\"signal\": \"Gear\", \"in\": []}", "$.engaged.in: expected a list"},
        {"{\"signal\": \"SetSpeed\", \"equals\": 0.005}", "$.engaged.equals: 0.005 is not a value"},
        {"{\"signal\": \"CruiseActive\", \"equals\": 2}", "$.engaged.equals: 2 is outside the DBC"},
        {"{\"signal\": \"CruiseActive\", \"above\": 1}", "$.engaged.above: 1 is not below"},
        {"{\"signal\": \"CruiseActive\", \"above\": \"Off\"}",
         "$.engaged.above: expected a number"},
        {"true", "$.engaged: expected an object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eco_can_mapping m;
        cr_expect_neq(parse(bad[i].engaged, &m), ECO_OK, "%s", bad[i].engaged);
        cr_expect(strstr(eco_last_error(), "car.json: ") && strstr(eco_last_error(), bad[i].want),
                  "%s: got '%s', want '%s'", bad[i].engaged, eco_last_error(), bad[i].want);
    }
    char json[2048];
    eco_can_mapping m;
    snprintf(json, sizeof json,
             "{%s, %s, \"engaged\": {\"signal\": \"CruiseActive\", \"equals\": 1}, \"engaged\": "
             "{\"signal\": \"CruiseActive\", \"equals\": 0}}",
             INPUTS, OUTPUTS);
    cr_expect_neq(eco_cfg_mapping_parse(json, "car.json", db, &m), ECO_OK);
    cr_expect(strstr(eco_last_error(), "$.engaged: unknown or repeated key"), "%s",
              eco_last_error());
}

Test(engaged, ecodrived_exits_2_naming_the_path)
{
    char dir[64], map[96], cmd[512], out[2048];
    snprintf(dir, sizeof dir, "%s/eco_engaged_XXXXXX", P_tmpdir);
    cr_assert_not_null(mkdtemp(dir));
    snprintf(map, sizeof map, "%s/bad.json", dir);
    FILE *fp = fopen(map, "w");
    cr_assert_not_null(fp);
    fprintf(fp,
            "{%s,\n %s,\n \"engaged\": {\"signal\": \"CruiseActive\", \"equals\": 1, "
            "\"above\": 0}}\n",
            INPUTS, OUTPUTS);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "%s --replay /dev/null --mapping %s 2>&1", DAEMON, map);
    int st = run(cmd, out, sizeof out);
    cr_expect_eq(st, 2, "%s", out);
    cr_expect(strstr(out, "bad.json: $.engaged: give exactly one of"), "%s", out);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

Test(engaged, ecosim_bus_refuses_a_bad_window)
{
    char out[1024];
    int st = run(ECOSIM " bus --iface vcan0 --cycle wltc_class3b --disengage 40,30 2>&1", out,
                 sizeof out);
    cr_expect_eq(st, 2, "%s", out);
    cr_expect(strstr(out, "--disengage 40,30: expected FROM,TO in s, 0 <= FROM < TO"), "%s", out);
}

/* A controller that counts its steps and resets and always gives a valid setpoint. */
typedef struct {
    eco_controller base;
    int steps, resets;
} counting_ctl;

static int count_step(eco_controller *c, const eco_observation *obs, const eco_preview *pv,
                      eco_setpoint *sp)
{
    (void)obs;
    (void)pv;
    memset(sp, 0, sizeof *sp);
    sp->valid = 1;
    ((counting_ctl *)c)->steps++;
    return ECO_OK;
}

static void count_reset(eco_controller *c)
{
    ((counting_ctl *)c)->resets++;
}

static void count_destroy(eco_controller *c)
{
    (void)c;
}

/* While not engaged the controller keeps stepping on the good inputs (its setpoint is not
 * sent), so engaging finds it warm: no reset, and the first engaged period is valid. */
Test(engaged, controller_stays_warm_while_not_engaged)
{
    eco_can_mapping m;
    eco_vehicle veh;
    cr_assert_eq(parse("{\"signal\": \"CruiseActive\", \"equals\": 1}", &m), ECO_OK);
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLE, MAPS, &veh), ECO_OK, "%s", eco_last_error());
    static counting_ctl ctl;
    ctl = (counting_ctl){{"count", count_step, count_reset, count_destroy, &veh, 0.1, 1}, 0, 0};
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, &m, &veh);
    eco_rt *rt;
    cr_assert_eq(eco_rt_create(&cfg, &ctl.base, &rt), ECO_OK);
    unsigned cm = 0, ce = 0, faults[21] = {0};
    for (int64_t t = 0; t <= 2000; t++) {
        eco_can_frame f, sp;
        if (t % 20 == 1 && (f = motion(12.5, 12.5, t >= 1000, cm++), 1))
            eco_rt_frame(rt, &f, t * MS);
        if (t % 10 == 1 && (f = engine(ce++), 1))
            eco_rt_frame(rt, &f, t * MS);
        if (t % 100 == 1)
            eco_rt_frame(rt, &battery, t * MS);
        if (t % 100 == 0 && t > 0) {
            faults[t / 100] = eco_rt_step(rt, t * MS, &sp);
            cr_expect_eq(sp.data[4] & 1, !faults[t / 100], "EcoValid at %lld ms", (long long)t);
        }
    }
    cr_expect_eq(faults[2], (unsigned)ECO_RT_FAULT_NOT_ENGAGED, "all fresh, cruise off");
    cr_expect_eq(faults[10], (unsigned)ECO_RT_FAULT_NOT_ENGAGED, "the frame at 981 ms: off");
    cr_expect_eq(faults[11], 0u, "engaged: valid at once");
    cr_expect_eq(ctl.steps, 20, "every step, engaged or not (all inputs fresh from 100 ms)");
    cr_expect_eq(ctl.resets, 2, "at create and before its first step, not at engaging");
    eco_rt_free(rt);
    eco_vehicle_free(&veh);
}
