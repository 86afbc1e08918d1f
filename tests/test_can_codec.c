/* Signal pack/unpack against frames worked out by hand, bit by bit, for both byte orders,
 * and the receive state (staleness, rejects, no allocation per frame).
 *
 * Bit numbering used in the comments: byte k bit b (b = 7 is the MSB of the byte) is
 * "k.b". Intel (@1) signals count up from the start bit (the LSB) through k.0..k.7, then
 * (k+1).0. Motorola (@0) signals start at their MSB and run k.7 -> k.0 -> (k+1).7 (the
 * DBC "sawtooth" numbering: start bit = 8k + b of the MSB). */
#include "ecodrive/can.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define DBC_DEFAULT  ECO_SOURCE_DIR "/models/ecodrive.dbc"
#define DBC_MOTOROLA ECO_SOURCE_DIR "/models/example_motorola.dbc"

static eco_can_signal mk(unsigned start, unsigned len, int order, int is_signed, double factor,
                         double offset, double min, double max)
{
    eco_can_signal s;
    memset(&s, 0, sizeof s);
    s.name = "S";
    s.unit = s.comment = s.receivers = "";
    s.start_bit = (uint16_t)start;
    s.length_bits = (uint8_t)len;
    s.byte_order = (uint8_t)order;
    s.is_signed = (uint8_t)is_signed;
    s.factor = factor;
    s.offset = offset;
    s.min = min;
    s.max = max;
    s.has_range = !(min == 0.0 && max == 0.0);
    cr_assert_eq(eco_can_signal_init(&s, 8), ECO_OK, "%s", eco_last_error());
    return s;
}

static void assert_bytes(const uint8_t *got, const uint8_t *want, int n)
{
    int i;
    for (i = 0; i < n; i++)
        cr_assert_eq(got[i], want[i], "byte %d: got %02X, want %02X", i, got[i], want[i]);
}

/* Decode data to want, then encode want into a frame pre-filled with fill and expect
 * data back (with the fill in the bits the signal does not own). */
static void roundtrip(const eco_can_signal *s, const uint8_t data[ECO_CAN_MAX_DLEN], double want, double eps)
{
    double v;
    uint8_t out[ECO_CAN_MAX_DLEN];
    cr_assert_eq(eco_can_signal_decode(s, data, &v), ECO_OK);
    cr_assert_float_eq(v, want, eps);
    memset(out, 0, sizeof out);
    cr_assert_eq(eco_can_signal_encode(s, want, out), ECO_OK);
    assert_bytes(out, data, 8);
}

Test(can_codec, intel_unsigned_12_bits_across_bytes)
{
    /* start 4, 12 bits, raw 0xABC = 1010 1011 1100.
     * raw bits 3..0 (1100) -> 0.4..0.7: byte 0 = 1100 0000 = C0
     * raw bits 11..4 (1010 1011) -> 1.0..1.7: byte 1 = AB */
    eco_can_signal s = mk(4, 12, ECO_CAN_INTEL, 0, 1, 0, 0, 0);
    const uint8_t f[ECO_CAN_MAX_DLEN] = {0xC0, 0xAB};
    cr_assert_eq(eco_can_signal_get_raw(&s, f), 0xABCu);
    roundtrip(&s, f, 2748.0, 0);
}

Test(can_codec, intel_signed_factor_across_bytes)
{
    /* start 13, 10 bits signed, factor 0.5: -3.5 -> raw -7 -> 10-bit 1024-7 = 1017 =
     * 11 1111 1001. raw bits 0..2 (1,0,0) -> 1.5,1.6,1.7: byte 1 = 0010 0000 = 20;
     * raw bits 3..9 (all 1) -> 2.0..2.6: byte 2 = 0111 1111 = 7F */
    eco_can_signal s = mk(13, 10, ECO_CAN_INTEL, 1, 0.5, 0, -256, 255.5);
    const uint8_t f[ECO_CAN_MAX_DLEN] = {0x00, 0x20, 0x7F};
    cr_assert_eq(eco_can_signal_get_raw(&s, f), 1017u);
    cr_assert_eq(eco_can_signal_raw_int(&s, 1017u), -7);
    roundtrip(&s, f, -3.5, 0);
}

