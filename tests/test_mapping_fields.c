/* Issue 11: a mapping entry's object form beyond "signal", "scale" and "cycle_ms":
 * "offset" (SI = DBC value x scale + offset), "min"/"max" (the valid range in SI, replacing
 * the DBC's), "timeout_ms", "optional" and "constant". Read back from the parsed mapping,
 * then at run time through the receive state and eco_can_mapping_read, against values
 * worked out by hand; the core takes a mapping without battery signals or engine torque. */
#include "ecodrive/config.h"
#include "ecodrive/rt.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define DBC     ECO_SOURCE_DIR "/models/ecodrive.dbc"
#define VEHICLE ECO_SOURCE_DIR "/models/vehicles/vw_golf_1p5tsi_2020.json"
#define MAPS    ECO_SOURCE_DIR "/models/maps"
#define MS      1000000LL

#define OUTPUTS                                                                                    \
    "\"outputs\": {\"throttle\": \"EcoThrottle\", \"regen\": \"EcoRegen\", \"valid\": "            \
    "\"EcoValid\", \"counter\": \"EcoCounter\", \"crc\": \"EcoCRC\"}"

/* A conventional car's mapping: no battery, no torque signal (a constant 0), the speed with
 * an offset, its own range and a longer timeout. */
static const char conventional[] =
    "{\"inputs\": {"
    "\"vehicle_speed_mps\": {\"signal\": \"VehicleSpeed\", \"offset\": -0.5, \"min\": -1, "
    "\"max\": 100, \"timeout_ms\": 250},"
    "\"engine_speed_radps\": \"EngineSpeed\", \"engine_torque_nm\": {\"constant\": 0},"
    "\"accel_pedal\": \"AccelPedal\", \"brake_pedal\": \"BrakePedal\", \"gear\": \"Gear\","
    "\"battery_soc\": {\"optional\": true}, \"battery_voltage_v\": {\"optional\": true},"
    "\"battery_current_a\": {\"optional\": true}, \"set_speed_mps\": \"SetSpeed\"}, " OUTPUTS "}";

static eco_can_db *db;

static void load_db(void)
{
    cr_assert_eq(eco_can_db_load(DBC, &db), ECO_OK, "%s", eco_last_error());
}

static int field(const char *key)
{
    for (int f = 0; f < ECO_CAN_IN_COUNT; f++)
        if (!strcmp(eco_can_in_field_name((eco_can_in_field)f), key))
            return f;
    cr_assert_fail("no field %s", key);
    return -1;
}

Test(mapping_fields, parsed_as_written, .init = load_db)
{
    eco_can_mapping m;
    cr_assert_eq(eco_cfg_mapping_parse(conventional, "car.json", db, &m), ECO_OK, "%s",
                 eco_last_error());
    const eco_can_map_entry *v = &m.in[field("vehicle_speed_mps")];
    cr_expect_float_eq(v->offset, -0.5, 0);
    cr_expect_float_eq(v->scale, 1.0, 0, "m/s in the DBC");
    cr_expect(v->has_range && v->min_si == -1.0 && v->max_si == 100.0);
    cr_expect_eq(v->timeout_ms, 250);
    const eco_can_map_entry *t = &m.in[field("engine_torque_nm")];
    cr_expect(t->constant && t->constant_si == 0.0 && t->signal < 0);
    const eco_can_map_entry *soc = &m.in[field("battery_soc")];
    cr_expect(soc->optional && soc->signal < 0);
    eco_can_db_free(db);
}

