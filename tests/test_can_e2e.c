/* E2E: CRC-8 SAE J1850 against published check values, the CRC over data id + payload
 * on hand-laid frames, the rolling counter and its jump check. */
#include "ecodrive/can.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define DBC_DEFAULT  ECO_SOURCE_DIR "/models/ecodrive.dbc"
#define DBC_MOTOROLA ECO_SOURCE_DIR "/models/example_motorola.dbc"

/* Reference CRC, bit by bit from the definition: poly x^8+x^4+x^3+x^2+1 (0x1D), register
 * preset 0xFF, MSB first, result inverted. Independent of the table in e2e.c. */
static uint8_t crc_bitwise(const uint8_t *p, size_t n)
{
    unsigned c = 0xFF, i, b;
    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (b = 0; b < 8; b++)
            c = (c & 0x80) ? ((c << 1) ^ 0x1D) & 0xFF : (c << 1) & 0xFF;
    }
    return (uint8_t)(c ^ 0xFF);
}

Test(can_e2e, crc8_check_value)
{
    /* CRC-8/SAE-J1850 check value of "123456789" (CRC RevEng catalogue): 0x4B */
    cr_assert_eq(eco_can_crc8_j1850((const uint8_t *)"123456789", 9), 0x4B);
    cr_assert_eq(crc_bitwise((const uint8_t *)"123456789", 9), 0x4B);
}

Test(can_e2e, crc8_autosar_table)
{
    /* AUTOSAR "Specification of CRC Routines", 8-bit SAE J1850 CRC check values */
    static const struct {
        const char *hex;
        uint8_t crc;
    } v[] = {
        {"00000000", 0x59},           {"F20183", 0x37}, {"0FAA0055", 0x79}, {"00FF5511", 0xB8},
        {"332255AABBCCDDEEFF", 0xCB}, {"926B55", 0x8C}, {"FFFFFFFF", 0x74},
    };
    size_t i, j;
    for (i = 0; i < sizeof v / sizeof *v; i++) {
        uint8_t buf[16];
        size_t n = strlen(v[i].hex) / 2;
        for (j = 0; j < n; j++) {
            char h[3] = {v[i].hex[2 * j], v[i].hex[2 * j + 1], 0};
            buf[j] = (uint8_t)strtoul(h, NULL, 16);
        }
        cr_assert_eq(eco_can_crc8_j1850(buf, n), v[i].crc, "%s", v[i].hex);
    }
    cr_assert_eq(eco_can_crc8_j1850(NULL, 0), 0x00, "empty: 0xFF ^ 0xFF");
}

Test(can_e2e, crc8_table_matches_bitwise)
{
    uint8_t buf[64];
    unsigned i, n;
    for (i = 0; i < 256; i++) {
        buf[0] = (uint8_t)i;
        cr_assert_eq(eco_can_crc8_j1850(buf, 1), crc_bitwise(buf, 1), "byte %02X", i);
    }
    srand(7);
    for (n = 0; n < 200; n++) {
        size_t len = (size_t)(rand() % 64);
        for (i = 0; i < len; i++)
            buf[i] = (uint8_t)rand();
        cr_assert_eq(eco_can_crc8_j1850(buf, len), crc_bitwise(buf, len));
    }
}

Test(can_e2e, frame_crc_covers_data_id_then_payload_without_crc_byte)
{
    /* EcoVehicleMotion, data id 0x0A01, CRC in byte 7. The CRC runs over
     * 01 0A (data id, low byte first) D0 07 C4 09 A3 FE 05 (bytes 0..6) = 0x7C. */
    const uint8_t seq[] = {0x01, 0x0A, 0xD0, 0x07, 0xC4, 0x09, 0xA3, 0xFE, 0x05};
    uint8_t data[ECO_CAN_MAX_DLEN] = {0xD0, 0x07, 0xC4, 0x09, 0xA3, 0xFE, 0x05, 0x00};
    eco_can_db *db;
    int mi;

    cr_assert_eq(crc_bitwise(seq, sizeof seq), 0x7C);
    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_can_db_message_find(db, "EcoVehicleMotion", &mi), ECO_OK);
    cr_assert_eq(eco_can_e2e_crc(db, mi, data), 0x7C);
    data[7] = 0x55; /* the CRC byte itself is not covered */
    cr_assert_eq(eco_can_e2e_crc(db, mi, data), 0x7C);
    eco_can_db_free(db);
}

