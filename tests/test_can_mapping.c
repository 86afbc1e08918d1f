/* Mapping layer: both shipped DBCs, read through their mappings, give the same SI
 * observation from hand-worked frames; setpoint and status frames are encoded bit-exact;
 * bad mappings are refused with the name or the JSON path. */
#include "ecodrive/can.h"
#include "ecodrive/config.h"
#include "tmpfile_fixture.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DBC_DEFAULT  ECO_SOURCE_DIR "/models/ecodrive.dbc"
#define DBC_MOTOROLA ECO_SOURCE_DIR "/models/example_motorola.dbc"
#define MAP_DEFAULT  ECO_SOURCE_DIR "/models/mappings/ecodrive.json"
#define MAP_MOTOROLA ECO_SOURCE_DIR "/models/mappings/example_motorola.json"

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;
    cr_assert_not_null(fp, "%s", path);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = calloc(1, (size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    return buf;
}

/* text with the first occurrence of from replaced by to (which must occur). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    char *out;
    cr_assert_not_null(at, "'%s' not in the mapping", from);
    out = calloc(1, strlen(text) - strlen(from) + strlen(to) + 1);
    memcpy(out, text, (size_t)(at - text));
    strcat(out, to);
    strcat(out, at + strlen(from));
    return out;
}

typedef struct {
    eco_can_db *db;
    eco_can_mapping map;
    eco_can_rx *rx;
} setup;

static void load(setup *s, const char *dbc, const char *mapping)
{
    cr_assert_eq(eco_can_db_load(dbc, &s->db), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_cfg_mapping_load(mapping, s->db, &s->map), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_can_rx_create(s->db, &s->rx), ECO_OK);
    cr_assert_eq(eco_can_mapping_apply(&s->map, s->rx), ECO_OK);
}

static void unload(setup *s)
{
    eco_can_rx_free(s->rx);
    eco_can_db_free(s->db);
}

/* The same vehicle state in both layouts (frames worked out bit by bit in
 * test_can_codec.c and test_can_e2e.c): 20 m/s = 72 km/h, 2000 rpm (209.44 rad/s in
 * 0.02 rad/s steps), -100.5 Nm, pedal 40 %, brake 0, gear 4, SOC 65.5 %, 350.25 V,
 * -42.5 A, set speed 25 m/s = 90 km/h, grade -2 deg (-0.0349 rad in 0.0001 rad steps). */
static const eco_can_frame intel_frames[] = {
    {0x100, 8, {0xD0, 0x07, 0xC4, 0x09, 0xA3, 0xFE, 0x05, 0x7C}, 0},
    {0x101, 8, {0xE8, 0x28, 0x13, 0xFC, 0x64, 0x00, 0x35, 0x13}, 0},
    {0x102, 8, {0x96, 0x19, 0xD1, 0x88, 0xAE, 0xFC}, 0},
};
static const eco_can_frame motorola_frames[] = {
    {ECO_CAN_EFF_FLAG | 0x0CF004FEu, 8, {0xFC, 0xDF, 0x64, 0x3E, 0x80, 0xFF, 0xFF, 0xFF}, 0},
    {ECO_CAN_EFF_FLAG | 0x18FEF1FEu, 8, {0x48, 0x00, 0x5A, 0x00, 0x00, 0x00, 0x07, 0x1C}, 0},
    {0x3A0, 3, {0x81, 0xF3, 0x80}, 0},
    {ECO_CAN_EFF_FLAG | 0x18FF10F3u, 8, {0xA3, 0xDB, 0x5D, 0x79, 0xAE}, 0},
};
static const struct {
    double si, tol;
} want[ECO_CAN_IN_COUNT] = {
    {20.0, 1e-9},  {209.4395102, 0.011}, {-100.5, 1e-9},     {0.4, 1e-9},
    {0.0, 1e-12},  {4.0, 1e-12},         {0.655, 1e-9},      {350.25, 1e-9},
    {-42.5, 1e-9}, {25.0, 1e-9},         {-0.0349066, 1e-4},
};

Test(can_mapping, both_layouts_give_the_same_observation)
{
    setup a, b;
    const int64_t t = 5000000000;
    unsigned long allocs;
    size_t i;
    int f;

    load(&a, DBC_DEFAULT, MAP_DEFAULT);
    load(&b, DBC_MOTOROLA, MAP_MOTOROLA);
    for (i = 0; i < sizeof intel_frames / sizeof *intel_frames; i++)
        cr_assert_eq(eco_can_rx_frame(a.rx, &intel_frames[i], t), ECO_OK, "intel %zu", i);
    for (i = 0; i < sizeof motorola_frames / sizeof *motorola_frames; i++)
        cr_assert_eq(eco_can_rx_frame(b.rx, &motorola_frames[i], t), ECO_OK, "motorola %zu", i);
    allocs = eco_alloc_count();
    for (f = 0; f < ECO_CAN_IN_COUNT; f++) {
        double va, vb;
        cr_assert_eq(eco_can_mapping_read(&a.map, a.rx, f, t, &va, NULL), ECO_OK, "%s",
                     eco_can_in_field_name(f));
        cr_assert_eq(eco_can_mapping_read(&b.map, b.rx, f, t, &vb, NULL), ECO_OK, "%s",
                     eco_can_in_field_name(f));
        cr_assert_float_eq(va, want[f].si, want[f].tol, "intel %s = %.9g", eco_can_in_field_name(f),
                           va);
        cr_assert_float_eq(vb, want[f].si, want[f].tol, "motorola %s = %.9g",
                           eco_can_in_field_name(f), vb);
    }
    cr_assert_eq(eco_alloc_count(), allocs, "reading the observation allocates");
    unload(&a);
    unload(&b);
}

Test(can_mapping, unit_factors)
{
    setup b;
    load(&b, DBC_MOTOROLA, MAP_MOTOROLA);
    cr_assert_float_eq(b.map.in[ECO_CAN_IN_VEHICLE_SPEED_MPS].scale, 1.0 / 3.6, 1e-15);
    cr_assert_float_eq(b.map.in[ECO_CAN_IN_ENGINE_SPEED_RADPS].scale, M_PI / 30.0, 1e-15);
    cr_assert_float_eq(b.map.in[ECO_CAN_IN_ROAD_GRADE_RAD].scale, M_PI / 180.0, 1e-15);
    cr_assert_float_eq(b.map.in[ECO_CAN_IN_ACCEL_PEDAL].scale, 0.01, 1e-15);
    cr_assert_float_eq(b.map.status[ECO_CAN_ST_SOLVE_TIME_US].scale, 1000.0, 1e-12);
    cr_assert_eq(b.map.in[ECO_CAN_IN_BATTERY_SOC].cycle_ms, 100);
    cr_assert_str_eq(eco_can_in_field_name(ECO_CAN_IN_ROAD_GRADE_RAD), "road_grade_rad");
    cr_assert_str_eq(eco_can_out_field_name(ECO_CAN_OUT_CRC), "crc");
    cr_assert_str_eq(eco_can_status_field_name(ECO_CAN_ST_SOLVE_TIME_US), "solve_time_us");
    cr_assert_str_eq(eco_can_in_field_name(ECO_CAN_IN_COUNT), "?");
    unload(&b);
}

/* Field f of a frame received at t is fresh until t + timeout_ns and stale 1 ns later;
 * its age is the time since t either way. */
static void expect_stale_after(const setup *s, eco_can_in_field f, int64_t t, int64_t timeout_ns)
{
    double v;
    int64_t age;
    cr_expect_eq(eco_can_mapping_read(&s->map, s->rx, f, t + timeout_ns, &v, &age), ECO_OK,
                 "%s fresh", eco_can_in_field_name(f));
    cr_expect_eq(age, timeout_ns);
    cr_expect_eq(eco_can_mapping_read(&s->map, s->rx, f, t + timeout_ns + 1, &v, &age), ECO_ESTALE,
                 "%s stale", eco_can_in_field_name(f));
    cr_expect_eq(age, timeout_ns + 1, "the age goes on past the timeout");
}

Test(can_mapping, staleness_from_cycle_time_and_mapping_override)
{
    setup a, b;
    const int64_t t = 1000000000;
    double v;
    int64_t age;

    load(&a, DBC_DEFAULT, MAP_DEFAULT);
    cr_assert_eq(eco_can_rx_frame(a.rx, &intel_frames[1], t), ECO_OK);
    /* EcoEngine cycles at 10 ms (GenMsgCycleTime): stale after 30 ms */
    expect_stale_after(&a, ECO_CAN_IN_ENGINE_TORQUE_NM, t, 30000000);
    cr_expect_eq(eco_can_mapping_read(&a.map, a.rx, ECO_CAN_IN_BATTERY_SOC, t, &v, &age),
                 ECO_ESTALE, "never received");
    cr_expect_eq(age, INT64_MAX, "never received: no age");

    /* BMS_Status has no cycle time in the DBC; the mapping says 100 ms */
    load(&b, DBC_MOTOROLA, MAP_MOTOROLA);
    cr_assert_eq(eco_can_rx_frame(b.rx, &motorola_frames[3], t), ECO_OK);
    expect_stale_after(&b, ECO_CAN_IN_BATTERY_SOC, t, 300000000);
    unload(&a);
    unload(&b);
}

Test(can_mapping, out_of_range_input_is_reported)
{
    setup a;
    eco_can_frame f = intel_frames[2];
    double v;
    load(&a, DBC_DEFAULT, MAP_DEFAULT);
    /* BattSOC raw 2711 = 10001 = 100.01 % > 100 */
    f.data[0] = 0x11;
    f.data[1] = 0x27;
    cr_assert_eq(eco_can_rx_frame(a.rx, &f, 0), ECO_OK);
    cr_assert_eq(eco_can_mapping_read(&a.map, a.rx, ECO_CAN_IN_BATTERY_SOC, 0, &v, NULL),
                 ECO_ERANGE);
    cr_assert_float_eq(v, 1.0001, 1e-12, "unclamped");
    unload(&a);
}

Test(can_mapping, encode_setpoint_bit_exact)
{
    /* Intel: A6 0E E2 04 01 00 00 E8 (test_can_e2e.c). Motorola EcoCmd:
     * ThrottleReq 37.5 % = 375 = 01 0111 0111 at start 7: 0.7..0.0 <- 0101 1101 (5D),
     *   1.7..1.6 <- 11; RegenReq 12.5 % = 125 = 00 0111 1101 at start 13: 1.5..1.0 <-
     *   000111, 2.7..2.4 <- 1101; CmdValid at 2.3. byte 1 = 11 000111 = C7,
     *   byte 2 = 1101 1 000 = D8; counter 0 in 6.7..6.4; CRC 6B (test_can_e2e.c). */
    const uint8_t wi[8] = {0xA6, 0x0E, 0xE2, 0x04, 0x01, 0x00, 0x00, 0xE8};
    const uint8_t wm[8] = {0x5D, 0xC7, 0xD8, 0x00, 0x00, 0x00, 0x00, 0x6B};
    setup a, b;
    eco_can_frame f;
    uint8_t counter = 0;
    unsigned long allocs;
    int i;

    eco_can_setpoint sp = {0.375, 0.125, 1, ECO_CAN_ENGINE_NO_REQUEST, 0.0};

    load(&a, DBC_DEFAULT, MAP_DEFAULT);
    load(&b, DBC_MOTOROLA, MAP_MOTOROLA);
    allocs = eco_alloc_count();
    cr_assert_eq(eco_can_mapping_encode_setpoint(&a.map, a.db, &sp, &counter, &f), ECO_OK);
    cr_assert_eq(f.id, 0x200u);
    cr_assert_eq(f.dlc, 8);
    for (i = 0; i < 8; i++)
        cr_assert_eq(f.data[i], wi[i], "intel byte %d: %02X", i, f.data[i]);
    cr_assert_eq(counter, 1);
    counter = 0;
    /* the Motorola mapping has no engine outputs: a request is not on its bus */
    sp.engine_request = ECO_CAN_ENGINE_ON;
    sp.engine_power_w = 30000.0;
    cr_assert_eq(eco_can_mapping_encode_setpoint(&b.map, b.db, &sp, &counter, &f), ECO_OK);
    cr_assert_eq(f.id, ECO_CAN_EFF_FLAG | 0x18FF0A80u);
    for (i = 0; i < 8; i++)
        cr_assert_eq(f.data[i], wm[i], "motorola byte %d: %02X", i, f.data[i]);
    cr_assert_eq(eco_alloc_count(), allocs, "encoding allocates");

    /* out of range is refused, never clamped; the caller then sends an invalid frame */
    f.id = 0;
    const eco_can_setpoint bad[] = {
        {1.2, 0, 1, 0, 0.0},  {0, -0.1, 1, 0, 0.0}, {NAN, 0, 1, 0, 0.0}, {0, 0, 1, 2, 251e3},
        {0, 0, 1, 2, -100.0}, {0, 0, 1, 2, NAN},    {0, 0, 1, 3, 0.0},   {0, 0, 1, -1, 0.0},
    };
    const int bad_rc[] = {ECO_ERANGE, ECO_ERANGE, ECO_EINVAL, ECO_ERANGE,
                          ECO_ERANGE, ECO_EINVAL, ECO_EINVAL, ECO_EINVAL};
    for (i = 0; i < (int)(sizeof bad / sizeof *bad); i++)
        cr_assert_eq(eco_can_mapping_encode_setpoint(&a.map, a.db, &bad[i], &counter, &f),
                     bad_rc[i], "bad setpoint %d", i);
    cr_assert_eq(f.id, 0u, "no frame on error");
    cr_assert_eq(counter, 1, "no counter step on error");
    const eco_can_setpoint none = {0, 0, 0, 0, 0.0};
    cr_assert_eq(eco_can_mapping_encode_setpoint(&a.map, a.db, &none, &counter, &f), ECO_OK);
    cr_assert_eq(f.data[4], 0x00, "EcoValid = 0");
    unload(&a);
    unload(&b);
}

Test(can_mapping, hybrid_engine_request_bit_exact)
{
    /* EcoSetpoint with the hybrid fields, Intel. Throttle 37.5 % and regen 12.5 % give bytes
     * 0..3 = A6 0E E2 04 as above. Byte 4: bit 0 EcoValid = 1, bits 1..2 EcoEngineRequest,
     * bit 3 unused, bits 4..7 the low nibble of EcoEnginePower (12 bits from bit 36, 0.1 kW);
     * byte 5 its bits 4..11; byte 6 bits 0..3 EcoCounter.
     * Engine on at 23456 W: 234.56 rounds to raw 235 = 0x0EB = 0000 1110 1011. Request 2 =
     * 10 -> bit 2 set. Byte 4 = 1011 0 10 1 = B5, byte 5 = 0000 1110 = 0E; counter 3 -> 03.
     * CRC-8/SAE-J1850 over 10 0A (data id 0x0A10, low byte first) A6 0E E2 04 B5 0E 03 = CE
     * (the same routine gives 4B over "123456789", the catalogue check value).
     * Engine off (request 1 = 01 -> bit 1), power given but not sent, counter 4: byte 4 =
     * 0000 0 01 1 = 03, byte 5 = 00, byte 6 = 04; CRC over 10 0A A6 0E E2 04 03 00 04 = 9F. */
    const uint8_t won[8] = {0xA6, 0x0E, 0xE2, 0x04, 0xB5, 0x0E, 0x03, 0xCE};
    const uint8_t woff[8] = {0xA6, 0x0E, 0xE2, 0x04, 0x03, 0x00, 0x04, 0x9F};
    eco_can_setpoint sp = {0.375, 0.125, 1, ECO_CAN_ENGINE_ON, 23456.0}, rx;
    eco_can_frame f;
    uint8_t counter = 3;
    unsigned long allocs;
    setup a, b;
    int i;

    load(&a, DBC_DEFAULT, MAP_DEFAULT);
    cr_assert_geq(a.map.out[ECO_CAN_OUT_ENGINE_POWER_W].signal, 0);
    cr_assert_float_eq(a.map.out[ECO_CAN_OUT_ENGINE_POWER_W].scale, 1000.0, 1e-12, "kW");
    cr_assert_str_eq(eco_can_out_field_name(ECO_CAN_OUT_ENGINE_REQUEST), "engine_request");
    allocs = eco_alloc_count();
    cr_assert_eq(eco_can_mapping_encode_setpoint(&a.map, a.db, &sp, &counter, &f), ECO_OK);
    for (i = 0; i < 8; i++)
        cr_assert_eq(f.data[i], won[i], "engine on byte %d: %02X", i, f.data[i]);
    cr_assert_eq(counter, 4);
    cr_assert_eq(eco_can_mapping_decode_setpoint(&a.map, a.db, &f, &rx), ECO_OK);
    cr_assert_float_eq(rx.throttle, 0.375, 1e-12);
    cr_assert_float_eq(rx.regen, 0.125, 1e-12);
    cr_assert_eq(rx.valid, 1);
    cr_assert_eq(rx.engine_request, ECO_CAN_ENGINE_ON);
    cr_assert_float_eq(rx.engine_power_w, 23500.0, 1e-9, "0.1 kW steps");

    sp.engine_request = ECO_CAN_ENGINE_OFF;
    cr_assert_eq(eco_can_mapping_encode_setpoint(&a.map, a.db, &sp, &counter, &f), ECO_OK);
    for (i = 0; i < 8; i++)
        cr_assert_eq(f.data[i], woff[i], "engine off byte %d: %02X", i, f.data[i]);
    cr_assert_eq(eco_can_mapping_decode_setpoint(&a.map, a.db, &f, &rx), ECO_OK);
    cr_assert_eq(rx.engine_request, ECO_CAN_ENGINE_OFF);
    cr_assert_float_eq(rx.engine_power_w, 0.0, 0.0);
    cr_assert_eq(eco_alloc_count(), allocs, "encoding and decoding allocate");

    /* decoding refuses what a car must not act on */
    f.data[4] |= 0x06; /* request 3: outside [0|2] */
    cr_assert_eq(eco_can_mapping_decode_setpoint(&a.map, a.db, &f, &rx), ECO_ERANGE);
    f.dlc = 7;
    cr_assert_eq(eco_can_mapping_decode_setpoint(&a.map, a.db, &f, &rx), ECO_EINVAL);
    f.dlc = 8;
    f.id = 0x201;
    cr_assert_eq(eco_can_mapping_decode_setpoint(&a.map, a.db, &f, &rx), ECO_EINVAL);

    /* the Motorola example has no engine outputs: its setpoint reads as no request */
    load(&b, DBC_MOTOROLA, MAP_MOTOROLA);
    cr_assert_eq(b.map.out[ECO_CAN_OUT_ENGINE_REQUEST].signal, -1);
    sp.engine_request = ECO_CAN_ENGINE_ON;
    cr_assert_eq(eco_can_mapping_encode_setpoint(&b.map, b.db, &sp, &counter, &f), ECO_OK);
    cr_assert_eq(eco_can_mapping_decode_setpoint(&b.map, b.db, &f, &rx), ECO_OK);
    cr_assert_eq(rx.engine_request, ECO_CAN_ENGINE_NO_REQUEST);
    cr_assert_float_eq(rx.throttle, 0.375, 1e-12);
    unload(&a);
    unload(&b);
}

Test(can_mapping, encode_status_bit_exact)
{
    /* Intel EcoStatus: received 70000 mod 65536 = 4464 = 1170 -> 70 11; stale 5 in bits
     * 16..27 -> byte 2 = 05; rejected 3 in bits 28..39 -> byte 3 = 30; overruns 2 -> byte 5;
     * solve 1234.5 us rounds to 1235 = 04D3 -> D3 04.
     * Motorola AdvisorDiag: 11 70, 05, 03, 02, then DiagSolveTime in ms: 1.2345 ms / 0.01
     * rounds to 123 = 007B -> 00 7B. */
    const uint8_t wi[8] = {0x70, 0x11, 0x05, 0x30, 0x00, 0x02, 0xD3, 0x04};
    const uint8_t wm[8] = {0x11, 0x70, 0x05, 0x03, 0x02, 0x00, 0x7B, 0x00};
    eco_can_status st = {70000, 5, 3, 2, 1234.5};
    setup a, b;
    eco_can_frame f;
    int i;

    load(&a, DBC_DEFAULT, MAP_DEFAULT);
    load(&b, DBC_MOTOROLA, MAP_MOTOROLA);
    cr_assert_eq(eco_can_mapping_encode_status(&a.map, a.db, &st, &f), ECO_OK);
    cr_assert_eq(f.id, 0x201u);
    for (i = 0; i < 8; i++)
        cr_assert_eq(f.data[i], wi[i], "intel byte %d: %02X", i, f.data[i]);
    cr_assert_eq(eco_can_mapping_encode_status(&b.map, b.db, &st, &f), ECO_OK);
    cr_assert_eq(f.id, 0x7A0u);
    for (i = 0; i < 8; i++)
        cr_assert_eq(f.data[i], wm[i], "motorola byte %d: %02X", i, f.data[i]);
    st.solve_time_us = 1e9; /* saturates at 655.35 ms = FFFF */
    cr_assert_eq(eco_can_mapping_encode_status(&b.map, b.db, &st, &f), ECO_OK);
    cr_assert_eq(f.data[5], 0xFF);
    cr_assert_eq(f.data[6], 0xFF);
    unload(&a);
    unload(&b);
}

/* A change to the shipped default mapping, and what the error must say. */
static const struct {
    const char *from, *to;
    int rc;
    const char *w1, *w2;
} bad[] = {
    {"\"BattSOC\"", "\"BattSoc\"", ECO_ENOENT, "BattSoc", "inputs.battery_soc"},
    {"\"inputs\": {", "\"extra\": 1, \"inputs\": {", ECO_EPARSE, "extra", "unknown"},
    {"\"gear\": \"Gear\"", "\"gears\": \"Gear\"", ECO_EPARSE, "inputs.gears", "unknown key"},
    {"\"gear\": \"Gear\"", "\"gear\": {\"signal\": \"Gear\", \"sigal\": 1}", ECO_EPARSE,
     "inputs.gear.sigal", "unknown key"},
    {"\"throttle\": \"EcoThrottle\"",
     "\"throttle\": {\"signal\": \"EcoThrottle\", "
     "\"cycle_ms\": 10}",
     ECO_EPARSE, "outputs.throttle.cycle_ms", "unknown key"},
    {"\"brake_pedal\": \"BrakePedal\",", "", ECO_EINVAL, "inputs.brake_pedal", "missing"},
    {"\"vehicle_speed_mps\": \"VehicleSpeed\"", "\"vehicle_speed_mps\": \"EngineSpeed\"",
     ECO_EINVAL, "rad/s", "inputs.vehicle_speed_mps"},
    {"\"gear\": \"Gear\"", "\"gear\": {\"signal\": \"Gear\", \"scale\": \"x\"}", ECO_EPARSE,
     "inputs.gear.scale", "number"},
    {"\"valid\": \"EcoValid\"", "\"valid\": \"Gear\"", ECO_EINVAL, "outputs.valid", "EcoEngine"},
    {"\"counter\": \"EcoCounter\"", "\"counter\": \"EcoValid\"", ECO_EINVAL, "EcoValid", "E2E"},
    {"\"gear\": \"Gear\",", "\"gear\": \"Gear\", \"gear\": \"Gear\",", ECO_EPARSE, "inputs.gear",
     "twice"},
    {"\"regen\": \"EcoRegen\",", "\"regen\": \"EcoRegen\"", ECO_EPARSE, "m.json:", "JSON"},
    {"\"set_speed_mps\": \"SetSpeed\"", "\"set_speed_mps\": 25", ECO_EPARSE, "inputs.set_speed_mps",
     "signal name"},
    {"\"frames_stale\": \"EcoFramesStale\"", "\"frames_stale\": \"EcoSolveTime\"", ECO_EINVAL,
     "status.frames_stale", "us"},
    {"\"engine_request\": \"EcoEngineRequest\",", "", ECO_EINVAL, "outputs.engine_power_w",
     "engine_request"},
    {"\"engine_request\": \"EcoEngineRequest\"", "\"engine_request\": \"EcoThrottle\"", ECO_EINVAL,
     "outputs.engine_request", "EcoThrottle"},
    {"\"engine_power_w\": \"EcoEnginePower\"", "\"engine_power_w\": \"EcoValid\"", ECO_EINVAL,
     "outputs.engine_power_w", "W"},
    {"\"engine_power_w\": \"EcoEnginePower\"", "\"engine_power_w\": \"EcoEngine.EngineTorque\"",
     ECO_EINVAL, "outputs.engine_power_w", "W"},
};

Test(can_mapping, bad_mappings_refused_with_name_or_path)
{
    char *base = slurp(MAP_DEFAULT);
    eco_can_db *db;
    eco_can_mapping map;
    size_t i;

    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK);
    cr_assert_eq(eco_cfg_mapping_parse(base, "m.json", db, &map), ECO_OK, "%s", eco_last_error());
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *text = replace(base, bad[i].from, bad[i].to);
        int rc = eco_cfg_mapping_parse(text, "m.json", db, &map);
        cr_assert_eq(rc, bad[i].rc, "case %zu: rc %d: %s", i, rc, eco_last_error());
        cr_assert(strstr(eco_last_error(), bad[i].w1) && strstr(eco_last_error(), bad[i].w2),
                  "case %zu: '%s'/'%s' not in '%s'", i, bad[i].w1, bad[i].w2, eco_last_error());
        cr_assert(strncmp(eco_last_error(), "m.json", 6) == 0, "names the file");
        free(text);
    }
    cr_assert_eq(eco_cfg_mapping_parse("[]", "m.json", db, &map), ECO_EPARSE);
    cr_assert_eq(eco_cfg_mapping_parse("{\"inputs\": [], \"outputs\": {}}", "m.json", db, &map),
                 ECO_EPARSE);
    cr_assert(strstr(eco_last_error(), "inputs: expected an object"), "%s", eco_last_error());
    cr_assert_eq(eco_cfg_mapping_parse("{\"inputs\": {}}", "m.json", db, &map), ECO_EINVAL);
    cr_assert_eq(eco_cfg_mapping_load("nonexistent-dir/m.json", db, &map), ECO_ENOENT);
    free(base);
    eco_can_db_free(db);
}