/* DBC VehicleSpeed: 0.01 m/s per bit, [0|90], 20 ms cycle (default timeout 3 x 20 ms). */
Test(mapping_fields, read_with_offset_range_and_timeout, .init = load_db)
{
    eco_can_mapping m;
    cr_assert_eq(eco_cfg_mapping_parse(conventional, "car.json", db, &m), ECO_OK, "%s",
                 eco_last_error());
    eco_can_rx *rx;
    cr_assert_eq(eco_can_rx_create(db, &rx), ECO_OK);
    cr_assert_eq(eco_can_mapping_apply(&m, rx), ECO_OK);
    int msg, sig;
    cr_assert_eq(eco_can_db_message_find(db, "EcoVehicleMotion", &msg), ECO_OK);
    cr_assert_eq(eco_can_db_signal_find(db, "VehicleSpeed", &sig), ECO_OK);
    uint8_t counter = 0;
    const struct {
        double dbc, si;
        int rc;
    } cases[] = {
        {0.20, -0.30, ECO_OK},      /* at rest with the offset: below 0 yet valid */
        {95.0, 94.50, ECO_OK},      /* beyond the DBC's 90, within the mapping's 100 */
        {101.0, 100.50, ECO_ERANGE} /* beyond the mapping's 100 */
    };
    const eco_can_in_field vf = (eco_can_in_field)field("vehicle_speed_mps");
    for (size_t i = 0; i < 3; i++) {
        eco_can_frame f = {.id = db->msgs[msg].id, .dlc = db->msgs[msg].dlc};
        /* by the raw value: the encoder refuses values beyond the DBC range, as it should */
        eco_can_signal_set_raw(&db->signals[sig], (uint64_t)llround(cases[i].dbc / 0.01), f.data);
        eco_can_e2e_protect(db, msg, f.data, &counter);
        int64_t t0 = (int64_t)(i + 1) * 1000 * MS;
        cr_assert_eq(eco_can_rx_frame(rx, &f, t0), ECO_OK);
        double si;
        int64_t age;
        cr_expect_eq(eco_can_mapping_read(&m, rx, vf, t0 + 200 * MS, &si, &age), cases[i].rc,
                     "case %zu, 200 ms on: within timeout_ms 250 (the DBC's 60 ms has passed)", i);
        cr_expect_float_eq(si, cases[i].si, 1e-9, "case %zu", i);
        cr_expect_eq(age, 200 * MS);
        cr_expect_eq(eco_can_mapping_read(&m, rx, vf, t0 + 251 * MS, &si, NULL), ECO_ESTALE,
                     "case %zu: stale after 250 ms", i);
    }
    double torque = -1;
    int64_t age = -1;
    cr_expect_eq(eco_can_mapping_read(&m, rx, (eco_can_in_field)field("engine_torque_nm"),
                                      5000 * MS, &torque, &age),
                 ECO_OK);
    cr_expect(torque == 0.0 && age == 0, "a constant is always fresh");
    cr_expect_eq(eco_can_mapping_read(&m, rx, (eco_can_in_field)field("battery_soc"), 5000 * MS,
                                      &torque, NULL),
                 ECO_ENOENT);
    eco_can_rx_free(rx);

    /* the core accepts it: the battery inputs are optional, the torque a constant */
    eco_vehicle veh;
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLE, MAPS, &veh), ECO_OK, "%s", eco_last_error());
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, &m, &veh);
    eco_rt *rt;
    cr_expect_eq(eco_rt_create(&cfg, eco_baseline_create(&veh, 0.1), &rt), ECO_OK, "%s",
                 eco_last_error());
    eco_rt_free(rt);
    eco_can_db_free(db);
}

Test(mapping_fields, errors_name_the_path, .init = load_db)
{
    static const struct {
        const char *speed; /* the vehicle_speed_mps entry */
        const char *want;
    } cases[] = {
        {"{\"signal\": \"VehicleSpeed\", \"constant\": 1}",
         "$.inputs.vehicle_speed_mps.constant: a constant takes no signal"},
        {"{\"signal\": \"VehicleSpeed\", \"min\": 0}", "$.inputs.vehicle_speed_mps: give both"},
        {"{\"signal\": \"VehicleSpeed\", \"min\": 5, \"max\": 1}", "min 5 is above max 1"},
        {"{\"signal\": \"VehicleSpeed\", \"optional\": 1}",
         "$.inputs.vehicle_speed_mps.optional: expected true or false"},
        {"{\"signal\": \"VehicleSpeed\", \"timeout_ms\": 0}",
         "$.inputs.vehicle_speed_mps.timeout_ms: expected an integer"},
        {"{\"signal\": \"VehicleSpeed\", \"offset\": \"x\"}",
         "$.inputs.vehicle_speed_mps.offset: expected a number"},
        {"{\"scale\": 2}", "$.inputs.vehicle_speed_mps: no \"signal\""},
        {"{\"signal\": \"VehicleSpeed\", \"bogus\": 1}",
         "$.inputs.vehicle_speed_mps.bogus: unknown key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[2048];
        snprintf(
            json, sizeof json,
            "{\"inputs\": {\"vehicle_speed_mps\": %s, \"engine_speed_radps\": \"EngineSpeed\","
            "\"engine_torque_nm\": \"EngineTorque\", \"accel_pedal\": \"AccelPedal\","
            "\"brake_pedal\": \"BrakePedal\", \"gear\": \"Gear\", \"battery_soc\": \"BattSOC\","
            "\"battery_voltage_v\": \"BattVoltage\", \"battery_current_a\": \"BattCurrent\","
            "\"set_speed_mps\": \"SetSpeed\"}, " OUTPUTS "}",
            cases[i].speed);
        eco_can_mapping m;
        cr_expect_neq(eco_cfg_mapping_parse(json, "car.json", db, &m), ECO_OK, "case %zu", i);
        cr_expect(strstr(eco_last_error(), cases[i].want), "case %zu: want '%s' in '%s'", i,
                  cases[i].want, eco_last_error());
    }
    /* outputs take none of the input keys */
    eco_can_mapping m;
    char out_offset[2048];
    snprintf(out_offset, sizeof out_offset,
             "%.*s\"outputs\": {\"throttle\": {\"signal\": "
             "\"EcoThrottle\", \"offset\": 1}}}",
             (int)(strstr(conventional, "\"outputs\"") - conventional), conventional);
    cr_expect_neq(eco_cfg_mapping_parse(out_offset, "car.json", db, &m), ECO_OK);
    cr_expect(strstr(eco_last_error(), "$.outputs.throttle.offset: unknown key"), "%s",
              eco_last_error());
    eco_can_db_free(db);
}