Test(can_e2e, motorola_frames_crc)
{
    /* CCVS, data id = low 16 bits of 0x18FEF1FE = F1FE, counter in 6.3..6.0, CRC byte 7:
     * CRC over FE F1 48 00 5A 00 00 00 07 = 0x1C.
     * EcoCmd, data id 0x1234 by attribute: CRC over 34 12 5D C7 D8 00 00 00 00 = 0x6B. */
    const uint8_t s1[] = {0xFE, 0xF1, 0x48, 0x00, 0x5A, 0x00, 0x00, 0x00, 0x07};
    const uint8_t s2[] = {0x34, 0x12, 0x5D, 0xC7, 0xD8, 0x00, 0x00, 0x00, 0x00};
    const uint8_t ccvs[ECO_CAN_MAX_DLEN] = {0x48, 0x00, 0x5A, 0x00, 0x00, 0x00, 0x07, 0x1C};
    const uint8_t cmd[ECO_CAN_MAX_DLEN] = {0x5D, 0xC7, 0xD8, 0x00, 0x00, 0x00, 0x00, 0x6B};
    eco_can_e2e_state st = {0, 0};
    eco_can_e2e_result res;
    eco_can_db *db;
    int mi;

    cr_assert_eq(crc_bitwise(s1, sizeof s1), 0x1C);
    cr_assert_eq(crc_bitwise(s2, sizeof s2), 0x6B);
    cr_assert_eq(eco_can_db_load(DBC_MOTOROLA, &db), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_can_db_message_find(db, "CCVS", &mi), ECO_OK);
    cr_assert_eq(eco_can_e2e_check(db, mi, ccvs, 1, &st, &res), ECO_OK);
    cr_assert_eq(st.last_counter, 7);
    cr_assert_eq(eco_can_db_message_find(db, "EcoCmd", &mi), ECO_OK);
    cr_assert_eq(eco_can_e2e_crc(db, mi, cmd), 0x6B);
    eco_can_db_free(db);
}

Test(can_e2e, protect_setpoint_and_counter_wrap)
{
    /* EcoSetpoint: throttle 37.5 % = 3750 = 0EA6 -> A6 0E, regen 12.5 % = 1250 = 04E2 ->
     * E2 04, valid 1 -> byte 4 = 01, counter 0 in 6.0..6.3, CRC over
     * 10 0A A6 0E E2 04 01 00 00 = 0xE8 in byte 7. */
    const uint8_t want[ECO_CAN_MAX_DLEN] = {0xA6, 0x0E, 0xE2, 0x04, 0x01, 0x00, 0x00, 0xE8};
    const uint8_t seq[] = {0x10, 0x0A, 0xA6, 0x0E, 0xE2, 0x04, 0x01, 0x00, 0x00};
    uint8_t data[ECO_CAN_MAX_DLEN] = {0xA6, 0x0E, 0xE2, 0x04, 0x01, 0x00, 0xF0, 0x00};
    eco_can_e2e_state st;
    eco_can_e2e_result res;
    eco_can_db *db;
    uint8_t counter = 0;
    int mi, i;

    cr_assert_eq(crc_bitwise(seq, sizeof seq), 0xE8);
    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK);
    cr_assert_eq(eco_can_db_message_find(db, "EcoSetpoint", &mi), ECO_OK);
    data[6] = 0x0F; /* a stale counter is overwritten */
    cr_assert_eq(eco_can_e2e_protect(db, mi, data, &counter), ECO_OK);
    for (i = 0; i < 8; i++)
        cr_assert_eq(data[i], want[i], "byte %d: %02X", i, data[i]);
    cr_assert_eq(counter, 1);

    /* 20 frames in sequence pass the receiver's check; 15 wraps to 0 */
    eco_can_e2e_reset(&st);
    counter = 13;
    for (i = 0; i < 20; i++) {
        cr_assert_eq(eco_can_e2e_protect(db, mi, data, &counter), ECO_OK);
        cr_assert_eq(eco_can_e2e_check(db, mi, data, 1, &st, &res), ECO_OK, "frame %d", i);
    }
    cr_assert_eq(counter, (13 + 20) % 16);
    eco_can_db_free(db);
}

Test(can_e2e, check_rejects_crc_repeat_and_jump)
{
    eco_can_db *db;
    eco_can_e2e_state st;
    eco_can_e2e_result res;
    uint8_t f[ECO_CAN_MAX_DLEN] = {0xD0, 0x07, 0xC4, 0x09, 0xA3, 0xFE, 0, 0};
    uint8_t counter = 4;
    int mi;

    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK);
    cr_assert_eq(eco_can_db_message_find(db, "EcoVehicleMotion", &mi), ECO_OK);
    eco_can_e2e_reset(&st);
    eco_can_e2e_protect(db, mi, f, &counter); /* counter 4 */
    cr_assert_eq(eco_can_e2e_check(db, mi, f, 1, &st, &res), ECO_OK);
    cr_assert_eq(res, ECO_CAN_E2E_OK);

    cr_assert_eq(eco_can_e2e_check(db, mi, f, 1, &st, &res), ECO_ECRC);
    cr_assert_eq(res, ECO_CAN_E2E_REPEATED);

    f[0] ^= 0x01; /* one flipped payload bit */
    cr_assert_eq(eco_can_e2e_check(db, mi, f, 1, &st, &res), ECO_ECRC);
    cr_assert_eq(res, ECO_CAN_E2E_BAD_CRC);
    f[0] ^= 0x01;
    f[7] ^= 0x80; /* a flipped CRC bit */
    cr_assert_eq(eco_can_e2e_check(db, mi, f, 1, &st, &res), ECO_ECRC);
    cr_assert_eq(res, ECO_CAN_E2E_BAD_CRC);
    cr_assert_eq(st.last_counter, 4, "bad frames leave the state alone");

    counter = 7; /* 4 -> 7 skips two frames */
    eco_can_e2e_protect(db, mi, f, &counter);
    cr_assert_eq(eco_can_e2e_check(db, mi, f, 1, &st, &res), ECO_ECRC);
    cr_assert_eq(res, ECO_CAN_E2E_JUMP);
    eco_can_e2e_protect(db, mi, f, &counter); /* 8: in sequence after the resync */
    cr_assert_eq(eco_can_e2e_check(db, mi, f, 1, &st, &res), ECO_OK);
    counter = 10; /* 8 -> 10 is allowed with max_delta 2 */
    eco_can_e2e_protect(db, mi, f, &counter);
    cr_assert_eq(eco_can_e2e_check(db, mi, f, 2, &st, &res), ECO_OK);

    cr_assert_eq(eco_can_db_message_find(db, "EcoBattery", &mi), ECO_OK);
    cr_assert_eq(eco_can_e2e_check(db, mi, f, 1, &st, &res), ECO_EINVAL, "no E2E declared");
    cr_assert_eq(eco_can_e2e_protect(db, mi, f, &counter), ECO_EINVAL);
    eco_can_db_free(db);
}

