/* Issue 11: CAN FD. The test DBC tests/data/ecodrive_fd.dbc (a 64-byte EcoVehicleMotion with
 * its signals in bytes 40..47 and 62..63, one of them Motorola, and a 16-byte EcoSetpoint):
 * frames encoded and checked byte by byte by hand, the E2E CRC by the bitwise SAE J1850
 * algorithm over all 63 other bytes, decoded back through the receive path and from a candump
 * "##" line; and the DBC errors an FD layout can have. */
#include "ecodrive/can.h"
#include "ecodrive/config.h"
#include "tmpfile_fixture.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#define FD_DBC  ECO_SOURCE_DIR "/tests/data/ecodrive_fd.dbc"
#define MAPPING ECO_SOURCE_DIR "/models/mappings/ecodrive.json"

static eco_can_db *db;

static int sig(const char *name)
{
    int s;
    cr_assert_eq(eco_can_db_signal_find(db, name, &s), ECO_OK, "%s", name);
    return s;
}

static int msg(const char *name)
{
    int m;
    cr_assert_eq(eco_can_db_message_find(db, name, &m), ECO_OK, "%s", name);
    return m;
}

/* CRC-8 SAE J1850 bit by bit: polynomial 0x1D, initial value 0xFF, final XOR 0xFF. */
static uint8_t crc8_j1850(const uint8_t *p, size_t n)
{
    uint8_t c = 0xFF;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (uint8_t)(c & 0x80 ? (c << 1) ^ 0x1D : c << 1);
    }
    return (uint8_t)(c ^ 0xFF);
}

static void load(void)
{
    cr_assert_eq(eco_can_db_load(FD_DBC, &db), ECO_OK, "%s", eco_last_error());
}

static void unload(void)
{
    eco_can_db_free(db);
}

TestSuite(can_fd, .init = load, .fini = unload);

Test(can_fd, the_dbc_marks_fd_messages)
{
    const eco_can_message *motion = &db->msgs[msg("EcoVehicleMotion")];
    cr_expect(motion->dlc == 64 && motion->fd, "64 bytes, VFrameFormat 14");
    cr_expect(db->msgs[msg("EcoSetpoint")].dlc == 16 && db->msgs[msg("EcoSetpoint")].fd);
    cr_expect(!db->msgs[msg("EcoEngine")].fd, "VFrameFormat 0: classic");
    cr_expect(!db->msgs[msg("EcoBattery")].fd, "the default: classic");
    eco_can_frame f = eco_can_message_frame(motion);
    cr_expect(f.id == 0x100 && f.dlc == 64 && f.flags == (ECO_CAN_FD | ECO_CAN_FD_BRS));
    f = eco_can_message_frame(&db->msgs[msg("EcoEngine")]);
    cr_expect(f.dlc == 8 && f.flags == 0);
}

Test(can_fd, signals_past_byte_8_by_hand)
{
    int m = msg("EcoVehicleMotion");
    eco_can_frame f = eco_can_message_frame(&db->msgs[m]);
    cr_assert_eq(eco_can_signal_encode(&db->signals[sig("VehicleSpeed")], 12.34, f.data), ECO_OK);
    cr_assert_eq(eco_can_signal_encode(&db->signals[sig("SetSpeed")], 20.0, f.data), ECO_OK);
    cr_assert_eq(eco_can_signal_encode(&db->signals[sig("RoadGrade")], -0.05, f.data), ECO_OK);
    cr_assert_eq(eco_can_signal_encode(&db->signals[sig("CruiseActive")], 1.0, f.data), ECO_OK);
    uint8_t want[64] = {0};
    want[40] = 0xD2, want[41] = 0x04; /* 1234, Intel: low byte first */
    want[42] = 0x07, want[43] = 0xD0; /* 2000, Motorola (start bit 343 = byte 42's MSB) */
    want[45] = 0x0C, want[46] = 0xFE; /* -500 in two's complement, Intel */
    want[62] = 0x10;                  /* bit 500 = byte 62, bit 4 */
    cr_expect_arr_eq(f.data, want, 64);

    uint8_t counter = 5;
    cr_assert_eq(eco_can_e2e_protect(db, m, f.data, &counter), ECO_OK);
    cr_expect_eq(f.data[62], 0x15, "counter 5 in the low nibble of byte 62, beside CruiseActive");
    uint8_t bytes[2 + 63] = {0x01, 0x0A}; /* data id 0x0A01, low byte first */
    memcpy(bytes + 2, f.data, 63);
    cr_expect_eq(f.data[63], crc8_j1850(bytes, sizeof bytes), "CRC over the id and bytes 0..62");

    /* the receive path decodes it; a flipped bit in byte 50, far from every signal, is a CRC
     * error */
    eco_can_rx *rx;
    cr_assert_eq(eco_can_rx_create(db, &rx), ECO_OK);
    cr_assert_eq(eco_can_rx_frame(rx, &f, 1000), ECO_OK);
    double v;
    cr_assert_eq(eco_can_rx_get(rx, sig("VehicleSpeed"), 2000, &v), ECO_OK);
    cr_expect(fabs(v - 12.34) < 1e-9, "%g", v);
    cr_assert_eq(eco_can_rx_get(rx, sig("SetSpeed"), 2000, &v), ECO_OK);
    cr_expect(fabs(v - 20.0) < 1e-9, "%g", v);
    cr_assert_eq(eco_can_rx_get(rx, sig("RoadGrade"), 2000, &v), ECO_OK);
    cr_expect(fabs(v + 0.05) < 1e-9, "%g", v);
    eco_can_frame bad = f;
    bad.data[50] ^= 0x01;
    bad.data[62] = (uint8_t)((bad.data[62] & 0xF0) | 6); /* the next counter */
    cr_expect_eq(eco_can_rx_frame(rx, &bad, 3000), ECO_ECRC);
    eco_can_frame shorty = f;
    shorty.dlc = 48;
    cr_expect_eq(eco_can_rx_frame(rx, &shorty, 4000), ECO_EINVAL, "48 of 64 bytes: short");
    eco_can_rx_free(rx);

    /* the same frame as candump -l writes it, and read back */
    eco_can_log_entry e = {.t_us = 1, .frame = f};
    strcpy(e.iface, "vcan0");
    char line[ECO_CAN_LOG_LINE_MAX];
    cr_assert_eq(eco_can_log_format(&e, line, sizeof line), ECO_OK);
    cr_expect(strstr(line, " 100##1"), "%s", line);
    cr_expect_eq(strlen(strstr(line, "##") + 3), 128 + 1, "64 bytes of hex and the newline");
    eco_can_log_entry back;
    cr_assert_eq(eco_can_log_parse_line(line, &back), ECO_OK);
    cr_expect_eq(memcmp(&back.frame, &f, sizeof f), 0);
}

