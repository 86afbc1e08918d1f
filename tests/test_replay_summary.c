/* Issue 11: the replay summary, against a log written here whose content is known frame by
 * frame: the lines, the daemon's own output id (skipped), an unknown id, a corrupted CRC, a
 * 1 s battery dropout, and how many periods are valid and why the others are not. An empty
 * log is an error. */
#include "ecodrive/config.h"
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

static eco_can_db *db;
static eco_can_mapping map;
static eco_vehicle veh;
static uint8_t counter[3];

static void put(eco_can_frame *f, const char *sig, double v)
{
    int s;
    cr_assert_eq(eco_can_db_signal_find(db, sig, &s), ECO_OK, "%s", sig);
    cr_assert_eq(eco_can_signal_encode(&db->signals[s], v, f->data), ECO_OK, "%s", sig);
}

/* Input message i (EcoVehicleMotion, EcoEngine, EcoBattery) with steady values. */
static eco_can_frame input(int i)
{
    static const char *names[] = {"EcoVehicleMotion", "EcoEngine", "EcoBattery"};
    static const char *sigs[3][5] = {
        {"VehicleSpeed", "SetSpeed", "RoadGrade", "CruiseActive"},
        {"EngineSpeed", "EngineTorque", "AccelPedal", "BrakePedal", "Gear"},
        {"BattSOC", "BattVoltage", "BattCurrent"}};
    static const double vals[3][5] = {
        {10.0, 10.0, 0.0, 1.0}, {150.0, 60.0, 20.0, 0.0, 1.0}, {60.0, 201.6, 5.0}};
    int msg;
    cr_assert_eq(eco_can_db_message_find(db, names[i], &msg), ECO_OK);
    eco_can_frame f = {.id = db->msgs[msg].id, .dlc = db->msgs[msg].dlc};
    for (int k = 0; k < 5 && sigs[i][k]; k++)
        put(&f, sigs[i][k], vals[i][k]);
    if (db->msgs[msg].e2e_crc >= 0)
        eco_can_e2e_protect(db, msg, f.data, &counter[i]);
    return f;
}

static void line(FILE *fp, int64_t t_ms, eco_can_frame f, long *n)
{
    eco_can_log_entry e = {.t_us = 1700000000000000LL + t_ms * 1000, .frame = f};
    strcpy(e.iface, "vcan0");
    cr_assert_eq(eco_can_log_write(fp, &e), ECO_OK);
    ++*n;
}

/* 10 s at the DBC's rates (20, 10, 100 ms); EcoBattery missing over (3000, 4000) ms; one
 * EcoEngine frame with a flipped CRC bit at 6003 ms; an unknown id and one EcoSetpoint. */
static long write_log(const char *path)
{
    static const int period_ms[3] = {20, 10, 100};
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    long n = 0;
    int sp;
    cr_assert_eq(eco_can_db_message_find(db, "EcoSetpoint", &sp), ECO_OK);
    for (int64_t t = 0; t < 10000; t++) {
        for (int i = 0; i < 3; i++) {
            if (t % period_ms[i] != 3 || (i == 2 && t > 3000 && t < 4000))
                continue;
            eco_can_frame f = input(i);
            if (i == 1 && t == 6003)
                f.data[7] ^= 1;
            line(fp, t, f, &n);
        }
        if (t == 5000)
            line(fp, t, (eco_can_frame){.id = 0x7AB, .dlc = 2}, &n);
        if (t == 5500)
            line(fp, t, (eco_can_frame){.id = db->msgs[sp].id, .dlc = db->msgs[sp].dlc}, &n);
    }
    fclose(fp);
    return n;
}

Test(replay_summary, counts_what_the_log_holds)
{
    cr_assert_eq(eco_can_db_load(DBC, &db), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_cfg_mapping_load(MAPPING, db, &map), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLE, MAPS, &veh), ECO_OK, "%s", eco_last_error());
    char log[64];
    snprintf(log, sizeof log, "%s/eco_summary_XXXXXX", P_tmpdir);
    close(mkstemp(log));
    long lines = write_log(log);
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, &map, &veh);
    cfg.solve_budget_ns = 0;
    eco_rt *rt;
    cr_assert_eq(eco_rt_create(&cfg, eco_baseline_create(&veh, 0.1), &rt), ECO_OK);
    FILE *out = fopen("/dev/null", "w");
    eco_rt_replay_summary s = {0};
    eco_rt_replay_opts ro = {.summary = &s};
    cr_assert_eq(eco_rt_replay(rt, log, out, &ro), ECO_OK, "%s", eco_last_error());
    fclose(out);

    /* 500 + 1000 + 90 input frames, the unknown and the own one */
    cr_expect_eq(lines, 500 + 1000 + 90 + 2);
    cr_expect_eq(s.lines, (uint64_t)lines);
    const eco_can_rx_stats *rx = eco_rt_rx_stats(rt);
    cr_expect_eq(s.lines - rx->frames, 1u, "the EcoSetpoint line is skipped");
    cr_expect_eq(rx->unknown, 1u);
    cr_expect_eq(rx->crc_errors, 1u);
    /* a step every 100 ms from the first frame (3 ms) to the last (9993 ms) */
    cr_expect_eq(s.steps, 99u);
    uint64_t invalid = s.steps - s.valid;
    int soc = -1;
    for (int k = 0; k < ECO_CAN_IN_COUNT; k++)
        if (!strcmp(eco_can_in_field_name((eco_can_in_field)k), "battery_soc"))
            soc = k;
    cr_assert_geq(soc, 0);
    /* the dropout: stale from 100 ms after the last frame at 2903 ms (the 100 ms message's
     * timeout) until the frame at 4003 ms, i.e. 7 to 9 periods by the timeout's margin */
    cr_expect(s.invalid_by_fault[0] >= 7 && s.invalid_by_fault[0] <= 9, "stale %llu",
              (unsigned long long)s.invalid_by_fault[0]);
    cr_expect_eq(s.invalid_by_field[soc], s.invalid_by_fault[0], "each stale period is the SOC's");
    cr_expect_eq(s.invalid_by_fault[2], 1u, "the corrupted frame");
    cr_expect_eq(invalid, s.invalid_by_fault[0] + 1);

    char *text = NULL;
    size_t len;
    FILE *mem = open_memstream(&text, &len);
    eco_rt_replay_summary_print(rt, &s, "x.log", mem);
    fclose(mem);
    char want[128];
    snprintf(want, sizeof want, "setpoints: 99 periods, %llu valid (%.1f %%)",
             (unsigned long long)s.valid, 100.0 * (double)s.valid / 99.0);
    cr_expect(strstr(text, want), "'%s' not in:\n%s", want, text);
    cr_expect(strstr(text, "1 unknown ids") && strstr(text, "CRC 1"), "%s", text);
    cr_expect(strstr(text, "periods invalid first by input battery_soc"), "%s", text);
    free(text);
    eco_rt_free(rt);

    /* an empty log */
    FILE *e = fopen(log, "w");
    fclose(e);
    cr_assert_eq(eco_rt_create(&cfg, eco_baseline_create(&veh, 0.1), &rt), ECO_OK);
    out = fopen("/dev/null", "w");
    cr_expect_eq(eco_rt_replay(rt, log, out, NULL), ECO_EINVAL);
    cr_expect(strstr(eco_last_error(), "the log is empty"), "%s", eco_last_error());
    fclose(out);
    eco_rt_free(rt);
    unlink(log);
    eco_can_db_free(db);
}