Test(can_mapping, missing_signal_refused_from_file_with_its_name)
{
    char *base = slurp(MAP_DEFAULT), *text = replace(base, "\"EcoRegen\"", "\"EcoRegenTorque\"");
    char path[256];
    eco_can_db *db;
    eco_can_mapping map;

    write_tmp(path, "can_map", text);
    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK);
    cr_assert_eq(eco_cfg_mapping_load(path, db, &map), ECO_ENOENT);
    cr_assert(strstr(eco_last_error(), path), "%s", eco_last_error());
    cr_assert(strstr(eco_last_error(), "EcoRegenTorque"), "%s", eco_last_error());
    cr_assert(strstr(eco_last_error(), "outputs.regen"), "%s", eco_last_error());
    unlink(path);
    free(base);
    free(text);
    eco_can_db_free(db);
}

Test(can_mapping, optional_fields_and_explicit_scale)
{
    char *base = slurp(MAP_DEFAULT);
    char *t1 = replace(base, ",\n    \"road_grade_rad\": \"RoadGrade\"", "");
    char *t2 = replace(base, "\"engine_speed_radps\": \"EngineSpeed\"",
                       "\"engine_speed_radps\": {\"signal\": \"EngineSpeed\", \"scale\": 0.5, "
                       "\"cycle_ms\": 50}");
    char *mb = slurp(MAP_MOTOROLA);
    char *t3 = replace(mb, "{ \"signal\": \"HvSoc\", \"cycle_ms\": 100 }", "\"HvSoc\"");
    eco_can_db *db, *dbm;
    eco_can_mapping map;
    eco_can_rx *rx;
    double v;

    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK);
    cr_assert_eq(eco_cfg_mapping_parse(t1, "m.json", db, &map), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(map.in[ECO_CAN_IN_ROAD_GRADE_RAD].signal, -1);
    cr_assert_eq(eco_can_rx_create(db, &rx), ECO_OK);
    cr_assert_eq(eco_can_mapping_read(&map, rx, ECO_CAN_IN_ROAD_GRADE_RAD, 0, &v, NULL),
                 ECO_ENOENT);
    cr_assert_eq(eco_cfg_mapping_parse(t2, "m.json", db, &map), ECO_OK, "%s", eco_last_error());
    cr_assert_float_eq(map.in[ECO_CAN_IN_ENGINE_SPEED_RADPS].scale, 0.5, 0);
    cr_assert_eq(map.in[ECO_CAN_IN_ENGINE_SPEED_RADPS].cycle_ms, 50);

    /* an input without GenMsgCycleTime needs cycle_ms */
    cr_assert_eq(eco_can_db_load(DBC_MOTOROLA, &dbm), ECO_OK);
    cr_assert_eq(eco_cfg_mapping_parse(t3, "m.json", dbm, &map), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "inputs.battery_soc") &&
                  strstr(eco_last_error(), "BMS_Status") && strstr(eco_last_error(), "cycle_ms"),
              "%s", eco_last_error());
    eco_can_rx_free(rx);
    eco_can_db_free(db);
    eco_can_db_free(dbm);
    free(base);
    free(mb);
    free(t1);
    free(t2);
    free(t3);
}