Test(can_codec, intel_sign_extension_and_offset)
{
    /* 4 bits at 0: raw 1111 is -1 signed, 15 unsigned */
    eco_can_signal sg = mk(0, 4, ECO_CAN_INTEL, 1, 1, 0, 0, 0);
    eco_can_signal us = mk(0, 4, ECO_CAN_INTEL, 0, 1, 0, 0, 0);
    /* 8 bits at 8 with offset -40: raw 00 -> -40, raw FF -> 215 */
    eco_can_signal t = mk(8, 8, ECO_CAN_INTEL, 0, 1, -40, -40, 215);
    const uint8_t f[ECO_CAN_MAX_DLEN] = {0x0F, 0xFF};
    const uint8_t z[ECO_CAN_MAX_DLEN] = {0};
    double v;
    cr_assert_eq(eco_can_signal_decode(&sg, f, &v), ECO_OK);
    cr_assert_float_eq(v, -1.0, 0);
    cr_assert_eq(eco_can_signal_decode(&us, f, &v), ECO_OK);
    cr_assert_float_eq(v, 15.0, 0);
    cr_assert_eq(eco_can_signal_decode(&t, f, &v), ECO_OK);
    cr_assert_float_eq(v, 215.0, 0);
    cr_assert_eq(eco_can_signal_decode(&t, z, &v), ECO_OK);
    cr_assert_float_eq(v, -40.0, 0);
}

Test(can_codec, motorola_signed_12_bits_mid_byte)
{
    /* EngTorqueAct: start 5 (MSB at 0.5), 12 bits signed, factor 0.5.
     * -100.5 Nm -> raw -201 -> 12-bit 4096-201 = 3895 = 0xF37 = 1111 0011 0111.
     * MSB first: 0.5..0.0 <- 111100, 1.7..1.2 <- 110111.
     * Other bits set to 1 (0.7, 0.6, 1.1, 1.0) to check they are left alone:
     * byte 0 = 11 111100 = FC, byte 1 = 110111 11 = DF */
    eco_can_signal s = mk(5, 12, ECO_CAN_MOTOROLA, 1, 0.5, 0, -1000, 1000);
    const uint8_t f[ECO_CAN_MAX_DLEN] = {0xFC, 0xDF, 0x00};
    uint8_t out[ECO_CAN_MAX_DLEN] = {0xC0, 0x03};
    double v;
    cr_assert_eq(eco_can_signal_get_raw(&s, f), 0xF37u);
    cr_assert_eq(eco_can_signal_decode(&s, f, &v), ECO_OK);
    cr_assert_float_eq(v, -100.5, 0);
    cr_assert_eq(eco_can_signal_encode(&s, -100.5, out), ECO_OK);
    assert_bytes(out, f, 8);
}

Test(can_codec, motorola_16_bits_aligned)
{
    /* EngSpeed: start 31 (MSB at 3.7), 16 bits, factor 0.125 rpm.
     * 2000 rpm -> raw 16000 = 0x3E80: byte 3 = 3E (MSB), byte 4 = 80 */
    eco_can_signal s = mk(31, 16, ECO_CAN_MOTOROLA, 0, 0.125, 0, 0, 8031.875);
    const uint8_t f[ECO_CAN_MAX_DLEN] = {0, 0, 0, 0x3E, 0x80};
    roundtrip(&s, f, 2000.0, 0);
}

Test(can_codec, motorola_10_and_14_bits_sharing_a_byte)
{
    /* HvSoc: start 7, 10 bits, 0.1 %. 65.5 % -> raw 655 = 10 1000 1111:
     *   0.7..0.0 <- 1010 0011 (A3), 1.7..1.6 <- 11.
     * HvVoltage: start 13 (1.5), 14 bits, 0.05 V. 350.25 V -> raw 7005 =
     *   01 1011 0101 1101: 1.5..1.0 <- 011011, 2.7..2.0 <- 0101 1101 (5D).
     * byte 1 = 11 011011 = DB */
    eco_can_signal soc = mk(7, 10, ECO_CAN_MOTOROLA, 0, 0.1, 0, 0, 100);
    eco_can_signal volt = mk(13, 14, ECO_CAN_MOTOROLA, 0, 0.05, 0, 0, 800);
    const uint8_t f[ECO_CAN_MAX_DLEN] = {0xA3, 0xDB, 0x5D};
    uint8_t out[ECO_CAN_MAX_DLEN] = {0};
    double v;
    cr_assert_eq(eco_can_signal_decode(&soc, f, &v), ECO_OK);
    cr_assert_float_eq(v, 65.5, 1e-9);
    cr_assert_eq(eco_can_signal_decode(&volt, f, &v), ECO_OK);
    cr_assert_float_eq(v, 350.25, 1e-9);
    cr_assert_eq(eco_can_signal_encode(&soc, 65.5, out), ECO_OK);
    cr_assert_eq(eco_can_signal_encode(&volt, 350.25, out), ECO_OK);
    assert_bytes(out, f, 8);
}