Test(can_fd, a_signal_in_the_last_bytes)
{
    /* the CRC is byte 63: its window is bytes 56..63, the last 8 of the payload */
    const eco_can_signal *crc = &db->signals[sig("VehicleMotionCRC")];
    cr_expect_eq(crc->byte_offset, 56);
    uint8_t d[ECO_CAN_MAX_DLEN] = {0};
    cr_assert_eq(eco_can_signal_encode(crc, 0xAB, d), ECO_OK);
    cr_expect_eq(d[63], 0xAB);
    cr_expect_eq(eco_can_signal_get_raw(crc, d), 0xABu);
    d[63] = 0;
    for (int i = 0; i < 63; i++)
        cr_expect_eq(d[i], 0, "byte %d", i);
}

Test(can_fd, the_setpoint_goes_out_as_fd)
{
    eco_can_mapping map;
    cr_assert_eq(eco_cfg_mapping_load(MAPPING, db, &map), ECO_OK, "%s", eco_last_error());
    eco_can_setpoint sp = {.throttle = 0.25, .regen = 0.0, .valid = 1};
    uint8_t counter = 0;
    eco_can_frame f;
    cr_assert_eq(eco_can_mapping_encode_setpoint(&map, db, &sp, &counter, &f), ECO_OK);
    cr_expect(f.id == 0x200 && f.dlc == 16 && (f.flags & ECO_CAN_FD));
    cr_expect(f.data[0] == 0xC4 && f.data[1] == 0x09, "2500 = 25.00 %%");
    uint8_t bytes[2 + 15] = {0x10, 0x0A}; /* 0x0A10; the CRC is byte 7 of 16 */
    memcpy(bytes + 2, f.data, 7);
    memcpy(bytes + 9, f.data + 8, 8);
    cr_expect_eq(f.data[7], crc8_j1850(bytes, sizeof bytes));
}

static void expect_dbc_error(const char *text, const char *word)
{
    char path[256];
    write_tmp(path, "fd_dbc", text);
    eco_can_db *bad = NULL;
    cr_expect_neq(eco_can_db_load(path, &bad), ECO_OK, "%s", text);
    cr_expect(strstr(eco_last_error(), word), "'%s' not in '%s'", word, eco_last_error());
    eco_can_db_free(bad);
    unlink(path);
}

Test(can_fd, fd_layout_errors)
{
    expect_dbc_error("BO_ 1 M: 9 X\n", "DLC 9");
    expect_dbc_error("BO_ 1 M: 65 X\n", "DLC 65");
    expect_dbc_error("BO_ 1 M: 12 X\n SG_ A : 0|8@1+ (1,0) [0|255] \"\" X\n"
                     "BA_ \"VFrameFormat\" BO_ 1 0;\n",
                     "over 8 is CAN FD");
    expect_dbc_error("BO_ 1 M: 16 X\n SG_ A : 4|64@1+ (1,0) [0|1] \"\" X\n", "more than 8");
    expect_dbc_error("BO_ 1 M: 64 X\n SG_ A : 456|64@1+ (1,0) [0|1] \"\" X\n", "do not fit");
    expect_dbc_error("BO_ 1 M: 64 X\n SG_ A : 504|16@0+ (1,0) [0|1] \"\" X\n", "do not fit");
}