/* Issue 14: mapping errors were written "outputs.valid: ..." or "top level: ...", without
 * the "$." of a JSON path. Every refusal of the table above but the JSON syntax error (which
 * gives a line) names its place as "FILE: $...". */
Test(can_mapping, every_error_carries_its_json_path)
{
    char *base = slurp(MAP_DEFAULT);
    eco_can_db *db;
    eco_can_mapping map;
    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *text = replace(base, bad[i].from, bad[i].to);
        cr_assert_neq(eco_cfg_mapping_parse(text, "m.json", db, &map), ECO_OK, "case %zu", i);
        if (bad[i].rc != ECO_EPARSE || strcmp(bad[i].w2, "JSON"))
            cr_expect(strncmp(eco_last_error(), "m.json: $", 9) == 0, "case %zu: '%s'", i,
                      eco_last_error());
        free(text);
    }
    static const struct {
        const char *json, *path;
    } more[] = {
        {"[]", "m.json: $: expected an object"},
        {"{\"inputs\": {}, \"colour\": 1}", "m.json: $.colour: unknown"},
        {"{\"inputs\": {}}", "m.json: $.outputs: missing"},
        {"{\"outputs\": {}}", "m.json: $.inputs: missing"},
        {"{\"comment\": 5, \"inputs\": {}, \"outputs\": {}}",
         "m.json: $.comment: expected a string"},
        {"{\"inputs\": [], \"outputs\": {}}", "m.json: $.inputs: expected an object"},
    };
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
        cr_assert_neq(eco_cfg_mapping_parse(more[i].json, "m.json", db, &map), ECO_OK);
        cr_expect(strncmp(eco_last_error(), more[i].path, strlen(more[i].path)) == 0,
                  "'%s' does not start '%s'", eco_last_error(), more[i].path);
    }
    free(base);
    eco_can_db_free(db);
}