Test(can_codec, motorola_20_bits_over_three_bytes_and_one_bit)
{
    /* start 11 (1.3), 20 bits: raw 0xABCDE = 1010 1011 1100 1101 1110.
     * 1.3..1.0 <- 1010 (byte 1 = 0A), byte 2 <- BC, byte 3 <- DE */
    eco_can_signal s = mk(11, 20, ECO_CAN_MOTOROLA, 0, 1, 0, 0, 0);
    /* one bit at 2.3: byte 2 |= 0000 1000 */
    eco_can_signal b = mk(19, 1, ECO_CAN_MOTOROLA, 0, 1, 0, 0, 1);
    const uint8_t f[ECO_CAN_MAX_DLEN] = {0, 0x0A, 0xBC, 0xDE};
    uint8_t out[ECO_CAN_MAX_DLEN] = {0};
    cr_assert_eq(eco_can_signal_get_raw(&s, f), 0xABCDEu);
    roundtrip(&s, f, (double)0xABCDE, 0);
    cr_assert_eq(eco_can_signal_encode(&b, 1, out), ECO_OK);
    cr_assert_eq(out[2], 0x08);
}

Test(can_codec, sixty_four_bits_both_orders)
{
    /* raw 0x0123456789ABCDEF: Intel stores the LSB first, Motorola (start 7) the MSB */
    eco_can_signal in = mk(0, 64, ECO_CAN_INTEL, 0, 1, 0, 0, 0);
    eco_can_signal mo = mk(7, 64, ECO_CAN_MOTOROLA, 0, 1, 0, 0, 0);
    const uint8_t fi[ECO_CAN_MAX_DLEN] = {0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01};
    const uint8_t fm[ECO_CAN_MAX_DLEN] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF};
    uint8_t out[ECO_CAN_MAX_DLEN] = {0};
    cr_assert_eq(eco_can_signal_get_raw(&in, fi), 0x0123456789ABCDEFull);
    cr_assert_eq(eco_can_signal_get_raw(&mo, fm), 0x0123456789ABCDEFull);
    eco_can_signal_set_raw(&mo, 0x0123456789ABCDEFull, out);
    assert_bytes(out, fm, 8);
}

Test(can_codec, float_signals)
{
    /* IEEE single 1.5 = 0x3FC00000, Intel: 00 00 C0 3F; NaN 0x7FC00000 is rejected.
     * IEEE double -2.25 = 0xC002000000000000, Motorola start 7: C0 02 00 ... */
    eco_can_signal f32 = mk(0, 32, ECO_CAN_INTEL, 0, 1, 0, 0, 0);
    eco_can_signal f64;
    const uint8_t a[ECO_CAN_MAX_DLEN] = {0x00, 0x00, 0xC0, 0x3F};
    const uint8_t nan[ECO_CAN_MAX_DLEN] = {0x00, 0x00, 0xC0, 0x7F};
    const uint8_t d[ECO_CAN_MAX_DLEN] = {0xC0, 0x02};
    uint8_t out[ECO_CAN_MAX_DLEN] = {0};
    double v;

    f32.value_type = ECO_CAN_VT_FLOAT32;
    cr_assert_eq(eco_can_signal_decode(&f32, a, &v), ECO_OK);
    cr_assert_float_eq(v, 1.5, 0);
    cr_assert_eq(eco_can_signal_decode(&f32, nan, &v), ECO_EINVAL);
    cr_assert_eq(eco_can_signal_encode(&f32, 1.5, out), ECO_OK);
    assert_bytes(out, a, 8);

    f64 = mk(7, 64, ECO_CAN_MOTOROLA, 0, 1, 0, 0, 0);
    f64.value_type = ECO_CAN_VT_FLOAT64;
    cr_assert_eq(eco_can_signal_decode(&f64, d, &v), ECO_OK);
    cr_assert_float_eq(v, -2.25, 0);
    f32.length_bits = 16;
    cr_assert_eq(eco_can_signal_init(&f32, 8), ECO_EINVAL);
}