Test(can_e2e, rx_counts_e2e_rejects)
{
    eco_can_db *db;
    eco_can_rx *rx;
    eco_can_frame f = {0x100, 8, {0xD0, 0x07, 0xC4, 0x09, 0xA3, 0xFE, 0x05, 0x7C}, 0};
    int speed;
    double v;

    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK);
    cr_assert_eq(eco_can_rx_create(db, &rx), ECO_OK);
    cr_assert_eq(eco_can_db_signal_find(db, "VehicleSpeed", &speed), ECO_OK);
    cr_assert_eq(eco_can_rx_frame(rx, &f, 100), ECO_OK);
    cr_assert_eq(eco_can_rx_frame(rx, &f, 200), ECO_ECRC, "same counter again");
    f.data[0] = 0xD1; /* corrupted speed, CRC unchanged */
    f.data[6] = 0x06;
    cr_assert_eq(eco_can_rx_frame(rx, &f, 300), ECO_ECRC);
    cr_assert_eq(rx->stats.crc_errors, 1);
    cr_assert_eq(rx->stats.counter_errors, 1);
    cr_assert_eq(rx->stats.rejected, 2);
    cr_assert_eq(eco_can_rx_get(rx, speed, 300, &v), ECO_OK);
    cr_assert_float_eq(v, 20.0, 1e-9, "rejected frames do not reach the state");
    cr_assert_eq(rx->t_ns[speed], 100);
    eco_can_rx_free(rx);
    eco_can_db_free(db);
}

Test(can_e2e, rx_setters_for_the_counter_step_and_timeouts)
{
    eco_can_db *db;
    eco_can_rx *rx;
    int speed, mi;
    uint8_t counter = 0;
    double v;

    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK);
    cr_assert_eq(eco_can_rx_create(db, &rx), ECO_OK);
    cr_assert_eq(eco_can_db_signal_find(db, "VehicleSpeed", &speed), ECO_OK);
    cr_assert_eq(eco_can_db_message_find(db, "EcoVehicleMotion", &mi), ECO_OK);
    cr_expect_eq(eco_can_rx_set_e2e_max_delta(rx, 0), ECO_EINVAL);
    cr_expect_eq(eco_can_rx_set_e2e_max_delta(rx, 256), ECO_EINVAL);
    cr_assert_eq(eco_can_rx_set_e2e_max_delta(rx, 2), ECO_OK);
    eco_can_frame f = eco_can_message_frame(&db->msgs[mi]);
    eco_can_e2e_protect(db, mi, f.data, &counter); /* counter 0 */
    cr_assert_eq(eco_can_rx_frame(rx, &f, 100), ECO_OK);
    counter = 2; /* one frame lost: a step of 2 */
    eco_can_e2e_protect(db, mi, f.data, &counter);
    cr_expect_eq(eco_can_rx_frame(rx, &f, 200), ECO_OK, "max_delta 2 accepts a skipped value");

    /* EcoVehicleMotion cycles at 20 ms: 60 ms until set otherwise */
    cr_expect_eq(eco_can_rx_timeout_ns(rx, speed), 60000000);
    cr_assert_eq(eco_can_rx_set_timeout_ns(rx, speed, 1000), ECO_OK);
    cr_expect_eq(eco_can_rx_timeout_ns(rx, speed), 1000);
    cr_expect_eq(eco_can_rx_get(rx, speed, 1200, &v), ECO_OK);
    cr_expect_eq(eco_can_rx_get(rx, speed, 1201, &v), ECO_ESTALE);
    cr_expect_eq(eco_can_rx_age_ns(rx, speed, 1201), 1001);
    cr_expect_eq(eco_can_rx_set_timeout_ns(rx, speed, -1), ECO_EINVAL);
    cr_expect_eq(eco_can_rx_set_timeout_ns(rx, db->n_signals, 0), ECO_EINVAL);
    cr_expect_eq(eco_can_rx_timeout_ns(rx, -1), 0);
    eco_can_rx_free(rx);
    eco_can_db_free(db);
}