Test(can_codec, range_is_reported_never_clamped)
{
    eco_can_signal soc = mk(7, 10, ECO_CAN_MOTOROLA, 0, 0.1, 0, 0, 100);
    eco_can_signal u8 = mk(0, 8, ECO_CAN_INTEL, 0, 1, 0, 0, 0);
    eco_can_signal s8 = mk(0, 8, ECO_CAN_INTEL, 1, 1, 0, 0, 0);
    eco_can_signal half = mk(0, 8, ECO_CAN_INTEL, 0, 0.5, 0, 0, 0);
    const uint8_t f[ECO_CAN_MAX_DLEN] = {0xFF, 0xC0}; /* raw 1023 -> 102.3 % */
    uint8_t out[ECO_CAN_MAX_DLEN] = {0x11, 0x22};
    double v;

    cr_assert_eq(eco_can_signal_decode(&soc, f, &v), ECO_ERANGE);
    cr_assert_float_eq(v, 102.3, 1e-9, "value given unclamped");
    cr_assert_eq(eco_can_signal_encode(&soc, 100.05, out), ECO_ERANGE);
    cr_assert_eq(eco_can_signal_encode(&soc, -0.1, out), ECO_ERANGE);
    cr_assert_eq(eco_can_signal_encode(&u8, 256, out), ECO_ERANGE, "raw does not fit");
    cr_assert_eq(eco_can_signal_encode(&u8, -1, out), ECO_ERANGE);
    cr_assert_eq(eco_can_signal_encode(&s8, 128, out), ECO_ERANGE);
    cr_assert_eq(eco_can_signal_encode(&u8, NAN, out), ECO_EINVAL);
    cr_assert_eq(out[0], 0x11, "untouched after errors");
    cr_assert_eq(out[1], 0x22);
    cr_assert_eq(eco_can_signal_encode(&s8, -128, out), ECO_OK);
    cr_assert_eq(out[0], 0x80);
    cr_assert_eq(eco_can_signal_encode(&half, 0.74, out), ECO_OK); /* 1.48 rounds to 1 */
    cr_assert_eq(out[0], 0x01);
    cr_assert_eq(eco_can_signal_encode(&soc, 100.0, out), ECO_OK, "the bound itself is in");
}

Test(can_codec, layouts_that_do_not_fit)
{
    eco_can_signal s;
    memset(&s, 0, sizeof s);
    s.name = "S";
    s.factor = 1;
    s.byte_order = ECO_CAN_MOTOROLA;
    s.start_bit = 60; /* MSB at 7.4, 8 bits would need 7.4..7.0 and 3 bits past the frame */
    s.length_bits = 8;
    cr_assert_eq(eco_can_signal_init(&s, 8), ECO_EINVAL);
    s.length_bits = 5; /* 7.4..7.0 fits */
    cr_assert_eq(eco_can_signal_init(&s, 8), ECO_OK);
    cr_assert_eq(eco_can_signal_init(&s, 7), ECO_EINVAL, "byte 7 is past a 7-byte frame");
    s.byte_order = ECO_CAN_INTEL;
    s.length_bits = 8;
    cr_assert_eq(eco_can_signal_init(&s, 8), ECO_EINVAL);
    s.length_bits = 0;
    cr_assert_eq(eco_can_signal_init(&s, 8), ECO_EINVAL);
    s.start_bit = 0;
    s.length_bits = 65;
    cr_assert_eq(eco_can_signal_init(&s, 8), ECO_EINVAL);
}

/* The hand-worked input frames of ecodrive.dbc (Intel), also used by the E2E, mapping
 * and bench code. Motion: VehicleSpeed 20 m/s = raw 2000 = 07D0 -> D0 07; SetSpeed
 * 25 m/s = 2500 = 09C4 -> C4 09; RoadGrade -0.0349 rad = -349 = FEA3 -> A3 FE; counter 5
 * in 6.0..6.3; CRC in byte 7. */
static const eco_can_frame motion = {0x100, 8, {0xD0, 0x07, 0xC4, 0x09, 0xA3, 0xFE, 0x05, 0x7C}, 0};

Test(can_codec, default_dbc_frames)
{
    /* Engine: EngineSpeed 209.44 rad/s = 10472 = 28E8 -> E8 28; EngineTorque -100.5 Nm =
     * -1005 = FC13 -> 13 FC; AccelPedal 40 % = 100 = 64; BrakePedal 0; Gear 4 = raw 5
     * (offset -1) in 6.0..6.3, counter 3 in 6.4..6.7 -> 35; CRC 13.
     * Battery: BattSOC 65.5 % = 6550 = 1996 -> 96 19; BattVoltage 350.25 V = 35025 = 88D1
     * -> D1 88; BattCurrent -42.5 A = -850 = FCAE -> AE FC. */
    const eco_can_frame engine = {0x101, 8, {0xE8, 0x28, 0x13, 0xFC, 0x64, 0x00, 0x35, 0x13}, 0};
    const eco_can_frame batt = {0x102, 8, {0x96, 0x19, 0xD1, 0x88, 0xAE, 0xFC}, 0};
    const double want_motion[] = {20.0, 25.0, -0.0349, 5, 0 /* CruiseActive */, 0x7C};
    const double want_engine[] = {209.44, -100.5, 40.0, 0.0, 4, 3, 0x13};
    const double want_batt[] = {65.5, 350.25, -42.5};
    eco_can_frame shorter = batt;
    eco_can_db *db;
    double v[8];
    uint8_t st[ECO_CAN_MAX_DLEN];
    int mi, i;

    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_can_db_message_by_id(db, 0x100, &mi), ECO_OK);
    cr_assert_eq(eco_can_message_decode(db, mi, &motion, v, st), ECO_OK);
    for (i = 0; i < 6; i++) {
        cr_assert_eq(st[i], ECO_CAN_SIG_OK);
        cr_assert_float_eq(v[i], want_motion[i], 1e-9, "motion signal %d: %g", i, v[i]);
    }
    cr_assert_eq(eco_can_db_message_by_id(db, 0x101, &mi), ECO_OK);
    cr_assert_eq(eco_can_message_decode(db, mi, &engine, v, st), ECO_OK);
    for (i = 0; i < 7; i++)
        cr_assert_float_eq(v[i], want_engine[i], 1e-9, "engine signal %d: %g", i, v[i]);
    cr_assert_eq(eco_can_db_message_by_id(db, 0x102, &mi), ECO_OK);
    cr_assert_eq(eco_can_message_decode(db, mi, &batt, v, st), ECO_OK);
    for (i = 0; i < 3; i++)
        cr_assert_float_eq(v[i], want_batt[i], 1e-9, "battery signal %d: %g", i, v[i]);
    shorter.dlc = 7;
    cr_assert_eq(eco_can_message_decode(db, mi, &shorter, v, st), ECO_EINVAL);
    eco_can_db_free(db);
}

Test(can_codec, motorola_dbc_frames)
{
    /* Worked out in the tests above, signal by signal:
     * EEC1: FC DF 64 3E 80 FF FF FF -> -100.5 Nm, 40 %, 2000 rpm (unused bits all 1).
     * TransGear: CurrentGear 4 = raw 129 (offset -125) = 81; RoadSlope -2.00 deg = -200 =
     *   12-bit F38 = 1111 0011 1000: 1.7..1.0 <- F3, 2.7..2.4 <- 1000 -> 81 F3 80.
     * BMS_Status: A3 DB 5D (HvSoc, HvVoltage as above), HvCurrent -42.5 A =
     *   (-42.5 + 1600) / 0.05 = 31150 = 79AE -> 79 AE. */
    const eco_can_frame eec1 = {
        ECO_CAN_EFF_FLAG | 0x0CF004FEu, 8, {0xFC, 0xDF, 0x64, 0x3E, 0x80, 0xFF, 0xFF, 0xFF}, 0};
    const eco_can_frame gear = {0x3A0, 3, {0x81, 0xF3, 0x80}, 0};
    const eco_can_frame bms = {ECO_CAN_EFF_FLAG | 0x18FF10F3u, 8, {0xA3, 0xDB, 0x5D, 0x79, 0xAE}, 0};
    const double want_eec1[] = {-100.5, 40.0, 2000.0}, want_gear[] = {4.0, -2.0},
                 want_bms[] = {65.5, 350.25, -42.5};
    eco_can_db *db;
    double v[8];
    uint8_t st[ECO_CAN_MAX_DLEN];
    int mi, i;

    cr_assert_eq(eco_can_db_load(DBC_MOTOROLA, &db), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_can_db_message_by_id(db, eec1.id, &mi), ECO_OK);
    cr_assert_eq(eco_can_message_decode(db, mi, &eec1, v, st), ECO_OK);
    for (i = 0; i < 3; i++)
        cr_assert_float_eq(v[i], want_eec1[i], 1e-9, "EEC1 signal %d: %g", i, v[i]);
    cr_assert_eq(eco_can_db_message_by_id(db, gear.id, &mi), ECO_OK);
    cr_assert_eq(eco_can_message_decode(db, mi, &gear, v, st), ECO_OK);
    for (i = 0; i < 2; i++)
        cr_assert_float_eq(v[i], want_gear[i], 1e-9, "TransGear signal %d: %g", i, v[i]);
    cr_assert_eq(eco_can_db_message_by_id(db, bms.id, &mi), ECO_OK);
    cr_assert_eq(eco_can_message_decode(db, mi, &bms, v, st), ECO_OK);
    for (i = 0; i < 3; i++)
        cr_assert_float_eq(v[i], want_bms[i], 1e-9, "BMS signal %d: %g", i, v[i]);
    eco_can_db_free(db);
}

Test(can_codec, multiplexed_signals)
{
    static const char text[] = "BO_ 5 Mux: 4 X\n"
                               " SG_ Mode M : 0|2@1+ (1,0) [0|3] \"\" X\n"
                               " SG_ A m0 : 8|8@1+ (1,0) [0|0] \"\" X\n"
                               " SG_ B m1 : 8|16@1+ (1,0) [0|0] \"\" X\n";
    const eco_can_frame f0 = {5, 4, {0x00, 0x2A}, 0}, f1 = {5, 4, {0x01, 0x34, 0x12}, 0};
    eco_can_db *db;
    double v[3];
    uint8_t st[3];

    cr_assert_eq(eco_can_db_parse(text, strlen(text), "mux.dbc", &db), ECO_OK);
    cr_assert_eq(eco_can_message_decode(db, 0, &f0, v, st), ECO_OK);
    cr_assert_eq(st[1], ECO_CAN_SIG_OK);
    cr_assert_float_eq(v[1], 42.0, 0);
    cr_assert_eq(st[2], ECO_CAN_SIG_ABSENT);
    cr_assert_eq(eco_can_message_decode(db, 0, &f1, v, st), ECO_OK);
    cr_assert_eq(st[1], ECO_CAN_SIG_ABSENT);
    cr_assert_float_eq(v[2], (double)0x1234, 0);
    eco_can_db_free(db);
}

Test(can_codec, rx_staleness_rejects_and_no_allocation)
{
    const eco_can_frame batt = {0x102, 8, {0x96, 0x19, 0xD1, 0x88, 0xAE, 0xFC}, 0};
    eco_can_frame f;
    eco_can_db *db;
    eco_can_rx *rx;
    const int64_t t0 = 1000000000; /* 1 s */
    int soc, speed, k;
    unsigned long allocs;
    double v;

    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK);
    cr_assert_eq(eco_can_rx_create(db, &rx), ECO_OK);
    cr_assert_eq(eco_can_db_signal_find(db, "BattSOC", &soc), ECO_OK);
    cr_assert_eq(eco_can_db_signal_find(db, "VehicleSpeed", &speed), ECO_OK);
    cr_assert_eq(eco_can_rx_get(rx, soc, t0, &v), ECO_ESTALE, "never received");

    cr_assert_eq(eco_can_rx_frame(rx, &batt, t0), ECO_OK);
    /* EcoBattery cycles at 100 ms: stale when older than 300 ms */
    cr_assert_eq(eco_can_rx_get(rx, soc, t0 + 300000000, &v), ECO_OK);
    cr_assert_float_eq(v, 65.5, 1e-9);
    cr_assert_eq(eco_can_rx_get(rx, soc, t0 + 300000001, &v), ECO_ESTALE);
    cr_assert_float_eq(v, 65.5, 1e-9, "the last value is still given");
    cr_assert_eq(eco_can_rx_set_cycle_ms(rx, soc, 10), ECO_OK);
    cr_assert_eq(eco_can_rx_get(rx, soc, t0 + 30000001, &v), ECO_ESTALE);

    /* unknown id, remote frame, short frame */
    f = batt;
    f.id = 0x7FF;
    cr_assert_eq(eco_can_rx_frame(rx, &f, t0), ECO_ENOENT);
    f.id = 0x102 | ECO_CAN_RTR_FLAG;
    cr_assert_eq(eco_can_rx_frame(rx, &f, t0), ECO_ENOENT);
    f.id = 0x102;
    f.dlc = 6;
    cr_assert_eq(eco_can_rx_frame(rx, &f, t0), ECO_EINVAL);

    /* VehicleSpeed raw FFFF = 655.35 m/s: outside [0|90], accepted but flagged */
    f = motion;
    f.data[0] = f.data[1] = 0xFF;
    f.data[6] = 0x06; /* next counter after the frame below */
    cr_assert_eq(eco_can_rx_frame(rx, &motion, t0), ECO_OK);
    f.data[7] = eco_can_e2e_crc(db, db->signals[speed].msg, f.data);
    cr_assert_eq(eco_can_rx_frame(rx, &f, t0), ECO_OK);
    cr_assert_eq(eco_can_rx_get(rx, speed, t0, &v), ECO_ERANGE);
    cr_assert_float_eq(v, 655.35, 1e-9);

    cr_assert_eq(rx->stats.frames, 6);
    cr_assert_eq(rx->stats.accepted, 3);
    cr_assert_eq(rx->stats.unknown, 2);
    cr_assert_eq(rx->stats.short_frames, 1);
    cr_assert_eq(rx->stats.rejected, 1);
    cr_assert_eq(rx->stats.out_of_range, 1);

    allocs = eco_alloc_count();
    for (k = 0; k < 10000; k++) {
        eco_can_rx_frame(rx, &batt, t0 + k);
        eco_can_rx_get(rx, soc, t0 + k, &v);
    }
    cr_assert_eq(eco_alloc_count(), allocs, "the per-frame path allocates");
    eco_can_rx_reset(rx);
    cr_assert_eq(rx->stats.frames, 0);
    cr_assert_eq(eco_can_rx_get(rx, soc, t0, &v), ECO_ESTALE);
    eco_can_rx_free(rx);
    eco_can_db_free(db);
}

Test(can_codec, rx_rejects_nan_float)
{
    static const char text[] = "BO_ 9 F: 4 X\n SG_ Val : 0|32@1+ (1,0) [0|0] \"\" X\n"
                               "BA_ \"GenMsgCycleTime\" BO_ 9 10;\nSIG_VALTYPE_ 9 Val : 1;\n";
    const eco_can_frame nan = {9, 4, {0x00, 0x00, 0xC0, 0x7F}, 0}, ok = {9, 4, {0, 0, 0xC0, 0x3F}, 0};
    eco_can_db *db;
    eco_can_rx *rx;
    double v;

    cr_assert_eq(eco_can_db_parse(text, strlen(text), "f.dbc", &db), ECO_OK);
    cr_assert_eq(eco_can_rx_create(db, &rx), ECO_OK);
    cr_assert_eq(eco_can_rx_frame(rx, &nan, 0), ECO_EINVAL);
    cr_assert_eq(rx->stats.bad_values, 1);
    cr_assert_eq(eco_can_rx_get(rx, 0, 0, &v), ECO_ESTALE, "the NaN never arrived");
    cr_assert_eq(eco_can_rx_frame(rx, &ok, 0), ECO_OK);
    cr_assert_eq(eco_can_rx_get(rx, 0, 0, &v), ECO_OK);
    cr_assert_float_eq(v, 1.5, 0);
    eco_can_rx_free(rx);
    eco_can_db_free(db);
}
